// How folder and file names carry versions: `models/<name>/<version>/…` and `<dataset>-<date or version>.<ext>`.
import { namedVersion, withoutVersionPrefix } from '../../shared/versionNames';

export { isVersionName, namedVersion, shortVersion, versionNumber } from '../../shared/versionNames';

/**
 * How a model version is named to people, the same for every source: `version 2` for MLflow's 2 and for a folder's
 * 2, v2, 1.4.0 or 2025-10-01; a folder named otherwise as it is (`latest`). A model file whose name carries no version
 * is its model's only version, named by its file (`churn-gbt.onnx`).
 */
export function versionLabel(v: { version: string; modelId: string }): string {
  return isStandalone(v) ? v.version : namedVersion(v.version);
}

/** A model version in a sentence: `credit-risk version 2`; a standalone file by its model's name alone (`churn-gbt`). */
export function versionTitle(v: { modelName: string; version: string; modelId: string }): string {
  return isStandalone(v) ? v.modelName : `${v.modelName} ${versionLabel(v)}`;
}

/**
 * The model and version a file outside a registry stands for, the same wherever it is listed, served, scaffolded or
 * logged: `credit-risk-v2.onnx` is `credit-risk` version 2 (`named`: its name carries the version after a `-`, `_`, `.` or
 * `@`); `churn-gbt.onnx` is `churn-gbt`, version the ONNX header's model_version, else 1. A version run into the name
 * is the model's architecture, not a version of it: `yolov8.onnx` is `yolov8`.
 */
export function standaloneModel(file: string, headerVersion?: number): { name: string; version: string; named: boolean } {
  const stem = stemOf(file.split(/[\\/]/).pop() ?? file);
  const { base, version } = splitVersionedStem(stem);
  const fallback = headerVersion ? String(headerVersion) : '1';
  if (version === undefined) return { name: stem, version: fallback, named: false };
  // A file named by its version alone (`v2.onnx`) keeps its name, and the version it names.
  if (!base) return { name: stem, version: withoutVersionPrefix(version), named: false };
  const separated = /[-_.@]/.test(stem.charAt(stem.length - version.length - 1));
  return separated ? { name: base, version: withoutVersionPrefix(version), named: true } : { name: stem, version: fallback, named: false };
}

/** A version of a standalone model file (the catalog's ids of those start with `file:`), its model's only version. */
export function isStandalone(v: { modelId: string }): boolean {
  return v.modelId.startsWith('file:');
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
