// Discovery on a generated 10,000-file workspace vs a bare recursive directory walk of the same tree.
import { mkdir, mkdtemp, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { discoverCatalog } from '../src/core/registry/catalog';
import { median, type BenchFigure } from './figures';

const repo = resolve(__dirname, '..');

/** A realistic mono-repo: source folders, notebooks, a node_modules and a .venv, with models and data sprinkled in. */
export async function generateWorkspace(totalFiles = 10_000): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mlship-bench-ws-'));
  const onnx = join(repo, 'samples', 'models', 'churn-gbt.onnx');
  const csv = join(repo, 'samples', 'data', 'deliveries.csv');
  let written = 0;
  const put = async (rel: string, content: string | null, from?: string) => {
    const abs = join(root, rel);
    await mkdir(join(abs, '..'), { recursive: true });
    if (from) await copyFile(from, abs);
    else await writeFile(abs, content ?? '');
    written++;
  };
  // 100 models in versioned folders and 100 data snapshots.
  for (let m = 0; m < 20; m++) for (let v = 1; v <= 5; v++) await put(`models/model-${m}/v${v}/model.onnx`, null, onnx);
  for (let d = 0; d < 20; d++) for (let s = 1; s <= 5; s++) await put(`data/dataset-${d}/part-2025-0${s}.csv`, null, csv);
  // Dependencies and environments that discovery must skip (they still count in the tree's 10,000 files).
  for (let i = 0; i < 1500; i++) await put(`node_modules/pkg-${i % 150}/lib/file-${i}.js`, 'module.exports = 1;\n');
  for (let i = 0; i < 1000; i++) await put(`.venv/lib/python3.11/site-packages/pkg${i % 100}/mod${i}.py`, 'x = 1\n');
  await put('.venv/pyvenv.cfg', 'home = /usr/bin\n');
  // Source tree: nested folders of code, docs, configs.
  let i = 0;
  while (written < totalFiles) {
    const depth = i % 5;
    const dir = ['src', `pkg${i % 37}`, `mod${i % 11}`, `sub${i % 7}`, `leaf${i % 3}`].slice(0, depth + 1).join('/');
    const ext = ['.py', '.ts', '.md', '.json', '.yaml', '.txt'][i % 6];
    await put(`${dir}/file-${i}${ext}`, `# file ${i}\n`);
    i++;
  }
  return root;
}

async function bareWalk(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += await bareWalk(join(dir, e.name));
    else n++;
  }
  return n;
}

export async function runDiscoveryBench(repetitions = 7): Promise<BenchFigure[]> {
  const root = await generateWorkspace();
  try {
    const files = await bareWalk(root);
    const walkMs: number[] = [];
    const discoverMs: number[] = [];
    let found = '';
    for (let r = 0; r < repetitions; r++) {
      const order = r % 2 === 0 ? ['walk', 'discover'] : ['discover', 'walk'];
      for (const what of order) {
        const t = performance.now();
        if (what === 'walk') await bareWalk(root);
        else {
          const c = await discoverCatalog(root);
          found = `${c.models.length} models, ${c.datasets.reduce((n, d) => n + d.snapshots.length, 0)} snapshots`;
        }
        (what === 'walk' ? walkMs : discoverMs).push(performance.now() - t);
      }
    }
    const d = median(discoverMs);
    const w = median(walkMs);
    console.log(`  workspace: ${files} files; discovery found ${found}`);
    return [{ name: `discovery of a ${files}-file workspace (headers of 100 models, 100 snapshots)`, value: d, unit: 'ms', peer: { name: 'bare recursive readdir walk', value: w }, ratio: d / w }];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
