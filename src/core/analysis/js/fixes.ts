// Quick fixes for JS/TS findings: try/catch (or .catch) with a fallback, an abstain branch below a confidence
// threshold, and a timeout option on remote calls. Edits keep the file's indentation, line endings and semicolons.
import { eolOf, indentUnit } from '../edits';
import type { AnalysisConfig, CodeFix, Finding, TextEdit } from '../types';
import type { JsAnalysis, JsRecord } from './analyzer';
import { type Ast, child, enclosingFunction, FUNCTION_TYPES, type JNode, namedKids, posAt, propName, rangeOfNode, stringValue, subtree, text, unwrap, within } from './ast';
import { jquerySettings, sdkOptionsIndex } from './detect';
import { SDKS } from './libs';
import { argsOf, type Resolver } from './resolve';
import { handedOnCall, type LoopArgmax } from './checks';
import { binaryOp } from './sinks';
import { fallbackNameFor, type JsFunction, jsFunctionOf, jsReturnPlaceholder } from './fallback';
import { CONFIDENCE_THRESHOLD_NAME, FALLBACK_LOG_MESSAGE, fallbackStubComment, jsFallbackName, LOW_CONFIDENCE_LOG_MESSAGE, timeoutConstant } from '../../scaffold/idioms';

const THRESHOLD_CONST = CONFIDENCE_THRESHOLD_NAME;
const LOG_LINE = `console.error('${FALLBACK_LOG_MESSAGE}', err)`;
const SIMPLE_ARG_TYPES = new Set(['identifier', 'member_expression', 'subscript_expression', 'string', 'number', 'template_string', 'object', 'array', 'true', 'false', 'null', 'this']);
const NOT_IN_SIMPLE_ARG = new Set(['call_expression', 'new_expression', 'await_expression', 'arrow_function', 'function_expression', 'assignment_expression', 'update_expression', 'spread_element', 'template_substitution']);

class FixWriter {
  readonly ast: Ast;
  readonly src: string;
  readonly eol: string;
  readonly unit: string;
  readonly semi: boolean;

  constructor(
    readonly a: JsAnalysis,
    readonly config: AnalysisConfig,
  ) {
    this.ast = a.ast;
    this.src = a.ast.source;
    this.eol = eolOf(this.src);
    this.unit = indentUnit(this.src, '  ', '{');
    this.semi = usesSemicolons(a.ast);
  }

  get ts(): boolean {
    return this.a.ts;
  }

  /** `;` when the file uses semicolons. */
  get s(): string {
    return this.semi ? ';' : '';
  }

  edit(from: number, to: number, newText: string): TextEdit {
    return { range: { start: posAt(this.ast, from), end: posAt(this.ast, to) }, newText };
  }

  /** Leading whitespace of the line that holds `offset`. */
  /** Where a new line goes after `offset`: the end of its line when only a comment or spaces follow, else `offset`. */
  lineEndAfter(offset: number): number {
    const nl = this.src.indexOf('\n', offset);
    const end = nl < 0 ? this.src.length : nl > 0 && this.src[nl - 1] === '\r' ? nl - 1 : nl;
    const rest = this.src.slice(offset, end);
    return /^\s*(\/\/.*)?$/.test(rest) ? end : offset;
  }

  indentAt(offset: number): string {
    const line = posAt(this.ast, offset).line;
    const start = this.ast.lineStarts[line] ?? 0;
    return /^[ \t]*/.exec(this.src.slice(start, start + 200))?.[0] ?? '';
  }

  /** Adds `extra` indentation to every line of `t` after the first (unless a multi-line template would change). */
  reindent(t: string, node: JNode, extra: string): string {
    if (!t.includes('\n')) return t;
    if (subtree(this.ast, node).some((n) => n.type === 'template_string' && text(this.ast, n).includes('\n'))) return t;
    return t.replace(/\n([ \t]*)(?=\S)/g, (_m, ws: string) => `\n${extra}${ws}`);
  }

  /** Whether `name` is declared where `at` can see it (a parameter, local, import or top-level declaration). */
  visible(name: string, at: JNode): boolean {
    const b = this.a.env.r.lookup(name, at);
    return b !== undefined && b.kind !== 'global';
  }

  private readonly planned = new Set<string>();
  private readonly fallbackNames = new Map<JNode, string>();
  private readonly extraEdits: TextEdit[] = [];

  /** Whether a top-level name is taken (declared, imported, or planned by this fix). */
  taken(name: string): boolean {
    return this.planned.has(name) || this.visible(name, this.ast.root);
  }

  /** A top-level function declaration named `name` exists already (a fallback written before: reused). */
  hasFunction(name: string): boolean {
    return this.ast.root.children.some((c) => {
      const d = c.type === 'export_statement' ? child(c, 'declaration') : c;
      return d?.type === 'function_declaration' && text(this.ast, child(d, 'name') ?? d) === name;
    });
  }

  /**
   * The fallback of function `fn`: `<name>Fallback(…)` taking the same parameters and returning a placeholder of
   * what `fn` returns (or answering through its response parameter), declared after the top-level statement that
   * holds `fn`; reused when it exists.
   */
  functionFallback(fn: JsFunction): string {
    const known = this.fallbackNames.get(fn.node);
    if (known) return known;
    const base = jsFallbackName(fn.name);
    if (this.hasFunction(base)) {
      this.fallbackNames.set(fn.node, base);
      return base;
    }
    const name = fallbackNameFor(fn, (n) => this.taken(n));
    this.planned.add(name);
    this.fallbackNames.set(fn.node, name);
    const { eol, unit, s } = this;
    const { value, type } = jsReturnPlaceholder(this.ast, fn, this.ts);
    const sig = `function ${name}(${fn.defParams})${this.ts && type ? `: ${type}` : ''} {`;
    const what = fn.anonymous ? 'the callback that calls the model' : `${fn.name}()`;
    const lines = [`/** What ${what} answers when the model fails, times out or is not confident enough. */`, sig, `${unit}${fallbackStubComment('ts')}`, `${unit}return ${value}${s}`, '}'];
    const at = this.lineEndAfter(fn.topLevel.end);
    this.extraEdits.push(this.edit(at, at, `${eol}${eol}${lines.join(eol)}`));
    return name;
  }

