// The model process seen from its parent (the extension host or the CLI): benchmarks and local deployments run in a
// forked process over typed IPC; cancelling stops it, a crash of the process is an error here and nothing more,
// stopping a deployment frees its port.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ModelProcessError, runBenchmarkInModelProcess, startLocalDeployment, type ModelProcessOptions } from '../../../src/core/inference/modelProcess';
import { isServeToParent, isParentToServe } from '../../../src/shared/serve';
import { portIsFree } from '../deployments/localServer';

const ROOT = resolve(__dirname, '..', '..', '..');
const PROCESS: ModelProcessOptions = { script: join(ROOT, 'src', 'serve', 'main.ts'), execArgv: ['--import', 'tsx'] };
const CREDIT = join(ROOT, 'test', 'fixtures', 'models', 'credit-risk-v2.onnx');
const TREES = join(ROOT, 'test', 'fixtures', 'models', 'churn-gbt.onnx');


describe('model process (forked over IPC)', () => {
  it('runs a latency benchmark and reports progress', async () => {
    const phases = new Set<string>();
    const result = await runBenchmarkInModelProcess(PROCESS, { modelPath: CREDIT, runs: 40, warmupRuns: 5 }, { onProgress: (_d, _t, phase) => phases.add(phase) });
    assert.equal(result.latency.count, 40);
    assert.equal(result.runtime.name, 'onnxruntime-node');
    assert.deepEqual([...phases].sort(), ['measure', 'warmup']);
  });

  it('forwards the process\'s output in whole lines, however it is cut into reads', async () => {
    // A process that writes a line in two parts (the second byte of "é" in the second) and a last line without its LF.
    const dir = mkdtempSync(join(tmpdir(), 'mlship-process-'));
    try {
      const script = join(dir, 'child.cjs');
      const bytes = Buffer.from('héllo world\nsecond line\r\nlast');
      writeFileSync(script, `const b = Buffer.from(${JSON.stringify([...bytes])}); process.stdout.write(b.subarray(0, 2)); setTimeout(() => process.stdout.write(b.subarray(2), () => process.exit(3)), 100);`);
      const lines: string[] = [];
      await assert.rejects(runBenchmarkInModelProcess({ script, onLog: (level, line) => lines.push(`${level} ${line}`) }, { modelPath: CREDIT, runs: 1 }));
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(lines, ['info héllo world', 'info second line', 'info last']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a model that cannot load as the InferenceError the process sent', async () => {
    await assert.rejects(runBenchmarkInModelProcess(PROCESS, { modelPath: join(ROOT, 'test', 'fixtures', 'onnx', 'truncated.onnx'), runs: 5 }), (err: Error) => {
      assert.equal(err.name, 'InferenceError');
      assert.match(err.message, /truncated\.onnx/);
      return true;
    });
  });

  it('cancels a running benchmark with an AbortError', async () => {
    const abort = new AbortController();
    const pending = runBenchmarkInModelProcess(PROCESS, { modelPath: TREES, runs: 200_000, warmupRuns: 0 }, { signal: abort.signal, onProgress: () => abort.abort() });
    await assert.rejects(pending, (err: Error) => err.name === 'AbortError');
  });

  it('survives the model process dying mid-benchmark (as a native crash would kill it)', async () => {
    let pid: number | undefined;
    const pending = runBenchmarkInModelProcess(
      { ...PROCESS, onLog: () => undefined },
      { modelPath: TREES, runs: 200_000, warmupRuns: 0 },
      {
        onProgress: () => {
          if (pid !== undefined) return;
          // The process reporting progress is our only child running a benchmark: find it and kill it hard.
          pid = findChildPid();
          if (pid !== undefined) process.kill(pid, 'SIGKILL');
        },
      },
    );
    await assert.rejects(pending, (err: Error) => {
      assert.ok(err instanceof ModelProcessError);
      assert.match(err.message, /was killed by SIGKILL before the benchmark finished/);
      return true;
    });
    assert.ok(pid !== undefined);
  });

  it('serves a model until stopped, then frees the port', async () => {
    const deployment = await startLocalDeployment(PROCESS, { modelPath: CREDIT, modelName: 'credit-risk', modelVersion: '2' });
    try {
      assert.match(deployment.endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const live = await fetch(`${deployment.endpoint.url}/v2/health/live`);
      assert.equal(live.status, 200);
      assert.equal(await portIsFree(deployment.endpoint.port), false);
    } finally {
      await deployment.stop();
    }
    assert.match(await deployment.exited, /exited with code 0/);
    assert.equal(await portIsFree(deployment.endpoint.port), true);
  });

  it('fails to start with the reason when the model cannot be served', async () => {
    await assert.rejects(startLocalDeployment(PROCESS, { modelPath: join(ROOT, 'no-such.onnx'), modelName: 'x', modelVersion: '1' }), /does not exist/);
  });

  it('validates IPC messages on both sides', () => {
    assert.equal(isParentToServe({ type: 'serve', options: { modelPath: 'm', modelName: 'n', modelVersion: '1' } }), true);
    assert.equal(isParentToServe({ type: 'serve', options: { modelPath: 'm' } }), false);
    assert.equal(isParentToServe({ type: 'benchmark', request: { modelPath: 'm', runs: '5' } }), false);
    assert.equal(isParentToServe({ type: 'launch' }), false);
    assert.equal(isServeToParent({ type: 'progress', done: 1, total: 2, phase: 'measure' }), true);
    assert.equal(isServeToParent({ type: 'progress', done: 1, total: 2, phase: 'other' }), false);
    assert.equal(isServeToParent({ type: 'listening', endpoint: { url: 'u', port: 1 } }), false);
    assert.equal(isServeToParent({ type: 'error', name: 'E', message: 'm' }), true);
    assert.equal(isServeToParent(null), false);
  });
});

/** The pid of this process's youngest child running src/serve/main.ts (Linux /proc). */
function findChildPid(): number | undefined {
  const mine = String(process.pid);
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === mine && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('main.ts');
      } catch {
        return false;
      }
    })
    .map(Number);
  return children.length > 0 ? Math.max(...children) : undefined;
}
