// Reanalysis of a Python module after an edit (only for analyses asked to keep a snapshot: `keepForEdits`, as the
// language server does). The module is cut into top-level statements (`topLevelStarts`). A statement the edit did not
// touch keeps the predict calls found in it last time unless the edit can reach it:
//  - through names: the edited statement binds a name the statement mentions (at module or class level, or a dotted
//    target such as `app.state.model`), or a statement so reached binds one (origins follow assignments);
//  - through callers: the edited statement mentions a def or class the statement defines (guards are read at the
//    callers of a function), or a method with its class or an instance of it, or a statement so reached does;
//  - through imports: the statement mentions a name whose import changed (appeared, went away or now names another
//    module), or a statement so reached binds one;
//  - file-wide: anything `PyContext.fileFacts()` covers changed (the serving frameworks imported, the names bound to
//    pipelines, torch modules and LLM clients, the classes and their instances, …);
//  - module-level code: its predictions flow into any later module-level line, so it is analyzed again when the edit
//    changed module-level code (anything but the header and body of a top-level def);
//  - syntax errors: a statement with an error takes its calls from the tree (`PyContext.statements()`), so one whose
//    error appeared or went away, or, with an error, whose syntax tree changed (tree-sitter's error recovery can reach
//    past the edit), is analyzed again.
// Everything else is analyzed in full, against the whole new text. A test holds the result equal to a fresh analysis
// after random edits.
import type { Tree } from 'web-tree-sitter';
import type { RawFinding } from '../engine';
import type { AnalysisConfig, PredictCall, SourceContext } from '../types';
import { type CallOutcome, outcomeOf, PyContext, type UnsafeOutcome } from './context';
import { type DefInfo, lastNumberAtOrBefore, type Scan } from './scan';

interface Statement {
  start: number;
  /** Physical line of `start`: the statement's calls keep their ranges relative to it. */
  line: number;
  text: string;
  /** Masked text (strings and comments blanked), for `mentions`. */
  masked: string;
  /** Every name token, computed when first needed. */
  mentions?: Set<string>;
  /** Names other statements read the binding of: module- and class-level targets, each part of a dotted target (imports are file facts). */
  binds: Set<string>;
  /** Def and class names at any depth but methods (their callers decide their guards). */
  defs: Set<string>;
  /** Methods, each with the names its callers outside the class call it on: the class and its instances. */
  methods: { name: string; receivers: string[] }[];
  /** Some of its predict calls are outside any function (their predictions flow into any later module-level line). */
  moduleCode: boolean;
  /** For a def: where its header and body lie, relative to `start` (the rest of it is module-level code). */
  body?: [number, number];
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
  facts: string;
  statements: Statement[];
  /** How many statements this analysis analyzed (the others kept their earlier results). */
  reanalyzed: number;
}

const NAME = /[A-Za-z_]\w*/g;
const DOTTED = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;