  /** `return <fn>Fallback(<args>)`, as a promise where the function returns one without being async, or handed to its continuation. */
  fallbackReturn(fn: JsFunction): string {
    const call = `${this.functionFallback(fn)}(${fn.callArgs})`;
    if (fn.continuation && !fn.response) return `return ${answerThrough(fn, call)}${this.s}`;
    const promised = !fn.isAsync && fn.returns !== undefined && /^Promise\s*</.test(fn.returns);
    return `return ${promised ? `Promise.resolve(${call})` : call}${this.s}`;
  }

  /** A module-level fallback for code outside any function: `predictionFallback(…)` returning null. */
  moduleFallback(): string {
    const name = this.hasFunction('predictionFallback') ? 'predictionFallback' : fallbackNameFor({ name: 'prediction' } as JsFunction, (n) => this.taken(n));
    if (!this.planned.has(name) && !this.hasFunction(name)) {
      this.planned.add(name);
      const { eol, unit, s } = this;
      const sig = this.ts ? `function ${name}(..._inputs: unknown[]): null {` : `function ${name}(..._inputs) {`;
      const lines = ['/** What the script uses when the model fails or times out. */', sig, `${unit}${fallbackStubComment('ts')}`, `${unit}return null${s}`, '}'];
      const lead = this.src.length === 0 || this.src.endsWith('\n') ? '' : eol;
      this.extraEdits.push(this.edit(this.src.length, this.src.length, `${lead}${eol}${lines.join(eol)}${eol}`));
    }
    return name;
  }

  /** A module-level constant after the imports (or before the first statement). */
  moduleConstEdit(decl: string): TextEdit[] {
    const ip = constInsertPoint(this.ast);
    const off = ip.after ? this.lineEndAfter(ip.offset) : ip.offset;
    if (!ip.after) return [this.edit(off, off, `${decl}${this.eol}${this.eol}`)];
    // A blank line on both sides: one more after it when code follows the imports directly.
    const next = this.src.slice(off).replace(/^\r?\n/, '');
    const blankAfter = next === '' || /^[ \t]*(?:\r?\n|$)/.test(next);
    return [this.edit(off, off, `${this.eol}${this.eol}${decl}${blankAfter ? '' : this.eol}`)];
  }

  /** The edits the fallback functions need, taken once. */
  takeExtraEdits(): TextEdit[] {
    return this.extraEdits.splice(0);
  }

  /** Short, side-effect-free argument texts of a call, for `fallbackPrediction(...)` (not the URL of a remote call). */
  simpleArgs(rec: JsRecord): string {
    const call = rec.d.node;
    const remote = rec.d.kind === 'remote' || rec.d.kind === 'sagemaker';
    const out: string[] = [];
    for (const [i, a] of argsOf(call).entries()) {
      if (remote && (i === 0 || (a.type === 'object' && this.a.env.r.objProp(a, 'url')))) continue;
      const t = text(this.ast, a);
      if (!SIMPLE_ARG_TYPES.has(a.type) || t.length > 60 || t.includes('\n')) continue;
      if (subtree(this.ast, a).some((n) => NOT_IN_SIMPLE_ARG.has(n.type))) continue;
      out.push(t);
    }
    return out.join(', ');
  }

  /** Adds a property to an object literal (or wraps a non-literal options value in a spread). */
  addProperty(value: JNode, prop: string): TextEdit[] {
    const obj = unwrap(value);
    if (obj.type !== 'object') {
      return [this.edit(value.start, value.end, `{ ...${text(this.ast, value)}, ${prop} }`)];
    }
    const props = namedKids(obj);
    const last = props[props.length - 1];
    if (!last) return [this.edit(obj.start, obj.end, `{ ${prop} }`)];
    const multiLine = posAt(this.ast, obj.start).line !== posAt(this.ast, obj.end).line && posAt(this.ast, last.start).line !== posAt(this.ast, obj.start).line;
    if (multiLine) return [this.edit(last.end, last.end, `,${this.eol}${this.indentAt(last.start)}${prop}`)];
    return [this.edit(last.end, last.end, `, ${prop}`)];
  }

  /** Deletes a property of an object literal with the comma that separates it from the next (or the previous) one. */
  removeProperty(prop: JNode): TextEdit[] {
    const src = this.src;
    let end = prop.end;
    while (/[ \t]/.test(src[end] ?? '')) end++;
    if (src[end] === ',') {
      end++;
      while (/[ \t]/.test(src[end] ?? '')) end++;
      // The property had a line of its own: so does nothing now.
      if (src[end] === '\n' || src.startsWith('\r\n', end)) {
        const lineStart = src.lastIndexOf('\n', prop.start - 1) + 1;
        if (/^[ \t]*$/.test(src.slice(lineStart, prop.start))) return [this.edit(lineStart, end + (src[end] === '\r' ? 2 : 1), '')];
      }
      return [this.edit(prop.start, end, '')];
    }
    let start = prop.start;
    while (start > 0 && /\s/.test(src[start - 1] ?? '')) start--;
    if (src[start - 1] === ',') return [this.edit(start - 1, prop.end, '')];
    return [this.edit(prop.start, prop.end, '')];
  }

  /** Inserts `, <text>` after argument `after` (or as the first argument). */
  addArgument(call: JNode, after: JNode | undefined, argText: string): TextEdit[] {
    if (after) {
      // A trailing comma and the closing parenthesis on a line of its own (Prettier's style): the new argument gets a
      // line of its own, indented as the line of the argument before it, with its own trailing comma.
      const trailing = /^[ \t]*,([ \t]*\r?\n\s*)\)/.exec(this.src.slice(after.end, after.end + 200));
      if (trailing) {
        const lineStart = this.src.lastIndexOf('\n', after.start - 1) + 1;
        const indent = /^[ \t]*/.exec(this.src.slice(lineStart, after.start))?.[0] ?? '';
        const comma = after.end + (trailing[0].indexOf(',') + 1);
        return [this.edit(comma, comma, `${this.eol}${indent}${argText},`)];
      }
      return [this.edit(after.end, after.end, `, ${argText}`)];
    }
    const a = child(call, 'arguments');
    if (!a || a.type !== 'arguments') return [];
    return [this.edit(a.start + 1, a.start + 1, argText)];
  }
}

