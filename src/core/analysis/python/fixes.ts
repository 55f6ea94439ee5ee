// Quick fixes for the Python findings: wrap a prediction in try/except with a fallback, switch a classifier's hard
// label to predict_proba with a confidence threshold, add a timeout to remote inference, and load torch weights
// only. Every fix keeps the statement's indentation, the file's indent unit and line endings.
import type { Node, Tree } from 'web-tree-sitter';
import { eolOf, indentUnit } from '../edits';
import type { AnalysisConfig, CodeFix, Finding, Position, Range, TextEdit } from '../types';
import { analyzePython, type CallRecord, type PyContext } from './context';
import { type Assign, inSpans, lastNumberAtOrBefore, maskPython, type Scan, type Span } from './scan';

const FALLBACK = 'fallback_prediction';
const THRESHOLD = 'CONFIDENCE_THRESHOLD';

class Writer {
  readonly eol: string;
  readonly unit: string;
  private readonly inserts = new Map<number, string[]>();
  private readonly replaces: { start: number; end: number; text: string }[] = [];

  constructor(
    readonly source: string,
    readonly scan: Scan,
  ) {
    this.eol = eolOf(source);
    this.unit = indentUnit(source, '    ');
  }

  insert(at: number, text: string): void {
    const list = this.inserts.get(at);
    if (list) list.push(text);
    else this.inserts.set(at, [text]);
  }

  replace(start: number, end: number, text: string): void {
    this.replaces.push({ start, end, text });
  }

  lastReplaceEnd(): number {
    return this.replaces.reduce((m, r) => Math.max(m, r.end), 0);
  }

  pos(offset: number): Position {
    const starts = this.scan.lineStartOffsets;
    const line = Math.max(0, lastNumberAtOrBefore(starts, offset));
    return { line, character: offset - (starts[line] as number) };
  }

  range(start: number, end: number): Range {
    return { start: this.pos(start), end: this.pos(end) };
  }

  /** Whether the edits are applicable together: no insertion inside a replaced range, no two replaced ranges overlapping. */
  consistent(): boolean {
    const spans = [...this.replaces.map((r) => ({ start: r.start, end: r.end })), ...[...this.inserts.keys()].map((at) => ({ start: at, end: at }))].sort((a, b) => a.start - b.start || a.end - b.end);
    for (let i = 1; i < spans.length; i++) {
      const prev = spans[i - 1] as Span;
      const cur = spans[i] as Span;
      if (cur.start < prev.end) return false;
    }
    return true;
  }

  edits(): TextEdit[] {
    const out: TextEdit[] = this.replaces.map((r) => ({ range: this.range(r.start, r.end), newText: r.text }));
    for (const [at, texts] of this.inserts) out.push({ range: this.range(at, at), newText: texts.join('') });
    return out;
  }
}

function lineStartOf(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndOf(source: string, offset: number): number {
  let e = source.indexOf('\n', offset);
  if (e < 0) e = source.length;
  if (e > 0 && source[e - 1] === '\r') e--;
  return e;
}

function secondsText(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return String(Math.round(s * 1000) / 1000);
}

/** The node of the call at [start, end). */
function callNode(tree: Tree, start: number, end: number): Node | null {
  let n: Node | null = tree.rootNode.descendantForIndex(start, end);
  for (let guard = 0; n && guard < 50; guard++) {
    if (n.type === 'call' && n.startIndex === start && n.endIndex === end) return n;
    if (n.startIndex < start || n.endIndex > end) break;
    n = n.parent;
  }
  return null;
}

/** The statement (child of a block or the module) containing `node`, and whether a lambda/comprehension is in between. */
function statementOf(node: Node): { stmt: Node; nested: boolean } | null {
  let n: Node | null = node;
  let nested = false;
  for (let guard = 0; n && guard < 200; guard++) {
    const p: Node | null = n.parent;
    if (!p) return null;
    if (p.type === 'block' || p.type === 'module') return { stmt: n, nested };
    if (/^(?:lambda|list_comprehension|set_comprehension|dictionary_comprehension|generator_expression)$/.test(n.type)) nested = true;
    n = p;
  }
  return null;
}

/** The statement text with its lines after the first re-indented by `unit` (lines inside strings untouched). */
function reindent(text: string, unit: string): string {
  const { strings } = maskPython(text);
  let out = '';
  let last = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    const at = i + 1;
    if (at >= text.length) break;
    if (inSpans(strings, at) && !strings.includes(at)) continue;
    out += text.slice(last, at) + unit;
    last = at;
  }
  return out + text.slice(last);
}

