// Seeded fuzzing of the analysis engine: mutations of the corpus snippets (test/corpus) and random strings, per
// language. Every input must analyze without throwing, with findings, predict calls and quick-fix
// edits inside the document. A second part checks the language server's incremental path: an edited old tree must
// give the same findings as a fresh parse.
//
// Deterministic: the seed is printed; rerun with MLSHIP_FUZZ_SEED=<seed> (MLSHIP_FUZZ_INPUTS=<n> changes the count
// per language). A failing input is written to the temp folder and its path printed.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit, Node as TsNode, Tree } from 'web-tree-sitter';
import { applyEdits } from '../../../src/core/analysis/edits';
import { analyzeSource, fixesFor } from '../../../src/core/analysis/engine';
import { loadGrammars, parse } from '../../../src/core/analysis/parser';
import { DEFAULT_CONFIG, type AnalysisConfig, type AnalysisResult, type Language, type Range } from '../../../src/core/analysis/types';
import { mulberry32 } from '../../../src/core/util/random';
import { corpusFiles } from '../../corpusFiles';

const SEED = process.env.MLSHIP_FUZZ_SEED ? Number(process.env.MLSHIP_FUZZ_SEED) >>> 0 : 0x6d6c7368;
const INPUTS = Number(process.env.MLSHIP_FUZZ_INPUTS ?? 10_000);
const INCREMENTAL = Math.max(50, Math.round(INPUTS / 20));
const LANGUAGES: Language[] = ['python', 'typescript', 'tsx', 'javascript'];
/** Fuzz and incremental runs go to parallel worker threads (MLSHIP_FUZZ_WORKERS=0 runs them in the test process, one after another). */
const WORKERS = process.env.MLSHIP_FUZZ_WORKERS === '0' ? 0 : Math.max(1, Math.min(LANGUAGES.length, Number(process.env.MLSHIP_FUZZ_WORKERS ?? availableParallelism())));

const CUSTOM_CONFIG: AnalysisConfig = {
  ...DEFAULT_CONFIG,
  severity: { 'no-fallback': 'error', 'no-confidence': 'warning', 'no-timeout': 'warning', 'untraced-prediction': 'information', 'unsafe-model-load': 'warning', 'fallback-stub': 'information' },
  fallbackWrappers: ['with_fallback', 'safePredict', 'guarded', 'retry.call'],
  predictPatterns: [
    { callee: 'scoring.score_batch', kind: 'local' },
    { callee: '*.infer', kind: 'remote' },
    { callee: 'client.generate', kind: 'remote' },
    { callee: 'rank', kind: 'local' },
  ],
  latencyBudgetMs: 120,
  confidenceThreshold: 0.85,
};
const CONFIGS: [string, AnalysisConfig][] = [['default', DEFAULT_CONFIG], ['custom', CUSTOM_CONFIG]];

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

type Rng = () => number;