export function fixesFor(a: JsAnalysis, finding: Finding, config: AnalysisConfig): CodeFix[] {
  const w = new FixWriter(a, config);
  if (finding.rule === 'unsafe-model-load') return [];
  const rec = findRecord(a, finding);
  if (!rec) return [];
  let fix: CodeFix | undefined;
  switch (finding.rule) {
    case 'no-fallback':
      fix = fallbackFix(w, rec);
      break;
    case 'no-confidence':
      fix = confidenceFix(w, rec);
      break;
    case 'no-timeout':
      fix = timeoutFix(w, rec);
      break;
    default:
      fix = undefined;
  }
  return fix && fix.edits.length > 0 ? [fix] : [];
}

function findRecord(a: JsAnalysis, f: Finding): JsRecord | undefined {
  const same = (r: JsRecord) => {
    const g = rangeOfNode(a.ast, r.d.node);
    return g.start.line === f.range.start.line && g.start.character === f.range.start.character && g.end.line === f.range.end.line && g.end.character === f.range.end.character;
  };
  return a.records.find(same);
}

function usesSemicolons(ast: Ast): boolean {
  let withSemi = 0;
  let without = 0;
  for (const n of ast.nodes) {
    if (n.type !== 'expression_statement' && n.type !== 'lexical_declaration' && n.type !== 'variable_declaration' && n.type !== 'return_statement' && n.type !== 'import_statement' && n.type !== 'throw_statement') continue;
    if (n.parent?.type === 'for_statement' || n.parent?.type === 'for_in_statement') continue;
    const last = n.children[n.children.length - 1];
    if (last && !last.named && ast.source.slice(last.start, last.end) === ';') withSemi++;
    else without++;
  }
  return withSemi >= without;
}

type Place = { stmt: JNode } | { arrow: JNode } | { none: true };

const CHAIN_METHODS = new Set(['then', 'catch', 'finally']);

/** The last call of the promise chain `call` starts (`call.then(a).then(b)`), or `call` itself. */
function promiseChainEnd(ast: Ast, call: JNode): JNode {
  let cur = call;
  for (;;) {
    const member = cur.parent;
    if (member?.type !== 'member_expression' || child(member, 'object') !== cur || !CHAIN_METHODS.has(propName(ast, child(member, 'property')) ?? '')) return cur;
    const next = member.parent;
    if (next?.type !== 'call_expression' || child(next, 'function') !== member) return cur;
    cur = next;
  }
}

/** The statement a call belongs to (within its own function), or the expression-bodied arrow it is the body of. */
function placeOf(call: JNode): Place {
  let cur = call;
  for (let p = call.parent; p; cur = p, p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return p.type === 'arrow_function' && cur.field === 'body' ? { arrow: p } : { none: true };
    if (p.type.endsWith('_statement') || p.type === 'lexical_declaration' || p.type === 'variable_declaration') return { stmt: p };
    if (p.type === 'class_body' || p.type === 'program' || p.type === 'ERROR') return { none: true };
  }
  return { none: true };
}

function awaitedWithin(call: JNode, top: JNode): boolean {
  if (child(call, 'function')?.type === 'await_expression') return true;
  for (let p = call.parent; p && p !== top; p = p.parent) {
    if (p.type === 'await_expression') return true;
    if (FUNCTION_TYPES.has(p.type)) return false;
  }
  return false;
}

// ------------------------------------------------------------------ no-fallback

/**
 * A function that answers through an error-first continuation (and not an HTTP response) hands its fallback `value`
 * to it (`done(null, value)`): its caller waits for that call, not for what the function returns.
 */
function answerThrough(fn: JsFunction, value: string): string {
  return fn.continuation && !fn.response ? `${fn.continuation.param}(null, ${value})` : value;
}

/**
 * no-fallback: inside a function, the statement with the call and the rest of the function go into a try whose
 * catch logs and returns the function's fallback (processing of the prediction is covered; callers get a value of the
 * type they expect, or the response is sent); a promise chain that is not awaited gets a `.catch`; a discarded call
 * (a warm-up) is logged and the code goes on.
 */
