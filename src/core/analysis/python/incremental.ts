// Reanalysis of a Python module after an edit (only for analyses asked to keep a snapshot: `keepForEdits`, as the
// language server does). The module is cut into top-level statements (`topLevelStarts`). A statement the edit did not
// touch keeps the predict calls found in it last time unless the edit can reach it:
//  - through names: the edited statement binds a name the statement reads, or a statement so reached binds one
//    (origins follow assignments). Read as the lookups (`PyContext.bindings`) read it: a plain name bound at module
//    level (or under `global`) where no function around the mention binds it itself; a dotted target such as
//    `app.state.model` (looked up by its whole text from anywhere) wherever a part of it is mentioned; a `self.x` /
//    `cls.x` in a class that binds none (its lookup then takes the bindings of the whole file). A plain name bound in
//    a class body is read by no lookup of another statement: class bodies are module-level code, and a class
//    attribute bound to a pipeline, a torch module or the like is a named file fact (both below);
//  - through callers: the edited statement mentions a def or class the statement defines (guards are read at the
//    callers of a function), or a method with its class or an instance of it, or a statement so reached does;
//  - through imports: the statement mentions a name whose import changed (appeared, went away or now names another
//    module), or a statement so reached binds one;
//  - file-wide: the serving frameworks imported and the few file-wide switches of `PyContext.fileFacts()` changed
//    (everything is analyzed again), or one of its named facts appeared or went away (a name bound to a pipeline,
//    torch module or LLM client, a torch class, a receiver of predict_proba, an instance of a class): the statements
//    mentioning its name count as edited;
//  - module-level code: its predictions flow into any later module-level line, so it is analyzed again when the edit
//    changed module-level code (anything but the headers and bodies of functions, methods included, and, where the
//    code parses, spaces or a comment at the end of a line);
//  - syntax errors: a statement with an error takes its calls from the tree (`PyContext.statements()`), so one whose
//    error appeared or went away, or, with an error, whose syntax tree changed (tree-sitter's error recovery can reach
//    past the edit), is analyzed again.
// Everything else is analyzed in full, against the whole new text. The statements outside the rescanned part of the
// text (`Scan.rescanned`) keep what the split found in them last time (names bound and defined, methods), offsets
// shifted. A test holds the result equal to a fresh analysis after random edits.
import type { Tree } from 'web-tree-sitter';
import type { RawFinding } from '../engine';
import type { AnalysisConfig, PredictCall, SourceContext } from '../types';
import { type CallOutcome, outcomeOf, PyContext, type UnsafeOutcome } from './context';
import { type Assign, classAt, type DefInfo, functionAt, lastAtOrBefore, lastNumberAtOrBefore, type Scan, type Span } from './scan';

interface Statement {
  start: number;
  /** Physical line of `start`: the statement's calls keep their ranges relative to it. */
  line: number;
  text: string;
  /** Masked text (strings and comments blanked), for `mentions`. */
  masked: string;
  /** Every name token; `free` and `reads` too: each computed when first needed. */
  mentions?: Set<string>;
  /**
   * Plain names it binds at module level (or under `global`): read by a plain name where no enclosing function binds
   * it (`free`). A plain name bound in a class body is read by no other statement (`bindings` looks plain names up
   * in the enclosing functions, then at module level; class bodies are module-level code, see `moduleCode`).
   */
  binds: Set<string>;
  /** Names looked up from anywhere by their text: each part of a dotted target (`app.state.model`, in any function) and of a module-level subscript target. */
  parts: Set<string>;
  /** `self.x` / `cls.x` targets it binds (read in its class first, and from any class that binds none). */
  attrs: Set<string>;
  /** Names it mentions where a lookup of them reaches module level: outside functions, or in one that binds none of them (nor do those around it). */
  free?: Set<string>;
  /** `self.x` / `cls.x` chains (each prefix) it reads where its class binds none of them: their lookup takes the bindings anywhere in the file. */
  reads?: Set<string>;
  /** Def and class names at any depth but methods (their callers decide their guards). */
  defs: Set<string>;
  /** Methods, each with the names its callers outside the class call it on: the class and its instances. */
  methods: { name: string; receivers: string[] }[];
  /** Some of its predict calls are outside any function (their predictions flow into any later module-level line). */
  moduleCode: boolean;
  /**
   * Where the functions it holds lie (each def not inside another def, methods included: header and body), relative
   * to `start`, in order; the rest of it is module-level code.
   */
  bodies: [number, number][];
  /** It overlaps a top-level node of the tree with a syntax error (its calls are taken from the tree). */
  error: boolean;
  /** The statement's predict calls and unsafe loads, with line numbers relative to `line`. */
  calls: CallOutcome[];
  unsafe: UnsafeOutcome[];
}

