// mlship.yaml for the data commands: ./mlship.yaml when present, or --config FILE; an invalid file is printed with
// its lines and the command exits with 2.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../core/config/manifest';
import { UsageError, type CliIo } from './io';

export type ManifestLoad = { ok: true; manifest: Manifest | undefined; path: string | undefined } | { ok: false };

export async function loadCliManifest(io: CliIo, command: string, option: string | undefined): Promise<ManifestLoad> {
  const path = resolve(io.cwd, option ?? MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    if (option) {
      io.stderr(`mlship ${command}: cannot read ${option}.\n`);
      return { ok: false };
    }
    return { ok: true, manifest: undefined, path: undefined };
  }
  const result = parseManifest(text);
  if (!result.manifest) {
    for (const i of result.issues) io.stderr(`${relative(io.cwd, path)}:${i.line}:${i.column}: ${i.severity}: ${i.message}\n`);
    io.stderr(`mlship ${command}: fix mlship.yaml (see the errors above) and run again.\n`);
    return { ok: false };
  }
  return { ok: true, manifest: result.manifest, path };
}

/** Parses --row-limit. */
export function rowLimitOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--row-limit must be a whole number of rows (got "${value}").`);
  return n;
}