function fallbackFix(w: FixWriter, rec: JsRecord): CodeFix | undefined {
  const ast = w.ast;
  // In an async function handed to a helper (`await retry(async () => model.run(x))`), the answer is used where the
  // helper is awaited: the guard goes there, and the function around it supplies the fallback. So it does for a
  // promise kept in a name and awaited later (`const p = client.create(…)` … `await p`).
  const inner = enclosingFunction(rec.d.node);
  const call = (inner && handedOnCall(ast, inner)) ?? (rec.d.promise ? w.a.checker.awaitedLater(rec.d.node) : undefined) ?? rec.d.node;
  const fn = jsFunctionOf(ast, call);
  const place = placeOf(call);
  const { eol, unit, s } = w;
  const done = (title: string, edits: TextEdit[]): CodeFix => ({ title, rule: 'no-fallback', edits: [...edits, ...w.takeExtraEdits()], isPreferred: true, fixAllSafe: true });
  const failureValue = () => (fn && !fn.isGenerator ? `${w.functionFallback(fn)}(${fn.callArgs})` : `${w.moduleFallback()}(${w.simpleArgs(rec)})`);
  const failureAnswer = () => (fn ? answerThrough(fn, failureValue()) : failureValue());
  // At the end of the promise chain the call starts (`call.then(…)`): a fallback handed to the chain's `.then`
  // callbacks would be processed as if it were the model's answer, and what they throw would go uncaught. One line,
  // so `;` between its two statements whatever the file's style (a file with none would not parse).
  const catchFix = (): CodeFix => {
    const end = promiseChainEnd(ast, call).end;
    return done('Add .catch() that returns the fallback', [w.edit(end, end, `.catch((err) => { ${LOG_LINE}; return ${failureAnswer()}${s} })`)]);
  };

  if ('arrow' in place) {
    if (rec.d.promise && !awaitedWithin(call, place.arrow)) return catchFix();
    const body = child(place.arrow, 'body');
    if (!body || !fn) return undefined;
    const ind = w.indentAt(place.arrow.start);
    const inner = w.reindent(text(ast, body), body, unit + unit);
    const lines = ['{', `${ind}${unit}try {`, `${ind}${unit}${unit}return ${inner}${s}`, `${ind}${unit}} catch (err) {`, `${ind}${unit}${unit}${LOG_LINE}${s}`, `${ind}${unit}${unit}${w.fallbackReturn(fn)}`, `${ind}${unit}}`, `${ind}}`];
    return done(`Wrap in try/catch: fall back to ${w.functionFallback(fn)}()`, [w.edit(body.start, body.end, lines.join(eol))]);
  }
  if (!('stmt' in place)) return rec.d.promise ? catchFix() : undefined;
  const stmt = place.stmt;
  if (rec.d.promise && !awaitedWithin(call, stmt)) return catchFix();
  if (stmt.parent?.type === 'export_statement') return rec.d.promise ? catchFix() : undefined;

  const wrap = (first: JNode, last: JNode, catchTail: string[]): TextEdit[] => {
    const ind = w.indentAt(first.start);
    const region = w.reindent(ast.source.slice(first.start, last.end).replace(/[ \t]+$/, ''), first, unit);
    const lines = [`try {`, `${ind}${unit}${region}`, `${ind}} catch (err) {`, `${ind}${unit}${LOG_LINE}${s}`, ...catchTail.map((l) => `${ind}${unit}${l}`), `${ind}}`];
    return [w.edit(first.start, last.end, lines.join(eol))];
  };

  // A prediction whose value is discarded (`await session.run(warmup);`): log and go on.
  const expr = stmt.type === 'expression_statement' ? namedKids(stmt)[0] : undefined;
  if (expr && unwrap(expr) === call) return done('Wrap in try/catch that logs the failure', wrap(stmt, stmt, []));

  if (fn && !fn.isGenerator && fn.body.type === 'statement_block') {
    const top = ancestorIn(stmt, fn.body);
    const stmts = namedKids(fn.body);
    const last = stmts[stmts.length - 1];
    if (!top || !last) return undefined;
    if (top.type === 'function_declaration' || top.type === 'class_declaration') return undefined;
    return done(`Wrap in try/catch: fall back to ${w.functionFallback(fn)}()`, wrap(top, last, [w.fallbackReturn(fn)]));
  }

  const moduleCall = `${w.moduleFallback()}(${w.simpleArgs(rec)})`;
  // Top-level code whose prediction the top-level statements after it use: they go into the try with it (a fallback
  // value they could not use would only move the crash), when nothing outside the try reads what it now scopes.
  const uses = topLevelUses(ast, stmt);
  if (uses) return done('Wrap in try/catch with a fallback', wrap(stmt, uses, [`${moduleCall}${s}`]));
  // Otherwise the statement alone, its variable hoisted so that code after the try sees it.

  if (stmt.type === 'lexical_declaration' || stmt.type === 'variable_declaration') {
    const decls = namedKids(stmt).filter((c) => c.type === 'variable_declarator');
    const decl = decls[0];
    const name = decl ? child(decl, 'name') : undefined;
    const value = decl ? child(decl, 'value') : undefined;
    if (decls.length !== 1 || !decl || !name || name.type !== 'identifier' || !value) return rec.d.promise ? catchFix() : undefined;
    const kind = stmt.type === 'variable_declaration' ? 'var' : 'let';
    const type = child(decl, 'type');
    const id = text(ast, name);
    const ind = w.indentAt(stmt.start);
    const head = `${kind} ${id}${type ? text(ast, type) : ''}${s}`;
    const assign = `${id} = ${w.reindent(text(ast, value), value, unit)}${s}`;
    const lines = [head, `${ind}try {`, `${ind}${unit}${assign}`, `${ind}} catch (err) {`, `${ind}${unit}${LOG_LINE}${s}`, `${ind}${unit}${id} = ${moduleCall}${s}`, `${ind}}`];
    return done('Wrap in try/catch with a fallback', [w.edit(stmt.start, stmt.end, lines.join(eol))]);
  }
  if (stmt.type === 'expression_statement') {
    const u = expr ? unwrap(expr) : undefined;
    if (u?.type === 'assignment_expression') {
      const left = child(u, 'left');
      if (left) return done('Wrap in try/catch with a fallback', wrap(stmt, stmt, [`${text(ast, left)} = ${moduleCall}${s}`]));
    }
    return done('Wrap in try/catch with a fallback', wrap(stmt, stmt, []));
  }
  return rec.d.promise ? catchFix() : undefined;
}

// ------------------------------------------------------------------ no-confidence

