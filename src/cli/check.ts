// `mlship check [paths…] [--format text|json|sarif] [--fail-on warning|error|never] [--output FILE]` runs the editor's
// diagnostics over files and folders, with the settings of mlship.yaml.
import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tree } from 'web-tree-sitter';
import { analyzeOnce, fixesFor, mayExportSymbols, needsAnalysis, summarizeSource } from '../core/analysis/engine';
import { fixAllText } from '../core/analysis/fixAll';
import { unifiedDiff } from '../core/util/diff';
import { FileWorkspaceResolver } from '../core/analysis/workspace';
import { analyzeNotebook, fixNotebook, notebookCodeCells } from '../core/analysis/notebook';
import { languageForPath, loadGrammars, parse } from '../core/analysis/parser';
import type { Language } from '../core/analysis/types';
import { type CheckProblem, type CheckSummary, type FileFindings, problemLine, summaryLine, toJson, toSarif, toText } from '../core/analysis/report';
import { walkWorkspace } from '../core/registry/walk';
import { analysisConfig } from '../core/analysis/settings';
import { VERSION } from '../shared/version';
import { choice, parseOptions, shownPath, UsageError, type CliIo, type Subcommand } from './io';
import { readManifest } from './workspace';

const USAGE = `Usage: mlship check [paths…] [options]

Reports predict calls with no fallback, no confidence handling, no timeout or no model-version trace, unsafe model
loading and generated fallbacks still holding placeholders, in Python, TypeScript, TSX, JavaScript files and Jupyter
notebooks.

Options:
  --format text|json|sarif   output format (default: text); SARIF results carry the quick fix as \`fixes\`
  --fail-on warning|error|never
                             exit with 1 when a finding of this severity or worse is reported (default: warning)
  --fix                      apply every safe quick fix to the files (like ruff --fix / eslint --fix), then report
                             what is left
  --diff                     print the quick fixes as a unified diff instead of writing them
  --output FILE              write the report to FILE instead of standard output
  --config FILE              the mlship.yaml to use (default: ./mlship.yaml when present)
  -h, --help                 show this help

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above --fail-on, or a predict call that could not be
analyzed because of a syntax error near it; 2 a usage or configuration error, or a path named on the command line
that does not exist or cannot be read.
`;

/** How many files are being read ahead of the one analyzed. */
const READ_AHEAD = 8;
const RANK = { hint: 0, information: 1, warning: 2, error: 3 } as const;

type Format = 'text' | 'json' | 'sarif';
type FailOn = 'warning' | 'error' | 'never';

const SOURCE_EXT = /\.(py|pyi|ipynb|ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

interface Collected {
  files: string[];
  problems: CheckProblem[];
  /** A path named on the command line is missing or unreadable: exit 2. */
  fatal: boolean;
}

async function collectFiles(cwd: string, paths: string[], exclude: string[]): Promise<Collected> {
  const files = new Set<string>();
  const problems: CheckProblem[] = [];
  let fatal = false;
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let s;
    try {
      s = await stat(abs);
    } catch {
      problems.push({ path: p, message: 'No such file or folder: check the path.' });
      fatal = true;
      continue;
    }
    if (s.isFile()) {
      try {
        await access(abs, constants.R_OK);
        files.add(abs);
      } catch {
        problems.push({ path: p, message: 'The file cannot be read (permissions).' });
        fatal = true;
      }
      continue;
    }
    const walked = await walkWorkspace(abs, { keepFile: (n) => SOURCE_EXT.test(n) && !n.endsWith('.d.ts'), exclude });
    for (const f of walked.files) files.add(join(abs, f.relPath));
    for (const e of walked.errors) problems.push({ path: join(p, e.relPath), message: e.message });
  }
  return { files: [...files].sort(), problems, fatal };
}