/** The seed of one input, so any input can be regenerated on its own. */
function inputSeed(lang: Language, index: number, salt: number): number {
  let h = (SEED ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  for (const ch of `${lang}:${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
const chance = (rng: Rng, p: number): boolean => rng() < p;

// ---------------------------------------------------------------------------------------------------------------
// Inputs

const UNICODE = ['é', 'ß', '漢字', 'Ω', '🚀', '👩‍💻', 'e\u0301', '\u200b', '\u200d', '\ufeff', '\u2028', '\u2029', '\u00a0', 'ـ', 'שלום', '\ud800', '\udfff', '\u0000', '\u0007', '\u001b', '\u007f', '\uffff'];

const COMMON_TOKENS = ['(', ')', '[', ']', '{', '}', ',', '.', ':', ';', '=', '==', '!', '*', '**', '+', '-', '/', '%', '<', '>', '@', '&', '|', '^', '~', '?', "'", '"', '\\', '\\n', '\\', ' ', '  ', '\t', '\n', '\r\n', '\r', '\0',
  'model', 'model.predict(', '.predict(', '.predict_proba(', 'session.run(', 'sess.run(None, ', 'pipeline(', 'predict', 'proba', 'score', 'label', 'x', 'X', 'features', '0', '0.5', '1e9', '-1', 'None', 'null', 'undefined', 'true', 'True', 'timeout', 'fallback', 'model_version', 'version', ...UNICODE];

const PY_TOKENS = [...COMMON_TOKENS, 'try:', 'except', 'except Exception:', 'except (ValueError, RuntimeError) as e:', 'finally:', 'else:', 'elif ', 'if ', 'for ', 'while ', 'with ', 'as ', 'def ', 'async def ', 'class ', 'return ', 'yield ', 'raise', 'pass', 'lambda', 'lambda x: ', 'await ', 'async with ', 'import ', 'from ', 'global ', 'nonlocal ', 'del ', 'assert ', ':=', '->', '...', '"""', "'''", 'f"', "f'{", 'r"', 'b"', '#', '# mlship: ignore', '# mlship: ignore[no-fallback]', '# mlship: ignore-file', '\n    ', '\n        ', '\n\t', 'requests.post(', 'requests.get(url, timeout=1)', 'httpx.post(', 'timeout=', 'with torch.no_grad():', 'torch.load(', 'pickle.load(', 'pickle.loads(', 'joblib.load(', 'ort.InferenceSession(', 'invoke_endpoint(', 'endpoint.predict(instances=', 'logger.info(', 'with_fallback(', 'scoring.score_batch(', '.infer(', 'np.argmax(', '[0]', '[:, 1]', '.argmax()', 'match ', 'case _:', '@retry', '@with_fallback', 'print(', '*args', '**kwargs'];

const JS_TOKENS = [...COMMON_TOKENS, 'try {', '} catch (e) {', 'catch', '} finally {', 'finally', 'if (', 'else', 'for (', 'while (', 'switch (', 'case ', 'default:', 'function ', 'async function ', 'function* ', '=>', '() => ', 'async () => ', 'await ', 'async', 'return ', 'yield ', 'throw ', 'new ', 'const ', 'let ', 'var ', 'class ', 'extends ', 'import ', 'export ', 'from ', 'require(', 'typeof ', 'instanceof ', '`', '${', '`${', '//', '/*', '*/', '/re/g', '// mlship-ignore', '// mlship-ignore no-timeout', '// mlship-ignore-file', '?.', '??', '...', '===', '!==', '&&', '||', 'fetch(', 'fetch(url, { method: "POST", body })', 'signal: AbortSignal.timeout(', 'AbortSignal.timeout(100)', 'axios.post(', 'ort.InferenceSession.create(', 'tf.loadLayersModel(', 'model.executeAsync(', '.then(', '.catch(', 'Promise.race([', 'setTimeout(', 'safePredict(', '.infer(', 'console.log(', 'JSON.parse(', 'await res.json()', '[0]', '.argMax(-1)', 'data[0]'];

const TS_TOKENS = [...JS_TOKENS, ': number', ': string', ': Promise<number[]>', ' as ', ' as const', ' satisfies ', 'interface ', 'type ', 'enum ', 'namespace ', 'declare ', 'readonly ', 'private ', '<T>', '<T extends object>', '!', 'keyof ', 'abstract ', '@Injectable()', 'implements '];

const JSX_TOKENS = ['<div>', '</div>', '<', '>', '</', '/>', '<>', '</>', '<Foo bar={', '}>', '{x}', '<span className="a">', '&amp;', '<Pred onClick={() => model.predict(x)} />'];

function tokensFor(lang: Language): string[] {
  switch (lang) {
    case 'python':
      return PY_TOKENS;
    case 'typescript':
      return TS_TOKENS;
    case 'tsx':
      return [...TS_TOKENS, ...JSX_TOKENS];
    case 'javascript':
      return [...JS_TOKENS, ...JSX_TOKENS];
  }
}

const FALLBACK_SEEDS: Record<'python' | 'js', string[]> = {
  python: [
    'import joblib\nimport requests\n\nmodel = joblib.load("model.pkl")\n\ndef score(features):\n    try:\n        proba = model.predict_proba([features])[0][1]\n    except Exception:\n        return None\n    if proba < 0.7:\n        return None\n    return {"label": int(proba > 0.5), "model_version": "v3"}\n\ndef remote(x):\n    r = requests.post("http://infer/predict", json={"x": x})\n    return r.json()["label"]\n',
    'import onnxruntime as ort\nsess = ort.InferenceSession("m.onnx")\n\nclass Service:\n    def run(self, x):\n        out = sess.run(None, {"input": x})\n        return out[0].argmax()\n',
  ],
  js: [
    'import * as ort from "onnxruntime-node";\n\nconst session = await ort.InferenceSession.create("m.onnx");\n\nexport async function score(x) {\n  const out = await session.run({ input: x });\n  return out.label.data[0];\n}\n\nexport async function remote(x) {\n  const res = await fetch("https://api/predict", { method: "POST", body: JSON.stringify(x) });\n  return (await res.json()).label;\n}\n',
    'async function safe(x) {\n  try {\n    const r = await fetch(url, { signal: AbortSignal.timeout(100) });\n    return await r.json();\n  } catch (e) {\n    return null;\n  }\n}\n',
  ],
};

function loadSeeds(): Record<Language, string[]> {
  const seeds: Record<Language, string[]> = { python: [], typescript: [], tsx: [], javascript: [] };
  for (const f of corpusFiles()) seeds[f.lang].push(readFileSync(f.path, 'utf8'));
  // The TSX grammar parses TypeScript too, and the JavaScript grammar parses JSX: give each a wider seed pool.
  seeds.tsx.push(...seeds.typescript);
  if (seeds.typescript.length === 0) seeds.typescript.push(...seeds.javascript);
  seeds.javascript.push(...seeds.tsx.filter((s) => !seeds.javascript.includes(s)).slice(0, 10));
  for (const lang of LANGUAGES) if (seeds[lang].length === 0) seeds[lang].push(...FALLBACK_SEEDS[lang === 'python' ? 'python' : 'js']);
  return seeds;
}

function deepNesting(rng: Rng, lang: Language, depth: number): string {
  const inner = lang === 'python' ? 'model.predict(x)' : 'await model.predict(x)';
  const close = chance(rng, 0.5);
  switch (int(rng, 0, lang === 'python' ? 4 : 6)) {
    case 0:
      return `y = ${'('.repeat(depth)}${inner}${close ? ')'.repeat(depth) : ''}\n`;
    case 1:
      return `y = ${'['.repeat(depth)}${inner}${close ? ']'.repeat(depth) : ''}\n`;
    case 2:
      return `y = ${'f('.repeat(depth)}x${close ? ')'.repeat(depth) : ''}\n`;
    case 3:
      if (lang === 'python') {
        let s = 'def f(x):\n';
        for (let i = 1; i <= depth; i++) s += `${' '.repeat(i)}${pick(rng, ['if x:', 'try:', 'with a:', 'for i in x:', 'while x:'])}\n`;
        return `${s}${' '.repeat(depth + 1)}${inner}\n`;
      }
      return `function f(x) ${'{ if (x) '.repeat(depth)}${inner};${close ? ' }'.repeat(depth) : ''} }\n`;
    case 4:
      return lang === 'python' ? `y = ${'lambda: '.repeat(depth)}${inner}\n` : `const y = ${'() => '.repeat(depth)}${inner};\n`;
    case 5:
      return `const y = ${'{ a: '.repeat(depth)}${inner}${close ? ' }'.repeat(depth) : ''};\n`;
    default:
      return `const y = ${'`${'.repeat(depth)}${inner}${close ? '}`'.repeat(depth) : ''};\n`;
  }
}

function longLine(rng: Rng, lang: Language, length: number): string {
  const filler = (unit: string) => unit.repeat(Math.max(1, Math.floor(length / unit.length)));
  switch (int(rng, 0, 4)) {
    case 0:
      return `s = "${filler('a')}"\n`;
    case 1:
      return `y = f(${filler('a, ')}model.predict(x))\n`;
    case 2: // a left-nested binary chain: deep tree on one line
      return `y = ${filler('a + ').slice(0, Math.min(length, 20_000))}model.predict(x)\n`;
    case 3:
      return `${filler(pick(rng, tokensFor(lang)))}\n`;
    default:
      return `${lang === 'python' ? '#' : '//'} ${filler('x')}\n`;
  }
}

function randomString(rng: Rng, lang: Language, length: number): string {
  const mode = int(rng, 0, 3);
  const tokens = tokensFor(lang);
  let s = '';
  while (s.length < length) {
    if (mode === 0) s += String.fromCharCode(int(rng, 32, 126));
    else if (mode === 1) s += pick(rng, tokens);
    else if (mode === 2) s += String.fromCharCode(int(rng, 0, 0xffff));
    else s += chance(rng, 0.5) ? pick(rng, tokens) : chance(rng, 0.8) ? String.fromCharCode(int(rng, 32, 126)) : pick(rng, UNICODE);
  }
  return s;
}

function lineSpan(rng: Rng, lines: readonly string[]): [number, number] {
  const a = int(rng, 0, Math.max(0, lines.length - 1));
  return [a, Math.min(lines.length, a + int(rng, 1, Math.max(1, Math.min(15, lines.length))))];
}

type Mutation = (rng: Rng, src: string, lang: Language, seeds: readonly string[]) => string;

const at = (rng: Rng, src: string) => int(rng, 0, src.length);
const insertAt = (src: string, text: string, offset: number) => src.slice(0, offset) + text + src.slice(offset);
const lineStartBefore = (src: string, offset: number) => src.lastIndexOf('\n', offset - 1) + 1;

function insertMany(rng: Rng, src: string, count: number, what: () => string): string {
  let out = src;
  for (let n = count; n > 0; n--) out = insertAt(out, what(), at(rng, out));
  return out;
}

/** Mutation operators with their weights (deep nesting and long lines are costly to parse, so rarer). */
const MUTATIONS: [name: string, weight: number, fn: Mutation][] = [
  ['delete-lines', 6, (rng, src) => {
    const lines = src.split('\n');
    const [a, b] = lineSpan(rng, lines);
    lines.splice(a, b - a);
    return lines.join('\n');
  }],
  ['duplicate-lines', 6, (rng, src) => {
    const lines = src.split('\n');
    const [a, b] = lineSpan(rng, lines);
    lines.splice(int(rng, 0, lines.length), 0, ...lines.slice(a, b));
    return lines.join('\n');
  }],
  ['swap-lines', 6, (rng, src) => {
    const lines = src.split('\n');
    const [a, b] = lineSpan(rng, lines);
    const [c, d] = lineSpan(rng, lines);
    if (b <= c || d <= a) {
      const [lo, hi] = a < c ? [[a, b], [c, d]] : [[c, d], [a, b]];
      return [...lines.slice(0, lo[0]), ...lines.slice(hi[0], hi[1]), ...lines.slice(lo[1], hi[0]), ...lines.slice(lo[0], lo[1]), ...lines.slice(hi[1])].join('\n');
    }
    return lines.reverse().join('\n');
  }],
  ['tokens', 14, (rng, src, lang) => insertMany(rng, src, int(rng, 1, 8), () => pick(rng, tokensFor(lang)))],
  ['random-line', 6, (rng, src, lang) => {
    const lines = src.split('\n');
    const line = int(rng, 0, lines.length);
    const indent = /^[ \t]*/.exec(lines[line] ?? '')?.[0] ?? '';
    lines.splice(line, 0, indent + randomString(rng, lang, int(rng, 1, 60)).replace(/\n/g, ' '));
    return lines.join('\n');
  }],
  ['nesting', 2, (rng, src, lang) => insertAt(src, deepNesting(rng, lang, chance(rng, 0.7) ? 200 : int(rng, 10, 300)), lineStartBefore(src, at(rng, src)))],
  ['long-line', 1.5, (rng, src, lang) => insertAt(src, longLine(rng, lang, chance(rng, 0.9) ? int(rng, 300, 3_000) : int(rng, 3_000, 30_000)), lineStartBefore(src, at(rng, src)))],
  ['line-endings', 4, (rng, src) => (chance(rng, 0.7) ? src.replace(/\r?\n/g, '\r\n') : chance(rng, 0.5) ? src.replace(/\n/g, '\r') : src.replace(/\n/g, () => pick(rng, ['\n', '\r\n', '\r'])))],
  ['tabs', 4, (rng, src) => (chance(rng, 0.5) ? src.replace(/^( {4})+/gm, (m) => '\t'.repeat(m.length / 4)) : src.replace(/^ {2}/gm, () => pick(rng, ['\t', '  ', ' \t', '\t '])))],
  ['nul', 4, (rng, src) => insertMany(rng, src, int(rng, 1, 5), () => pick(rng, ['\0', '\0\0\0', '\u0000x', '\x01', '\x1a']))],
  ['truncate', 6, (rng, src) => src.slice(0, at(rng, src))],
  ['unicode', 5, (rng, src) => insertMany(rng, src, int(rng, 1, 6), () => pick(rng, UNICODE))],
  ['rename', 6, (rng, src) => {
    const words = [...new Set(src.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
    if (words.length === 0) return src;
    const to = pick(rng, ['m', 'model', 'predict', 'session', 'sess', 'clf', 'fetch', 'try', 'except', 'catch', 'await', 'lambda', 'run', 'x_é', 'ñame', '_', '__init__', 'requests', 'torch', 'pickle', 'timeout', 'with_fallback', 'safePredict']);
    return src.split(pick(rng, words)).join(to);
  }],
  ['delete-chars', 6, (rng, src) => {
    const a = at(rng, src);
    return src.slice(0, a) + src.slice(Math.min(src.length, a + int(rng, 1, 80)));
  }],
  ['splice-seed', 6, (rng, src, _lang, seeds) => {
    const other = pick(rng, seeds);
    const a = int(rng, 0, other.length);
    return insertAt(src, other.slice(a, a + int(rng, 1, 400)), at(rng, src));
  }],
];
const TOTAL_WEIGHT = MUTATIONS.reduce((s, m) => s + m[1], 0);

/** One random mutation of `src`; returns the new text and the operator's name. */
function mutate(rng: Rng, src: string, lang: Language, seeds: readonly string[]): [string, string] {
  let r = rng() * TOTAL_WEIGHT;
  for (const [name, weight, fn] of MUTATIONS) {
    r -= weight;
    if (r < 0) return [fn(rng, src, lang, seeds), name];
  }
  const [name, , fn] = MUTATIONS[0] as [string, number, Mutation];
  return [fn(rng, src, lang, seeds), name];
}

/**
 * Fixed pathological shapes at a moderate size, checked after the random inputs: long runs of predict calls (one per
 * line, nested, unclosed, chained), deep parentheses, long operator chains, nested functions and blocks.
 */
function pathological(lang: Language, n = 800): Input[] {
  const py = lang === 'python';
  const shapes: [string, string][] = [
    ['calls-lines', 'y = model.predict(x)\n'.repeat(n)],
    ['calls-nested', `y = ${'model.predict('.repeat(n)}x${')'.repeat(n)}\n`],
    ['calls-unclosed', `y = ${'model.predict('.repeat(n)}\n`],
    ['calls-chain', `y = model${'.predict(x)'.repeat(n)}\n`],
    ['calls-dots', `${'.predict('.repeat(2 * n)}\n`],
    ['run-nested', `y = ${(py ? 'session.run(None, ' : 'session.run(').repeat(n)}x${')'.repeat(n)}\n`],
    ['remote-nested', `y = ${(py ? 'requests.post(url, json=' : 'fetch(url, ').repeat(n)}x${')'.repeat(n)}\n`],
    ['parens', `y = ${'('.repeat(5 * n)}\n`],
    ['brackets-lines', `${py ? '' : 'let a = 0;\n'}${'(\n'.repeat(5 * n)}`],
    ['long-word', py ? `a = ${'x'.repeat(40 * n)}\n` : `let a = 0;\na = ${'x'.repeat(40 * n)};\n`],
    ['binary', `y = ${'a + '.repeat(5 * n)}model.predict(x)\n`],
    ['try', (py ? 'try:\n' : 'try {\n').repeat(2 * n)],
    ['functions', py ? `y = ${'lambda: '.repeat(n)}model.predict(x)\n` : `const y = ${'() => '.repeat(n)}model.predict(x);\n`],
    ['blocks', py ? `${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}if x:\n`).join('')}${' '.repeat(300)}model.predict(x)\n` : `${'{ '.repeat(n)}model.predict(x);${' }'.repeat(n)}\n`],
  ];
  return shapes.map(([kind, text]) => ({ kind: `pathological:${kind}`, text }));
}

