// Scores the analyzer against the hand-written labels in test/realcode/labels.jsonl, on a local copy of the labelled
// files. Fetches nothing: `--urls` prints where each file comes from so the developer can fetch it.
//
//   node --import tsx scripts/realcode-score.ts [--dir DIR] [--json OUT] [--labels FILE] [--urls]
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { analyzeSource, summarizeSource } from '../src/core/analysis/engine';
import { analyzeNotebook, notebookCodeCells } from '../src/core/analysis/notebook';
import { languageForPath, loadGrammars } from '../src/core/analysis/parser';
import { DEFAULT_CONFIG, type Finding, type PredictCall, type PredictChecks, type RuleId, type WorkspaceResolver } from '../src/core/analysis/types';
import { FileWorkspaceResolver } from '../src/core/analysis/workspace';

type CallRule = Exclude<RuleId, 'unsafe-model-load' | 'fallback-stub'>;
/** The rules the labels score (fallback-stub marks generated code and has no label). */
type ScoredRule = CallRule | 'unsafe-model-load';
type CallField = 'fallback' | 'confidence' | 'timeout' | 'untraced';

interface LabelBase { repo: string; path: string; commit: string; language: string; reason: string; labelLine: number }
interface CallLabel extends LabelBase { kind: 'call'; line: number; endLine: number; cell?: number; callee: string; fallback: string; confidence: string; timeout: string; untraced: string }
interface LoadLabel extends LabelBase { kind: 'load'; line: number; endLine: number; cell?: number; load: 'safe' | 'unsafe' }
interface FileLabel extends LabelBase { kind: 'file' }
/** A module of the same repository that the labels of another file were written from (a client built there). */
interface ContextFile { kind: 'context'; repo: string; path: string; commit: string; reason: string; labelLine: number }
type Label = CallLabel | LoadLabel | FileLabel;
type LocatedLabel = CallLabel | LoadLabel;

/** Which label field each per-call rule is scored against, and the value that makes a record a positive. */
const CALL_RULES: Record<CallRule, { field: CallField; positive: string; check: keyof PredictChecks }> = {
  'no-fallback': { field: 'fallback', positive: 'unguarded', check: 'fallback' },
  'no-confidence': { field: 'confidence', positive: 'violation', check: 'confidence' },
  'no-timeout': { field: 'timeout', positive: 'violation', check: 'timeout' },
  'untraced-prediction': { field: 'untraced', positive: 'violation', check: 'trace' },
};
const RULE_ORDER: ScoredRule[] = ['no-fallback', 'no-confidence', 'no-timeout', 'untraced-prediction', 'unsafe-model-load'];
const VALUES: Record<CallField, string[]> = {
  fallback: ['guarded', 'unguarded'],
  confidence: ['violation', 'ok', 'n/a'],
  timeout: ['violation', 'ok', 'n/a'],
  untraced: ['violation', 'ok', 'n/a'],
};

interface Entry { where: string; rule: ScoredRule; label?: string; message?: string; analyzer?: string }
interface RuleScore { rule: ScoredRule; tp: number; fp: number; fn: number; duplicates: number; precision: number | null; recall: number | null; falsePositives: Entry[]; falseNegatives: Entry[] }

class LabelError extends Error {}

function usage(): never {
  process.stderr.write('usage: node --import tsx scripts/realcode-score.ts [--dir DIR] [--json OUT] [--labels FILE] [--urls]\n');
  process.exit(2);
}

function parseArgs(argv: string[]): { dir: string; json?: string; labels: string; urls: boolean } {
  const root = resolve(import.meta.dirname, '..');
  const opts = { dir: join(root, '.cache', 'realcode'), labels: join(root, 'test', 'realcode', 'labels.jsonl'), urls: false } as { dir: string; json?: string; labels: string; urls: boolean };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => argv[++i] ?? usage();
    if (a === '--dir') opts.dir = resolve(value());
    else if (a === '--json') opts.json = resolve(value());
    else if (a === '--labels') opts.labels = resolve(value());
    else if (a === '--urls') opts.urls = true;
    else usage();
  }
  return opts;
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new LabelError(`${where}: "${key}" must be a non-empty string`);
  return v;
}

