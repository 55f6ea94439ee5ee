// What the subcommands that work on a workspace share: reading mlship.yaml (its problems printed with their line,
// exit code 2 when it is unusable) and discovering the workspace's models and data.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../core/config/manifest';
import { discoverCatalog } from '../core/registry/catalog';
import type { Catalog } from '../core/registry/types';
import { shownPath, type CliIo } from './io';

export type ManifestRead = { ok: true; manifest?: Manifest; path: string; root: string } | { ok: false; code: 2 };

/** Reads `--config FILE` (required to exist) or ./mlship.yaml (optional). */
export async function readManifest(io: CliIo, command: string, config: string | undefined): Promise<ManifestRead> {
  const path = resolve(io.cwd, config ?? MANIFEST_FILE);
  const root = dirname(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    if (config) {
      io.stderr(`mlship ${command}: cannot read ${config}.\n`);
      return { ok: false, code: 2 };
    }
    return { ok: true, path, root };
  }
  const result = parseManifest(text);
  for (const i of result.issues) if (!result.manifest || i.severity === 'warning') io.stderr(`${shownPath(io.cwd, path)}:${i.line}:${i.column}: ${i.severity}: ${i.message}\n`);
  if (!result.manifest) {
    io.stderr(`mlship ${command}: fix ${shownPath(io.cwd, path)} (see the errors above) and run again.\n`);
    return { ok: false, code: 2 };
  }
  return { ok: true, manifest: result.manifest, path, root };
}

/** The models and data of the workspace at `root`, as the editor sees them. */
export function discover(root: string, manifest: Manifest | undefined): Promise<Catalog> {
  return discoverCatalog(root, manifest ? { manifest } : {});
}
