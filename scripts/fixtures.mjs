// `npm run fixtures`: regenerates the demo workspace (samples/) and the unit-test fixtures
// (test/fixtures/) from scratch, deterministically, then verifies them.
//
//   1. /usr/bin/python3 scripts/fixtures/make_models.py  (models, MLflow store, formats, text data)
//      /usr/bin/python3 scripts/fixtures/make_serve_models.py  (test/fixtures/serve: datatypes and benchmark models)
//      /usr/bin/python3 scripts/fixtures/make_scaffold_models.py  (scaffold test models)
//   2. scripts/fixtures/make_data.mjs                     (Parquet via hyparquet-writer, DVC files)
//   3. scripts/fixtures/make_flagd_vectors.mjs           (flagd bucketing vectors from @openfeature/flagd-core)
//   4. /usr/bin/python3 scripts/fixtures/drift_reference.py (SciPy reference values for the drift statistics)
//   5. scripts/fixtures/verify.mjs                        (onnxruntime-node + hyparquet read-back)
//
// Options: --list prints every generated file with its size.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeData } from './fixtures/make_data.mjs';
import { makeFlagdVectors } from './fixtures/make_flagd_vectors.mjs';
import { verify } from './fixtures/verify.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

// Everything this script owns. samples/src and samples/mlship.yaml are NOT ours.
const OWNED = [
  'samples/mlruns',
  'samples/models',
  'samples/data',
  'samples/.dvc',
  'samples/dvc.yaml',
  'samples/dvc.lock',
  'test/fixtures/models',
  'test/fixtures/safetensors',
  'test/fixtures/gguf',
  'test/fixtures/onnx',
  'test/fixtures/mlflow',
  'test/fixtures/savedmodel',
  'test/fixtures/huggingface',
  'test/fixtures/pickle',
  'test/fixtures/data',
  'test/fixtures/dvc',
  'test/fixtures/flagd',
  'test/fixtures/serve',
  'test/fixtures/drift',
  'test/fixtures/scaffold',
];

function checkPython() {
  const probe = spawnSync(PYTHON, ['-c', 'import onnx, sklearn, numpy, pandas, yaml, scipy'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.error(
      `fixtures: ${PYTHON} cannot import onnx/sklearn/numpy/pandas/yaml/scipy.\n` +
        '  Install them with:  sudo apt-get install python3-onnx python3-sklearn python3-pandas python3-yaml python3-scipy\n' +
        (probe.stderr ? `  (${probe.stderr.trim().split('\n').pop()})\n` : ''),
    );
    process.exit(2);
  }
}

function walk(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function listOwned() {
  const files = [];
  for (const rel of OWNED) {
    const p = join(root, rel);
    try {
      if (statSync(p).isDirectory()) walk(p, files);
      else files.push(p);
    } catch {
      /* not generated */
    }
  }
  return files.sort().map((p) => ({ rel: relative(root, p), size: statSync(p).size }));
}

async function main() {
  checkPython();
  for (const rel of OWNED) rmSync(join(root, rel), { recursive: true, force: true });
  const work = mkdtempSync(join(tmpdir(), 'mlship-fixtures-'));
  try {
    console.log('fixtures: models, MLflow store and file formats (python)…');
    const py = spawnSync(PYTHON, ['-W', 'ignore', 'scripts/fixtures/make_models.py', '--root', root, '--work', work], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    if (py.status !== 0) {
      console.error(py.stdout);
      throw new Error(`make_models.py failed (exit ${py.status})`);
    }
    const serve = spawnSync(PYTHON, ['-W', 'ignore', 'scripts/fixtures/make_serve_models.py', '--root', root], { cwd: root, stdio: 'inherit' });
    if (serve.status !== 0) throw new Error(`make_serve_models.py failed (exit ${serve.status})`);
    const summary = JSON.parse(py.stdout);
    console.log(
      `  credit-risk auc v1=${summary.credit.v1.auc.toFixed(4)} v2=${summary.credit.v2.auc.toFixed(4)}; ` +
        `delivery-eta mae v1=${summary.delivery.v1.mae} v2=${summary.delivery.v2.mae}; ` +
        `churn auc=${summary.churn_auc.toFixed(4)} (tree export max err ${summary.tree_max_abs_err.toExponential(1)})`,
    );

    console.log('fixtures: Scaffold ML Feature models (python)…');
    const scaffold = spawnSync(PYTHON, ['-W', 'ignore', 'scripts/fixtures/make_scaffold_models.py', '--root', root], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (scaffold.status !== 0) throw new Error(`make_scaffold_models.py failed (exit ${scaffold.status})`);
    const tickets = JSON.parse(scaffold.stdout);
    console.log(`  ticket-priority accuracy v1=${tickets.tickets_v1} v2=${tickets.tickets_v2}; basket-value R² v1=${tickets.baskets_v1} v2=${tickets.baskets_v2}`);

    console.log('fixtures: parquet + DVC (node)…');
    const data = makeData({ root, work });

    console.log('fixtures: flagd vectors (node + scikit-learn)…');
    const flagd = makeFlagdVectors({ root });
    console.log(`  ${flagd.cases} cases, ${flagd.hashes} hashes, ${flagd.edges} edge keys`);
    console.log('fixtures: drift reference values (python, SciPy)…');
    mkdirSync(join(root, 'test/fixtures/drift'), { recursive: true });
    const ref = spawnSync(PYTHON, ['-W', 'ignore', 'scripts/fixtures/drift_reference.py', 'test/fixtures/drift/reference.json'], { cwd: root, stdio: 'inherit' });
    if (ref.status !== 0) throw new Error(`drift_reference.py failed (exit ${ref.status})`);

    console.log('fixtures: verifying…');
    const { failures, lines } = await verify({ root, expectRows: { oct: data.octParquet.rows, nov: data.novParquet.rows } });
    for (const l of lines) console.log('  ' + l);

    const files = listOwned();
    if (process.argv.includes('--list')) for (const f of files) console.log(`  ${String(f.size).padStart(8)}  ${f.rel}`);
    const total = (prefix) => files.filter((f) => f.rel.startsWith(prefix)).reduce((s, f) => s + f.size, 0);
    const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `fixtures: ${files.length} files; samples/ ${kb(total('samples/'))}, test/fixtures/ ${kb(total('test/fixtures/'))}`,
    );
    if (total('samples/') > 2 * 1024 * 1024) failures.push('samples/ is larger than 2 MiB');
    if (total('test/fixtures/') > 1024 * 1024) failures.push('test/fixtures/ is larger than 1 MiB');
    if (failures.length) {
      for (const f of failures) console.error('FAIL ' + f);
      process.exitCode = 1;
    } else {
      console.log('fixtures: all checks passed');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
