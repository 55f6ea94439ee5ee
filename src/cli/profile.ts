// `mlship profile <file> [--out profile.json]`: the column profile of a data file, as a summary or as profile JSON
// that `mlship drift` (and the editor) accept as a baseline in place of the data.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { driftConfigFrom, typeOverrides } from '../core/drift/config';
import { profileFile } from '../core/drift/profile';
import { profileToText } from '../core/drift/report';
import { groupDigits } from '../core/formats/randomAccess';
import { FormatError } from '../core/formats/types';
import { choice, parseOptions, UsageError, type CliIo, type Subcommand } from './io';
import { rowLimitOption } from './manifest';
import { readManifest } from './workspace';

const USAGE = `Usage: mlship profile <file> [options]

Profiles a CSV, TSV, JSON Lines or Parquet file in one pass: per column its type, count, missing values, min/max,
mean/std, quantiles (KLL sketch), a histogram, frequent values and a distinct count. Column types and the row limit
come from drift: in mlship.yaml.

Options:
  --out FILE             write the profile as JSON (schema 1); \`mlship drift\` accepts it as a baseline
  --format text|json     what to print when there is no --out (default: text)
  --row-limit N          keep every value up to N rows per column, for exact drift statistics (default: 100000)
  --config FILE          the mlship.yaml to use (default: ./mlship.yaml when present)
  -h, --help             show this help

Exit codes: 0 profiled (problems in the data are listed, not fatal); 2 usage, configuration or unreadable file.
`;

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, { values: ['--out', '--format', '--row-limit', '--config'], aliases: { '-o': '--out' } });
  const [file, ...extra] = parsed.positionals;
  if (!file) throw new UsageError('Name the data file to profile.');
  if (extra.length) throw new UsageError(`One file at a time (got ${parsed.positionals.length}).`);
  const format = choice(parsed, '--format', ['text', 'json'], 'text');
  const loaded = await readManifest(io, 'profile', parsed.values.get('--config'));
  if (!loaded.ok) return 2;
  const config = driftConfigFrom(loaded.manifest?.drift);
  const rowLimit = rowLimitOption(parsed.values.get('--row-limit')) ?? config.rowLimit;
  const path = resolve(io.cwd, file);
  let profile;
  try {
    profile = await profileFile(path, { options: { rowLimit }, types: typeOverrides(config), ...(io.signal ? { signal: io.signal } : {}), ...(io.parallel ? { parallel: io.parallel } : {}) });
  } catch (err) {
    if (err instanceof FormatError) {
      io.stderr(`mlship profile: ${file}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const out = parsed.values.get('--out');
  if (out) {
    await writeFile(resolve(io.cwd, out), JSON.stringify(profile) + '\n');
    io.stdout(`Profile of ${file} (${groupDigits(profile.rows)} rows, ${profile.columns.length} columns) written to ${out}.\n`);
    for (const p of profile.problems) io.stderr(`${file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}\n`);
  } else if (format === 'json') io.stdout(JSON.stringify(profile, null, 2) + '\n');
  else io.stdout(profileToText(profile));
  return 0;
}

export const profile: Subcommand = {
  summary: 'profile a data file (CSV, TSV, JSON Lines, Parquet); --out writes a reusable baseline',
  usage: USAGE,
  run,
};