export interface PySnapshot {
  source: string;
  scan: Scan;
  key: string;
  facts: ReturnType<PyContext['fileFacts']>;
  /** The top-level nodes of the tree with a syntax error (`PyContext.topErrors`). */
  errors: Span[];
  statements: Statement[];
  /** How many statements this analysis analyzed (the others kept their earlier results). */
  reanalyzed: number;
}

const NAME = /[A-Za-z_]\w*/g;
const DOTTED = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;
const TRAILING_SPACE = /[ \t]+(?=\r?\n|$)/g;
const IDENT = /^[A-Za-z_]\w*$/;
const SELF_ATTR = /^(?:self|cls)\./;
/** A `self.x` / `cls.x` chain as the lookups read it (spaces and line continuations around the dots dropped). */
const ATTR_CHAIN = /(?<![\w.])(?:self|cls)(?:[\s\\]*\.[\s\\]*[A-Za-z_]\w*)+/g;

/** Analyzes `source`, reusing the results of `previous` (the analysis of the text before the edit) where it can. */
export function analyzePythonIncremental(source: string, tree: Tree, config: AnalysisConfig, context: SourceContext, previous?: { snapshot: PySnapshot; tree: Tree }): { calls: PredictCall[]; findings: RawFinding[]; snapshot: PySnapshot } {
  const ctx = new PyContext(source, tree, config, context, previous?.snapshot.scan);
  const key = `${JSON.stringify(config)}\u0000${context.path ?? ''}\u0000${context.resolver ? 'r' : ''}`;
  const prev = previous?.snapshot;
  const comparable = previous !== undefined && prev !== undefined && prev.key === key && prev.source !== source;
  // The syntax errors: only the top-level nodes over the rescanned text and the tree's changed ranges are asked.
  const changed = previous && tree.rootNode.hasError ? tree.getChangedRanges(previous.tree) : [];
  const span = ctx.scan.rescanned;
  if (prev && previous && span && prev.source !== source) {
    let from = span.start;
    let to = span.end;
    for (const r of changed) {
      from = Math.min(from, r.startIndex);
      to = Math.max(to, r.endIndex);
    }
    ctx.topErrors({ spans: prev.errors, from, to, delta: source.length - prev.source.length });
  }
  const facts = ctx.fileFacts();
  const starts = ctx.statements().starts;
  const same = comparable ? unchangedStatements(prev, ctx.scan, starts) : { head: 0, tail: 0 };
  // A method's receivers include the instances of its class: with those changed, every statement is split again.
  const statements = splitStatements(ctx, source, comparable && prev.facts.instances === facts.instances ? { before: prev.statements, ...same } : undefined);
  let fresh: ReturnType<typeof reusable>;
  if (comparable && prev.facts.global === facts.global) {
    // In a statement with a syntax error, a call is kept only if the tree confirms it: such statements whose syntax
    // tree changed (tree-sitter's error recovery can reach past the edit) count as edited.
    const restructured = new Set<number>();
    if (statements.some((s) => s.error)) {
      for (const r of changed) {
        for (let i = statementAt(starts, r.startIndex); i < statements.length && (statements[i] as Statement).start <= r.endIndex; i++) {
          if ((statements[i] as Statement).error) restructured.add(i);
        }
      }
    }
    fresh = reusable(ctx, prev.statements, statements, restructured, changedKeys(prev.scan.imports.aliases, ctx.scan.imports.aliases), same, factNames(prev.facts.named, facts.named));
  }
  const { records, unsafe } = ctx.visitSites(fresh ? (site) => fresh[statementAt(starts, site.start)] === true : undefined);
  // Relative to each statement's first line: `0 - line`, not `-line`, which is -0 (a heap number) for line 0, and
  // would make every line number added to it one.
  for (const r of records) {
    const s = statements[statementAt(starts, r.site.start)] as Statement;
    s.calls.push(relative(outcomeOf(r), 0 - s.line));
    if (r.scope < 0) s.moduleCode = true;
  }
  for (const u of unsafe) {
    const s = statements[statementAt(starts, u.start)] as Statement;
    const o = ctx.unsafeOutcome(u);
    s.unsafe.push({ ...o, range: shiftRange(o.range, 0 - s.line) });
  }
  const calls: CallOutcome[] = [];
  const loads: UnsafeOutcome[] = [];
  statements.forEach((s, i) => {
    if (fresh && !fresh[i]) {
      const old = fresh.old[i] as Statement;
      s.calls = old.calls;
      s.unsafe = old.unsafe;
      s.moduleCode = old.moduleCode;
    }
    for (const c of s.calls) calls.push(relative(c, s.line));
    for (const u of s.unsafe) loads.push({ ...u, range: shiftRange(u.range, s.line) });
  });
  const findings = ctx.findingsOf(calls, loads);
  const reanalyzed = fresh ? fresh.filter(Boolean).length : statements.length;
  return { calls: calls.map((c) => c.call), findings, snapshot: { source, scan: ctx.scan, key, facts, errors: ctx.topErrors(), statements, reanalyzed } };
}