function confidenceFix(w: FixWriter, rec: JsRecord): CodeFix | undefined {
  const ast = w.ast;
  const checker = w.a.checker;
  const d = rec.d;
  const scope = checker.unitOf(d.node);
  if (scope.type === 'program') return undefined;
  const facts = checker.unitFacts(scope);
  const taint = checker.taint(d, facts);
  let target: { after: JNode; score: string } | undefined;

  const argmax = facts.argmax.find((x) => x.end >= d.node.start && x.fn === scope);
  if (argmax) target = argmaxTarget(w, argmax, taint.values);
  // A loop that keeps the largest value and its index: the value it kept, once the loop is done. The loop whose own
  // comparison it is (an outer loop holding it counts too), in this function, not a closure of it.
  if (!target) {
    const loops = checker.argmaxLoops(d, facts, taint.values).filter((la) => la.loop.fn === scope);
    const innermost = loops.filter((la) => !loops.some((o) => o !== la && within(o.loop, la.loop)));
    if (innermost.length === 1) target = loopArgmaxTarget(ast, innermost[0] as LoopArgmax);
  }
  if (!target && (d.kind === 'hf-pipeline' || d.kind === 'onnxruntime' || d.labels)) target = labelTarget(w, rec, taint.values);
  if (!target) return undefined;
  const { after, score } = target;
  const fn = jsFunctionOf(ast, after);
  if (!fn || fn.isGenerator) return undefined;
  const ind = w.indentAt(after.start);
  const { eol, s, unit } = w;
  const at = w.lineEndAfter(after.end);
  const log = `console.info('${LOW_CONFIDENCE_LOG_MESSAGE}', { confidence: ${score} })${s}`;
  const edits: TextEdit[] = [w.edit(at, at, `${eol}${ind}if (${score} < ${THRESHOLD_CONST}) {${eol}${ind}${unit}${log}${eol}${ind}${unit}${w.fallbackReturn(fn)}${eol}${ind}}`)];
  if (!w.visible(THRESHOLD_CONST, after)) edits.push(...w.moduleConstEdit(`const ${THRESHOLD_CONST} = ${w.config.confidenceThreshold}${s}`));
  edits.push(...w.takeExtraEdits());
  return {
    title: `Abstain below a confidence threshold (${w.config.confidenceThreshold})`,
    rule: 'no-confidence',
    edits,
    isPreferred: true,
    fixAllSafe: false,
  };
}



/** The statement holding `n` when it is a statement of a block (where an `if (...) return` may follow it). */
function blockStatement(n: JNode): JNode | undefined {
  for (let p: JNode | null = n; p; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return undefined;
    if (p.parent?.type === 'statement_block' && (p.type.endsWith('_statement') || p.type === 'lexical_declaration' || p.type === 'variable_declaration')) return p;
  }
  return undefined;
}

function isSimpleExpr(ast: Ast, n: JNode): boolean {
  const u = unwrap(n);
  if (u.type !== 'identifier' && u.type !== 'member_expression') return false;
  return !subtree(ast, u).some((x) => x.type === 'call_expression' || x.type === 'subscript_expression');
}

function argmaxTarget(w: FixWriter, site: JNode, tainted: Set<string>): { after: JNode; score: string } | undefined {
  const ast = w.ast;
  const stmt = blockStatement(site);
  if (!stmt || (stmt.type !== 'lexical_declaration' && stmt.type !== 'variable_declaration')) return undefined;
  const decl = namedKids(stmt).find((c) => c.type === 'variable_declarator' && within(site, c));
  const name = decl ? child(decl, 'name') : undefined;
  const value = decl ? child(decl, 'value') : undefined;
  if (!decl || !name || !value) return undefined;
  const f = child(site, 'function');
  const fu = f ? unwrap(f) : undefined;
  const args = argsOf(site);
  const prop = fu?.type === 'member_expression' ? propName(ast, child(fu, 'property')) : undefined;
  const isIndexVar = name.type === 'identifier' && unwrap(value) === site;
  // The array the argmax runs over.
  let arr: JNode | undefined;
  if (fu?.type === 'identifier') arr = args[0];
  else if (fu?.type === 'member_expression' && (prop === 'indexOf' || prop === 'reduce')) arr = child(fu, 'object');
  if (arr && isSimpleExpr(ast, arr)) {
    const arrText = text(ast, arr);
    const names = subtree(ast, arr).filter((x) => x.type === 'identifier').map((x) => text(ast, x));
    const scoreish = names.some((n) => tainted.has(n)) || /score|prob|confid|logit|softmax/i.test(arrText);
    if (isIndexVar && scoreish) return { after: stmt, score: `${arrText}[${text(ast, name)}]` };
    return { after: stmt, score: `Math.max(...${arrText})` };
  }
  // A tensor argMax: the same chain with max() gives the top probability.
  if (fu?.type === 'member_expression' && prop !== undefined && /^arg_?max$/i.test(prop) && name.type === 'identifier') {
    const propNode = fu ? child(fu, 'property') : undefined;
    if (!propNode) return undefined;
    const vt = text(ast, value);
    const rel = propNode.start - value.start;
    if (rel < 0 || rel > vt.length) return undefined;
    const replaced = vt.slice(0, rel) + 'max' + vt.slice(rel + (propNode.end - propNode.start));
    if (replaced.includes('\n')) return undefined;
    return { after: stmt, score: replaced };
  }
  return undefined;
}

/**
 * After a max-finding loop (`for (…) if (p[i] > best) { best = p[i]; bestIndex = i; }`): the value it kept (`best`), or
 * the side of its comparison that reads the array at the kept index (`p[bestIndex]`). None for a loop that keeps the
 * smallest value (a distance: the nearest is the surest), or whose kept name is declared in the loop itself.
 */
function loopArgmaxTarget(ast: Ast, la: LoopArgmax): { after: JNode; score: string } | undefined {
  const after = blockStatement(la.loop);
  if (!after || after !== la.loop) return undefined;
  const l = child(la.condition, 'left');
  const r = child(la.condition, 'right');
  if (!l || !r) return undefined;
  const op = binaryOp(ast, la.condition);
  const names = (n: JNode): string[] => subtree(ast, n).filter((x) => x.type === 'identifier').map((x) => text(ast, x));
  // The side holding what was kept so far: the kept value, or the array read at the kept index.
  const keptSide = (n: JNode): boolean => names(n).some((x) => la.value.includes(x) || la.index.includes(x));
  const [kept, candidate] = keptSide(r) && !keptSide(l) ? [r, l] : keptSide(l) && !keptSide(r) ? [l, r] : [undefined, undefined];
  if (!kept || !candidate) return undefined;
  // `candidate > kept` (or `kept < candidate`) keeps the largest.
  const largest = kept === r ? /^>=?$/.test(op) : /^<=?$/.test(op);
  if (!largest) return undefined;
  const declaredInLoop = (name: string): boolean => subtree(ast, la.loop).some((x) => x.type === 'variable_declarator' && names(child(x, 'name') ?? x).includes(name));
  const value = la.value[0];
  if (value !== undefined) return declaredInLoop(value) ? undefined : { after, score: value };
  const read = unwrap(kept);
  if (read.type !== 'subscript_expression' || subtree(ast, read).some((n) => n.type === 'call_expression') || names(read).some(declaredInLoop)) return undefined;
  return { after, score: text(ast, read) };
}