/** Text that suggests a prediction on a line (for telling whether a syntax error hides one). */
const PREDICT_HINT = /\.(?:predict\w*|run|generate|forward|classify|detect|infer|executeAsync|execute|invoke_endpoint|invoke_model|create|decision_function)\s*\(|\b(?:fetch|requests\.\w+|httpx\.\w+|axios(?:\.\w+)?|pipeline|session\.run)\s*\(/;

/** 1-based lines of syntax errors that are within 3 lines of a line that looks like a prediction. */
function syntaxErrorsNearPredictions(tree: Tree, text: string): number[] {
  if (!tree.rootNode.hasError) return [];
  const errorLines = new Set<number>();
  const cursor = tree.walk();
  try {
    for (let guard = 0; guard < 200_000; guard++) {
      const node = cursor.currentNode;
      if (node.type === 'ERROR' || node.isMissing) errorLines.add(node.startPosition.row);
      if (node.hasError && cursor.gotoFirstChild()) continue;
      let moved = false;
      while (!moved) {
        if (cursor.gotoNextSibling()) moved = true;
        else if (!cursor.gotoParent()) return near();
      }
    }
  } finally {
    cursor.delete();
  }
  return near();
  function near(): number[] {
    const lines = text.split('\n');
    const out: number[] = [];
    for (const l of [...errorLines].sort((a, b) => a - b)) {
      for (let k = Math.max(0, l - 3); k <= Math.min(lines.length - 1, l + 3); k++) {
        if (PREDICT_HINT.test(lines[k] ?? '')) {
          out.push(l + 1);
          break;
        }
      }
    }
    return out;
  }
}

/** The file is binary (a NUL byte in its first 8 KiB): it is skipped, and said so. */
function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, { values: ['--format', '--fail-on', '--output', '--config'], flags: ['--fix', '--diff'], aliases: { '-o': '--output' } });
  const opts = {
    paths: parsed.positionals.length > 0 ? parsed.positionals : ['.'],
    format: choice<Format>(parsed, '--format', ['text', 'json', 'sarif'], 'text'),
    failOn: choice<FailOn>(parsed, '--fail-on', ['warning', 'error', 'never'], 'warning'),
    output: parsed.values.get('--output'),
    config: parsed.values.get('--config'),
    fix: parsed.flags.has('--fix'),
    diff: parsed.flags.has('--diff'),
  };
  if (opts.fix && opts.diff) throw new UsageError('--fix writes the fixes and --diff only shows them: choose one.');
  const read = await readManifest(io, 'check', opts.config);
  if (!read.ok) return read.code;
  const manifest = read.manifest;
  const config = analysisConfig(manifest, undefined);
  await loadGrammars();
  const { files, problems, fatal } = await collectFiles(io.cwd, opts.paths, [...(manifest?.exclude ?? []), ...(manifest?.analysis?.exclude ?? [])]);
  const results: FileFindings[] = [];
  const resolver = new FileWorkspaceResolver({ roots: [io.cwd, ...opts.paths.map((p) => resolve(io.cwd, p))], summarize: summarizeSource, scan: mayExportSymbols, snapshot: true });
  const summary: CheckSummary = { checked: 0, ruledOut: 0, binary: 0, syntaxErrors: 0, unreadable: 0 };
  const diffs: string[] = [];
  let fixedProblems = 0;
  let fixedFiles = 0;
  /** Counts the fixes of a file, and prints them (--diff) or writes them (--fix); true when the file was rewritten. */
  const applyFixed = async (file: string, rel: string, original: string, fixed: { text: string; count: number }): Promise<boolean> => {
    if (fixed.count === 0) return false;
    fixedProblems += fixed.count;
    fixedFiles++;
    if (opts.diff) {
      diffs.push(unifiedDiff(original, fixed.text, `a/${rel}`, `b/${rel}`));
      return false;
    }
    await writeFile(file, fixed.text);
    return true;
  };
  const sources = files.flatMap((file) => {
    const lang = languageForPath(file);
    return lang ? [{ file, lang }] : [];
  });
  // The next files are read while this one is analyzed, so the disk and the analysis overlap.
  const reads: Promise<Buffer>[] = [];
  const readAt = (i: number): void => {
    const f = sources[i]?.file;
    if (f === undefined || reads[i]) return;
    reads[i] = readFile(f);
    reads[i].catch(() => undefined);
  };
  for (let i = 0; i < sources.length; i++) {
    const { file, lang } = sources[i] as { file: string; lang: Language };
    for (let k = i; k < i + READ_AHEAD; k++) readAt(k);
    const rel = shownPath(io.cwd, file);
    let buf: Buffer;
    try {
      buf = await (reads[i] as Promise<Buffer>);
    } catch (err) {
      summary.unreadable++;
      problems.push({ path: rel, message: `Cannot be read: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    if (isBinary(buf)) {
      summary.binary++;
      problems.push({ path: rel, message: 'A binary file, not source code: skipped.', notice: true });
      continue;
    }
    let text = buf.toString('utf8');
    try {
      if (file.toLowerCase().endsWith('.ipynb')) {
        let cells;
        try {
          cells = notebookCodeCells(text);
        } catch (err) {
          problems.push({ path: rel, message: `Not a valid notebook (JSON): ${err instanceof Error ? err.message : String(err)}` });
          continue;
        }
        summary.checked++;
        if ((opts.fix || opts.diff) && cells.length > 0) {
          const fixed = fixNotebook(text, (program, accept) => fixAllText(program, 'python', config, { path: file, resolver }, accept));
          if (fixed.refused) problems.push({ path: rel, message: 'Not every fix was applied: some would reach across cells or move an IPython magic into a block. Fix the calls still reported by hand.', notice: true });
          if (await applyFixed(file, rel, text, fixed)) {
            text = fixed.text;
            cells = notebookCodeCells(text);
          }
        }
        const byCell = analyzeNotebook(cells, config, { path: file, resolver });
        const findings = byCell.flatMap((c) => c.findings);
        results.push({ path: rel, findings, cells: byCell.flatMap((c) => c.findings.map(() => Number(c.id))) });
        continue;
      }
      summary.checked++;
      const context = { path: file, resolver };
      // No candidate for a predict call, an unsafe load or a fallback stub in the text: nothing to parse.
      if (!needsAnalysis(text, lang, config, context)) {
        summary.ruledOut++;
        results.push({ path: rel, findings: [] });
        continue;
      }
      if (opts.fix || opts.diff) {
        const fixed = fixAllText(text, lang, config, context);
        if (await applyFixed(file, rel, text, fixed)) {
          resolver.forget(file);
          text = fixed.text;
        }
      }
      // Parsed only if the analysis needs the tree (a Python file with no call that could be a prediction does not).
      const analyzed = analyzeOnce(text, lang, config, context);
      let tree = analyzed.tree;
      const source = text;
      const treeFor = (): Tree => (tree ??= parse(source, lang));
      try {
        const result = analyzed.result;
        // A syntax error is reported near a line that looks like a prediction: with no such line, there is none.
        const errorLines = tree || PREDICT_HINT.test(text) ? syntaxErrorsNearPredictions(treeFor(), text) : [];
        if (errorLines.length > 0) {
          summary.syntaxErrors++;
          for (const line of errorLines.slice(0, 3)) problems.push({ path: rel, line, message: 'A syntax error near a predict call: that call was not analyzed. Fix the syntax and run again.', notice: true });
        }
        const fixes = opts.format === 'sarif' ? result.findings.map((f) => fixesFor(f, source, lang, config, treeFor(), context).find((x) => x.fixAllSafe)) : undefined;
        results.push({ path: rel, findings: result.findings, ...(fixes ? { fixes } : {}) });
        if (!tree) summary.ruledOut++;
      } finally {
        tree?.delete();
      }
    } catch (err) {
      problems.push({ path: rel, message: err instanceof Error ? err.message : String(err) });
    }
  }
  if (opts.fix || opts.diff) summary.fixed = { problems: fixedProblems, files: fixedFiles };
  if (opts.diff) {
    io.stdout(diffs.join(''));
    for (const p of problems) io.stderr(`${problemLine(p)}\n`);
    io.stdout(`${fixedProblems} fix${fixedProblems === 1 ? '' : 'es'} in ${fixedFiles} file${fixedFiles === 1 ? '' : 's'} (not written; run with --fix to apply).\n`);
    return fatal ? 2 : 0;
  }
  const report = opts.format === 'sarif'
    ? toSarif(results, problems, { rootUri: pathToFileURL(io.cwd).toString(), toolVersion: VERSION, summary })
    : opts.format === 'json' ? toJson(results, problems, summary) : toText(results, problems, summary);
  if (opts.output) await writeFile(resolve(io.cwd, opts.output), report);
  else io.stdout(report);
  if (opts.format === 'text' && opts.output) io.stdout(`Report written to ${opts.output}.\n${summaryLine(summary)}\n`);
  if (opts.format !== 'text') for (const p of problems) io.stderr(`${problemLine(p)}\n`);
  if (fatal) return 2;
  if (opts.failOn === 'never') return 0;
  const worst = Math.max(-1, ...results.flatMap((r) => r.findings.map((f) => RANK[f.severity])));
  return worst >= RANK[opts.failOn] || summary.syntaxErrors > 0 ? 1 : 0;
}

export const check: Subcommand = {
  summary: 'report production-unsafe predict calls (text, JSON or SARIF)',
  usage: USAGE,
  run,
};