interface Input {
  kind: string;
  text: string;
}

function makeInput(rng: Rng, lang: Language, seeds: readonly string[]): Input {
  const r = rng();
  if (r < 0.08) return { kind: 'random', text: randomString(rng, lang, int(rng, 0, 400)) };
  if (r < 0.081) {
    // A few large inputs: many snippets glued together, very deep nesting, a huge line, or one line of a snippet
    // repeated (many calls in one scope).
    const k = int(rng, 0, 3);
    if (k === 0) {
      let text = '';
      while (text.length < 60_000) text += `${pick(rng, seeds)}\n`;
      return { kind: 'large:concat', text: mutate(rng, text, lang, seeds)[0] };
    }
    if (k === 1) return { kind: 'large:nesting', text: `${pick(rng, seeds)}\n${deepNesting(rng, lang, int(rng, 500, 2000))}` };
    if (k === 2) return { kind: 'large:line', text: `${pick(rng, seeds)}\n${longLine(rng, lang, int(rng, 50_000, 150_000))}` };
    const lines = pick(rng, seeds).split('\n').filter((l) => l.includes('('));
    const line = lines.length ? pick(rng, lines).trim() : 'y = model.predict(x)';
    return { kind: 'large:repeat', text: `${line}\n`.repeat(int(rng, 1000, 3000)) };
  }
  // Mostly a whole snippet, sometimes a few lines of one (small inputs keep 40,000 of them fast).
  let text = pick(rng, seeds);
  if (chance(rng, 0.5)) {
    const lines = text.split('\n');
    const a = int(rng, 0, lines.length - 1);
    text = lines.slice(a, a + int(rng, 3, 20)).join('\n');
  }
  const ops: string[] = [];
  for (let i = int(rng, 1, 4); i > 0; i--) {
    const [next, op] = mutate(rng, text, lang, seeds);
    text = next;
    ops.push(op);
  }
  return { kind: `mutation:${ops.join('+')}`, text };
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

function lineLengths(source: string): number[] {
  return source.split('\n').map((l) => l.length);
}

function rangeProblem(r: Range, lengths: readonly number[], what: string): string | undefined {
  const ok = (p: Range['start']) =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && p.line < lengths.length && p.character <= (lengths[p.line] ?? 0);
  if (!ok(r.start) || !ok(r.end)) return `${what} range ${JSON.stringify(r)} is outside the document (${lengths.length} lines)`;
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character < r.start.character)) return `${what} range ${JSON.stringify(r)} ends before it starts`;
  return undefined;
}