function labelTarget(w: FixWriter, rec: JsRecord, tainted: Set<string>): { after: JNode; score: string } | undefined {
  const ast = w.ast;
  const checker = w.a.checker;
  const d = rec.d;
  const facts = checker.unitFacts(checker.unitOf(d.node));
  const mentions = (n: JNode | undefined): boolean => !!n && (within(d.node, n) || subtree(ast, n).some((x) => x.type === 'identifier' && tainted.has(text(ast, x))));
  const read = facts.labelReads.find((m) => mentions(child(m, 'object')));
  if (read) {
    const obj = child(read, 'object');
    if (!obj) return undefined;
    const root = rootIdentifier(obj);
    if (!root) return undefined;
    const b = w.a.env.r.lookup(text(ast, root), root);
    const useStmt = blockStatement(read);
    const block = useStmt?.parent;
    if (!useStmt || !block) return undefined;
    // After both the prediction (maybe wrapped in a try by now) and the declaration of the label's object.
    const candidates = [ancestorIn(d.node, block), b ? ancestorIn(b.decl, block) : undefined].filter((x): x is JNode => x !== undefined);
    const declStmt = candidates.sort((x, y) => y.start - x.start)[0];
    if (!declStmt || declStmt === useStmt || declStmt.start > useStmt.start) return undefined;
    // The score next to the label in the same result item: pipelines and Hugging Face Inference (`score`), Cohere
    // (`confidence`), mobilenet (`className` → `probability`), coco-ssd (`class` → `score`).
    const key = read.type === 'member_expression' ? propName(ast, child(read, 'property')) : undefined;
    const scoreKey = d.kind === 'hf-pipeline' || d.sdk === 'hf-inference' ? 'score' : d.sdk === 'cohere' ? 'confidence' : d.kind === 'tfjs' && key === 'className' ? 'probability' : d.kind === 'tfjs' && key === 'class' ? 'score' : undefined;
    if (scoreKey) {
      const t = text(ast, obj);
      if (t.includes('\n')) return undefined;
      return { after: declStmt, score: `${t}.${scoreKey}` };
    }
    if (d.kind !== 'onnxruntime') return undefined;
    // onnxruntime: the probabilities output next to the label, when the label is read from the call's own outputs.
    const rootDecl = b?.decl.parent?.type === 'variable_declarator' ? child(b.decl.parent, 'value') : undefined;
    if (!rootDecl || !within(d.node, rootDecl)) return undefined;
    const rootName = text(ast, root);
    const probKey = probabilityKey(w, subtree(w.ast, facts.unit), rootName);
    const data = `${rootName}.${probKey}.data`;
    return { after: declStmt, score: w.ts ? `Math.max(...(${data} as Float32Array))` : `Math.max(...${data})` };
  }
  const pat = facts.labelPatterns.find((p) => p.parent?.type === 'variable_declarator' && p.field === 'name' && mentions(child(p.parent, 'value')));
  if (pat && d.kind === 'hf-pipeline') {
    const hasScore = pat.children.some((c) => c.type === 'shorthand_property_identifier_pattern' && text(ast, c) === 'score');
    const stmt = pat.parent ? blockStatement(pat.parent) : undefined;
    if (hasScore && stmt) return { after: stmt, score: 'score' };
  }
  return undefined;
}

/** Top-level statements the use of a prediction stops at: what they declare is visible before them, or to other files. */
const TOP_LEVEL_STOPS = new Set(['function_declaration', 'generator_function_declaration', 'class_declaration', 'abstract_class_declaration', 'import_statement', 'export_statement']);