function positiveInt(o: Record<string, unknown>, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new LabelError(`${where}: "${key}" must be a positive integer`);
  return v;
}

function oneOf(o: Record<string, unknown>, key: string, allowed: string[], where: string): string {
  const v = str(o, key, where);
  if (!allowed.includes(v)) throw new LabelError(`${where}: "${key}" is "${v}"; expected one of ${allowed.join(', ')}`);
  return v;
}

function parseLabel(text: string, labelLine: number, file: string): Label | ContextFile {
  const where = `${file}:${labelLine}`;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (err) {
    throw new LabelError(`${where}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new LabelError(`${where}: expected a JSON object`);
  const r = o as Record<string, unknown>;
  if (r.context !== undefined) return { kind: 'context', repo: str(r, 'repo', where), path: str(r, 'path', where), commit: str(r, 'commit', where), reason: str(r, 'context', where), labelLine };
  const base = { repo: str(r, 'repo', where), path: str(r, 'path', where), commit: str(r, 'commit', where), language: str(r, 'language', where), reason: str(r, 'reason', where), labelLine };
  if (r.calls === 0) return { ...base, kind: 'file' };
  const line = positiveInt(r, 'line', where);
  const endLine = r.endLine === undefined ? line : positiveInt(r, 'endLine', where);
  if (endLine < line) throw new LabelError(`${where}: endLine ${endLine} is before line ${line}`);
  const cell = r.cell === undefined ? undefined : (r.cell === 0 ? 0 : positiveInt(r, 'cell', where));
  const located = { ...base, line, endLine, ...(cell !== undefined ? { cell } : {}) };
  if (r.load !== undefined) return { ...located, kind: 'load', load: oneOf(r, 'load', ['safe', 'unsafe'], where) as 'safe' | 'unsafe' };
  return {
    ...located,
    kind: 'call',
    callee: str(r, 'callee', where),
    fallback: oneOf(r, 'fallback', VALUES.fallback, where),
    confidence: oneOf(r, 'confidence', VALUES.confidence, where),
    timeout: oneOf(r, 'timeout', VALUES.timeout, where),
    untraced: oneOf(r, 'untraced', VALUES.untraced, where),
  };
}

async function readLabels(file: string): Promise<(Label | ContextFile)[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new LabelError(`cannot read the labels file ${file}; pass --labels FILE`);
  }
  return text.split('\n').flatMap((l, i) => (l.trim() === '' ? [] : [parseLabel(l, i + 1, file)]));
}

const fileKey = (l: { repo: string; path: string }): string => `${l.repo}\u0000${l.path}`;
const localPath = (dir: string, l: { repo: string; path: string }): string => join(dir, l.repo.replace('/', '__'), l.path);
const rawUrl = (l: { repo: string; path: string; commit: string }): string => `https://raw.githubusercontent.com/${l.repo}/${l.commit}/${l.path.split('/').map(encodeURIComponent).join('/')}`;
const at = (l: { repo: string; path: string }, line: number, cell?: number): string => `${l.repo}/${l.path}${cell !== undefined ? `[cell ${cell}]` : ''}:${line}`;

interface FileFindings { findings: { finding: Finding; cell?: number }[]; calls: { call: PredictCall; cell?: number }[] }

async function analyzeFile(path: string, resolver: WorkspaceResolver): Promise<FileFindings> {
  const text = await readFile(path, 'utf8');
  // The file's path (test files, imports of the local copy's other files) as the language server and CLI pass it.
  const context = { path, resolver };
  if (path.toLowerCase().endsWith('.ipynb')) {
    const cells = analyzeNotebook(notebookCodeCells(text), DEFAULT_CONFIG, context);
    return {
      findings: cells.flatMap((c) => c.findings.map((finding) => ({ finding, cell: Number(c.id) }))),
      calls: cells.flatMap((c) => c.calls.map((call) => ({ call, cell: Number(c.id) }))),
    };
  }
  const lang = languageForPath(path);
  if (!lang) throw new Error('no grammar for this file type');
  const { result, tree } = analyzeSource(text, lang, DEFAULT_CONFIG, undefined, context);
  tree.delete();
  return { findings: result.findings.map((finding) => ({ finding })), calls: result.calls.map((call) => ({ call })) };
}

/** The record a finding lands on: same cell, start line within [line, endLine]; the narrowest span wins. */
function recordFor(records: LocatedLabel[], line: number, cell: number | undefined): LocatedLabel | undefined {
  const hits = records.filter((r) => r.cell === cell && r.line <= line && line <= r.endLine);
  hits.sort((a, b) => a.endLine - a.line - (b.endLine - b.line) || Math.abs(a.line - line) - Math.abs(b.line - line));
  return hits[0];
}

function isPositive(rule: ScoredRule, r: LocatedLabel): boolean {
  if (rule === 'unsafe-model-load') return r.kind === 'load' && r.load === 'unsafe';
  const spec = CALL_RULES[rule];
  return r.kind === 'call' && r[spec.field] === spec.positive;
}

function describe(rule: ScoredRule, r: LocatedLabel): string {
  if (r.kind === 'load') return `load ${r.load}: ${r.reason}`;
  const spec = rule === 'unsafe-model-load' ? undefined : CALL_RULES[rule];
  return `${r.callee} — ${spec ? `${spec.field}=${r[spec.field]}: ` : ''}${r.reason}`;
}

/** What the analyzer made of a labelled call it did not flag: not detected at all, or detected with the check passing. */
function analyzerView(rule: ScoredRule, r: LocatedLabel, calls: FileFindings['calls']): string {
  if (rule === 'unsafe-model-load') return 'no finding on this load';
  const hit = calls.find(({ call, cell }) => cell === r.cell && r.line <= call.range.start.line + 1 && call.range.start.line + 1 <= r.endLine);
  if (!hit) return 'analyzer did not detect this call';
  const check = CALL_RULES[rule].check;
  return `analyzer saw "${hit.call.label}" with ${check}=${hit.call.checks[check]}`;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
const fmt = (x: number | null): string => (x === null ? '  -  ' : x.toFixed(2));

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const records = await readLabels(opts.labels);
  const context = records.filter((l): l is ContextFile => l.kind === 'context');
  const labels = records.filter((l): l is Label => l.kind !== 'context');
  const files = new Map<string, { base: LabelBase; located: LocatedLabel[] }>();
  for (const l of labels) {
    const key = fileKey(l);
    const entry = files.get(key) ?? { base: l, located: [] };
    if (l.kind !== 'file') entry.located.push(l);
    files.set(key, entry);
  }

  if (opts.urls) {
    for (const f of [...[...files.values()].map((e) => e.base), ...context]) process.stdout.write(`${rawUrl(f)}\t${localPath(opts.dir, f)}\n`);
    return;
  }

  await loadGrammars();
  const resolvers = new Map<string, FileWorkspaceResolver>();
  const scores = new Map<RuleId, RuleScore>(RULE_ORDER.map((rule) => [rule, { rule, tp: 0, fp: 0, fn: 0, duplicates: 0, precision: null, recall: null, falsePositives: [], falseNegatives: [] }]));
  const missing: string[] = [];
  const failed: { file: string; error: string }[] = [];
  let analyzed = 0;

  for (const { base, located } of files.values()) {
    const path = localPath(opts.dir, base);
    if (!existsSync(path)) {
      missing.push(`${base.repo}/${base.path}`);
      continue;
    }
    let result: FileFindings;
    try {
      // Imports resolve within the local copy of the file's own repository (only its labelled files are there).
      const repoDir = join(opts.dir, base.repo.replace('/', '__'));
      let resolver = resolvers.get(repoDir);
      if (!resolver) resolvers.set(repoDir, (resolver = new FileWorkspaceResolver({ roots: [repoDir], summarize: summarizeSource })));
      result = await analyzeFile(path, resolver);
    } catch (err) {
      failed.push({ file: `${base.repo}/${base.path}`, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    analyzed++;
    const matched = new Map<RuleId, Set<LocatedLabel>>(RULE_ORDER.map((r) => [r, new Set()]));
    for (const { finding, cell } of result.findings) {
      if (finding.rule === 'fallback-stub') continue;
      const rule: ScoredRule = finding.rule;
      const score = scores.get(rule);
      if (!score) continue;
      const line = finding.range.start.line + 1;
      const pool = located.filter((r) => (finding.rule === 'unsafe-model-load' ? r.kind === 'load' : r.kind === 'call'));
      const record = recordFor(pool, line, cell);
      const where = at(base, line, cell);
      if (record && isPositive(rule, record)) {
        const seen = matched.get(rule) as Set<LocatedLabel>;
        if (seen.has(record)) score.duplicates++;
        else {
          seen.add(record);
          score.tp++;
        }
      } else {
        score.fp++;
        score.falsePositives.push({ where, rule, message: finding.message, label: record ? describe(rule, record) : 'no labelled call on this line' });
      }
    }
    for (const rule of RULE_ORDER) {
      const score = scores.get(rule) as RuleScore;
      const seen = matched.get(rule) as Set<LocatedLabel>;
      for (const r of located) {
        if (!isPositive(rule, r) || seen.has(r)) continue;
        score.fn++;
        score.falseNegatives.push({ where: at(base, r.line, r.cell), rule, label: describe(rule, r), analyzer: analyzerView(rule, r, result.calls) });
      }
    }
  }

  for (const s of scores.values()) {
    s.precision = ratio(s.tp, s.tp + s.fp);
    s.recall = ratio(s.tp, s.tp + s.fn);
  }

  const out: string[] = [];
  out.push(`real-code evaluation: ${analyzed} of ${files.size} labelled files analyzed (${missing.length} missing, ${failed.length} failed)${context.length ? `, with ${context.length} context modules` : ''} from ${opts.dir}`);
  out.push('');
  out.push('rule                   TP   FP   FN  precision  recall');
  for (const s of scores.values()) {
    out.push(`${s.rule.padEnd(21)} ${String(s.tp).padStart(3)}  ${String(s.fp).padStart(3)}  ${String(s.fn).padStart(3)}     ${fmt(s.precision)}    ${fmt(s.recall)}${s.duplicates ? `   (${s.duplicates} duplicate findings)` : ''}`);
  }
  for (const s of scores.values()) {
    if (s.falseNegatives.length) {
      out.push('', `${s.rule}: false negatives (${s.falseNegatives.length})`);
      for (const e of s.falseNegatives) out.push(`  FN ${e.where}  [${e.analyzer ?? ''}]  ${e.label ?? ''}`);
    }
    if (s.falsePositives.length) {
      out.push('', `${s.rule}: false positives (${s.falsePositives.length})`);
      for (const e of s.falsePositives) out.push(`  FP ${e.where}  finding: ${e.message ?? ''}  |  label: ${e.label ?? ''}`);
    }
  }
  if (missing.length) out.push('', `missing local files (${missing.length}; fetch them with --urls):`, ...missing.map((m) => `  ${m}`));
  const missingContext = context.filter((c) => !existsSync(localPath(opts.dir, c)));
  if (missingContext.length) out.push('', `missing context modules (${missingContext.length}; labels written from them may score as misses; fetch them with --urls):`, ...missingContext.map((c) => `  ${c.repo}/${c.path}`));
  if (failed.length) out.push('', `files that could not be analyzed (${failed.length}):`, ...failed.map((f) => `  ${f.file}: ${f.error}`));
  process.stdout.write(`${out.join('\n')}\n`);

  if (opts.json) {
    await writeFile(opts.json, `${JSON.stringify({ dir: opts.dir, files: files.size, analyzed, missing, failed, rules: [...scores.values()] }, null, 2)}\n`);
    process.stdout.write(`JSON written to ${opts.json}\n`);
  }
}

// `--urls | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main().catch((err: unknown) => {
  process.stderr.write(`realcode-score: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof LabelError ? 2 : 1);
});
