// `mlship drift <baseline> <current>`: data drift between two snapshots (the baseline may be a profile JSON from
// `mlship profile --out`), as text, Markdown, JSON or a self-contained HTML page; --fail-on-drift for CI.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { driftConfigFrom } from '../core/drift/config';
import { reportToHtml } from '../core/drift/html';
import { reportToJson, reportToMarkdown, reportToText } from '../core/drift/report';
import { driftBetween } from '../core/drift/run';
import { choice, parseOptions, UsageError, type CliIo, type Subcommand } from './io';
import { rowLimitOption } from './manifest';
import { readManifest } from './workspace';

const USAGE = `Usage: mlship drift <baseline> <current> [options]

Compares the current data with a baseline, column by column: Evidently's default methods (KS, chi-square or z-test
p-values up to 1,000 baseline rows; Wasserstein distance normed by the baseline std and Jensen–Shannon distance
above), exact up to the row limit and sketch estimates with their error bound beyond it. Files: .csv, .tsv, .jsonl,
.parquet; the baseline may also be a profile .json written by \`mlship profile --out\`. Settings come from drift: in
mlship.yaml.

Options:
  --format text|md|json|html   output format (default: text)
  --output FILE                write the report to FILE instead of standard output
  --fail-on-drift              exit with 1 when the dataset drifts (or the prediction column does)
  --mode evidently|effect-size effect-size uses distances only (no p-values)
  --row-limit N                rows per side up to which statistics are exact (default: 100000)
  --config FILE                the mlship.yaml to use (default: ./mlship.yaml when present)
  -h, --help                   show this help

Exit codes: 0 no dataset drift (or drift without --fail-on-drift); 1 dataset drift with --fail-on-drift; 2 usage or
configuration error, or nothing could be compared (a file that cannot be read or has no rows, no column in common, no
column both sides can compare; the report still lists why), or — with --fail-on-drift — too few rows on a side to
judge (fewer than drift.minRows, 100 by default; without the flag that is a warning).
`;

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, { values: ['--format', '--output', '--mode', '--row-limit', '--config'], flags: ['--fail-on-drift'], aliases: { '-o': '--output' } });
  const [baseline, current, ...extra] = parsed.positionals;
  if (!baseline || !current) throw new UsageError('Name the baseline and the current data.');
  if (extra.length) throw new UsageError(`Two inputs: a baseline and the current data (got ${parsed.positionals.length}).`);
  const format = choice(parsed, '--format', ['text', 'md', 'json', 'html'], 'text');
  const loaded = await readManifest(io, 'drift', parsed.values.get('--config'));
  if (!loaded.ok) return 2;
  const config = driftConfigFrom(loaded.manifest?.drift);
  const mode = parsed.values.get('--mode');
  if (mode !== undefined) config.mode = choice(parsed, '--mode', ['evidently', 'effect-size'], 'evidently');
  config.rowLimit = rowLimitOption(parsed.values.get('--row-limit')) ?? config.rowLimit;
  const report = await driftBetween(resolve(io.cwd, baseline), resolve(io.cwd, current), { config, ...(io.signal ? { signal: io.signal } : {}), ...(io.parallel ? { parallel: io.parallel } : {}) });
  const text = format === 'json' ? reportToJson(report) : format === 'md' ? reportToMarkdown(report) : format === 'html' ? reportToHtml(report) : reportToText(report);
  const output = parsed.values.get('--output');
  if (output) {
    await writeFile(resolve(io.cwd, output), text);
    io.stdout(`${report.summary.verdict}\nReport written to ${output}.\n`);
  } else io.stdout(text);
  // Nothing compared (a file unreadable or without rows, no column in common): a wrong input, not "no drift".
  const cannot = report.summary.cannotCompare?.message;
  if (cannot) {
    io.stderr(`mlship drift: ${cannot}\n`);
    if (format !== 'text' || output) for (const p of report.problems) io.stderr(`${p.file ?? p.side}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}\n`);
    return 2;
  }
  const failOnDrift = parsed.flags.has('--fail-on-drift');
  // Too few rows: the report shows its scores, but a gate cannot pass or fail on them.
  const few = report.summary.tooFewRows;
  if (few) {
    io.stderr(failOnDrift ? `mlship drift: cannot judge drift: ${few.message}\n` : `mlship drift: warning: too few rows to judge drift: ${few.message}\n`);
    if (failOnDrift) return 2;
  }
  const drifted = report.summary.datasetDrift || report.prediction?.status === 'drift';
  return failOnDrift && drifted ? 1 : 0;
}

export const drift: Subcommand = {
  summary: 'compare data with a baseline (data file or profile JSON): text, Markdown, JSON or HTML',
  usage: USAGE,
  run,
};