/** Analyzes `source`, reusing the results of `previous` (the analysis of the text before the edit) where it can. */
export function analyzePythonIncremental(source: string, tree: Tree, config: AnalysisConfig, context: SourceContext, previous?: { snapshot: PySnapshot; tree: Tree }): { calls: PredictCall[]; findings: RawFinding[]; snapshot: PySnapshot } {
  const ctx = new PyContext(source, tree, config, context, previous?.snapshot.scan);
  const key = `${JSON.stringify(config)}\u0000${context.path ?? ''}\u0000${context.resolver ? 'r' : ''}`;
  const statements = splitStatements(ctx, source);
  const facts = ctx.fileFacts();
  const starts = ctx.statements().starts;
  const prev = previous?.snapshot;
  let fresh: ReturnType<typeof reusable>;
  if (prev && prev.key === key && prev.facts === facts && prev.source !== source) {
    // In a statement with a syntax error, a call is kept only if the tree confirms it: such statements whose syntax
    // tree changed (tree-sitter's error recovery can reach past the edit) count as edited.
    const restructured = new Set<number>();
    if (statements.some((s) => s.error)) {
      for (const r of tree.getChangedRanges(previous.tree)) {
        for (let i = statementAt(starts, r.startIndex); i < statements.length && (statements[i] as Statement).start <= r.endIndex; i++) {
          if ((statements[i] as Statement).error) restructured.add(i);
        }
      }
    }
    fresh = reusable(prev.statements, statements, restructured, changedKeys(prev.scan.imports.aliases, ctx.scan.imports.aliases));
  }
  const { records, unsafe } = ctx.visitSites(fresh ? (site) => fresh[statementAt(starts, site.start)] === true : undefined);
  for (const r of records) {
    const s = statements[statementAt(starts, r.site.start)] as Statement;
    s.calls.push(relative(outcomeOf(r), -s.line));
    if (r.scope < 0) s.moduleCode = true;
  }
  for (const u of unsafe) {
    const s = statements[statementAt(starts, u.start)] as Statement;
    const o = ctx.unsafeOutcome(u);
    s.unsafe.push({ ...o, range: shiftRange(o.range, -s.line) });
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
  return { calls: calls.map((c) => c.call), findings, snapshot: { source, scan: ctx.scan, key, facts, statements, reanalyzed } };
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

/** The top-level statements of the module, with the names each binds and defines. */
function splitStatements(ctx: PyContext, source: string): Statement[] {
  const scan = ctx.scan;
  const { starts, error } = ctx.statements();
  const out: Statement[] = starts.map((start, i) => {
    const end = i + 1 < starts.length ? (starts[i + 1] as number) : source.length;
    return { start, line: Math.max(0, lastNumberAtOrBefore(scan.lineStartOffsets, start)), text: source.slice(start, end), masked: scan.masked.slice(start, end), binds: new Set(), defs: new Set(), methods: [], moduleCode: false, error: error[i] === true, calls: [], unsafe: [] };
  });
  const owner = (offset: number) => out[statementAt(starts, offset)] as Statement;
  scan.assigns.forEach((a, i) => {
    const outside = ctx.bindsOutsideFunction(i);
    for (const t of a.targets) {
      // A dotted target (`app.state.model = …`) is looked up by its whole text from anywhere in the module.
      const dotted = DOTTED.test(t) && !/^(?:self|cls)\./.test(t);
      if (!outside && !dotted) continue;
      const s = owner(a.start);
      for (const m of t.matchAll(NAME)) s.binds.add(m[0]);
    }
  });
  for (const d of scan.defs) {
    const s = owner(d.headerStart);
    const cls = d.kind === 'def' && d.parent >= 0 ? (scan.defs[d.parent] as DefInfo) : undefined;
    // A method is called on `self`/`cls` within its class (this statement), or on the class or an instance of it.
    if (cls?.kind === 'class') s.methods.push({ name: d.name, receivers: [cls.name, ...[...ctx.instancesOf(cls.name)].flatMap((v) => v.match(NAME) ?? [])] });
    else s.defs.add(d.name);
    if (d.parent < 0 && d.kind === 'def') s.body = [d.headerStart - s.start, d.end - s.start];
  }
  return out;
}

/** The statement's module-level code, masked: all of it but a def's header and body. */
function moduleText(s: Statement): string {
  return s.body ? s.masked.slice(0, s.body[0]) + s.masked.slice(s.body[1]) : s.masked;
}

function mentionsOf(s: Statement): Set<string> {
  if (!s.mentions) {
    const set = new Set<string>();
    for (const m of s.masked.matchAll(NAME)) set.add(m[0]);
    s.mentions = set;
  }
  return s.mentions;
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
function reusable(before: Statement[], after: Statement[], restructured: ReadonlySet<number>, imported: Iterable<string>): (boolean[] & { old: (Statement | undefined)[] }) | undefined {
  let head = 0;
  while (head < before.length && head < after.length && (before[head] as Statement).text === (after[head] as Statement).text) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && (before[before.length - 1 - tail] as Statement).text === (after[after.length - 1 - tail] as Statement).text) tail++;
  const inEdit = (i: number) => (i >= head && i < after.length - tail) || restructured.has(i);
  const edited = [...before.slice(head, before.length - tail), ...after.filter((_, i) => inEdit(i))];
  if (edited.length > 16) return undefined;
  const old = after.map((_, i) => (i < head ? before[i] : inEdit(i) ? undefined : before[i - after.length + before.length]));
  after.forEach((s, i) => {
    const o = old[i];
    if (o?.mentions) s.mentions = o.mentions;
  });
  // Module-level predictions flow into any later module-level line: they are analyzed again when the edit changed
  // module-level code (not only the inside of functions).
  const moduleEdit = before.slice(head, before.length - tail).map(moduleText).join('\u0000') !== after.slice(head, after.length - tail).map(moduleText).join('\u0000');
  // A statement whose syntax error appeared or went away takes its calls from the tree, or no longer does.
  const again = Object.assign(after.map((s, i) => inEdit(i) || (moduleEdit && old[i]?.moduleCode === true) || old[i]?.error !== s.error), { old });
  // From the edited statements, statements are reached when `reaches` holds for the names gathered so far; each one
  // reached adds its `next` names.
  const spread = (seed: (s: Statement) => Iterable<string>, reaches: (s: Statement, names: Set<string>) => boolean, next: (s: Statement) => Iterable<string>, also: Iterable<string> = []) => {
    const names = new Set<string>(also);
    for (const s of edited) for (const n of seed(s)) names.add(n);
    const reached = after.map((_, i) => inEdit(i));
    for (let grew = names.size > 0; grew; ) {
      grew = false;
      after.forEach((s, i) => {
        if (reached[i] || !reaches(s, names)) return;
        reached[i] = true;
        again[i] = true;
        for (const n of next(s)) {
          if (!names.has(n)) {
            names.add(n);
            grew = true;
          }
        }
      });
    }
  };
  // Through names: statements mentioning what an edited statement binds or a changed import, and onwards.
  spread((s) => s.binds, (s, names) => intersects(mentionsOf(s), names), (s) => s.binds, imported);
  // Through callers: statements defining what an edited statement mentions (a method, with its class or an instance),
  // and onwards.
  spread(mentionsOf, (s, names) => (s.defs.size > 0 && intersects(s.defs, names)) || s.methods.some((m) => names.has(m.name) && m.receivers.some((r) => names.has(r))), mentionsOf);
  return again;
}