/** The keys whose values differ between two maps (added, removed or changed). */
function changedKeys(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  const out = [...a.keys()].filter((k) => a.get(k) !== b.get(k));
  for (const k of b.keys()) if (!a.has(k)) out.push(k);
  return out;
}

/** A copy of an outcome with its lines moved by `delta` (stored outcomes are never changed). */
function relative(o: CallOutcome, delta: number): CallOutcome {
  return { ...o, call: { ...o.call, range: shiftRange(o.call.range, delta), checks: { ...o.call.checks } } };
}

function shiftRange(r: PredictCall['range'], delta: number): PredictCall['range'] {
  return { start: { line: r.start.line + delta, character: r.start.character }, end: { line: r.end.line + delta, character: r.end.character } };
}

/** The statement holding `offset` (the first one starts at 0). */
function statementAt(starts: number[], offset: number): number {
  return Math.max(0, lastNumberAtOrBefore(starts, offset));
}

/**
 * The top-level statements known unchanged by the rescan: the first `head` (before the rescanned part, same offsets)
 * and the last `tail` (after it, offsets shifted), each with the same start and end in both texts.
 */
function unchangedStatements(prev: PySnapshot, scan: Scan, starts: readonly number[]): { head: number; tail: number } {
  const span = scan.rescanned;
  if (!span) return { head: 0, tail: 0 };
  const before = prev.statements;
  const delta = scan.source.length - prev.source.length;
  const oldEnd = (i: number) => (i + 1 < before.length ? (before[i + 1] as Statement).start : prev.source.length);
  const newEnd = (j: number) => (j + 1 < starts.length ? (starts[j + 1] as number) : scan.source.length);
  let head = 0;
  while (head < before.length && head < starts.length && oldEnd(head) <= span.start && starts[head] === (before[head] as Statement).start && newEnd(head) === oldEnd(head)) head++;
  let tail = 0;
  for (; tail < before.length - head && tail < starts.length - head; tail++) {
    const i = before.length - 1 - tail;
    const j = starts.length - 1 - tail;
    const start = (before[i] as Statement).start;
    if (start + delta < span.end || starts[j] !== start + delta || newEnd(j) !== oldEnd(i) + delta) break;
  }
  return { head, tail };
}

/** The first index whose `key` is at or after `offset` (the keys ascend). */
function firstAt<T>(items: readonly T[], offset: number, key: (t: T) => number): number {
  return lastAtOrBefore(items, offset - 1, key) + 1;
}

