// `mlship serve <model|models:/name@alias> [--port N]` serves an ONNX model version over Open Inference Protocol v2
// REST on 127.0.0.1 in the model process (dist/serve.js, a child of this one), with /metrics and prediction and
// feedback logs, until Ctrl+C.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readOnnxMetadata } from '../core/formats/onnx';
import { localDeploymentConfig, manifestSnippet, servableFromOnnx, servableFromVersion, serveOptionsFor, type ServableModel } from '../core/deployments/local';
import { startLocalDeployment } from '../core/inference/modelProcess';
import { findModelVersion } from '../core/registry/resolve';
import { errorMessage } from '../core/util/concurrency';
import { parseOptions, shownPath, UsageError, type CliIo, type Subcommand } from './io';
import { modelProcessFor } from './modelProcess';
import { discover, readManifest } from './workspace';

const USAGE = `Usage: mlship serve <model> [options]

Serves an ONNX model version over Open Inference Protocol v2 REST on 127.0.0.1 until Ctrl+C, with Prometheus
metrics at /metrics, a prediction log and feedback capture (POST /v2/models/<name>/feedback).

<model> is a path (models/churn-gbt.onnx, models/delivery-eta/v2) or a registry reference
(models:/credit-risk@champion, models:/credit-risk/2, credit-risk@champion).

Options:
  --port N          port on 127.0.0.1 (default: a free one, printed)
  --name NAME       model name in URLs (default: the model's name)
  --log-dir DIR     where the prediction and feedback logs go (default: .mlship/logs)
  --no-log          keep no logs (feedback is then refused)
  --max-batch N     dynamic batching: requests that arrive while the model runs share its next run, up to N rows
                    (default 32); 1 turns it off
  --json            print the endpoint as one JSON line once listening
  --config FILE     the mlship.yaml to use (default: ./mlship.yaml when present)
  -h, --help        show this help

Exit codes: 0 stopped with Ctrl+C; 1 the server failed; 2 usage error or unknown model.
`;

async function resolveModel(io: CliIo, ref: string, config: string | undefined): Promise<ServableModel | string> {
  const read = await readManifest(io, 'serve', config);
  if (!read.ok) return 'invalid mlship.yaml';
  const abs = resolve(io.cwd, ref);
  const catalog = await discover(read.root, read.manifest);
  const found = findModelVersion([catalog], ref, io.cwd);
  if (found) {
    const s = servableFromVersion(found.version);
    return 'problem' in s ? s.problem : s;
  }
  if (existsSync(abs) && abs.toLowerCase().endsWith('.onnx')) {
    try {
      return servableFromOnnx(abs, await readOnnxMetadata(abs));
    } catch (err) {
      return `${shownPath(io.cwd, abs)}: ${errorMessage(err)}`;
    }
  }
  const known = catalog.models.flatMap((m) => m.versions.filter((v) => v.format === 'onnx' && !v.error).map((v) => v.reference));
  return `No ONNX model version "${ref}" in ${read.root}.${known.length > 0 ? ` Servable here: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}.` : ''}`;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, { values: ['--port', '--name', '--log-dir', '--config', '--max-batch'], flags: ['--no-log', '--json'] });
  const [ref, ...extra] = parsed.positionals;
  if (!ref) throw new UsageError('Which model? Give a path or a reference such as models:/credit-risk@champion.');
  if (extra.length > 0) throw new UsageError(`One model at a time (got ${parsed.positionals.join(', ')}).`);
  const portText = parsed.values.get('--port');
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got "${portText}").`);
  const maxBatchText = parsed.values.get('--max-batch');
  const maxBatch = maxBatchText === undefined ? undefined : Number(maxBatchText);
  if (maxBatch !== undefined && (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > 4096)) throw new UsageError(`--max-batch must be a whole number from 1 to 4096 (got "${maxBatchText}").`);
  const model = await resolveModel(io, ref, parsed.values.get('--config'));
  if (typeof model === 'string') {
    io.stderr(`mlship serve: ${model}\n`);
    return 2;
  }
  const name = parsed.values.get('--name') ?? model.name;
  const logDir = parsed.flags.has('--no-log') ? undefined : resolve(io.cwd, parsed.values.get('--log-dir') ?? join('.mlship', 'logs'));
  const options = serveOptionsFor({ ...model, name }, { port, ...(logDir ? { logDir } : {}), ...(maxBatch !== undefined ? { maxBatch } : {}) });
  let deployment;
  try {
    deployment = await startLocalDeployment(modelProcessFor(io), options);
  } catch (err) {
    io.stderr(`mlship serve: ${errorMessage(err)}\n`);
    return 1;
  }
  const e = deployment.endpoint;
  if (parsed.flags.has('--json')) io.stdout(`${JSON.stringify(e)}\n`);
  else {
    const rel = (p: string | undefined): string => (p ? shownPath(io.cwd, p) : 'off');
    io.stdout(
      [
        `Serving ${name === model.name ? model.title : `${model.title} as ${name}`} (${shownPath(io.cwd, model.modelFile)}) on ${e.url}`,
        `  infer:       POST ${e.url}/v2/models/${encodeURIComponent(name)}/infer`,
        `  metadata:    GET  ${e.url}/v2/models/${encodeURIComponent(name)}`,
        `  metrics:     GET  ${e.metricsUrl}`,
        `  predictions: ${rel(e.predictionLog)}`,
        `  feedback:    ${e.feedbackLog ? `POST ${e.url}/v2/models/${encodeURIComponent(name)}/feedback → ${rel(e.feedbackLog)}` : 'off'}`,
        `  batching:    ${e.maxBatch !== undefined && e.maxBatch > 1 ? `up to ${e.maxBatch} rows per run (--max-batch)` : 'off'}`,
        '',
        'Watch it in the Deployments view or with `mlship status` by adding to mlship.yaml:',
        '',
        manifestSnippet(localDeploymentConfig({ ...model, name }, { ...e, ...(e.predictionLog ? { predictionLog: rel(e.predictionLog) } : {}), ...(e.feedbackLog ? { feedbackLog: rel(e.feedbackLog) } : {}) })),
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
  }
  const stopped = new Promise<'signal'>((done) => {
    if (io.signal?.aborted) done('signal');
    io.signal?.addEventListener('abort', () => done('signal'), { once: true });
  });
  const how = await Promise.race([stopped, deployment.exited]);
  // Ctrl+C reaches the model process too (same process group); it then exits 0 by itself.
  if (how === 'signal' || how === 'exited with code 0') {
    await deployment.stop();
    io.stdout(`Stopped; port ${e.port} is free.\n`);
    return 0;
  }
  io.stderr(`mlship serve: the model process ${how}.\n`);
  return 1;
}

export const serve: Subcommand = {
  summary: 'serve an ONNX model over Open Inference Protocol v2 on 127.0.0.1',
  usage: USAGE,
  run,
};
