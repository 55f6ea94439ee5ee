// Quick fixes for the Python findings: wrap a prediction in try/except with a fallback, switch a classifier's hard
// label to predict_proba with a confidence threshold, add a timeout to remote inference, and load torch weights
// only. Every fix keeps the statement's indentation, the file's indent unit and line endings.
import type { Node, Tree } from 'web-tree-sitter';
import { CELL_MARK, eolOf, indentUnit } from '../edits';
import { CONFIDENCE_THRESHOLD_NAME, FALLBACK_LOG_MESSAGE, fallbackStubComment, LOW_CONFIDENCE_LOG_MESSAGE, pyFallbackName, pySeconds, timeoutConstant } from '../../scaffold/idioms';
import { enclosingFunction, type PyFunction, returnPlaceholder } from './fallback';
import type { AnalysisConfig, CodeFix, Finding, Position, Range, SourceContext, TextEdit } from '../types';
import { analyzePython, type CallRecord, type PyContext } from './context';
import { type Assign, inSpans, lastNumberAtOrBefore, maskPython, matchParen, type Scan, type Span } from './scan';

const THRESHOLD = CONFIDENCE_THRESHOLD_NAME;

/** The statements a fallback fix puts in its try. */
interface Region {
  start: number;
  end: number;
  indent: string;
  first: Node;
  /** Module level: names bound in the region and read after it (bound on the failure path too). */
  laterNames: string[];
  fallbackDef?: string[];
}

/** Names a statement binds: assignment targets (their base names), for/with targets, imports. */
function boundNames(st: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node | null, target: boolean) => {
    if (!n) return;
    if (target) {
      if (n.type === 'identifier') out.push(n.text);
      else if (n.type === 'subscript' || n.type === 'attribute') {
        let b: Node | null = n;
        while (b && (b.type === 'subscript' || b.type === 'attribute')) b = b.childForFieldName(b.type === 'subscript' ? 'value' : 'object');
        if (b?.type === 'identifier') out.push(b.text);
      } else for (const c of n.namedChildren) visit(c, true);
      return;
    }
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      visit(n.childForFieldName('left'), true);
      visit(n.childForFieldName('right'), false);
    } else if (n.type === 'for_statement') visit(n.childForFieldName('left'), true);
    else if (n.type === 'as_pattern_target') visit(n.namedChild(0), true);
    if (/^(?:function_definition|class_definition|lambda)$/.test(n.type)) return;
    if (n.type !== 'assignment' && n.type !== 'augmented_assignment') for (const c of n.namedChildren) visit(c, false);
  };
  visit(st, false);
  return out;
}

function mentionsAnyText(text: string, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  const re = /[A-Za-z_]\w*/g;
  const { masked } = maskPython(text);
  for (let m = re.exec(masked); m; m = re.exec(masked)) if (names.has(m[0]) && masked[m.index - 1] !== '.') return true;
  return false;
}

function mentionsAny(st: Node, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  const re = /[A-Za-z_]\w*/g;
  const { masked } = maskPython(st.text);
  for (let m = re.exec(masked); m; m = re.exec(masked)) if (names.has(m[0]) && masked[m.index - 1] !== '.') return true;
  return false;
}

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
    this.unit = indentUnit(source, '    ', ':');
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
    // A blank line stays blank: an indent there would be trailing white space (pycodestyle W293).
    if (/^[ \t]*(?:\r?\n|$)/.test(text.slice(at, at + 200))) continue;
    out += text.slice(last, at) + unit;
    last = at;
  }
  return out + text.slice(last);
}

