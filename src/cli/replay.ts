// `mlship replay <snapshot>` sends a data snapshot's rows to a deployment at a chosen rate — bounded in count and
// duration, optionally with shifted columns to rehearse drift — and posts feedback from its label column for a
// share of the requests after a delay.
import { resolve } from 'node:path';
import { DEFAULT_MIN_RECORDS } from '../core/deployments/driftSeries';
import { OipClient } from '../core/deployments/oip';
import { DEFAULT_REPLAY_REQUESTS, defaultReplaySeconds, describeShift, parseShift, replayMissingInputs, replaySnapshot, type ColumnShift } from '../core/deployments/replay';
import { readSnapshotRows } from '../core/formats/tabular';
import { dataFormatOf } from '../core/registry/catalog';
import { featureNamesOf, findModelVersion, labelColumnOf } from '../core/registry/resolve';
import { errorMessage } from '../core/util/concurrency';
import { parseOptions, shownPath, UsageError, type CliIo, type Subcommand } from './io';
import { discover, readManifest } from './workspace';

const USAGE = `Usage: mlship replay <snapshot> (--deployment NAME | --url URL --model NAME) [options]

Sends the rows of a data snapshot (CSV, TSV, JSONL, Parquet) to an Open Inference Protocol v2 deployment.

Options:
  --deployment NAME      a deployment of mlship.yaml (its inference url and model)
  --url URL --model NAME the server and model name instead
  --for REF              the model version served (e.g. models:/credit-risk@champion), for its feature order and
                         label column (default: the deployment's model)
  --rate N               requests per second (default 10)
  --count N              at most N requests (default ${DEFAULT_REPLAY_REQUESTS}: live drift is measured from ${DEFAULT_MIN_RECORDS} logged inputs)
  --duration S           and at most S seconds (default: the time --rate takes to send --count)
  --rows N               rows read from the snapshot, cycled through (default 5000)
  --shift SPEC[,SPEC…]   change columns to rehearse drift: income*1.3, age+10, age-5, region=north
  --label-column COL     the true outcome column (default: the model's target)
  --feedback-share X     post feedback for this share (0–1) of the requests (default 0)
  --feedback-delay S     seconds between a prediction and its feedback (default 2)
  --feature-names A,B,…  column order of the model's single 2-D input (default: from the model's metadata)
  --seed N               which requests get feedback (default 1)
  --config FILE          the mlship.yaml to use (default: ./mlship.yaml)
  -h, --help             show this help

Exit codes: 0 every request answered; 1 some failed; 2 usage error, unknown deployment or unreadable snapshot.
`;