/**
 * The top-level statements of the module, with the names each binds and defines. With `kept`, its first `head` and
 * last `tail` statements are those of `before` (unchanged): they keep what was found in them.
 */
function splitStatements(ctx: PyContext, source: string, kept?: { before: Statement[]; head: number; tail: number }): Statement[] {
  const scan = ctx.scan;
  const { starts, error } = ctx.statements();
  const shift = kept ? kept.before.length - starts.length : 0;
  const oldOf = (i: number): Statement | undefined => (!kept ? undefined : i < kept.head ? kept.before[i] : i >= starts.length - kept.tail ? kept.before[i + shift] : undefined);
  return starts.map((start, i) => {
    const end = i + 1 < starts.length ? (starts[i + 1] as number) : source.length;
    const line = Math.max(0, lastNumberAtOrBefore(scan.lineStartOffsets, start));
    // A statement the rescan kept keeps what it binds and defines; a new one has them gathered below.
    const old = oldOf(i);
    const s: Statement = { start, line, text: source.slice(start, end), masked: scan.masked.slice(start, end), binds: old?.binds ?? new Set(), parts: old?.parts ?? new Set(), attrs: old?.attrs ?? new Set(), defs: old?.defs ?? new Set(), methods: old?.methods ?? [], bodies: old?.bodies ?? [], moduleCode: false, error: error[i] === true, calls: [], unsafe: [] };
    if (old) {
      if (old.mentions) s.mentions = old.mentions;
      if (old.free) s.free = old.free;
      if (old.reads) s.reads = old.reads;
      return s;
    }
    for (let k = firstAt(scan.assigns, start, (a) => a.start); k < scan.assigns.length && (scan.assigns[k] as Assign).start < end; k++) {
      const { fn } = ctx.assignScope(k);
      for (const t of (scan.assigns[k] as Assign).targets) {
        if (SELF_ATTR.test(t)) s.attrs.add(t);
        // A dotted target (`app.state.model = …`) is looked up by its whole text from anywhere in the module.
        else if (DOTTED.test(t)) for (const m of t.matchAll(NAME)) s.parts.add(m[0]);
        else if (fn === -1) {
          if (IDENT.test(t)) s.binds.add(t);
          else for (const m of t.matchAll(NAME)) s.parts.add(m[0]);
        }
      }
    }
    for (let k = firstAt(scan.defs, start, (d) => d.headerStart); k < scan.defs.length && (scan.defs[k] as DefInfo).headerStart < end; k++) {
      const d = scan.defs[k] as DefInfo;
      const cls = d.kind === 'def' && d.parent >= 0 ? (scan.defs[d.parent] as DefInfo) : undefined;
      // A method is called on `self`/`cls` within its class (this statement), or on the class or an instance of it.
      if (cls?.kind === 'class') s.methods.push({ name: d.name, receivers: [cls.name, ...[...ctx.instancesOf(cls.name)].flatMap((v) => v.match(NAME) ?? [])] });
      else s.defs.add(d.name);
      if (d.kind === 'def' && !insideFunction(scan, d)) s.bodies.push([d.headerStart - s.start, d.end - s.start]);
    }
    return s;
  });
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * Computes `s.free` and `s.reads` against the current scan: the names it mentions at module level, or in a function
 * where neither it nor a function around it binds the name (as `bindings` walks the scopes); each prefix of each
 * `self.x` / `cls.x` chain it mentions (`self.a`, `self.a.b`) that its class does not bind, or anywhere outside a
 * class (the lookup then takes every binding of it in the file).
 */
function scopeNames(ctx: PyContext, s: Statement): { free: Set<string>; reads: Set<string> } {
  if (s.free && s.reads) return { free: s.free, reads: s.reads };
  const scan = ctx.scan;
  const end = s.start + s.text.length;
  // The plain names each of its functions binds itself, and the `self.x` / `cls.x` each of its classes binds.
  const locals = new Map<number, Set<string>>();
  const attrsOf = new Map<number, Set<string>>();
  for (let k = firstAt(scan.assigns, s.start, (a) => a.start); k < scan.assigns.length && (scan.assigns[k] as Assign).start < end; k++) {
    const { fn, cls } = ctx.assignScope(k);
    for (const t of (scan.assigns[k] as Assign).targets) {
      if (SELF_ATTR.test(t)) addTo(attrsOf, cls, t);
      else if (fn >= 0) addTo(locals, fn, t);
    }
  }
  const bound = new Map<number, Set<string>>();
  const boundIn = (fn: number): Set<string> => {
    let set = bound.get(fn);
    if (!set) {
      set = new Set(locals.get(fn));
      let p = (scan.defs[fn] as DefInfo).parent;
      while (p >= 0 && (scan.defs[p] as DefInfo).kind !== 'def') p = (scan.defs[p] as DefInfo).parent;
      if (p >= 0) for (const n of boundIn(p)) set.add(n);
      bound.set(fn, set);
    }
    return set;
  };
  const firstDef = firstAt(scan.defs, s.start, (d) => d.headerStart);
  const noDefs = firstDef >= scan.defs.length || (scan.defs[firstDef] as DefInfo).headerStart >= end;
  const free = new Set<string>();
  for (const m of s.masked.matchAll(NAME)) {
    if (noDefs) free.add(m[0]);
    else {
      const fn = functionAt(scan, s.start + (m.index ?? 0));
      if (fn < 0 || !boundIn(fn).has(m[0])) free.add(m[0]);
    }
  }
  const reads = new Set<string>();
  for (const m of s.masked.matchAll(ATTR_CHAIN)) {
    const own = attrsOf.get(classAt(scan, s.start + (m.index ?? 0)));
    const parts = m[0].replace(/[\s\\]+/g, '').split('.');
    let p = parts[0] as string;
    for (let k = 1; k < parts.length; k++) {
      p += `.${parts[k] as string}`;
      if (!own?.has(p)) reads.add(p);
    }
  }
  s.free = free;
  s.reads = reads;
  return { free, reads };
}

/**
 * The names a change of named file facts reaches: the last name of each entry that appeared or went away, and the
 * class of an instance (its methods' callers changed).
 */
function factNames(before: ReadonlySet<string>, after: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const add = (entry: string) => {
    const parts = entry.split('\u0000');
    if (parts[0] === 'instance' && parts[1]) out.add(parts[1]);
    const last = (parts[parts.length - 1] ?? '').match(NAME)?.pop();
    if (last) out.add(last);
  };
  for (const e of before) if (!after.has(e)) add(e);
  for (const e of after) if (!before.has(e)) add(e);
  return out;
}

/** Whether a def or class is nested in a function. */
function insideFunction(scan: Scan, d: DefInfo): boolean {
  for (let p = d.parent; p >= 0; p = (scan.defs[p] as DefInfo).parent) if ((scan.defs[p] as DefInfo).kind === 'def') return true;
  return false;
}

/**
 * The statement's module-level code, masked: all of it but the headers and bodies of the functions it holds (what a
 * module-level prediction is followed through: `functionAt` is -1 there).
 */
function moduleText(s: Statement): string {
  if (s.bodies.length === 0) return s.masked;
  let out = '';
  let from = 0;
  for (const [a, b] of s.bodies) {
    out += s.masked.slice(from, a);
    from = b;
  }
  return out + s.masked.slice(from);
}

function mentionsOf(s: Statement): Set<string> {
  if (!s.mentions) {
    const set = new Set<string>();
    for (const m of s.masked.matchAll(NAME)) set.add(m[0]);
    s.mentions = set;
  }
  return s.mentions;
}

/** Adds `from` to `to`: how many were new. */
function addAll(to: Set<string>, from: Iterable<string>): number {
  const size = to.size;
  for (const x of from) to.add(x);
  return to.size - size;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return true;
  return false;
}

/**
 * Which new statements must be analyzed again (true), with the old statement each other one equals; undefined when
 * the edit reaches too much for reuse to pay.
 */
function reusable(ctx: PyContext, before: Statement[], after: Statement[], restructured: ReadonlySet<number>, imported: Iterable<string>, known: { head: number; tail: number }, reachedFacts: ReadonlySet<string>): (boolean[] & { old: (Statement | undefined)[] }) | undefined {
  // The statements the rescan kept are equal; the others are compared.
  let head = known.head;
  while (head < before.length && head < after.length && (before[head] as Statement).text === (after[head] as Statement).text) head++;
  let tail = Math.min(known.tail, before.length - head, after.length - head);
  while (tail < before.length - head && tail < after.length - head && (before[before.length - 1 - tail] as Statement).text === (after[after.length - 1 - tail] as Statement).text) tail++;
  const inWindow = (i: number) => i >= head && i < after.length - tail;
  const old = after.map((_, i) => (i < head ? before[i] : inWindow(i) ? undefined : before[i - after.length + before.length]));
  after.forEach((s, i) => {
    const o = old[i];
    if (o?.mentions && !s.mentions) s.mentions = o.mentions;
    if (o?.free && o.reads && !s.free) {
      s.free = o.free;
      s.reads = o.reads;
    }
  });
  // Statements mentioning a named file fact that appeared or went away count as edited.
  const touched = new Set(restructured);
  if (reachedFacts.size > 0) after.forEach((s, i) => {
    if (!inWindow(i) && intersects(mentionsOf(s), reachedFacts)) touched.add(i);
  });
  const inEdit = (i: number) => inWindow(i) || touched.has(i);
  const edited = [...before.slice(head, before.length - tail), ...after.filter((_, i) => inEdit(i))];
  if (edited.length > 16) return undefined;
  // Module-level predictions flow into any later module-level line: they are analyzed again when the edit changed
  // module-level code (not only the inside of functions).
  // Spaces at the end of a line (a comment typed there is masked to spaces) change nothing a check reads in code that
  // parses; in a statement with a syntax error they are compared too.
  const window = [...before.slice(head, before.length - tail), ...after.slice(head, after.length - tail)];
  const trim = window.some((s) => s.error) ? (t: string) => t : (t: string) => t.replace(TRAILING_SPACE, '');
  const moduleEdit = before.slice(head, before.length - tail).map((s) => trim(moduleText(s))).join('\u0000') !== after.slice(head, after.length - tail).map((s) => trim(moduleText(s))).join('\u0000');
  // A statement whose syntax error appeared or went away takes its calls from the tree, or no longer does.
  const again = Object.assign(after.map((s, i) => inEdit(i) || (moduleEdit && old[i]?.moduleCode === true) || old[i]?.error !== s.error), { old });
  // From the edited statements, statements are reached while `reaches` holds for what `grow` gathered from the
  // edited statements and those reached so far.
  const spread = (grow: (s: Statement) => boolean, reaches: (s: Statement) => boolean, seeded: boolean) => {
    let grew = seeded;
    for (const s of edited) if (grow(s)) grew = true;
    const reached = after.map((_, i) => inEdit(i));
    while (grew) {
      grew = false;
      after.forEach((s, i) => {
        if (reached[i] || !reaches(s)) return;
        reached[i] = true;
        again[i] = true;
        if (grow(s)) grew = true;
      });
    }
  };
  // Through names: statements reading what an edited statement binds or a changed import, and onwards. A plain name
  // bound at module level reaches where its lookup reaches module level (`free`), a part of a dotted target or a
  // changed import wherever it is mentioned, a `self.x` where its class binds none (`reads`).
  const plain = new Set<string>();
  const parts = new Set<string>(imported);
  const attrs = new Set<string>();
  spread(
    (s) => addAll(plain, s.binds) + addAll(parts, s.parts) + addAll(attrs, s.attrs) > 0,
    (s) => (plain.size > 0 && intersects(scopeNames(ctx, s).free, plain)) || (parts.size > 0 && intersects(mentionsOf(s), parts)) || (attrs.size > 0 && intersects(scopeNames(ctx, s).reads, attrs)),
    parts.size > 0,
  );
  // Through callers: statements defining what an edited statement mentions (a method, with its class or an instance),
  // and onwards.
  const called = new Set<string>();
  spread((s) => addAll(called, mentionsOf(s)) > 0, (s) => (s.defs.size > 0 && intersects(s.defs, called)) || s.methods.some((m) => called.has(m.name) && m.receivers.some((r) => called.has(r))), false);
  return again;
}