/** Keyword arguments that hold a model call's input, in the order they are looked for. */
const INPUT_KEYWORDS = ['messages', 'prompt', 'inputs', 'input', 'text', 'texts', 'X', 'x', 'data', 'images', 'image'];

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

  /**
   * Where module-level additions go: after the last top-level import above the predict call, else after the
   * docstring/leading comments. An import below the call (later in a script, in a later notebook cell) would put
   * them after code that runs first and reads them.
   */
  afterImports(): { at: number; lead: boolean } {
    const top = this.scan.imports.topLevel.filter((l) => l.end <= this.rec.start);
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

  private readonly pendingBlocks: string[][] = [];

  /** Queues module-level blocks (each a list of lines) to go after the imports; `finish()` writes them. */
  addModuleBlocks(blocks: string[][]): void {
    this.pendingBlocks.push(...blocks);
  }

  /** The fix's edits, with every queued module-level block written once (imports first, then constants, then defs). */
  finish(): TextEdit[] {
    this.writeModuleBlocks(this.pendingBlocks.splice(0));
    return this.w.edits();
  }

  private writeModuleBlocks(blocks: string[][]): void {
    if (blocks.length === 0) return;
    const { eol } = this.w;
    const { at, lead } = this.afterImports();
    const imports = blocks.filter((b) => b[0]?.startsWith('import ') || b[0]?.startsWith('from '));
    const rest = blocks.filter((b) => !imports.includes(b)).sort((x, y) => Number(x[0]?.startsWith('def ')) - Number(y[0]?.startsWith('def ')));
    // PEP 8: a def gets two blank lines around it, constants one.
    const gap = (b: string[]) => (b[0]?.startsWith('def ') ? eol + eol + eol : eol + eol);
    let text = '';
    if (lead) {
      for (const b of imports) text += eol + b.join(eol);
      for (const b of rest) text += gap(b) + b.join(eol);
      // PEP 8 (pycodestyle E303, E305): two blank lines between a def and the code after it, counting those it had.
      if (rest[rest.length - 1]?.[0]?.startsWith('def ')) {
        const had = this.blankLinesAfter(at);
        text += eol.repeat(had === Infinity ? 1 : Math.max(0, 2 - had));
      }
    } else {
      text = imports.map((b) => b.join(eol)).join(eol);
      for (const b of rest) text += (text ? gap(b) : '') + b.join(eol);
      text += rest.some((b) => b[0]?.startsWith('def ')) ? eol + eol + eol : eol + eol;
    }
    this.w.insert(at, text);
  }

  /**
   * How many blank lines follow the line that ends at `at`; none counted before the end of the text or a notebook
   * cell's mark (nothing to keep a distance from there).
   */
  private blankLinesAfter(at: number): number {
    const src = this.source;
    let i = src.indexOf('\n', at);
    let blank = 0;
    while (i >= 0) {
      const next = src.indexOf('\n', i + 1);
      const line = src.slice(i + 1, next < 0 ? src.length : next);
      if (line.trim() !== '') return line.startsWith(CELL_MARK) ? Infinity : blank;
      if (next < 0) return Infinity;
      blank++;
      i = next;
    }
    return Infinity;
  }

  /** A call of fallback `name` with the model input of the predict call. */
  fallbackArgs(name: string): string {
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
    // The first positional argument, else the keyword that holds the input (`messages=`, `inputs=`): the fallback takes
    // `*inputs`, no keywords (`create(model="m", messages=q)` falls back to `fallback_prediction(q)`).
    else a = pos(0) ?? INPUT_KEYWORDS.map(kw).find((v) => v !== undefined);
    if (a && /\b(?:await|yield)\b/.test(a)) a = undefined;
    return `${name}(${a ?? ''})`;
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

  private loggerName: string | undefined;

  /** The module's logger (`logger`, or another module-level name bound to a getLogger call). */
  logger(): string {
    if (this.loggerName) return this.loggerName;
    if (this.moduleBinds('logger')) return (this.loggerName = 'logger');
    const masked = this.scan.masked;
    const existing = this.scan.assigns.find((a) => a.owner < 0 && a.kind === 'assign' && a.targets.length === 1 && /^[A-Za-z_]\w*$/.test(a.targets[0] as string) && /\bget_?[lL]ogger\s*\(/.test(masked.slice(a.rhsStart, a.rhsEnd)));
    return (this.loggerName = existing?.targets[0] ?? 'logger');
  }

  /** Adds `import logging` / `logger = logging.getLogger(__name__)` when the module has no logger. */
  ensureLogger(blocks: string[][]): void {
    if (this.logger() !== 'logger' || this.moduleBinds('logger')) return;
    if (!this.scan.imports.aliases.has('logging')) blocks.push(['import logging']);
    blocks.push(['logger = logging.getLogger(__name__)']);
  }

  /** A module-level name not bound yet: `base`, else `base_2`, … */
  freshModuleName(base: string): string {
    let name = base;
    for (let i = 2; (this.moduleBinds(name) || this.planned.has(name)) && i < 100; i++) name = `${base}_${i}`;
    this.planned.add(name);
    return name;
  }

  private readonly planned = new Set<string>();
  private functionFallbackName: string | undefined;

  /**
   * The fallback of function `fn`: `fallback_<fn>(…)` taking the same parameters and returning a placeholder of the
   * type `fn` returns, defined right after the module-level statement holding `fn` (reused when already defined).
   */
  functionFallback(fn: PyFunction): string {
    if (this.functionFallbackName) return this.functionFallbackName;
    const base = pyFallbackName(fn.name);
    if (this.moduleBinds(base)) return (this.functionFallbackName = base);
    const name = this.freshModuleName(base);
    const { eol, unit } = this.w;
    const value = returnPlaceholder(fn, this.tree);
    const sig = `def ${name}(${fn.defParams})${fn.returns && !fn.isGenerator ? ` -> ${fn.returns.replace(/\s+/g, ' ')}` : ''}:`;
    const lines = [sig, `${unit}"""What ${fn.name}() answers when the model fails, times out or is not confident enough."""`, `${unit}${fallbackStubComment('python')}`, `${unit}return ${value}`];
    const at = lineEndOf(this.source, fn.topLevel.endIndex);
    // Two blank lines on each side (pycodestyle E302/E305), however many the code after it had.
    this.w.insert(at, eol + eol + eol + lines.join(eol) + eol.repeat(Math.max(0, 2 - this.blankLinesAfter(at))));
    return (this.functionFallbackName = name);
  }

  /** How the failure path ends inside `fn`: return (or yield) the fallback's answer. */
  fallbackExit(fn: PyFunction): string[] {
    const call = `${this.functionFallback(fn)}(${fn.callArgs})`;
    if (!fn.isGenerator) return [`return ${call}`];
    return fn.isAsync ? [`for item in ${call}:`, `${this.w.unit}yield item`, 'return'] : [`yield from ${call}`, 'return'];
  }

  /**
   * no-fallback: inside a function, the statement with the call and the rest of the function go into a try whose
   * except logs and returns the function's fallback (so processing of the prediction is covered and callers get a
   * value of the type they expect); at module level, the statements that use the prediction go into the try and the
   * except binds the prediction's names from a fallback.
   */
  wrapInTry(): CodeFix | undefined {
    const call = callNode(this.tree, this.rec.start, this.rec.end);
    if (!call) return undefined;
    const fn = enclosingFunction(call);
    const st = this.statement();
    // A prediction whose value is discarded (a warm-up call): log the failure and go on.
    const discarded = !this.rec.used && st ? this.regionOf(st.node, st.node) : undefined;
    const region = discarded ?? (fn ? this.functionRegion(call, fn.body) : this.moduleRegion(call));
    if (!region) return undefined;
    const { eol, unit } = this.w;
    const src = this.source;
    const ind = region.indent;
    let failure: string[];
    if (discarded) failure = [];
    else if (fn) failure = this.fallbackExit(fn);
    else failure = this.moduleFailure(region);
    const body = reindent(src.slice(region.start, region.end), unit);
    const lines = [`try:`, `${ind}${unit}${body}`, `${ind}except Exception:`, `${ind}${unit}${this.logger()}.exception("${FALLBACK_LOG_MESSAGE}")`, ...failure.map((l) => `${ind}${unit}${l}`)];
    this.w.replace(region.start, region.end, lines.join(eol));
    const blocks: string[][] = [];
    this.ensureLogger(blocks);
    if (region.fallbackDef) blocks.push(region.fallbackDef);
    this.addModuleBlocks(blocks);
    const title = discarded ? 'Wrap in try/except that logs the failure' : this.functionFallbackName ? `Wrap in try/except: fall back to ${this.functionFallbackName}()` : 'Wrap in try/except with a fallback';
    return { title, rule: 'no-fallback', edits: this.finish(), isPreferred: true, fixAllSafe: true };
  }

  /** From the function-body statement holding the call to the end of the body (the text to put in the try). */
  functionRegion(call: Node, body: Node): Region | undefined {
    let top: Node | null = call;
    while (top && top.parent && top.parent.id !== body.id) top = top.parent;
    if (!top || top.parent?.id !== body.id) return undefined;
    if (/^(?:decorated_definition|function_definition|class_definition)$/.test(top.type) || top.hasError) return undefined;
    const stmts = body.namedChildren.filter((c): c is Node => !!c);
    const last = stmts[stmts.length - 1] as Node;
    return this.regionOf(top, last.type === 'comment' ? (stmts.filter((c) => c.type !== 'comment').pop() ?? top) : last);
  }

  /** The module-level statement holding the call and the following statements that use what it binds. */
  moduleRegion(call: Node): Region | undefined {
    let top: Node | null = call;
    while (top && top.parent && top.parent.type !== 'module') top = top.parent;
    if (!top || top.parent?.type !== 'module') return undefined;
    if (/^(?:decorated_definition|function_definition|class_definition)$/.test(top.type) || top.hasError) return undefined;
    const siblings = (top.parent.namedChildren.filter((c): c is Node => !!c)).filter((c) => c.startIndex >= top.startIndex);
    const names = new Set(boundNames(top));
    let last = top;
    for (const st of siblings.slice(1)) {
      if (/^(?:decorated_definition|function_definition|class_definition)$/.test(st.type)) break;
      if (st.type === 'comment') continue;
      if (mentionsAny(st, names)) {
        last = st;
        for (const n of boundNames(st)) names.add(n);
      }
    }
    const region = this.regionOf(top, last);
    if (!region) return undefined;
    const inside = siblings.filter((c) => c.endIndex <= last.endIndex);
    const boundInRegion = new Set(inside.flatMap((st) => boundNames(st)));
    const after = siblings.filter((c) => c.startIndex >= last.endIndex);
    region.laterNames = [...boundInRegion].filter((n) => after.some((st) => mentionsAny(st, new Set([n]))));
    region.first = top;
    return region;
  }

  regionOf(first: Node, last: Node): Region | undefined {
    const start = first.startIndex;
    const ls = lineStartOf(this.source, start);
    const indent = this.source.slice(ls, start);
    if (!/^[ \t]*$/.test(indent)) return undefined;
    const end = lineEndOf(this.source, last.endIndex);
    return { start, end, indent, first, laterNames: [] };
  }

  /** Module level: bind the call statement's targets from `fallback_prediction(…)` and any later-used name to None. */
  moduleFailure(region: Region): string[] {
    const st = region.first;
    const inner = st.type === 'expression_statement' ? st.firstNamedChild : null;
    const name = this.freshModuleName('fallback_prediction');
    let call = this.fallbackArgs(name);
    // The input may be bound inside the try itself (before the call): then it may not exist when the except runs.
    const boundBefore = new Set<string>();
    for (let n: Node | null = region.first; n && n.startIndex < this.rec.start; n = n.nextNamedSibling) for (const b of boundNames(n)) boundBefore.add(b);
    if (region.first.startIndex < this.rec.start && region.first.type !== 'expression_statement') for (const b of boundNames(region.first)) boundBefore.add(b);
    if (mentionsAnyText(call.slice(name.length), boundBefore)) call = `${name}()`;
    const out: string[] = [];
    const bound = new Set<string>();
    let arity = 0;
    if (inner?.type === 'assignment' && inner.childForFieldName('right')?.type !== 'assignment') {
      const left = inner.childForFieldName('left');
      if (left) {
        out.push(`${left.text.replace(/\s+/g, ' ')} = ${call}`);
        if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') arity = left.namedChildren.length;
        for (const n of boundNames(st)) bound.add(n);
      }
    } else out.push(call);
    for (const n of region.laterNames) if (!bound.has(n)) out.push(`${n} = None`);
    const u = this.w.unit;
    const value = arity > 0 ? `(${Array(arity).fill('None').join(', ')})` : 'None';
    region.fallbackDef = [`def ${name}(*inputs):`, `${u}"""What the script uses when the model fails or times out."""`, `${u}${fallbackStubComment('python')}`, `${u}return ${value}`];
    return out;
  }

  /** A name not used in the enclosing function. */
  fresh(base: string): string {
    const scope = this.rec.scope;
    const text = scope >= 0 ? this.scan.masked.slice((this.scan.defs[scope] as { headerStart: number }).headerStart, (this.scan.defs[scope] as { end: number }).end) : this.scan.masked;
    let name = base;
    for (let i = 2; new RegExp(`\\b${name}\\b`).test(text) && i < 50; i++) name = `${base}_${i}`;
    return name;
  }

  /**
   * no-confidence: predict_proba, the top probability compared to CONFIDENCE_THRESHOLD, and below it the function's
   * fallback (at module level, the prediction's names take the fallback's value).
   */
  useProba(): CodeFix | undefined {
    const rec = this.rec;
    if (rec.kind !== 'estimator' || !rec.classifier || rec.method !== 'predict' || !rec.receiver) return undefined;
    const st = this.statement();
    if (!st || st.nested) return undefined;
    const node = st.node;
    if (node.type === 'while_statement') return undefined;
    for (let n: Node | null = st.call.parent; n && n.id !== node.id; n = n.parent) if (n.type === 'elif_clause' || n.type === 'else_clause') return undefined;
    const fn = enclosingFunction(st.call);
    // Only a statement of a block: an `if … return` can follow it.
    if (node.parent?.type !== 'block' && node.parent?.type !== 'module') return undefined;
    const { eol, unit } = this.w;
    const src = this.source;
    const ind = st.indent;
    const argsText = src.slice(rec.site.paren + 1, rec.end - 1).trim();
    const recv = src.slice(rec.start, rec.site.nameStart).replace(/\s*\.\s*$/, '');
    const proba = this.fresh('proba');
    const confidence = this.fresh('confidence');
    const label = `${recv}.classes_[${proba}.argmax(axis=1)]`;
    const lines = [`${proba} = ${recv}.predict_proba(${argsText})`, `${confidence} = ${proba}.max(axis=1)`];
    const trailing = st.trailing ? `  ${st.trailing}` : '';
    const rewritten = src.slice(st.start, st.call.startIndex) + label + src.slice(st.call.endIndex, st.end) + trailing;
    const blocks: string[][] = [];
    if (fn && !fn.isGenerator) {
      lines.push(`if ${confidence}.min() < ${THRESHOLD}:`, `${unit}${this.logger()}.info("${LOW_CONFIDENCE_LOG_MESSAGE}", extra={"confidence": float(${confidence}.min())})`, ...this.fallbackExit(fn).map((l) => `${unit}${l}`), rewritten);
      this.ensureLogger(blocks);
    } else if (!fn) {
      const inner = node.type === 'expression_statement' ? node.firstNamedChild : null;
      const left = inner?.type === 'assignment' ? inner.childForFieldName('left') : null;
      if (!left || left.text.includes('\n')) return undefined;
      const name = this.freshModuleName('fallback_prediction');
      const first = rec.args().positional[0];
      lines.push(`if ${confidence}.min() < ${THRESHOLD}:`, `${unit}${this.logger()}.info("${LOW_CONFIDENCE_LOG_MESSAGE}", extra={"confidence": float(${confidence}.min())})`, `${unit}${left.text} = ${name}(${first ? this.text(first) : ''})`, `else:`, `${unit}${reindent(rewritten, unit)}`);
      this.ensureLogger(blocks);
      blocks.push([`def ${name}(*inputs):`, `${unit}"""What the script uses when the model is not confident enough."""`, `${unit}${fallbackStubComment('python')}`, `${unit}return None`]);
    } else return undefined;
    this.w.replace(st.start, lineEndOf(src, st.end), lines.join(eol + ind));
    if (!this.moduleBinds(THRESHOLD)) blocks.unshift([`${THRESHOLD} = ${this.config.confidenceThreshold}`]);
    this.addModuleBlocks(blocks);
    return { title: `Use predict_proba with a confidence threshold (${this.config.confidenceThreshold})`, rule: 'no-confidence', edits: this.finish(), isPreferred: true, fixAllSafe: false };
  }

  /**
   * Appends `text` as the last argument of the call whose `(` is at `paren` and `)` at `close - 1`. `wrapped`, when
   * given, is the argument laid out over several lines for a line that it would take past the limit even on a line of
   * its own; it is given the column where the argument starts.
   */
  addArgument(paren: number, close: number, text: string, wrapped?: (column: number) => string): void {
    const masked = this.scan.masked;
    let e = close - 1;
    while (e > paren + 1 && /\s/.test(masked[e - 1] as string)) e--;
    if (e === paren + 1) {
      this.w.insert(paren + 1, text);
      return;
    }
    if (masked[e - 1] !== ',') {
      // A line that would grow past 99 characters (pycodestyle's E501 at the usual limits, black's 88 + a margin): the
      // argument goes on a line of its own, aligned with the opening parenthesis (E127/E128).
      const lineStart = this.source.lastIndexOf('\n', e - 1) + 1;
      const lineEnd = this.source.indexOf('\n', e);
      const length = (lineEnd < 0 ? this.source.length : lineEnd) - lineStart + 2 + text.length;
      const prefix = this.source.slice(lineStart, paren);
      const column = paren - lineStart + 1;
      if (length > 99 && paren >= lineStart && !prefix.includes('\t')) {
        const own = column + text.length <= 99 ? text : wrapped?.(column);
        if (own !== undefined) {
          this.w.insert(e, `,${this.w.eol}${' '.repeat(column)}${own}`);
          return;
        }
      }
      this.w.insert(e, `, ${text}`);
      return;
    }
    // A trailing comma before a closing parenthesis on a line of its own (`black` style): a line of its own, as indented
    // as the line the comma ends, with its own trailing comma.
    if (masked.slice(e, close - 1).includes('\n')) {
      const lineStart = masked.lastIndexOf('\n', e - 1) + 1;
      const indent = /^[ \t]*/.exec(this.source.slice(lineStart, e))?.[0] ?? '';
      this.w.insert(e, `${this.w.eol}${indent}${text},`);
    } else this.w.insert(e, ` ${text}`);
  }

  /**
   * The module's timeout constant, added after the imports when missing: `INFERENCE_TIMEOUT_S = 0.05` for a model
   * server, `HOSTED_MODEL_TIMEOUT_S = 30.0` for a hosted model API or an LLM server (`CallRecord.hosted`).
   */
  timeoutConstant(): string {
    const { name, secs, setting } = this.timeoutOf();
    if (!this.moduleBinds(name) && !this.planned.has(name)) {
      this.planned.add(name);
      this.addModuleBlocks([[`${name} = ${secs}  # seconds; ${setting}`]]);
    }
    return name;
  }

  /** The constant this call's timeout comes from: its name, its value in seconds, and the setting behind the value. */
  private timeoutOf(): { name: string; secs: string; setting: string } {
    const { name, ms, setting } = timeoutConstant('python', this.rec.hosted === true, this.config);
    return { name, secs: pySeconds(ms), setting };
  }

  /** no-timeout: a timeout from the module's timeout constant. */
  addTimeout(): CodeFix | undefined {
    const rec = this.rec;
    const constant = this.timeoutOf();
    const title = `Add a timeout (${constant.name} = ${constant.secs} s)`;
    if (rec.kind === 'sagemaker') return this.addBotoConfig(title);
    // SDKs whose calls take a `timeout=` (OpenAI-style clients, litellm, RunPod, Google Cloud's Vision and Natural
    // Language) or a `connection_timeout=` (Azure Custom Vision); the others are configured on their client.
    if (rec.kind === 'llm' && rec.lib === 'gemini') return this.addRequestOptionsTimeout(title);
    // RunPod: `run_sync(input, timeout=…)`; `run` (which starts a job) takes none.
    if (rec.kind === 'llm' && rec.lib === 'runpod' && rec.method !== 'run_sync') return undefined;
    if (rec.kind === 'llm' && !/^(?:openai|anthropic|groq|together|litellm|runpod|google-vision|google-language|azure-custom-vision)$/.test(rec.lib)) return this.addClientTimeout(title);
    // msrest operations (Azure Custom Vision) take the request's timeout as `connection_timeout=`.
    const key = rec.lib === 'azure-custom-vision' ? 'connection_timeout' : 'timeout';
    const existing = rec.args().keywords.get(key);
    const secs = this.timeoutConstant();
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
    else this.addArgument(rec.site.paren, rec.end, `${key}=${value}`);
    return { title, rule: 'no-timeout', edits: this.finish(), isPreferred: true, fixAllSafe: rec.kind !== 'custom' };
  }

  /** Gemini (google.generativeai): `generate_content(…, request_options={"timeout": HOSTED_MODEL_TIMEOUT_S})`. */
  addRequestOptionsTimeout(title: string): CodeFix | undefined {
    const rec = this.rec;
    if (rec.args().keywords.has('request_options') || rec.args().splat) return undefined;
    const secs = this.timeoutConstant();
    this.addArgument(rec.site.paren, rec.end, `request_options={"timeout": ${secs}}`);
    return { title, rule: 'no-timeout', edits: this.finish(), isPreferred: true, fixAllSafe: true };
  }

  /**
   * An SDK client whose calls take no timeout (Hugging Face InferenceClient, Cohere, Replicate, Mistral, Triton HTTP): the
   * timeout goes on the constructor the file calls (`InferenceClient(model, timeout=HOSTED_MODEL_TIMEOUT_S)`).
   */
  addClientTimeout(title: string): CodeFix | undefined {
    const a: Assign | undefined = this.rec.clientAssign;
    // The constant goes after the imports: a client built above them would read it before it is set.
    if (!a || a.start < this.afterImports().at) return undefined;
    const call = this.callOfAssign(a);
    const ctor = call && /^(?:await\s+)?([A-Za-z_][\w.]*)\s*$/.exec(this.scan.masked.slice(a.rhsStart, call.open).trim())?.[1];
    if (!call || !ctor || call.args.splat) return undefined;
    const { open, close, args } = call;
    // Triton's HTTP client takes connection and network timeouts; its gRPC client none (each call takes one).
    const keys = this.rec.lib === 'tritonclient' ? (/^tritonclient\.http\./.test(this.ctx.resolveDotted(ctor)) ? ['connection_timeout', 'network_timeout'] : undefined) : CLIENT_TIMEOUT_ARGS[this.rec.lib];
    if (!keys) return undefined;
    const secs = this.timeoutConstant();
    const added: string[] = [];
    for (const [key, value] of keys.map((k) => [k, k.endsWith('_ms') ? `int(${secs} * 1000)` : secs] as const)) {
      const existing = args.keywords.get(key);
      if (existing) this.w.replace(existing.start, existing.end, value);
      else added.push(`${key}=${value}`);
    }
    if (added.length > 0) this.addArgument(open, close + 1, added.join(', '));
    return { title: title.replace('Add a timeout', 'Set a timeout on the client'), rule: 'no-timeout', edits: this.finish(), isPreferred: true, fixAllSafe: true };
  }

  /** The call an assignment's value starts with (`client = Ctor(…)`): its parentheses and arguments. */
  private callOfAssign(a: Assign): { open: number; close: number; args: ReturnType<PyContext['parseArgs']> } | undefined {
    const masked = this.scan.masked;
    let open = masked.indexOf('(', a.rhsStart);
    if (open < 0 || open >= a.rhsEnd) return undefined;
    let close = matchParen(masked, open, a.rhsEnd);
    // The last call of a chain makes the client (`boto3.Session(…).client("sagemaker-runtime")`).
    while (close >= 0) {
      const chained = /^\s*\.\s*[A-Za-z_]\w*\s*\(/.exec(masked.slice(close + 1, a.rhsEnd));
      if (!chained) break;
      open = close + chained[0].length;
      close = matchParen(masked, open, a.rhsEnd);
    }
    return close < 0 ? undefined : { open, close, args: this.ctx.parseArgs(open, close + 1) };
  }

  /** SageMaker: `config=Config(read_timeout=…, connect_timeout=…)` on the boto3 client. */
  addBotoConfig(title: string): CodeFix | undefined {
    const a: Assign | undefined = this.rec.clientAssign;
    if (!a) return undefined;
    const secs = this.timeoutConstant();
    const masked = this.scan.masked;
    const call = this.callOfAssign(a);
    if (!call) return undefined;
    const { open, close, args } = call;
    const timeouts = `read_timeout=${secs}, connect_timeout=${secs}`;
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
      // Too long for a line of its own: one timeout a line, aligned inside `Config(`.
      const head = `config=${ctor}(`;
      this.addArgument(open, close + 1, `${head}${timeouts})`, (column) => `${head}read_timeout=${secs},${this.w.eol}${' '.repeat(column + head.length)}connect_timeout=${secs})`);
    }
    return { title: title.replace('Add a timeout', 'Set boto3 read/connect timeouts'), rule: 'no-timeout', edits: this.finish(), isPreferred: true, fixAllSafe: true };
  }
}

/** The constructor arguments that bound every request of an SDK client, by library (seconds, or milliseconds for `_ms`). */
const CLIENT_TIMEOUT_ARGS: Record<string, string[]> = {
  huggingface_hub: ['timeout'],
  cohere: ['timeout'],
  replicate: ['timeout'],
  mistralai: ['timeout_ms'],
  ollama: ['timeout'],
  // LangChain's chat models and LLMs (`ChatOpenAI`, `ChatAnthropic`, `Ollama`…) all take `timeout=` (a field or its alias).
  langchain: ['timeout'],
};


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
let lastAnalysis: { source: string; config: AnalysisConfig; context: SourceContext; out: ReturnType<typeof analyzePython> } | undefined;

function analysisFor(source: string, tree: Tree, config: AnalysisConfig, context: SourceContext): ReturnType<typeof analyzePython> {
  if (lastAnalysis && lastAnalysis.config === config && lastAnalysis.source === source && lastAnalysis.context.path === context.path) return lastAnalysis.out;
  const out = analyzePython(source, tree, config, context);
  lastAnalysis = { source, config, context, out };
  return out;
}

export function pythonFixes(finding: Finding, source: string, tree: Tree, config: AnalysisConfig, context: SourceContext = {}): CodeFix[] {
  const { ctx, result } = analysisFor(source, tree, config, context);
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