class Fixer {
  readonly w: Writer;
  readonly scan: Scan;

  constructor(
    readonly source: string,
    readonly tree: Tree,
    readonly config: AnalysisConfig,
    readonly ctx: PyContext,
    readonly rec: CallRecord,
  ) {
    this.scan = ctx.scan;
    this.w = new Writer(source, ctx.scan);
  }

  text(span: Span): string {
    return this.source.slice(span.start, span.end);
  }

  /** Module-level name bound by an assignment, a def or an import. */
  moduleBinds(name: string): boolean {
    const scan = this.scan;
    if (scan.imports.aliases.has(name)) return true;
    if (scan.defs.some((d) => d.parent < 0 && d.name === name)) return true;
    return scan.assigns.some((a) => a.targets.includes(name) && a.owner < 0);
  }

  /** Where module-level additions go: after the last top-level import, else after the docstring/leading comments. */
  afterImports(): { at: number; lead: boolean } {
    const top = this.scan.imports.topLevel;
    const last = top[top.length - 1];
    if (last) return { at: last.end, lead: true };
    let at = 0;
    for (const ch of this.tree.rootNode.namedChildren) {
      if (!ch) continue;
      if (ch.type === 'comment') {
        at = ch.endIndex;
        continue;
      }
      if (ch.type === 'expression_statement' && ch.namedChildCount === 1 && ch.firstNamedChild?.type === 'string' && at === 0) at = ch.endIndex;
      else if (ch.type === 'future_import_statement') at = ch.endIndex;
      break;
    }
    return { at: at === 0 ? 0 : lineEndOf(this.source, at), lead: at !== 0 };
  }

  /** Adds module-level blocks (each a list of lines) after the imports. */
  addModuleBlocks(blocks: string[][]): void {
    if (blocks.length === 0) return;
    const { eol } = this.w;
    const { at, lead } = this.afterImports();
    const imports = blocks.filter((b) => b[0]?.startsWith('import ') || b[0]?.startsWith('from '));
    const rest = blocks.filter((b) => !imports.includes(b));
    // PEP 8: a def gets two blank lines around it, constants one.
    const gap = (b: string[]) => (b[0]?.startsWith('def ') ? eol + eol + eol : eol + eol);
    let text = '';
    if (lead) {
      for (const b of imports) text += eol + b.join(eol);
      for (const b of rest) text += gap(b) + b.join(eol) + (b[0]?.startsWith('def ') ? eol : '');
    } else {
      text = imports.map((b) => b.join(eol)).join(eol);
      for (const b of rest) text += (text ? gap(b) : '') + b.join(eol);
      text += rest.some((b) => b[0]?.startsWith('def ')) ? eol + eol + eol : eol + eol;
    }
    this.w.insert(at, text);
  }

  fallbackDefLines(): string[] {
    const u = this.w.unit;
    return [`def ${FALLBACK}(*args, **kwargs):`, `${u}"""Safe default used when the model fails or is unsure: it must return a value callers can handle (here None)."""`, `${u}return None`];
  }

  /** Makes sure fallback_prediction exists: appended at the end of the module, or after the imports for module-level code. */
  ensureFallback(blocks: string[][]): void {
    if (this.moduleBinds(FALLBACK)) return;
    if (this.rec.scope < 0) {
      blocks.push(this.fallbackDefLines());
      return;
    }
    const { eol } = this.w;
    const src = this.source;
    let end = src.length;
    while (end > 0 && /[\r\n\t ]/.test(src[end - 1] as string)) end--;
    end = Math.max(end, this.w.lastReplaceEnd());
    this.w.replace(end, src.length, eol + eol + eol + this.fallbackDefLines().join(eol) + eol);
  }