function numberOption(value: string | undefined, name: string, fallback: number, check: (n: number) => boolean, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`${name} must be ${what} (got "${value}").`);
  return n;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, {
    values: ['--deployment', '--url', '--model', '--for', '--rate', '--count', '--duration', '--rows', '--shift', '--label-column', '--feedback-share', '--feedback-delay', '--feature-names', '--seed', '--config'],
  });
  const [snapshotArg, ...extra] = parsed.positionals;
  if (!snapshotArg) throw new UsageError('Which snapshot? Give the path of a CSV, TSV, JSONL or Parquet file.');
  if (extra.length > 0) throw new UsageError(`One snapshot at a time (got ${parsed.positionals.join(', ')}).`);
  const v = (k: string): string | undefined => parsed.values.get(k);
  const rate = numberOption(v('--rate'), '--rate', 10, (n) => n > 0, 'a number of requests per second above 0');
  const count = numberOption(v('--count'), '--count', DEFAULT_REPLAY_REQUESTS, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1');
  const duration = numberOption(v('--duration'), '--duration', defaultReplaySeconds(count, rate), (n) => n > 0, 'a number of seconds above 0');
  const rowLimit = numberOption(v('--rows'), '--rows', 5000, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1');
  const share = numberOption(v('--feedback-share'), '--feedback-share', 0, (n) => n >= 0 && n <= 1, 'between 0 and 1');
  const delay = numberOption(v('--feedback-delay'), '--feedback-delay', 2, (n) => n >= 0, 'a number of seconds ≥ 0');
  const seed = numberOption(v('--seed'), '--seed', 1, Number.isInteger, 'a whole number');
  let shifts: ColumnShift[] = [];
  try {
    shifts = (v('--shift') ?? '').split(',').filter((s) => s.trim() !== '').map(parseShift);
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }

  const read = await readManifest(io, 'replay', v('--config'));
  if (!read.ok) return read.code;
  let url = v('--url');
  let model = v('--model');
  let ref = v('--for');
  const name = v('--deployment');
  let token: string | undefined;
  if (name) {
    const d = read.manifest?.deployments?.find((x) => x.name === name);
    if (!d) throw new UsageError(`No deployment named "${name}" in mlship.yaml.`);
    if (!d.inference) throw new UsageError(`Deployment "${name}" has no inference url to send requests to.`);
    url ??= d.inference.url;
    model ??= d.inference.model ?? d.model?.replace(/^models:\//, '').split(/[@/]/)[0] ?? d.name;
    ref ??= d.model;
    token = process.env[`MLSHIP_TOKEN_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] ?? process.env.MLSHIP_TOKEN;
  }
  if (!url || !model) throw new UsageError('Say where to send the rows: --deployment NAME, or --url and --model.');

  let featureNames = v('--feature-names')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  // The label column is read only to post feedback: with none asked for, a snapshot without it replays all the same.
  let labelColumn = share > 0 ? v('--label-column') : undefined;
  if (ref && (!featureNames || (share > 0 && !labelColumn))) {
    const found = findModelVersion([await discover(read.root, read.manifest)], ref, io.cwd);
    if (!found) io.stderr(`mlship replay: model version "${ref}" is not in this workspace; give --feature-names${share > 0 ? ' and --label-column' : ''} if needed.\n`);
    else {
      featureNames ??= featureNamesOf(found.version);
      if (share > 0) labelColumn ??= labelColumnOf(found.version);
    }
  }

  const snapshot = resolve(io.cwd, snapshotArg);
  const format = dataFormatOf(snapshot);
  if (!format) {
    io.stderr(`mlship replay: ${snapshotArg} is not a CSV, TSV, JSONL or Parquet file.\n`);
    return 2;
  }
  let rows: Record<string, unknown>[];
  try {
    rows = await readSnapshotRows(snapshot, format, rowLimit);
  } catch (err) {
    io.stderr(`mlship replay: cannot read ${snapshotArg}: ${errorMessage(err)}\n`);
    return 2;
  }
  const client = new OipClient({ url, model }, { timeoutMs: 10_000, ...(token ? { token } : {}) });
  let metadata;
  try {
    metadata = await client.modelMetadata();
  } catch (err) {
    io.stderr(`mlship replay: ${errorMessage(err)}\n`);
    return 1;
  }
  const partial = replayMissingInputs(rows, featureNames);
  if (partial) io.stderr(`mlship replay: warning: ${partial}.\n`);
  io.stdout(`Replaying ${rows.length} rows of ${shownPath(io.cwd, snapshot)} to ${url} (${model}) at ${rate}/s, at most ${count} requests in ${duration} s${shifts.length ? `, shifted: ${shifts.map(describeShift).join(', ')}` : ''}${share > 0 ? `, feedback for ${Math.round(share * 100)} % after ${delay} s from "${labelColumn}"` : ''}.\n`);
  let lastPrint = 0;
  try {
    const summary = await replaySnapshot({
      client,
      metadata,
      rows,
      ...(featureNames ? { featureNames } : {}),
      rate,
      maxRequests: count,
      maxDurationMs: duration * 1000,
      shifts,
      ...(labelColumn ? { labelColumn } : {}),
      feedbackShare: share,
      feedbackDelayMs: delay * 1000,
      seed,
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: (p) => {
        if (p.elapsedMs - lastPrint < 2000) return;
        lastPrint = p.elapsedMs;
        io.stdout(`  ${(p.elapsedMs / 1000).toFixed(0)} s: sent ${p.sent}, answered ${p.ok}, failed ${p.failed}, feedback ${p.feedback}\n`);
      },
    });
    io.stdout(`Done (${summary.stoppedBy === 'count' ? 'request count reached' : summary.stoppedBy === 'duration' ? 'duration reached' : 'cancelled'}) in ${(summary.elapsedMs / 1000).toFixed(1)} s: sent ${summary.sent}, answered ${summary.ok}, failed ${summary.failed}, feedback ${summary.feedback}.\n`);
    if (summary.lastError) io.stderr(`Last error: ${summary.lastError}\n`);
    return summary.failed > 0 ? 1 : 0;
  } catch (err) {
    // The flags that change what was refused: which column feedback comes from, or none.
    // or the column order of the model's input.
    const message = errorMessage(err);
    const hint =
      share > 0 && /label column/.test(message)
        ? ' (--label-column COL, or --feedback-share 0)'
        : !featureNames && /do not fit the model's inputs/.test(message)
          ? ' (--for <model version>, e.g. models:/credit-risk@champion, reads them from the model; or --feature-names A,B,…)'
          : '';
    io.stderr(`mlship replay: ${shownPath(io.cwd, snapshot)}: ${message}${hint}\n`);
    return 2;
  }
}

export const replay: Subcommand = {
  summary: "send a data snapshot's rows to a deployment (rate, shifts, feedback)",
  usage: USAGE,
  run,
};
