// How folder and file names carry versions: `models/<name>/<version>/…` and `<dataset>-<date or version>.<ext>`.

/** A folder name that is a version: 1, v2, 1.4.0, version-3, v2-rc1, 2025-10-01, 20251001. */
const VERSION_DIR = /^(?:v|version[-_]?)?\d+(?:[._-]\d+)*(?:[-+][0-9A-Za-z.]+)?$/i;

export function isVersionName(name: string): boolean {
  return VERSION_DIR.test(name);
}

/** Compares version-ish strings naturally: v10 > v9, 1.10 > 1.9, 2025-11 > 2025-10. */
export function compareVersions(a: string, b: string): number {
  const pa = a.match(/\d+|[^\d]+/g) ?? [];
  const pb = b.match(/\d+|[^\d]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Version/date token at the end of a file stem, e.g. applications-2025-10 → {base: applications, version: 2025-10}. */
const TRAILING_VERSION = /^(.*?)[-_.@]?((?:v|version[-_]?)\d+(?:[._]\d+)*|\d{4}[-_]?\d{2}(?:[-_]?\d{2})?(?:T\d{2}[-_:]?\d{2}(?:[-_:]?\d{2})?Z?)?|\d+(?:\.\d+)+)$/i;

export function splitVersionedStem(stem: string): { base: string; version?: string } {
  const m = TRAILING_VERSION.exec(stem);
  if (!m) return { base: stem };
  const base = (m[1] ?? '').replace(/[-_.@]+$/, '');
  const version = m[2];
  return version === undefined ? { base: stem } : { base, version };
}

/** File name without the data extension(s): `x.csv.gz` → `x`, `part.snappy.parquet` → `part`. */
export function stemOf(name: string): string {
  return name.replace(/(\.(gz|bz2|zst|xz|snappy))?(\.[^.]+)$/i, '').replace(/\.(snappy|gz)$/i, '');
}
