// A scaffold plan on disk (the CLI and the tests; the editor applies plans as one WorkspaceEdit instead): what the
// workspace holds for planning, and writing a plan without ever overwriting a file — new files are created exclusively,
// and the flag file and mlship.yaml are written only if they still hold the text the plan was made from. When a write
// fails, the files created so far are removed again.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MANIFEST_FILE } from '../config/manifest';
import { flagFilePath, type PlannedChange, type ScaffoldPlan, type WorkspaceView } from './plan';

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** What a workspace folder holds for planning: mlship.yaml, the flag file it names, and what exists. */
export function readWorkspace(root: string): WorkspaceView {
  const manifestText = readOrNull(join(root, MANIFEST_FILE));
  const flagFileText = readOrNull(join(root, flagFilePath(manifestText)));
  return {
    manifestText,
    flagFileText,
    kind(path) {
      try {
        return statSync(join(root, path)).isDirectory() ? 'folder' : 'file';
      } catch {
        return undefined;
      }
    },
    text: (path) => readOrNull(join(root, path)),
  };
}

/** The plan's files, flag file and mlship.yaml written under `root`. Throws, with nothing left behind, on a conflict. */
export function writePlan(root: string, plan: ScaffoldPlan): string[] {
  const changes: PlannedChange[] = [plan.flagFile, plan.manifest];
  for (const c of changes) {
    const now = readOrNull(join(root, c.path));
    if (now !== c.before) throw new Error(`${c.path} changed since the scaffold was planned; nothing was written. Run it again.`);
  }
  for (const f of plan.files) if (existsSync(join(root, f.path))) throw new Error(`${f.path} exists; nothing was written (files are never overwritten).`);
  const created: string[] = [];
  const restore: { path: string; text: string }[] = [];
  try {
    for (const f of plan.files) {
      const path = join(root, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content, { flag: 'wx' });
      created.push(path);
    }
    for (const c of changes) {
      const path = join(root, c.path);
      mkdirSync(dirname(path), { recursive: true });
      if (c.before === null) {
        writeFileSync(path, c.after, { flag: 'wx' });
        created.push(path);
      } else {
        writeFileSync(path, c.after);
        restore.push({ path, text: c.before });
      }
    }
  } catch (err) {
    for (const p of created) rmSync(p, { force: true });
    for (const r of restore) writeFileSync(r.path, r.text);
    throw err;
  }
  return [...plan.files.map((f) => f.path), ...changes.map((c) => c.path)];
}