function resultProblems(result: AnalysisResult, lengths: readonly number[]): string[] {
  const out: string[] = [];
  for (const c of result.calls) {
    const p = rangeProblem(c.range, lengths, `call '${c.label}'`);
    if (p) out.push(p);
  }
  for (const f of result.findings) {
    const p = rangeProblem(f.range, lengths, `finding ${f.rule}`);
    if (p) out.push(p);
    if (f.callIndex !== undefined && !result.calls[f.callIndex]) out.push(`finding ${f.rule} has callIndex ${f.callIndex} of ${result.calls.length} calls`);
  }
  return out;
}

function preview(text: string, n = 160): string {
  const s = JSON.stringify(text.length > n ? `${text.slice(0, n)}…` : text);
  return `${s} (${text.length} chars, ${text.split('\n').length} lines)`;
}

interface Failure {
  index: number;
  kind: string;
  message: string;
  text: string;
}

/** A problem without its specifics (configs, numbers, ranges), to group failures by kind. */
function signature(problem: string): string {
  return problem.replace(/^(default|custom): /, '').replace(/\{.*\}/g, '{…}').replace(/\d+(\.\d+)?/g, 'N').split('\n')[0] ?? '';
}

function report(lang: Language, failures: readonly Failure[], total = failures.length, kinds?: Record<string, number>): string {
  const lines = failures.slice(0, 5).map((f) => {
    const file = join(tmpdir(), `mlship-fuzz-${lang}-${SEED}-${f.index}.txt`);
    writeFileSync(file, f.text);
    return `  #${f.index} (${f.kind}): ${f.message}\n    input ${preview(f.text, 100)} → ${file}`;
  });
  const byKind = kinds ? `\nby kind:\n${Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n}× ${k}`).join('\n')}\nfirst ones:` : '';
  return `${total} failing ${lang} inputs (seed ${SEED}):${byKind}\n${lines.join('\n')}`;
}

interface Checked {
  problems: string[];
  /** The slowest single call (one analyzeSource or one fixesFor) and what it was. */
  slowestMs: number;
  slowestCall: string;
}

/** Analyzes one input with both configs and asks for fixes of its first findings; times every call. */
function checkInput(text: string, lang: Language, rng: Rng): Checked {
  const lengths = lineLengths(text);
  const out: Checked = { problems: [], slowestMs: 0, slowestCall: '' };
  const timed = <T>(call: string, fn: () => T): T => {
    const t0 = performance.now();
    const value = fn();
    const ms = performance.now() - t0;
    if (ms > out.slowestMs) Object.assign(out, { slowestMs: ms, slowestCall: call });
    return value;
  };
  // Quick fixes under one of the two configs (chosen at random): they cost about as much as an analysis.
  const fixConfig = int(rng, 0, CONFIGS.length - 1);
  for (const [c, [name, config]] of CONFIGS.entries()) {
    const { result, tree } = timed(`analyzeSource (${name} config)`, () => analyzeSource(text, lang, config));
    try {
      for (const p of resultProblems(result, lengths)) out.problems.push(`${name}: ${p}`);
      const n = c !== fixConfig ? 0 : Math.min(result.findings.length, chance(rng, 0.6) ? 1 : 2);
      for (let i = 0; i < n; i++) {
        const finding = result.findings[i];
        if (!finding) continue;
        const withTree = i === 0 || chance(rng, 0.8);
        const fixes = timed(`fixesFor ${finding.rule} (${name} config${withTree ? ', with tree' : ''})`, () => fixesFor(finding, text, lang, config, withTree ? tree : undefined));
        for (const fix of fixes) {
          for (const e of fix.edits) {
            const p = rangeProblem(e.range, lengths, `fix '${fix.title}' edit`);
            if (p) out.problems.push(`${name}: ${p}`);
            if (typeof e.newText !== 'string') out.problems.push(`${name}: fix '${fix.title}' has an edit without text`);
          }
          try {
            applyEdits(text, fix.edits);
          } catch (err) {
            out.problems.push(`${name}: fix '${fix.title}' edits cannot be applied: ${(err as Error).message}`);
          }
        }
      }
    } finally {
      tree.delete();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Incremental reparse as the language server does it (src/server/server.ts onDidChangeTextDocument)

interface Change {
  range: Range;
  text: string;
}

/** The tree-sitter edit for one LSP content change, computed exactly as the server does (UTF-16 code units). */
function serverEdit(doc: TextDocument, change: Change): Edit {
  const startIndex = doc.offsetAt(change.range.start);
  const oldEndIndex = doc.offsetAt(change.range.end);
  const lines = change.text.split('\n');
  const newEndPosition = lines.length === 1
    ? { row: change.range.start.line, column: change.range.start.character + change.text.length }
    : { row: change.range.start.line + lines.length - 1, column: (lines[lines.length - 1] ?? '').length };
  return {
    startIndex, oldEndIndex, newEndIndex: startIndex + change.text.length,
    startPosition: { row: change.range.start.line, column: change.range.start.character },
    oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
    newEndPosition,
  };
}

/** The same edit with tree-sitter's own points: rows count \n only, columns are UTF-16 units from the row start. */
function exactEdit(before: string, after: string, startIndex: number, oldEndIndex: number, newEndIndex: number): Edit {
  const point = (text: string, index: number) => {
    const lineStart = text.lastIndexOf('\n', index - 1) + 1;
    let row = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) row++;
    return { row, column: index - lineStart };
  };
  return { startIndex, oldEndIndex, newEndIndex, startPosition: point(before, startIndex), oldEndPosition: point(before, oldEndIndex), newEndPosition: point(after, newEndIndex) };
}

const dropPoints = (s: string) => s.slice(0, s.lastIndexOf(':'));

function randomChange(rng: Rng, doc: TextDocument, lang: Language): Change {
  const text = doc.getText();
  const a = int(rng, 0, text.length);
  const b = chance(rng, 0.5) ? a : Math.min(text.length, a + int(rng, 1, chance(rng, 0.8) ? 10 : 200));
  const tokens = tokensFor(lang);
  const insert = pick(rng, [
    '',
    pick(rng, tokens),
    pick(rng, tokens) + pick(rng, tokens),
    `\n${pick(rng, tokens)}`,
    `${pick(rng, tokens)}\n    ${pick(rng, tokens)}`,
    'x',
    '_v2',
    '\n',
    '\r\n',
  ]);
  return { range: { start: doc.positionAt(a), end: doc.positionAt(b) }, text: insert };
}

function findingKeys(result: AnalysisResult): string[] {
  return result.findings.map((f) => `${f.rule}@${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`);
}

/** Node types and positions of a tree in pre-order (to compare an incremental tree with a fresh one). */
function shape(tree: Tree): string[] {
  const out: string[] = [];
  const cursor = tree.walk();
  try {
    for (;;) {
      const n: TsNode = cursor.currentNode;
      out.push(`${n.type}:${n.startIndex}-${n.endIndex}:${n.startPosition.row},${n.startPosition.column}-${n.endPosition.row},${n.endPosition.column}`);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return out;
    }
  } finally {
    cursor.delete();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One language's fuzz run (in a worker thread, one per language, so that they use every core)

interface FuzzSummary {
  inputs: number;
  crashes: number;
  failing: number;
  /** The first few failures. */
  failures: Failure[];
  /** Failing inputs by kind of problem. */
  kinds: Record<string, number>;
  totalMs: number;
  slowest: { ms: number; index: number; call: string; kind: string; text: string };
  /** Mean time per input by mutation operator, costliest first. */
  costly: string;
}

function fuzzLanguage(lang: Language, seeds: readonly string[]): FuzzSummary {
  const failures: Failure[] = [];
  let failing = 0;
  let crashes = 0;
  let totalMs = 0;
  let slowest: FuzzSummary['slowest'] = { ms: 0, index: -1, call: '', kind: '', text: '' };
  const byOp = new Map<string, { n: number; ms: number }>();
  const kinds: Record<string, number> = {};
  // The fixed pathological shapes come last (numbered after the random inputs), once the code is warm.
  const fixed = pathological(lang);
  for (let i = 0; i < INPUTS + fixed.length; i++) {
    const rng = mulberry32(inputSeed(lang, i, 0));
    const input = i >= INPUTS ? (fixed[i - INPUTS] as Input) : makeInput(rng, lang, seeds);
    const t0 = performance.now();
    let checked: Checked;
    try {
      checked = checkInput(input.text, lang, rng);
    } catch (err) {
      crashes++;
      checked = { problems: [`threw ${(err as Error).stack ?? String(err)}`], slowestMs: 0, slowestCall: '' };
    }
    const ms = performance.now() - t0;
    totalMs += ms;
    for (const op of new Set(input.kind.replace(/^mutation:/, '').split('+'))) {
      const s = byOp.get(op) ?? { n: 0, ms: 0 };
      byOp.set(op, { n: s.n + 1, ms: s.ms + ms });
    }
    if (checked.slowestMs > slowest.ms) slowest = { ms: checked.slowestMs, index: i, call: checked.slowestCall, kind: input.kind, text: input.text };
    if (checked.problems.length) {
      failing++;
      for (const k of new Set(checked.problems.map(signature))) kinds[k] = (kinds[k] ?? 0) + 1;
      if (failures.length < 20) failures.push({ index: i, kind: input.kind, message: checked.problems.join('; '), text: input.text });
    }
  }
  const costly = [...byOp].sort((a, b) => b[1].ms / b[1].n - a[1].ms / a[1].n).slice(0, 3).map(([op, s]) => `${op} ${(s.ms / s.n).toFixed(1)} ms`).join(', ');
  return { inputs: INPUTS + fixed.length, crashes, failing, failures, kinds, totalMs, slowest, costly };
}

type Job = 'fuzz' | 'incremental';

/** Runs one job in a worker thread and resolves with what it posts back. */
function inWorker<T>(job: Job, lang: Language): Promise<T> {
  return new Promise((resolve, reject) => {
    // tsx's loader hooks do not reach worker threads: register its CommonJS hook in the worker, then load this file.
    const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(__filename)});`;
    const worker = new Worker(code, { eval: true, workerData: { job, lang } });
    worker.once('message', (summary: T) => {
      resolve(summary);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${job} worker for ${lang} exited with code ${code}`)));
  });
}

interface IncrementalSummary {
  stats: { equal: number; treeSitter: number; positions: number; loneCr: number; pointEdits: number };
  failures: Failure[];
}

/** Edits documents as the language server does and compares reanalysis with the edited tree to a fresh one. */
function incrementalLanguage(lang: Language, seeds: readonly string[]): IncrementalSummary {
  const failures: Failure[] = [];
  const stats = { equal: 0, treeSitter: 0, positions: 0, loneCr: 0, pointEdits: 0 };
  for (let i = 0; i < INCREMENTAL; i++) {
    const rng = mulberry32(inputSeed(lang, i, 1));
    let a = pick(rng, seeds);
    for (let n = int(rng, 0, 2); n > 0; n--) a = mutate(rng, a, lang, seeds)[0];
    if (a.length > 50_000) a = a.slice(0, 50_000);
    if (/\r(?!\n)/.test(a)) stats.loneCr++;
    const config = chance(rng, 0.5) ? DEFAULT_CONFIG : CUSTOM_CONFIG;
    let doc = TextDocument.create('file:///fuzz', lang, 1, a);
    // As the language server analyzes: keeping what the reanalysis after the edit reuses.
    const { tree: old } = analyzeSource(a, lang, config, undefined, { keepForEdits: true });
    // The same edits with tree-sitter's own points (rows split at \n only): the reference incremental parse.
    const ref = parse(a, lang);
    // One to three changes in one didChange notification, each applied to the tree, then to the document.
    const changes: Change[] = [];
    for (let n = int(rng, 1, 3); n > 0; n--) {
      const change = randomChange(rng, doc, lang);
      changes.push(change);
      const before = doc.getText();
      const edit = serverEdit(doc, change);
      old.edit(edit);
      doc = TextDocument.update(doc, [change], doc.version + 1);
      const exact = exactEdit(before, doc.getText(), edit.startIndex, edit.oldEndIndex, edit.newEndIndex);
      if (JSON.stringify(exact) !== JSON.stringify(edit)) stats.pointEdits++;
      ref.edit(exact);
    }
    const b = doc.getText();
    const inc = analyzeSource(b, lang, config, old, { keepForEdits: true });
    const refTree = parse(b, lang, ref);
    const fresh = analyzeSource(b, lang, config);
    try {
      const fail = (message: string) => failures.push({ index: i, kind: `changes ${JSON.stringify(changes)}`, message, text: a });
      const [incShape, refShape, freshShape] = [shape(inc.tree), shape(refTree), shape(fresh.tree)];
      // The server's edit must give exactly the tree that tree-sitter's own units give (node types and offsets).
      if (JSON.stringify(incShape.map(dropPoints)) !== JSON.stringify(refShape.map(dropPoints))) fail('the tree reparsed after the server-computed edit differs from the one after the exact edit');
      else if (JSON.stringify(incShape) !== JSON.stringify(refShape)) stats.positions++;
      const got = findingKeys(inc.result);
      const want = findingKeys(fresh.result);
      if (JSON.stringify(got) === JSON.stringify(want)) stats.equal++;
      // tree-sitter's incremental error recovery may settle on another (valid) tree for text with syntax errors;
      // that is not the edit computation's doing when the exact-edit reparse shows the same divergence.
      else if (fresh.tree.rootNode.hasError && JSON.stringify(refShape) !== JSON.stringify(freshShape)) stats.treeSitter++;
      else fail(`incremental findings ${JSON.stringify(got)} ≠ fresh ${JSON.stringify(want)}`);
    } finally {
      for (const t of [old, inc.tree, ref, refTree, fresh.tree]) t.delete();
    }
  }
  return { stats, failures };
}

if (isMainThread) describe('analysis fuzzing', { concurrency: WORKERS || 1 }, () => {
  let seeds: Record<Language, string[]>;

  before(async () => {
    await loadGrammars();
    seeds = loadSeeds();
    console.log(`fuzz seed ${SEED} (rerun with MLSHIP_FUZZ_SEED=${SEED}); ${INPUTS} inputs per language; seeds: ${LANGUAGES.map((l) => `${l} ${seeds[l].length}`).join(', ')}`);
  });

  test('web-tree-sitter indices and columns are UTF-16 code units (what the server passes to tree.edit)', () => {
    const src = 'x = "é漢🚀"; yy = 1\nzé = "🚀"\nabc = 2\n';
    const tree = parse(src, 'python');
    try {
      const ids = shape(tree).filter((s) => s.startsWith('identifier:'));
      assert.deepEqual(ids, ['identifier:0-1:0,0-0,1', `identifier:12-14:0,12-0,14`, `identifier:19-21:1,0-1,2`, `identifier:29-32:2,0-2,3`]);
      assert.equal(src.slice(12, 14), 'yy');
      assert.equal(src.slice(29, 32), 'abc');
    } finally {
      tree.delete();
    }
    // An edit after astral and non-ASCII characters, given in UTF-16 units, reproduces the fresh parse exactly;
    // the same edit given in UTF-8 bytes does not (the string before it is long enough in bytes for the byte offset to
    // land in another statement: an edit misplaced within the erroneous statement it makes would be parsed again whole).
    const before = 'x = "é漢🚀漢漢漢"; yy = 1\nzé = "🚀"\nabc = 2\n';
    const at = before.indexOf('yy');
    const ins = '🚀é';
    const next = before.slice(0, at) + ins + before.slice(at);
    const incremental = (units: (s: string) => number): string[] => {
      const old = parse(before, 'python');
      const o = units(before.slice(0, at));
      old.edit({ startIndex: o, oldEndIndex: o, newEndIndex: o + units(ins), startPosition: { row: 0, column: o }, oldEndPosition: { row: 0, column: o }, newEndPosition: { row: 0, column: o + units(ins) } });
      const t = parse(next, 'python', old);
      try {
        return shape(t);
      } finally {
        t.delete();
        old.delete();
      }
    };
    const fresh = parse(next, 'python');
    try {
      assert.deepEqual(incremental((s) => s.length), shape(fresh));
      assert.notDeepEqual(incremental((s) => Buffer.byteLength(s, 'utf8')), shape(fresh));
    } finally {
      fresh.delete();
    }
  });

  for (const lang of LANGUAGES) {
    test(`${lang}: ${INPUTS} mutated and random inputs analyze without error, with ranges inside the document (the slowest call is reported; speed is measured in bench/analysis.ts)`, async () => {
      const r = WORKERS ? await inWorker<FuzzSummary>('fuzz', lang) : fuzzLanguage(lang, seeds[lang]);
      console.log(
        `fuzz ${lang}: ${r.inputs} inputs (${r.inputs - INPUTS} of them fixed pathological shapes), crashes ${r.crashes}, failing ${r.failing}, max ${r.slowest.ms.toFixed(1)} ms (slowest single call), ` +
          `mean ${(r.totalMs / r.inputs).toFixed(2)} ms per input (2 analyses + fixes of 1–2 findings), total ${(r.totalMs / 1000).toFixed(1)} s; costliest inputs: ${r.costly}\n` +
          `  slowest: #${r.slowest.index} ${r.slowest.call} on ${r.slowest.kind}: ${preview(r.slowest.text, 80)}`,
      );
      assert.equal(r.failing, 0, report(lang, r.failures, r.failing, r.kinds));
    });
  }


  for (const lang of LANGUAGES) {
    test(`${lang}: after LSP edits, reanalysis with the edited tree equals a fresh analysis (${INCREMENTAL} documents)`, async () => {
      const { stats, failures } = WORKERS ? await inWorker<IncrementalSummary>('incremental', lang) : incrementalLanguage(lang, seeds[lang]);
      console.log(
        `incremental ${lang}: ${INCREMENTAL} documents (${stats.loneCr} with lone CR), findings equal to a fresh analysis in ${stats.equal}; ` +
          `differ in ${stats.treeSitter} where tree-sitter's incremental error recovery differs with exact edits too; ` +
          `server edits with other row/column points than tree-sitter's (lone CR): ${stats.pointEdits}; resulting trees: same node types and offsets in all, ` +
          `${stats.positions ? `different points in ${stats.positions}` : 'same points'}`,
      );
      assert.equal(failures.length, 0, report(lang, failures));
    });
  }
});

// Worker entry: one job for one language, posted back to the test.
if (!isMainThread) {
  const data = workerData as { job?: Job; lang?: Language } | null;
  const lang = data?.lang;
  if (data?.job && lang) {
    void loadGrammars().then(() => {
      const seeds = loadSeeds()[lang];
      parentPort?.postMessage(data.job === 'fuzz' ? fuzzLanguage(lang, seeds) : incrementalLanguage(lang, seeds));
    });
  }
}