  /** The arguments the fallback receives: the model input of the call. */
  fallbackArgs(): string {
    const { kind } = this.rec;
    const args = this.rec.args();
    const kw = (k: string) => {
      const s = args.keywords.get(k);
      return s ? this.text(s) : undefined;
    };
    const pos = (i: number) => {
      const s = args.positional[i];
      return s ? this.text(s) : undefined;
    };
    let a: string | undefined;
    if (kind === 'onnxruntime') a = pos(1) ?? kw('input_feed');
    else if (kind === 'remote') a = kw('json') ?? kw('data') ?? kw('content') ?? kw('params');
    else if (kind === 'sagemaker') a = kw('Body');
    else if (kind === 'vertex') a = kw('instances') ?? pos(0);
    else a = pos(0) ?? (args.all[0] ? this.text(args.all[0]) : undefined);
    if (a && /\b(?:await|yield)\b/.test(a)) a = undefined;
    return `${FALLBACK}(${a ?? ''})`;
  }

  /** The statement around the call, alone on its line(s), with its indentation; undefined if it cannot be rewritten. */
  statement(): { node: Node; call: Node; start: number; end: number; indent: string; trailing: string; nested: boolean } | undefined {
    const call = callNode(this.tree, this.rec.start, this.rec.end);
    if (!call) return undefined;
    const st = statementOf(call);
    if (!st) return undefined;
    const node = st.stmt;
    if (/^(?:decorated_definition|function_definition|class_definition)$/.test(node.type) || node.hasError) return undefined;
    const start = node.startIndex;
    const end = node.endIndex;
    const ls = lineStartOf(this.source, start);
    const indent = this.source.slice(ls, start);
    if (!/^[ \t]*$/.test(indent)) return undefined;
    const le = lineEndOf(this.source, end);
    const trailing = this.source.slice(end, le);
    if (!/^[ \t]*(?:#.*)?$/.test(trailing)) return undefined;
    return { node, call, start, end, indent, trailing: trailing.trim(), nested: st.nested };
  }

  /** no-fallback: wrap the statement in try/except that logs and falls back. */
  wrapInTry(): CodeFix | undefined {
    const st = this.statement();
    if (!st) return undefined;
    const { eol, unit } = this.w;
    const src = this.source;
    const ind = st.indent;
    const stmtText = src.slice(st.start, st.end) + (st.trailing ? `  ${st.trailing}` : '');
    const fb = this.fallbackArgs();
    let fallbackStmt: string;
    const node = st.node;
    const inner = node.type === 'expression_statement' ? node.firstNamedChild : null;
    let callOrAwait: Node = st.call;
    while (callOrAwait.parent && (callOrAwait.parent.type === 'await' || callOrAwait.parent.type === 'parenthesized_expression')) callOrAwait = callOrAwait.parent;
    const substituted = () => src.slice(st.start, callOrAwait.startIndex) + fb + src.slice(callOrAwait.endIndex, st.end);
    if (node.type === 'return_statement') fallbackStmt = `return ${fb}`;
    else if (inner && inner.type === 'assignment' && inner.childForFieldName('right')?.type !== 'assignment') {
      const left = inner.childForFieldName('left');
      fallbackStmt = left ? `${left.text} = ${fb}` : substituted();
    } else if (inner && inner.type === 'augmented_assignment') {
      const left = inner.childForFieldName('left');
      const op = inner.childForFieldName('operator');
      fallbackStmt = left && op ? `${left.text} ${op.text} ${fb}` : substituted();
    } else if (inner && inner.startIndex === callOrAwait.startIndex && inner.endIndex === callOrAwait.endIndex) fallbackStmt = fb;
    else if (node.type === 'expression_statement') fallbackStmt = substituted();
    else {
      // The call is in a compound statement's header (`with session.post(…) as r:`, `if clf.predict(x)[0]:`).
      const fnText = this.rec.scope >= 0 ? src.slice((this.scan.defs[this.rec.scope] as { headerStart: number }).headerStart, (this.scan.defs[this.rec.scope] as { end: number }).end) : '';
      const generator = /\byield\b/.test(maskPython(fnText).masked);
      fallbackStmt = this.rec.scope >= 0 && !generator ? `return ${fb}` : this.rec.scope >= 0 ? fb : `prediction = ${fb}`;
    }
    const body = reindent(stmtText, unit);
    const text = [`try:`, `${ind}${unit}${body}`, `${ind}except Exception:`, `${ind}${unit}logger.exception("Prediction failed; using fallback")`, `${ind}${unit}${reindent(fallbackStmt, unit)}`].join(eol);
    this.w.replace(st.start, lineEndOf(src, st.end), text);
    const blocks: string[][] = [];
    if (!this.moduleBinds('logger')) {
      if (!this.scan.imports.aliases.has('logging')) blocks.push(['import logging']);
      blocks.push(['logger = logging.getLogger(__name__)']);
    }
    this.ensureFallback(blocks);
    this.addModuleBlocks(blocks);
    return { title: 'Wrap in try/except with a fallback', rule: 'no-fallback', edits: this.w.edits(), isPreferred: true, fixAllSafe: true };
  }

  /** A name not used in the enclosing function. */
  fresh(base: string): string {
    const scope = this.rec.scope;
    const text = scope >= 0 ? this.scan.masked.slice((this.scan.defs[scope] as { headerStart: number }).headerStart, (this.scan.defs[scope] as { end: number }).end) : this.scan.masked;
    let name = base;
    for (let i = 2; new RegExp(`\\b${name}\\b`).test(text) && i < 50; i++) name = `${base}_${i}`;
    return name;
  }

  /** no-confidence: predict_proba, a confidence threshold and a fallback below it. */
  useProba(): CodeFix | undefined {
    const rec = this.rec;
    if (rec.kind !== 'estimator' || !rec.classifier || rec.method !== 'predict' || !rec.receiver) return undefined;
    const st = this.statement();
    if (!st || st.nested) return undefined;
    const node = st.node;
    if (node.type === 'while_statement') return undefined;
    for (let n: Node | null = st.call.parent; n && n.id !== node.id; n = n.parent) if (n.type === 'elif_clause' || n.type === 'else_clause') return undefined;
    const { eol, unit } = this.w;
    const src = this.source;
    const ind = st.indent;
    const argsText = src.slice(rec.site.paren + 1, rec.end - 1).trim();
    const recv = src.slice(rec.start, rec.site.nameStart).replace(/\s*\.\s*$/, '');
    const proba = this.fresh('proba');
    const confidence = this.fresh('confidence');
    const first = rec.args().positional[0];
    const fb = `${FALLBACK}(${first ? this.text(first) : ''})`;
    const label = `${recv}.classes_[${proba}.argmax(axis=1)]`;
    const lines = [`${proba} = ${recv}.predict_proba(${argsText})`, `${confidence} = ${proba}.max(axis=1)`];
    const inner = node.type === 'expression_statement' ? node.firstNamedChild : null;
    const right = inner?.type === 'assignment' ? inner.childForFieldName('right') : null;
    const left = inner?.type === 'assignment' ? inner.childForFieldName('left') : null;
    const trailing = st.trailing ? `  ${st.trailing}` : '';
    if (right && left && right.startIndex === st.call.startIndex && right.endIndex === st.call.endIndex && !left.text.includes('\n')) {
      lines.push(`if ${confidence}.min() < ${THRESHOLD}:`, `${unit}${left.text} = ${fb}`, `else:`, `${unit}${left.text} = ${label}${trailing}`);
    } else {
      const prediction = this.fresh('prediction');
      if (node.type === 'return_statement') lines.push(`if ${confidence}.min() < ${THRESHOLD}:`, `${unit}return ${fb}`, `${prediction} = ${label}`);
      else lines.push(`if ${confidence}.min() < ${THRESHOLD}:`, `${unit}${prediction} = ${fb}`, `else:`, `${unit}${prediction} = ${label}`);
      const rewritten = src.slice(st.start, st.call.startIndex) + prediction + src.slice(st.call.endIndex, st.end) + trailing;
      lines.push(rewritten);
    }
    this.w.replace(st.start, lineEndOf(src, st.end), lines.join(eol + ind));
    const blocks: string[][] = [];
    if (!this.moduleBinds(THRESHOLD)) blocks.push([`${THRESHOLD} = ${this.config.confidenceThreshold}`]);
    this.ensureFallback(blocks);
    this.addModuleBlocks(blocks);
    return { title: `Use predict_proba with a confidence threshold (${this.config.confidenceThreshold})`, rule: 'no-confidence', edits: this.w.edits(), isPreferred: true, fixAllSafe: false };
  }

  /** Appends `text` as the last argument of the call whose `(` is at `paren` and `)` at `close - 1`. */
  addArgument(paren: number, close: number, text: string): void {
    const masked = this.scan.masked;
    let e = close - 1;
    while (e > paren + 1 && /\s/.test(masked[e - 1] as string)) e--;
    if (e === paren + 1) {
      this.w.insert(paren + 1, text);
      return;
    }
    if (masked[e - 1] === ',') this.w.insert(e, ` ${text}`);
    else this.w.insert(e, `, ${text}`);
  }

  /** no-timeout: a timeout within the latency budget. */
  addTimeout(): CodeFix | undefined {
    const rec = this.rec;
    const secs = secondsText(this.config.latencyBudgetMs);
    const title = `Add a timeout of ${secs} s (latency budget)`;
    if (rec.kind === 'sagemaker') return this.addBotoConfig(secs);
    const existing = rec.args().keywords.get('timeout');
    let value = secs;
    if (rec.kind === 'remote' && rec.lib === 'aiohttp') {
      const aliases = this.scan.imports.aliases;
      let mod = [...aliases].find(([, v]) => v === 'aiohttp')?.[0];
      if (aliases.get('ClientTimeout') === 'aiohttp.ClientTimeout') value = `ClientTimeout(total=${secs})`;
      else {
        if (!mod) {
          mod = 'aiohttp';
          this.addModuleBlocks([['import aiohttp']]);
        }
        value = `${mod}.ClientTimeout(total=${secs})`;
      }
    }
    if (existing) this.w.replace(existing.start, existing.end, value);
    else this.addArgument(rec.site.paren, rec.end, `timeout=${value}`);
    return { title, rule: 'no-timeout', edits: this.w.edits(), isPreferred: true, fixAllSafe: rec.kind !== 'custom' };
  }

  /** SageMaker: `config=Config(read_timeout=…, connect_timeout=…)` on the boto3 client. */
  addBotoConfig(secs: string): CodeFix | undefined {
    const a: Assign | undefined = this.rec.clientAssign;
    if (!a) return undefined;
    const masked = this.scan.masked;
    const open = masked.indexOf('(', a.rhsStart);
    if (open < 0 || open >= a.rhsEnd) return undefined;
    const close = matchParen(masked, open, a.rhsEnd);
    if (close < 0) return undefined;
    const timeouts = `read_timeout=${secs}, connect_timeout=${secs}`;
    const args = this.ctx.parseArgs(open, close + 1);
    const cfg = args.keywords.get('config');
    if (cfg) {
      const t = masked.slice(cfg.start, cfg.end);
      const lead = /^([A-Za-z_][\w.]*)\s*\(/.exec(t);
      if (lead) {
        const p = cfg.start + t.indexOf('(');
        const c = matchParen(masked, p, cfg.end);
        if (c < 0) return undefined;
        this.addArgument(p, c + 1, timeouts);
      } else return undefined;
    } else {
      const aliases = this.scan.imports.aliases;
      let ctor = 'Config';
      if (aliases.get('Config') !== 'botocore.config.Config') {
        if (aliases.has('Config') || this.moduleBinds('Config')) {
          ctor = 'botocore.config.Config';
          if (aliases.get('botocore') !== 'botocore') this.addModuleBlocks([['import botocore.config']]);
        } else this.addModuleBlocks([['from botocore.config import Config']]);
      }
      this.addArgument(open, close + 1, `config=${ctor}(${timeouts})`);
    }
    return { title: `Set boto3 read/connect timeouts of ${secs} s (latency budget)`, rule: 'no-timeout', edits: this.w.edits(), isPreferred: true, fixAllSafe: true };
  }
}

function matchParen(masked: string, open: number, limit: number): number {
  let depth = 0;
  for (let i = open; i < Math.min(limit, masked.length); i++) {
    const c = masked[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** torch.load(...) → torch.load(..., weights_only=True). */
function weightsOnlyFix(finding: Finding, source: string, ctx: PyContext): CodeFix[] {
  const w = new Writer(source, ctx.scan);
  const starts = ctx.scan.lineStartOffsets;
  const start = (starts[finding.range.start.line] ?? 0) + finding.range.start.character;
  const end = (starts[finding.range.end.line] ?? 0) + finding.range.end.character;
  const masked = ctx.scan.masked;
  const open = masked.indexOf('(', start);
  if (open < 0 || open >= end || masked[end - 1] !== ')') return [];
  const args = ctx.parseArgs(open, end);
  const existing = args.keywords.get('weights_only');
  if (existing) w.replace(existing.start, existing.end, 'True');
  else {
    let e = end - 1;
    while (e > open + 1 && /\s/.test(masked[e - 1] as string)) e--;
    w.insert(e, e === open + 1 ? 'weights_only=True' : masked[e - 1] === ',' ? ' weights_only=True' : ', weights_only=True');
  }
  return [{ title: 'Load weights only (weights_only=True)', rule: 'unsafe-model-load', edits: w.edits(), isPreferred: true, fixAllSafe: false }];
}

/**
 * The last analysis made for fixes: "fix all" asks for the fixes of many findings of the same text in a row. The
 * analysis depends on the text and the configuration only (the same text parses to the same tree).
 */
let lastAnalysis: { source: string; config: AnalysisConfig; out: ReturnType<typeof analyzePython> } | undefined;

function analysisFor(source: string, tree: Tree, config: AnalysisConfig): ReturnType<typeof analyzePython> {
  if (lastAnalysis && lastAnalysis.config === config && lastAnalysis.source === source) return lastAnalysis.out;
  const out = analyzePython(source, tree, config);
  lastAnalysis = { source, config, out };
  return out;
}

export function pythonFixes(finding: Finding, source: string, tree: Tree, config: AnalysisConfig): CodeFix[] {
  const { ctx, result } = analysisFor(source, tree, config);
  if (finding.rule === 'unsafe-model-load') {
    const label = typeof finding.fix?.label === 'string' ? finding.fix.label : '';
    return label === 'torch.load' ? weightsOnlyFix(finding, source, ctx) : [];
  }
  const byIndex = finding.callIndex !== undefined ? result.records[finding.callIndex] : undefined;
  const rec = byIndex && sameRange(byIndex.call.range, finding.range) ? byIndex : result.records.find((r) => sameRange(r.call.range, finding.range));
  if (!rec) return [];
  const fixer = new Fixer(source, tree, config, ctx, rec);
  let fix: CodeFix | undefined;
  if (finding.rule === 'no-fallback') fix = fixer.wrapInTry();
  else if (finding.rule === 'no-confidence') fix = fixer.useProba();
  else if (finding.rule === 'no-timeout') fix = fixer.addTimeout();
  // On broken code a statement can swallow the import block: never hand out edits that cannot be applied.
  return fix && fixer.w.consistent() ? [fix] : [];
}