/** The names a declaration statement declares (`const a = …`, `let { b, c: d } = …`). */
function declaredNames(ast: Ast, st: JNode): string[] {
  if (st.type !== 'lexical_declaration' && st.type !== 'variable_declaration') return [];
  const out: string[] = [];
  for (const d of namedKids(st)) {
    const name = d.type === 'variable_declarator' ? child(d, 'name') : undefined;
    if (name) for (const n of subtree(ast, name)) if (n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') out.push(text(ast, n));
  }
  return out;
}

/**
 * The last of the top-level statements after `stmt` (a declaration of the program holding a prediction) that use what
 * it declares, or what those declare in turn; undefined when none does, or when code outside `stmt`…that statement
 * reads a name declared in between (a `try` block would scope it away from there).
 */
function topLevelUses(ast: Ast, stmt: JNode): JNode | undefined {
  if (stmt.parent?.type !== 'program') return undefined;
  const names = new Set(declaredNames(ast, stmt));
  if (names.size === 0) return undefined;
  const siblings = namedKids(stmt.parent);
  const at = siblings.indexOf(stmt);
  let last = stmt;
  for (const st of siblings.slice(at + 1)) {
    if (TOP_LEVEL_STOPS.has(st.type)) break;
    if (!subtree(ast, st).some((n) => (n.type === 'identifier' || n.type === 'shorthand_property_identifier') && names.has(text(ast, n)))) continue;
    last = st;
    for (const n of declaredNames(ast, st)) names.add(n);
  }
  if (last === stmt) return undefined;
  const scoped = new Set(siblings.slice(at, siblings.indexOf(last) + 1).flatMap((st) => declaredNames(ast, st)));
  for (const n of ast.nodes) {
    if ((n.type === 'identifier' || n.type === 'shorthand_property_identifier') && scoped.has(text(ast, n)) && (n.idx < stmt.idx || n.idx > last.last)) return undefined;
  }
  // Statements the analysis did not copy are read as text.
  const word = new RegExp(`(?<![\\w$.])(?:${[...scoped].map((x) => x.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`);
  for (const sk of ast.skipped) if (word.test(ast.source.slice(sk.start, sk.end))) return undefined;
  return last;
}

/** The ancestor of `n` (or `n`) whose parent is `block`. */
function ancestorIn(n: JNode, block: JNode): JNode | undefined {
  for (let p: JNode | null = n; p; p = p.parent) {
    if (p.parent === block) return p;
    if (p === block) return undefined;
  }
  return undefined;
}

function rootIdentifier(n: JNode): JNode | undefined {
  let cur: JNode | undefined = unwrap(n);
  for (let i = 0; cur && i < 30; i++) {
    if (cur.type === 'identifier') return cur;
    if (cur.type === 'member_expression' || cur.type === 'subscript_expression') {
      const o = child(cur, 'object');
      cur = o ? unwrap(o) : undefined;
    } else return undefined;
  }
  return undefined;
}

function probabilityKey(w: FixWriter, nodes: JNode[], root: string): string {
  for (const n of nodes) {
    if (n.type !== 'member_expression' && n.type !== 'subscript_expression') continue;
    const o = child(n, 'object');
    if (!o || unwrap(o).type !== 'identifier' || text(w.ast, unwrap(o)) !== root) continue;
    const key = n.type === 'member_expression' ? propName(w.ast, child(n, 'property')) : (() => {
      const i = child(n, 'index');
      return i ? stringValue(w.ast, unwrap(i)) : undefined;
    })();
    if (key && /prob/i.test(key) && /^[A-Za-z_$][\w$]*$/.test(key)) return key;
  }
  return 'probabilities';
}

/** After the last leading import/require statement, else before the first statement (after directives). */
function constInsertPoint(ast: Ast): { offset: number; after: boolean } {
  let lastImport: JNode | undefined;
  let firstOther: JNode | undefined;
  let lastDirective: JNode | undefined;
  for (const c of ast.root.children) {
    if (c.type === 'comment' || c.type === 'hash_bang_line') continue;
    if (c.type === 'import_statement') {
      lastImport = c;
      continue;
    }
    if ((c.type === 'lexical_declaration' || c.type === 'variable_declaration') && isRequireDecl(ast, c)) {
      lastImport = c;
      continue;
    }
    if (!lastImport && c.type === 'expression_statement' && namedKids(c)[0]?.type === 'string') {
      lastDirective = c;
      continue;
    }
    firstOther = c;
    break;
  }
  if (lastImport) return { offset: lastImport.end, after: true };
  if (lastDirective) return { offset: lastDirective.end, after: true };
  if (firstOther) return { offset: firstOther.start, after: false };
  return { offset: ast.source.length, after: true };
}

function isRequireDecl(ast: Ast, decl: JNode): boolean {
  return namedKids(decl).every((d) => {
    if (d.type !== 'variable_declarator') return false;
    const v = child(d, 'value');
    if (!v) return false;
    let u: JNode | undefined = unwrap(v);
    while (u && u.type === 'member_expression') u = child(u, 'object');
    if (!u || u.type !== 'call_expression') return false;
    const f = child(u, 'function');
    return !!f && f.type === 'identifier' && text(ast, f) === 'require';
  });
}

// ------------------------------------------------------------------ no-timeout

/**
 * The arguments of jQuery's `$.post(url, data, success, dataType)` (or `$.get`) as the properties of its settings form
 * (`$.post({ url, data, success, dataType })`, jQuery 1.12 / 2.2 on), read as jQuery reads them: a function where the
 * data goes is the success callback. Undefined when an argument could be either (a parameter) or is spread.
 */
function jqueryShorthandSettings(ast: Ast, r: Resolver, args: readonly JNode[]): string[] | undefined {
  if (args.length === 0 || args.length > 4 || args.some((a) => a.type === 'spread_element')) return undefined;
  // A comment between the arguments would be lost.
  if ((args[0]?.parent?.children ?? []).some((c) => c.type === 'comment')) return undefined;
  const keys = ['url'];
  const second = args[1] ? unwrap(args[1]) : undefined;
  if (second) {
    const kind = argumentKind(ast, r, second);
    if (kind === undefined) return undefined;
    keys.push(...(kind === 'function' ? ['success', 'dataType'] : ['data', 'success', 'dataType']));
  }
  // `$.post(url, success, dataType, x)`: jQuery reads the third as the data type, ignores the fourth.
  if (args.length > keys.length) return undefined;
  return args.map((a, i) => {
    const key = keys[i] as string;
    const value = text(ast, a);
    return value === key ? key : `${key}: ${value}`;
  });
}

/** Whether an argument is a function or data, when its text or its value tells. */
function argumentKind(ast: Ast, r: Resolver, n: JNode): 'function' | 'data' | undefined {
  if (FUNCTION_TYPES.has(n.type)) return 'function';
  if (/^(?:string|template_string|object|array|number|null|true|false|new_expression)$/.test(n.type)) return 'data';
  // `'q=' + text`; not `cb || function …`, which may be the callback.
  if (n.type === 'binary_expression') return binaryOp(ast, n) === '+' ? 'data' : undefined;
  // JSON.stringify(…), $(form).serialize(), new URLSearchParams(…).toString(): a call that makes the body.
  if (n.type === 'call_expression') {
    const fn = child(n, 'function');
    const name = fn?.type === 'member_expression' ? propName(ast, child(fn, 'property')) : undefined;
    if (name && /^(?:stringify|serialize|serializeArray|toString|param)$/.test(name)) return 'data';
  }
  const v = r.eval(n);
  return v.k === 'fn' ? 'function' : v.k === 'str' || v.k === 'objlit' || v.k === 'arrlit' ? 'data' : undefined;
}

function timeoutFix(w: FixWriter, rec: JsRecord): CodeFix | undefined {
  const d = rec.d;
  // Hosted model APIs and LLM servers answer in seconds: their own constant, not the served model's latency budget.
  const constant = timeoutConstant('js', d.hosted === true, w.config);
  const ms = Math.max(1, Math.round(constant.ms));
  const T = constant.name;
  const call = d.node;
  const args = argsOf(call);
  const r = w.a.env.r;
  let edits: TextEdit[] = [];
  let title = '';
  /** Whether "Fix all" (and `mlship check --fix`) may apply it unasked. */
  let safe = true;
  const optionAt = (index: number, prop: string, fill: string[]): TextEdit[] => {
    const opt = args[index];
    if (opt) return w.addProperty(opt, prop);
    // Fill the missing arguments before the options (e.g. axios.post(url) → axios.post(url, undefined, {…})).
    const present = args.slice(0, index);
    if (present.length < index - fill.length) return [];
    const missing = fill.slice(present.length - (index - fill.length));
    return w.addArgument(call, present[present.length - 1], [...missing, `{ ${prop} }`].join(', '));
  };
  switch (d.client) {
    case 'fetch':
      title = `Add a timeout: AbortSignal.timeout(${T})`;
      edits = optionAt(1, `signal: AbortSignal.timeout(${T})`, []);
      break;
    case 'ofetch':
      title = `Add a $fetch timeout (${T})`;
      edits = optionAt(1, `timeout: ${T}`, []);
      break;
    case 'axios': {
      title = `Add an axios timeout (${T})`;
      const m = d.method ?? '';
      if (m === '') {
        const first = args[0] ? r.eval(args[0]) : undefined;
        edits = first?.k === 'str' ? optionAt(1, `timeout: ${T}`, []) : args[0] ? w.addProperty(args[0], `timeout: ${T}`) : [];
      } else if (m === 'request') edits = args[0] ? w.addProperty(args[0], `timeout: ${T}`) : [];
      else if (/^(post|put|patch)(Form)?$/.test(m)) edits = optionAt(2, `timeout: ${T}`, ['undefined']);
      else edits = optionAt(1, `timeout: ${T}`, []);
      break;
    }
    case 'got': {
      title = `Add a got timeout (${T})`;
      const first = args[0] ? unwrap(args[0]) : undefined;
      const prop = `timeout: { request: ${T} }`;
      edits = first && first.type === 'object' ? w.addProperty(first, prop) : optionAt(1, prop, []);
      break;
    }
    case 'request-promise': {
      title = `Add a request timeout (${T})`;
      const first = args[0] ? unwrap(args[0]) : undefined;
      const opts = first && first.type !== 'string' && first.type !== 'template_string' && r.eval(first).k === 'objlit' ? first : undefined;
      edits = opts ? w.addProperty(opts, `timeout: ${T}`) : optionAt(1, `timeout: ${T}`, []);
      break;
    }
    case 'jquery': {
      // In the settings (`$.ajax(settings)`, `$.ajax(url, settings)`). `$.post(url, data, success)` takes none: it is
      // written in its settings form, which takes one.
      title = `Add a jQuery timeout (${T})`;
      const settings = jquerySettings(r, d, args);
      if (settings) edits = w.addProperty(settings, `timeout: ${T}`);
      else if (d.method === 'ajax' && args.length === 1) edits = optionAt(1, `timeout: ${T}`, []);
      else if (d.method === 'post' || d.method === 'get') {
        const named = jqueryShorthandSettings(w.ast, r, args);
        const first = args[0];
        const last = args[args.length - 1];
        if (named && first && last) {
          // The settings form came with jQuery 1.12 / 2.2 (older ones send the request to "[object Object]"): a fix
          // the user applies, not "Fix all".
          title = `Pass the request as settings with a timeout (${T}; jQuery 1.12 / 2.2 or later)`;
          edits = [w.edit(first.start, last.end, `{ ${[...named, `timeout: ${T}`].join(', ')} }`)];
          safe = false;
        }
      }
      break;
    }
    case 'undici-request':
      title = `Add undici timeouts (${T})`;
      edits = optionAt(1, `headersTimeout: ${T}, bodyTimeout: ${T}`, []);
      break;
    case 'sagemaker':
      title = `Add an abort signal (${T})`;
      edits = optionAt(1, `abortSignal: AbortSignal.timeout(${T})`, []);
      break;
    case 'sdk': {
      // The SDK's own request option, on this call (`create(params, { timeout })`, `run(model, { input, signal })`).
      if (!d.sdk) return undefined;
      const info = SDKS[d.sdk];
      const option = info.fixOption(T);
      const key = option.replace(/:.*$/, '');
      title = `Add a request timeout: ${key} (${T})`;
      const at = sdkOptionsIndex(d, args);
      if (at < 0) return undefined;
      // A bound written into the request body (`create({ model, messages, timeout: MS })`) is sent to the API as a
      // parameter: it moves to the request options, with its value.
      const body = at > 0 && args[at - 1] ? unwrap(args[at - 1] as JNode) : undefined;
      const misplaced = body?.type === 'object' ? namedKids(body).find((p) => p.type === 'pair' && propName(w.ast, child(p, 'key')) === key) : undefined;
      const value = misplaced ? child(misplaced, 'value') : undefined;
      if (misplaced && value) {
        const moved = optionAt(at, `${key}: ${text(w.ast, value)}`, []);
        if (moved.length === 0) return undefined;
        return { title: `Move ${key} from the request body to the request options`, rule: 'no-timeout', edits: [...w.removeProperty(misplaced), ...moved], isPreferred: true, fixAllSafe: true };
      }
      edits = optionAt(at, option, []);
      break;
    }
    case 'sagemaker-v2': {
      title = `Add httpOptions.timeout (${T}) to the client`;
      const via = d.via;
      if (via?.k !== 'obj') return undefined;
      const cfg = via.cfg[0];
      if (cfg && unwrap(cfg).type === 'object') {
        const obj = unwrap(cfg);
        const http = r.objProp(obj, 'httpOptions');
        edits = http && unwrap(http).type === 'object' ? w.addProperty(http, `timeout: ${T}`) : w.addProperty(obj, `httpOptions: { timeout: ${T} }`);
      } else if (!cfg && via.node) {
        edits = w.addArgument(via.node, undefined, `{ httpOptions: { timeout: ${T} } }`);
      }
      break;
    }
    default:
      return undefined;
  }
  if (edits.length === 0) return undefined;
  if (!w.visible(T, call)) edits.push(...w.moduleConstEdit(`const ${T} = ${ms}${w.s} // ms; ${constant.setting}`));
  return { title, rule: 'no-timeout', edits, isPreferred: true, fixAllSafe: safe };
}
