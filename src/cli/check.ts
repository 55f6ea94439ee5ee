// `mlship check [paths…] [--format text|json|sarif] [--fail-on warning|error|never] [--output FILE]` runs the editor's
// diagnostics over files and folders, with the settings of mlship.yaml.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeSource } from '../core/analysis/engine';
import { analyzeNotebook, notebookCodeCells } from '../core/analysis/notebook';
import { languageForPath, loadGrammars } from '../core/analysis/parser';
import { toJson, toSarif, toText, type CheckProblem, type FileFindings } from '../core/analysis/report';
import { walkWorkspace } from '../core/registry/walk';
import { analysisConfig } from '../core/analysis/settings';
import { VERSION } from '../shared/version';
import { choice, parseOptions, type CliIo, type Subcommand } from './io';
import { readManifest } from './workspace';

const USAGE = `Usage: mlship check [paths…] [options]

Reports predict calls with no fallback, no confidence handling, no timeout or no model-version trace, and unsafe
model loading, in Python, TypeScript, TSX, JavaScript files and Jupyter notebooks.

Options:
  --format text|json|sarif   output format (default: text)
  --fail-on warning|error|never
                             exit with 1 when a finding of this severity or worse is reported (default: warning)
  --output FILE              write the report to FILE instead of standard output
  --config FILE              the mlship.yaml to use (default: ./mlship.yaml when present)
  -h, --help                 show this help

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above --fail-on; 2 usage or configuration error.
`;

const RANK = { hint: 0, information: 1, warning: 2, error: 3 } as const;

type Format = 'text' | 'json' | 'sarif';
type FailOn = 'warning' | 'error' | 'never';

const SOURCE_EXT = /\.(py|pyi|ipynb|ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

async function collectFiles(cwd: string, paths: string[], exclude: string[]): Promise<{ files: string[]; problems: CheckProblem[] }> {
  const files = new Set<string>();
  const problems: CheckProblem[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let s;
    try {
      s = await stat(abs);
    } catch {
      problems.push({ path: p, message: 'No such file or folder.' });
      continue;
    }
    if (s.isFile()) {
      files.add(abs);
      continue;
    }
    const walked = await walkWorkspace(abs, { keepFile: (n) => SOURCE_EXT.test(n) && !n.endsWith('.d.ts'), exclude });
    for (const f of walked.files) files.add(join(abs, f.relPath));
    for (const e of walked.errors) problems.push({ path: join(p, e.relPath), message: e.message });
  }
  return { files: [...files].sort(), problems };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, { values: ['--format', '--fail-on', '--output', '--config'], aliases: { '-o': '--output' } });
  const opts = {
    paths: parsed.positionals.length > 0 ? parsed.positionals : ['.'],
    format: choice<Format>(parsed, '--format', ['text', 'json', 'sarif'], 'text'),
    failOn: choice<FailOn>(parsed, '--fail-on', ['warning', 'error', 'never'], 'warning'),
    output: parsed.values.get('--output'),
    config: parsed.values.get('--config'),
  };
  const read = await readManifest(io, 'check', opts.config);
  if (!read.ok) return read.code;
  const manifest = read.manifest;
  const config = analysisConfig(manifest, undefined);
  await loadGrammars();
  const { files, problems } = await collectFiles(io.cwd, opts.paths, [...(manifest?.exclude ?? []), ...(manifest?.analysis?.exclude ?? [])]);
  const results: FileFindings[] = [];
  for (const file of files) {
    const rel = relative(io.cwd, file).split(sep).join('/');
    const lang = languageForPath(file);
    if (!lang) continue;
    try {
      const text = await readFile(file, 'utf8');
      if (file.toLowerCase().endsWith('.ipynb')) {
        let cells;
        try {
          cells = notebookCodeCells(text);
        } catch (err) {
          problems.push({ path: rel, message: `Not a valid notebook (JSON): ${err instanceof Error ? err.message : String(err)}` });
          continue;
        }
        const byCell = analyzeNotebook(cells, config);
        const findings = byCell.flatMap((c) => c.findings);
        results.push({ path: rel, findings, cells: byCell.flatMap((c) => c.findings.map(() => Number(c.id))) });
      } else {
        const { result, tree } = analyzeSource(text, lang, config);
        tree.delete();
        results.push({ path: rel, findings: result.findings });
      }
    } catch (err) {
      problems.push({ path: rel, message: err instanceof Error ? err.message : String(err) });
    }
  }
  const report = opts.format === 'sarif'
    ? toSarif(results, problems, { rootUri: pathToFileURL(io.cwd).toString(), toolVersion: VERSION })
    : opts.format === 'json' ? toJson(results, problems) : toText(results, problems);
  if (opts.output) await writeFile(resolve(io.cwd, opts.output), report);
  else io.stdout(report);
  if (opts.format === 'text' && opts.output) io.stdout(`Report written to ${opts.output}.\n`);
  const worst = Math.max(-1, ...results.flatMap((r) => r.findings.map((f) => RANK[f.severity])));
  if (problems.length > 0 && opts.format !== 'text') for (const p of problems) io.stderr(`${p.path}: ${p.message}\n`);
  if (opts.failOn === 'never') return 0;
  return worst >= RANK[opts.failOn] ? 1 : 0;
}

export const check: Subcommand = {
  summary: 'report production-unsafe predict calls (text, JSON or SARIF)',
  usage: USAGE,
  run,
};
