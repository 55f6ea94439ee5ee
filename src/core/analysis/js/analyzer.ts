// The JavaScript / TypeScript / TSX analyzer: one cursor pass builds a plain-object tree, a resolver collects
// scopes, imports and bindings, then each call is matched against the predict-call catalogue and checked.
import type { Tree } from 'web-tree-sitter';
import type { LanguageAnalyzer, RawFinding } from '../engine';
import type { AnalysisConfig, CodeFix, Finding, ModuleSummary, PredictCall, PredictChecks, Range, SourceContext } from '../types';
import { lineStarts, offsetAt } from '../edits';
import { brokenStatements, changedRanges } from '../parser';
import { type Ast, buildAst, editedLineStarts, FUNCTION_TYPES, type JNode, posAt, rangeOfNode, type StatementFilter, type StatementReuse, walkOf } from './ast';
import { affectedStatements, carryIndex, type EditScope, type ImportFilter, importScanFacts, info, isRoot, mayExport, prescan, reachableStatements, readsBodies, readsFileWideFact, sameInfo, sameSelection, selectStatements, spliceIndex, type Statement, type StatementInfo } from './prescan';
import { CALLBACK_METHODS, Checker } from './checks';
import { type Detected, type DetectEnv, detectCall, isUnsafeLoad, makeEnv } from './detect';
import { fixesFor } from './fixes';
import { Resolver } from './resolve';
import { summarizeModule } from './summary';
import { partitionPoint } from '../../util/search';

export interface JsRecord {
  d: Detected;
  checks: PredictChecks;
}

export interface JsAnalysis {
  ast: Ast;
  /** What the next analysis of the same document may reuse. */
  snapshot?: Snapshot;
  /** Parsed with a TypeScript grammar (type annotations allowed in generated code). */
  ts: boolean;
  env: DetectEnv;
  checker: Checker;
  records: JsRecord[];
  calls: PredictCall[];
  findings: RawFinding[];
  /** What this analysis did (how much of an earlier one it reused): the top-level statements and calls it analyzed. */
  work: { statements: number; calls: number };
  /**
   * Made a second time with every statement copied: a check read the facts of the whole program from a partial copy
   * (see `RunOptions.wholeFile`).
   */
  redone: boolean;
}

const UNSAFE_LOAD_MESSAGE =
  'This unpickles model data: a pickle from an untrusted source can carry arbitrary objects and payloads; load only trusted files, or export the model to ONNX or JSON.';

export interface RunOptions {
  /** Only the calls that start at this offset (a quick fix). */
  only?: number;
  /** Copy only the top-level statements the pre-scan says may matter (the diagnostics; fixes copy everything). */
  selective?: boolean;
  /**
   * With `selective`: nothing is kept for a reanalysis after an edit (`mlship check`, one analysis of a file). A file
   * the pre-scan finds a candidate in is copied whole: the selection follows names, and the names a prediction's code
   * uses (`res`, `data`, `model`, `x`) are declared all over a real file, so it left out few statements (none in most
   * files of the real-code sets) and finding the names each statement uses and declares cost more than copying them.
   */
  oneShot?: boolean;
  /** The analysis of the text before an edit: unchanged statements keep their copies and, when nothing they depend on changed, their results. */
  previous?: Snapshot;
  /**
   * Copy every top-level statement, selected or not (the second attempt after a partial copy's checks read the facts of
   * the whole program, `Checker.unitFacts` of the program): statements the pre-scan's selection leaves out hold such
   * facts too (a comparison, a `return` of code a syntax error left outside its function). The selection stays what
   * the next edit compares with.
   */
  wholeFile?: boolean;
  /** With `previous`: an edit counts as changing all a changed statement declares and uses (see `EditScope`). */
  exactEdits?: boolean;
  /**
   * With `previous`: where the new tree differs from the old one (`getChangedRanges`). Around a syntax error the parser
   * can recover differently in a statement whose text the edit did not touch; such a statement is analyzed again.
   */
  reparsed?: readonly { start: number; end: number }[];
}

/** What one analysis leaves for the next one of the same document (after an edit). */
export interface Snapshot {
  source: string;
  key: string;
  flags: string;
  statements: Statement[];
  infos: StatementInfo[];
  /** Where the pre-scan found candidates. */
  offsets: number[];
  /** The statements a fresh analysis copies (the pre-scan's selection), by start offset. */
  kept: SelectedStarts;
  /**
   * The copy of each statement copied by this analysis or an earlier one (and unchanged since), by its start offset
   * in `source`.
   */
  copies: Map<number, StatementCopy>;
  /** The calls and findings of each statement, by its start offset. */
  results: Map<number, StatementResults>;
  /** The statements whose checks read the facts of the whole program (see `Checker.programFactsRead`), by start offset. */
  programReaders: Set<number>;
  /** The selected statements whose code records a model version (see `Checker.recordsVersion`), by start offset. */
  recorders: Set<number>;
  /** Where the lines of `source` start. */
  lineStarts: number[];
  /** How many nodes this analysis copied (what the next one's copy is sized for). */
  size: number;
}

/**
 * A statement's copy: `top` and its subtree, in document order from `list[from]` (`top.last - top.idx + 1` nodes);
 * their offsets are `delta` behind the text.
 */
interface StatementCopy {
  top: JNode;
  list: readonly JNode[];
  from: number;
  delta: number;
}

/**
 * The start offsets of the statements at `indices`: the set `{ statements[i].start | i in indices }`, answered from the
 * statements (in document order) and the indices, where a set of the offsets takes a hash table entry per statement
 * on every analysis.
 */
export class SelectedStarts implements Iterable<number> {
  constructor(
    private readonly statements: readonly Statement[],
    /** Indices into `statements`: not changed once given. */
    readonly indices: ReadonlySet<number>,
  ) {}
  /** Whether a statement starting at `start` is selected (several may start there: any of them). */
  has(start: number): boolean {
    const list = this.statements;
    if (list.length === 0) return false;
    for (let i = statementAt(list, start); i >= 0 && (list[i] as Statement).start === start; i--) if (this.indices.has(i)) return true;
    return false;
  }
  /** Whether a statement starting where statement `j` does is selected: `has(statements[j].start)` without a search. */
  hasStatement(j: number): boolean {
    if (this.indices.has(j)) return true;
    const list = this.statements;
    const start = (list[j] as Statement).start;
    for (let i = j - 1; i >= 0 && (list[i] as Statement).start === start; i--) if (this.indices.has(i)) return true;
    for (let i = j + 1; i < list.length && (list[i] as Statement).start === start; i++) if (this.indices.has(i)) return true;
    return false;
  }
  /** The start offsets, each once, in document order. */
  *[Symbol.iterator](): Iterator<number> {
    let last = -1;
    for (let i = 0; i < this.statements.length; i++) {
      const start = (this.statements[i] as Statement).start;
      if (start !== last && this.has(start)) yield start;
      last = start;
    }
  }
  /**
   * The selected indices as a set of statement indices that `has` agrees with: the indices themselves, unless a
   * statement left out starts where a selected one does (then it is selected by offset too).
   */
  byIndex(): ReadonlySet<number> {
    const list = this.statements;
    for (let i = 1; i < list.length; i++) {
      if ((list[i] as Statement).start === (list[i - 1] as Statement).start && this.indices.has(i) !== this.indices.has(i - 1)) {
        const out = new Set<number>();
        for (let j = 0; j < list.length; j++) if (this.has((list[j] as Statement).start)) out.add(j);
        return out;
      }
    }
    return this.indices;
  }
}

interface StatementResults {
  /** `range`: the call's range in the snapshot's text (`call.range` is the one it had when it was analyzed). */
  calls: { call: PredictCall; start: number; end: number; range: Range }[];
  /** `finding.range` is the finding's range in the snapshot's text. */
  findings: { finding: RawFinding; start: number; end: number; call?: number }[];
}

/** The top-level statements of a tree (type and range), read with one cursor. */
function topLevel(tree: Tree): Statement[] {
  const out: Statement[] = [];
  const cursor = walkOf(tree);
  const types = tree.language.types;
  try {
    if (!cursor.gotoFirstChild()) return out;
    do out.push({ type: types[cursor.nodeTypeId] ?? 'ERROR', start: cursor.startIndex, end: cursor.endIndex });
    while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
  // Those with a syntax error inside (`fetch(` left open before `const s = …`): the pre-scan counts what they declare
  // outside their function bodies as the program's (see `info`).
  const broken = brokenStatements(tree);
  if (broken?.length === out.length) out.forEach((st, k) => {
    if (broken[k] === 1) st.broken = true;
  });
  return out;
}

/**
 * The function bodies (see `FunctionBodies`) of the top-level statement at `index`, less the ERROR nodes inside them
 * (where a `let x` is no declaration to the resolver: an `x = …` beside it makes a global). A body with no syntax
 * error is noted whole and not entered; one with an error is entered as far as its errors go. Adjacent pieces are
 * joined.
 */
function functionBodies(tree: Tree, index: number): number[] {
  const bodies: number[] = [];
  const statement = tree.rootNode.child(index);
  if (!statement || statement.type === 'ERROR') return bodies;
  const bodyField = tree.language.fieldIdForName('body') ?? -1;
  const cursor = statement.walk();
  /** For each node the cursor is under, from the statement down: whether it is a function, and whether it is inside a body. */
  const functions = [FUNCTION_TYPES.has(statement.type)];
  const inside = [false];
  /** The last piece of text seen was part of a body (a piece that follows it joins it). */
  let joined = false;
  try {
    if (!cursor.gotoFirstChild()) return bodies;
    for (;;) {
      const type = cursor.nodeType;
      const depth = functions.length - 1;
      let enter = false;
      let within = inside[depth] === true;
      if (type !== 'ERROR') {
        if (within || (functions[depth] === true && cursor.currentFieldId === bodyField)) {
          within = true;
          if (cursor.currentNode.hasError) enter = true;
          else if (joined) bodies[bodies.length - 1] = cursor.endIndex;
          else {
            bodies.push(cursor.startIndex, cursor.endIndex);
            joined = true;
          }
        } else enter = true;
      }
      if (enter && cursor.gotoFirstChild()) {
        functions.push(FUNCTION_TYPES.has(type));
        inside.push(within);
        continue;
      }
      // A token, a node left empty or an ERROR node: text outside any body.
      if (enter || type === 'ERROR') joined = false;
      while (functions.length > 1 && !cursor.gotoNextSibling()) {
        cursor.gotoParent();
        functions.pop();
        inside.pop();
      }
      if (functions.length === 1 && !cursor.gotoNextSibling()) break;
    }
  } finally {
    cursor.delete();
  }
  return bodies;
}

/** The index of the statement holding `offset` (statements are in document order). */
function statementAt(statements: readonly Statement[], offset: number): number {
  let lo = 0;
  let hi = statements.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((statements[mid] as Statement).start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The index of the statement starting at `start` (the last one, should several start there), if any. */
function statementStartingAt(statements: readonly Statement[], start: number): number | undefined {
  if (statements.length === 0) return undefined;
  const i = statementAt(statements, start);
  return (statements[i] as Statement).start === start ? i : undefined;
}

/**
 * The statements an edit left as they were (outside the edited span, same type and extent), by their index after
 * it: the index each had before (-1: none). Typed arrays indexed by statement rather than maps of small objects: an
 * analysis after an edit goes over every statement several times, and allocates nothing per statement for it.
 */
class Moved {
  /** For each statement after the edit, its index before the edit, or -1. */
  readonly old: Int32Array;
  size = 0;
  constructor(
    private readonly after: readonly Statement[],
    private readonly before: readonly Statement[],
  ) {
    this.old = new Int32Array(after.length).fill(-1);
  }
  set(i: number, j: number): void {
    if ((this.old[i] as number) < 0) this.size++;
    this.old[i] = j;
  }
  has(i: number): boolean {
    return (this.old[i] ?? -1) >= 0;
  }
  /** The start offset before the edit of moved statement `i`. */
  oldStart(i: number): number {
    return (this.before[this.old[i] as number] as Statement).start;
  }
  /** How far the edit moved statement `i` (0 before the edited span). */
  delta(i: number): number {
    return (this.after[i] as Statement).start - this.oldStart(i);
  }
  clear(): void {
    this.old.fill(-1);
    this.size = 0;
  }
  /** The index after the edit of each statement before it that moved, or -1. */
  newIndexOf(): Int32Array {
    const out = new Int32Array(this.before.length).fill(-1);
    for (let i = 0; i < this.old.length; i++) if ((this.old[i] as number) >= 0) out[this.old[i] as number] = i;
    return out;
  }
  /** Whether every moved statement has the index it had. */
  inPlace(): boolean {
    for (let i = 0; i < this.old.length; i++) {
      const j = this.old[i] as number;
      if (j >= 0 && j !== i) return false;
    }
    return true;
  }
}

/** Whether a statement holds no name (the pre-scan's selection takes it in only as a seed or an import). */
function nameless(inf: StatementInfo): boolean {
  return inf.tokens.size === 0 && inf.assigns.size === 0 && inf.provides.size === 0;
}

/** Whether a sorted list of offsets has one inside the statement. */
function hasOffsetIn(offsets: readonly number[], st: Statement): boolean {
  const first = partitionPoint(offsets.length, (i) => (offsets[i] as number) < st.start);
  return first < offsets.length && (offsets[first] as number) < st.end;
}

/** Statements whose candidates all sit in functions of their own: none is in the program's code. */
const FUNCTION_STATEMENTS = new Set(['function_declaration', 'generator_function_declaration']);
/**
 * How many candidates of one statement `candidateAtProgramLevel` looks at: past them it answers no (a second attempt
 * copies the rest, should a check need it). tree-sitter finds a node's parent by walking down from the root, through
 * every sibling on the way: in a class of 3,000 methods, looking at all of them made a reanalysis 0.55 s instead of 0.15.
 */
const PROGRAM_LEVEL_LOOKS = 16;

/**
 * Whether a candidate of `st` sits in the program's own code, where its checks read the facts of the whole program
 * (`Checker.unitOf` gives it the program): in no function of the statement, or only in callbacks of the methods whose
 * callbacks count as their caller's code (`.then`, `.map`…). Read from the tree, a few nodes up from each of the first
 * `PROGRAM_LEVEL_LOOKS` candidates.
 */
function candidateAtProgramLevel(tree: Tree, st: Statement, offsets: readonly number[]): boolean {
  if (FUNCTION_STATEMENTS.has(st.type)) return false;
  const first = partitionPoint(offsets.length, (i) => (offsets[i] as number) < st.start);
  const root = tree.rootNode;
  for (let k = first; k < offsets.length && k < first + PROGRAM_LEVEL_LOOKS && (offsets[k] as number) < st.end; k++) {
    let inFunction = false;
    for (let n = root.descendantForIndex(offsets[k] as number); n?.parent && !inFunction; n = n.parent) {
      if (!FUNCTION_TYPES.has(n.type)) continue;
      let outer = n;
      while (outer.parent?.type === 'parenthesized_expression') outer = outer.parent;
      const call = outer.parent?.type === 'arguments' ? outer.parent.parent : null;
      const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
      const method = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
      if (method === undefined || !CALLBACK_METHODS.has(method)) inFunction = true;
      else n = outer;
    }
    if (!inFunction) return true;
  }
  return false;
}

/** How a text differs from the one before: the changed span [start, oldEnd) became [start, newEnd). */
function textEdit(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(before.length, after.length);
  // Long equal stretches are compared a block at a time (native string comparison), the rest a character at a time.
  let start = 0;
  while (start + 256 <= max && before.slice(start, start + 256) === after.slice(start, start + 256)) start += 256;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail + 256 <= max - start && before.slice(before.length - tail - 256, before.length - tail) === after.slice(after.length - tail - 256, after.length - tail)) tail += 256;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/** Node types whose text is a value or a comment, not code: white space in them is part of what the program holds. */
const TEXT_TYPES = new Set(['string', 'string_fragment', 'template_string', 'regex', 'regex_pattern', 'comment', 'html_comment', 'jsx_text', 'escape_sequence', 'hash_bang_line']);
const SPACE_RE = /\s/;
const ALL_SPACE_RE = /^\s*$/;
const LINE_BREAK_RE = /[\n\r\u2028\u2029]/;

/** The white space around the span [start, end) of `text`, the span included. */
function spaceAround(text: string, start: number, end: number): string {
  let a = start;
  while (a > 0 && SPACE_RE.test(text.charAt(a - 1))) a--;
  let b = end;
  while (b < text.length && SPACE_RE.test(text.charAt(b))) b++;
  return text.slice(a, b);
}

/**
 * Whether an edit changed only the layout of code: white space replaced by white space between the same tokens (a
 * run of it stays a run, with or without a line break — a line break may end a statement), outside strings, template
 * literals, regexes and comments. In a statement that parses without error, the program means what it meant
 * (`clean`); one with a syntax error may be recovered from differently (tree-sitter weighs what it skips by its
 * size): its copy is compared with the one before (see `sameShape`).
 */
function layoutOnly(tree: Tree, before: string, after: string, edit: { start: number; oldEnd: number; newEnd: number }): { clean: boolean } | undefined {
  if (!ALL_SPACE_RE.test(before.slice(edit.start, edit.oldEnd)) || !ALL_SPACE_RE.test(after.slice(edit.start, edit.newEnd))) return undefined;
  const was = spaceAround(before, edit.start, edit.oldEnd);
  const is = spaceAround(after, edit.start, edit.newEnd);
  if ((was.length > 0) !== (is.length > 0) || LINE_BREAK_RE.test(was) !== LINE_BREAK_RE.test(is)) return undefined;
  let clean = true;
  for (let n = tree.rootNode.descendantForIndex(edit.start, edit.newEnd); n; n = n.parent) {
    if (TEXT_TYPES.has(n.type)) return undefined;
    if (n.parent && !n.parent.parent && n.hasError) clean = false;
  }
  return { clean };
}

/**
 * Whether an edit changed only the text inside one comment: a line comment that stays one line, or a block comment
 * whose only closer is its end, before and after (its opener is not edited). The text before the comment is the same,
 * so the comment starts at the same token boundary; a comment is no token of the program, so what it means is what it
 * meant (`clean`, as for `layoutOnly`). The checks never read a comment's text, but the pre-scan does (its names count
 * as tokens): the caller narrows the edit only when the statement's pre-scan facts are the same.
 */
function commentOnly(tree: Tree, before: string, after: string, edit: { start: number; oldEnd: number; newEnd: number }): { clean: boolean } | undefined {
  const c = tree.rootNode.descendantForIndex(edit.start, edit.newEnd);
  if (!c || c.type !== 'comment' || edit.start < c.startIndex + 2) return undefined;
  const is = after.slice(c.startIndex, c.endIndex);
  const was = before.slice(c.startIndex, c.endIndex - (edit.newEnd - edit.oldEnd));
  const oneComment = (text: string): boolean =>
    text.startsWith('//') ? !LINE_BREAK_RE.test(text) : text.startsWith('/*') && text.length >= 4 && text.indexOf('*/', 2) === text.length - 2;
  if (!oneComment(is) || !oneComment(was) || is.charCodeAt(1) !== was.charCodeAt(1)) return undefined;
  if (is.charCodeAt(1) === 42 /* * */ && edit.newEnd > c.endIndex - 2) return undefined;
  let clean = true;
  for (let n: typeof c | null = c; n; n = n.parent) if (n.parent && !n.parent.parent && n.hasError) clean = false;
  return { clean };
}

/** Whether two copies of a statement are the same tree: node types, fields and nesting, in document order. */
function sameShape(a: StatementCopy, nodes: readonly JNode[], top: JNode): boolean {
  const size = top.last - top.idx + 1;
  if (a.top.last - a.top.idx + 1 !== size) return false;
  for (let k = 0; k < size; k++) {
    const x = a.list[a.from + k] as JNode;
    const y = nodes[top.idx + k] as JNode;
    if (x.type !== y.type || x.field !== y.field || x.last - x.idx !== y.last - y.idx || x.name !== y.name) return false;
  }
  return true;
}

const CLASS_HEAD_RE = /^(?:export\s+(?:default\s+)?)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/;

/**
 * The name of the class a top-level statement declares when an edit changed only its body (the head — name, `extends`,
 * type parameters — is the same text before and after): other code reaches its methods and fields only through an
 * instance or the class itself, that is through its name, so only the users of the name (and of what it assigns
 * outside itself) depend on the edit, not every caller of a method with one of its methods' names.
 */
function classBodyEdited(tree: Tree, before: string, after: string, old: Statement, st: Statement, edit: { start: number }): string | undefined {
  const name = CLASS_HEAD_RE.exec(after.slice(st.start, Math.min(st.end, st.start + 300)))?.[1];
  if (!name || CLASS_HEAD_RE.exec(before.slice(old.start, Math.min(old.end, old.start + 300)))?.[1] !== name) return undefined;
  let top = tree.rootNode.descendantForIndex(st.start);
  while (top && top.startIndex === st.start && top.parent && top.parent.parent) top = top.parent;
  const cls = top?.type === 'export_statement' ? top.childForFieldName('declaration') : top;
  if (!cls || cls.startIndex < st.start || (cls.type !== 'class_declaration' && cls.type !== 'abstract_class_declaration')) return undefined;
  const body = cls.childForFieldName('body');
  return body && edit.start > body.startIndex ? name : undefined;
}

/**
 * Which workspace modules' imported names the pre-scan follows: none without a resolver; those it may find a symbol
 * in. Each specifier is asked of the resolver once per filter (a reanalysis scans each changed statement with it).
 */
function importFilter(context: SourceContext): ImportFilter | undefined {
  const { resolver, path } = context;
  if (!resolver) return undefined;
  const mayExport = resolver.mayExport?.bind(resolver);
  if (!mayExport || path === undefined) return () => true;
  const answers = new Map<string, boolean>();
  return (specifier) => {
    let may = answers.get(specifier);
    if (may === undefined) answers.set(specifier, (may = mayExport(path, specifier)));
    return may;
  };
}

/** Analysis with the internals the quick fixes need. */
export function runAnalysis(tree: Tree, source: string, config: AnalysisConfig, options: RunOptions = {}, context: SourceContext = {}): JsAnalysis | undefined {
  const only = options.only;
  const key = `${JSON.stringify(config)}\u0000${context.path ?? ''}\u0000${context.resolver ? 'r' : ''}`;
  let keep: StatementFilter | undefined;
  let reuse: StatementReuse | undefined;
  let statements: Statement[] = [];
  let infos: StatementInfo[] = [];
  /** Statements whose earlier results still hold (1 by new index; each is moved, see `moved`), and how many. */
  let clean = new Uint8Array(0);
  let cleanCount = 0;
  const prev = options.previous?.key === key ? options.previous : undefined;
  let offsets: number[] = [];
  let kept: ReadonlySet<number> = new Set<number>();
  /** Statements with a syntax error whose layout alone an edit changed, and their copies before it (see `layoutOnly`). */
  const reshaped: { start: number; copy: StatementCopy }[] = [];
  /** Statements outside the edited span: their index before the edit, and the shift of their offsets. */
  let moved = new Moved([], []);
  /** A one-shot analysis: everything is copied (see `oneShot`). */
  const copyAll = options.oneShot === true && !options.previous;
  /** The line starts of `source`, from those before the edit. */
  let lines: number[] | undefined;
  /**
   * Whether the span [start, end) of a statement the edit moved by `delta` has the line and column it had before the
   * edit: it lies before the edit, or the edit left the number of lines as it was and the span starts on a line after
   * the edit's (then its line and its line's start moved by the same amount).
   */
  let unmoved = (_start: number, _end: number, _delta: number): boolean => false;
  if (options.selective) {
    statements = topLevel(tree);
    /** The pre-scan facts of statement `i`, read with its function bodies when it holds a syntax error. */
    const infoAt = (st: Statement, i: number): StatementInfo => info(source, st, readsBodies(st) ? functionBodies(tree, i) : undefined);
    // After an edit: statements outside the edited span are the same text as before, moved by the edit's length;
    // their pre-scan facts (candidates, names) and copies carry over.
    const changed: number[] = [];
    let removed: StatementInfo[] = [];
    /** The start of the last statement of the selection before the edit that has no counterpart after it. */
    let lastRemoved = -1;
    let edit: { start: number; oldEnd: number; newEnd: number } | undefined;
    if (prev) {
      const span = textEdit(prev.source, source);
      edit = span;
      lines = editedLineStarts(prev.lineStarts, source, span);
      const nextBreak = lines.length === prev.lineStarts.length ? source.indexOf('\n', span.newEnd) : -1;
      unmoved = (start, end, delta) => (delta === 0 && end <= span.start) || (nextBreak >= 0 && start > nextBreak);
      const delta = span.newEnd - span.oldEnd;
      moved = new Moved(statements, prev.statements);
      const olds = prev.statements;
      const matched = new Uint8Array(olds.length);
      // The old start of an untouched statement grows with its index (its start before the edit, or after it less the
      // edit's length): one pass over the statements before the edit finds each (the last one starting there).
      let p = 0;
      statements.forEach((st, i) => {
        const touches = st.end > span.start && st.start < span.newEnd;
        const d = st.start >= span.newEnd ? delta : 0;
        let j = -1;
        if (!touches) {
          const key = st.start - d;
          while (p < olds.length && (olds[p] as Statement).start < key) p++;
          for (let q = p; q < olds.length && (olds[q] as Statement).start === key; q++) j = q;
        }
        const old = j < 0 ? undefined : olds[j];
        const reparsed = options.reparsed?.some((r) => r.start < st.end && st.start < r.end) ?? false;
        if (!old || old.type !== st.type || old.end !== st.end - d || reparsed) changed.push(i);
        else {
          matched[j] = 1;
          moved.set(i, j);
        }
      });
      removed = prev.infos.filter((_inf, j) => matched[j] === 0);
      olds.forEach((st, j) => {
        if (matched[j] === 0 && prev.kept.hasStatement(j)) lastRemoved = st.start;
      });
      // Imports decide which names the pre-scan follows: a changed import means scanning everything again, unless the
      // edit left every statement in its place and each changed import still has the pre-scan facts it had (the tfjs
      // and ONNX Runtime signals, the names imported from workspace modules; see `importScanFacts`): then the other
      // statements keep their candidates, whatever the import's other names became (`import { a, b }` → `{ b, a }`,
      // `{ Req }` → `{ Req2 }`, spaces, quotes, `type`). The users of its names before and after are analyzed again.
      if (changed.some((i) => (statements[i] as Statement).type === 'import_statement') || removed.some((inf) => inf.isImport)) {
        const inPlace = statements.length === prev.statements.length && moved.inPlace();
        const sameImport = (i: number): boolean => {
          const st = statements[i] as Statement;
          const old = prev.statements[i] as Statement;
          if (st.type !== 'import_statement' && old.type !== 'import_statement') return true;
          return st.type === old.type && importScanFacts(source.slice(st.start, st.end)) === importScanFacts(prev.source.slice(old.start, old.end));
        };
        if (!inPlace || !changed.every(sameImport)) moved.clear();
      }
    }
    if (moved.size > 0 && prev) {
      /** The index after the edit of each statement before it that moved, or -1. */
      const newIndexOf = moved.newIndexOf();
      infos = statements.map((st, i) => {
        const j = moved.old[i] as number;
        return j >= 0 ? (prev.infos[j] as StatementInfo) : infoAt(st, i);
      });
      // Candidates: the earlier ones of unchanged statements (moved), and a scan of the changed ones.
      for (const o of prev.offsets) {
        const j = statementAt(prev.statements, o);
        const old = prev.statements[j];
        if (!old || o < old.start || o >= old.end) continue;
        const i = newIndexOf[j] as number;
        if (i >= 0) offsets.push(o + moved.delta(i));
      }
      const imports = importFilter(context);
      for (const i of changed) {
        const st = statements[i] as Statement;
        offsets.push(...(prescan(source, config, imports, st.start, st.end)?.offsets ?? []));
      }
      offsets.sort((a, b) => a - b);
    } else {
      offsets = prescan(source, config, importFilter(context))?.offsets ?? [];
      if (!copyAll) infos = statements.map(infoAt);
    }
    if (offsets.length === 0) return undefined;
    // An edit that left every statement in its place (the usual one-line edit): the name index is carried over, and
    // when the changed statements still have the same names, kinds and candidates, so is the selection.
    const inPlace = prev !== undefined && moved.size > 0 && statements.length === prev.statements.length && moved.inPlace();
    if (prev && inPlace) {
      carryIndex(prev.infos, infos, changed);
      const keptBefore = prev.kept.byIndex();
      const selectedAsBefore = changed.every((i) => {
        const st = statements[i] as Statement;
        const old = prev.statements[i] as Statement;
        if (st.type !== old.type) return false;
        const seed = { before: hasOffsetIn(prev.offsets, old), after: hasOffsetIn(offsets, st) };
        if (sameInfo(infos[i] as StatementInfo, prev.infos[i] as StatementInfo) && seed.before === seed.after) return true;
        // One statement's names changed (a rename): the selection is compared with the one before around it only
        // (unless it came to hold a file-wide fact or lost one: those are selected whatever they reach).
        if ((infos[i] as StatementInfo).fileWide !== (prev.infos[i] as StatementInfo).fileWide) return false;
        return changed.length === 1 && sameSelection(infos, prev.infos[i] as StatementInfo, i, keptBefore, seed, isRoot(st));
      });
      kept = selectedAsBefore ? keptBefore : selectStatements(statements, infos, offsets);
    } else {
      // Statements added, taken out or moved (a keyword renamed splits a class): the name index of those that moved is
      // carried over, renumbered.
      if (prev && moved.size > 0) spliceIndex(prev.infos, infos, moved.newIndexOf(), changed);
      if (prev && moved.size > 0 && lastRemoved < 0 && removed.every(nameless) && changed.every((i) => nameless(infos[i] as StatementInfo) && !isRoot(statements[i] as Statement) && !hasOffsetIn(offsets, statements[i] as Statement))) {
        // Only statements that hold no name and are not selected (a `#` typed after a function's closing brace parses
        // as a statement of its own): no step of the selection leads to or from them, so the others are selected as
        // they were.
        const shifted = new Set<number>();
        for (let i = 0; i < statements.length; i++) if (moved.has(i) && prev.kept.hasStatement(moved.old[i] as number)) shifted.add(i);
        kept = shifted;
      } else kept = copyAll ? new Set(statements.keys()) : selectStatements(statements, infos, offsets);
    }
    // A first analysis copies every statement: the checks of top-level code read the facts of the whole program (a
    // partial copy was made again whole), and the selection left out few statements of real files. The selection is
    // what the next edit starts from (its copies are reused then).
    let copy: ReadonlySet<number> = options.wholeFile === true || !prev ? new Set(statements.keys()) : kept;
    if (prev && moved.size > 0 && changed.length + removed.length <= Math.max(8, statements.length * 0.2)) {
      // Statements whose results still hold: unchanged, unaffected by the edit, and copied by this analysis and the
      // last one alike (a statement the selection takes in or leaves out now is analyzed again or dropped).
      // A statement reached only as a callee of the changed code that defines no function (top-level code: nobody
      // calls it, so no caller's handler or argument reaches it) and had no calls or findings keeps having none: the
      // names it reads mean what they meant (a change to them makes it a user of the changed code, above).
      const callees = new Set<number>();
      // An edit in place that changed less than all a statement declares: white space between tokens, or the text of a
      // comment that leaves the statement's pre-scan facts as they were, changes nothing for the others; the body of a
      // class only what reaches it by the class's name.
      const narrowed = new Map<StatementInfo, EditScope>();
      if (inPlace && edit && !options.exactEdits) {
        const layout = layoutOnly(tree, prev.source, source, edit);
        const comment = layout ? undefined : commentOnly(tree, prev.source, source, edit);
        for (const i of changed) {
          const st = statements[i] as Statement;
          const old = prev.statements[i] as Statement;
          const before = prev.infos[i] as StatementInfo;
          const after = infos[i] as StatementInfo;
          if (st.type !== old.type || st.start !== old.start) continue;
          const quiet = layout ?? (comment && sameInfo(before, after) ? comment : undefined);
          if (quiet) {
            if (!quiet.clean) {
              // Compared once copied (below): the copy before the edit, and this statement copied now.
              const copy = prev.copies.get(old.start);
              if (!copy || !kept.has(i)) continue;
              reshaped.push({ start: st.start, copy });
            }
            narrowed.set(before, { defines: new Set(), uses: false });
            narrowed.set(after, { defines: new Set(), uses: false });
            continue;
          }
          const name = classBodyEdited(tree, prev.source, source, old, st, edit);
          if (name === undefined) continue;
          narrowed.set(before, { defines: new Set([name, ...before.assigns]), uses: true });
          narrowed.set(after, { defines: new Set([name, ...after.assigns]), uses: true });
        }
      }
      const dirty = affectedStatements(infos, changed, removed, callees, narrowed);
      const quietCallee = (i: number, oldStart: number): boolean => callees.has(i) && !(infos[i] as StatementInfo).callable && !prev.results.has(oldStart);
      // Checks of top-level code read the facts of the whole program from their statement on (comparisons, value flows,
      // uses; see `Checker.unitFacts`): a statement whose checks read them last time is analyzed again when a statement
      // at or after it changed, or came into the selection or left it. (Whether the program records a model version
      // anywhere is one of the file-wide flags, below.)
      let lastChange = -1;
      for (const i of changed) lastChange = Math.max(lastChange, (statements[i] as Statement).start);
      for (const i of kept) {
        if (!moved.has(i) || !prev.kept.hasStatement(moved.old[i] as number)) lastChange = Math.max(lastChange, (statements[i] as Statement).start);
      }
      for (let i = 0; i < statements.length; i++) if (moved.has(i) && !kept.has(i) && prev.kept.hasStatement(moved.old[i] as number)) lastChange = Math.max(lastChange, (statements[i] as Statement).start);
      const factsChanged = (i: number, oldStart: number): boolean => prev.programReaders.has(oldStart) && (lastChange >= (statements[i] as Statement).start || lastRemoved >= oldStart);
      clean = new Uint8Array(statements.length);
      for (let i = 0; i < statements.length; i++) {
        if (!moved.has(i)) continue;
        const oldStart = moved.oldStart(i);
        if ((!dirty.has(i) || quietCallee(i, oldStart)) && kept.has(i) && prev.kept.hasStatement(moved.old[i] as number) && !factsChanged(i, oldStart)) {
          clean[i] = 1;
          cleanCount++;
        }
      }
      // Only the others are analyzed, and when they are functions and classes they need only what they reach: copy
      // those and the statements holding the file-wide facts some checks read by name (`axios.defaults.timeout = …`,
      // responses read as bytes).
      // A statement that holds no call (an import, `module.exports = …`, a constant) has nothing of its own to check.
      const seeds: number[] = [];
      /** Clean statements copied for the file-wide facts they hold alone (read off their own nodes, see `readsFileWideFact`). */
      const facts: number[] = [];
      // Checks of top-level code (and of calls made from it) read the facts of the whole program: a statement whose
      // last analysis read them is analyzed with every statement copied; the others with what they reach, and again
      // with every statement should a check read them after all (see `programFactsRead`).
      let whole = options.wholeFile === true;
      for (const i of kept) {
        const inf = infos[i] as StatementInfo;
        if (clean[i] !== 1) {
          if (!inf.mayCall && !readsFileWideFact(inf)) continue;
          seeds.push(i);
          const old = moved.has(i) ? moved.oldStart(i) : prev.statements[statementAt(prev.statements, (statements[i] as Statement).start)]?.start;
          whole ||= old !== undefined && prev.programReaders.has(old);
          // A changed statement with a candidate in the program's own code (a function whose header the edit broke,
          // a class field's initializer): its checks will read the facts of the whole program, so every statement is
          // copied now rather than on a second attempt.
          whole ||= !moved.has(i) && candidateAtProgramLevel(tree, statements[i] as Statement, offsets);
        } else if (readsFileWideFact(inf)) facts.push(i);
      }
      // Checks that read the facts of the whole program read them from every statement, selected or not.
      copy = whole ? new Set(statements.keys()) : reachableStatements(statements, infos, seeds, true, facts);
      reuse = (_type, start) => {
        const i = statementStartingAt(statements, start);
        if (i === undefined || !moved.has(i)) return undefined;
        const oldStart = moved.oldStart(i);
        const old = prev.copies.get(oldStart);
        if (!old || !copy.has(i)) return undefined;
        prev.copies.delete(oldStart);
        return { nodes: old.list, from: old.from, to: old.from + old.top.last - old.top.idx, delta: old.delta + moved.delta(i) };
      };
    }
    if (copy.size < statements.length) {
      const starts = new SelectedStarts(statements, copy);
      keep = (_type, start) => starts.has(start);
    }
  }
  const ast = buildAst(tree, source, keep, reuse, lines, prev?.size);
  // A statement with a syntax error whose layout alone changed was taken to mean what it meant: unless tree-sitter
  // recovered from the error differently, analyzed again with every edit counted in full.
  if (reshaped.length > 0) {
    const tops = new Map<number, JNode>();
    for (const c of ast.root.children) if (!ast.skipped.has(c)) tops.set(c.start, c);
    for (const { start, copy } of reshaped) {
      const top = tops.get(start);
      if (!top || !sameShape(copy, ast.nodes, top)) return runAnalysis(tree, source, config, { ...options, exactEdits: true }, context);
    }
  }
  const r = new Resolver(ast, context);
  const env = makeEnv(ast, r, config.predictPatterns, config.inferenceUrls);
  const checker = new Checker(env, config);
  // The selected statements that record a model version: unchanged ones as before, the others as copied now (a selected
  // statement left out of the copy holds no call, or is clean).
  const recorders = new Set<number>();
  /** The start offsets of the selected statements (the snapshot's `kept`). */
  // (Both are kept for the next edit: a one-shot analysis needs neither.)
  const keeps = options.selective === true && options.oneShot !== true;
  const keptStarts = new SelectedStarts(statements, keeps ? kept : new Set<number>());
  if (keeps) {
    const known = new Uint8Array(statements.length);
    for (let i = 0; i < statements.length; i++) {
      if (!prev || !moved.has(i) || !kept.has(i) || !prev.kept.hasStatement(moved.old[i] as number)) continue;
      known[i] = 1;
      if (prev.recorders.has(moved.oldStart(i))) recorders.add((statements[i] as Statement).start);
    }
    for (const c of ast.root.children) {
      if (ast.skipped.has(c)) continue;
      const i = statementStartingAt(statements, c.start);
      if (i !== undefined && keptStarts.hasStatement(i) && known[i] !== 1 && checker.recordsVersion(c)) recorders.add(c.start);
    }
  }
  const flags = `${env.ortImported}|${env.tfImported}|${env.buildsTensors}|${checker.axiosDefaultTimeout}|${env.unpickles}|${recorders.size > 0}`;
  // File-wide facts changed: every statement's results may change, and the copy may lack some of them.
  if (prev && cleanCount > 0 && prev.flags !== flags) return runAnalysis(tree, source, config, { ...options, previous: undefined }, context);
  const records: JsRecord[] = [];
  const calls: PredictCall[] = [];
  const findings: RawFinding[] = [];
  const results = new Map<number, StatementResults>();
  const resultsOf = (offset: number): StatementResults | undefined => {
    if (statements.length === 0) return undefined;
    const st = statements[statementAt(statements, offset)] as Statement;
    let res = results.get(st.start);
    if (!res) results.set(st.start, (res = { calls: [], findings: [] }));
    return res;
  };
  // Earlier results of clean statements, moved to their new place (merged below in document order): a statement's
  // calls and findings lie inside it, so they go in, a statement at a time, before the first call analyzed after it.
  // They were stored in document order, each finding after its call.
  const reused: number[] = [];
  if (prev) for (let i = 0; i < clean.length; i++) if (clean[i] === 1 && prev.results.has(moved.oldStart(i))) reused.push(i);
  /** Statements whose checks read the facts of the whole program, by start offset (clean ones as they did before). */
  const programReaders = new Set<number>();
  let programRead = false;
  for (let i = 0; i < clean.length; i++) if (clean[i] === 1 && prev?.programReaders.has(moved.oldStart(i))) programReaders.add((statements[i] as Statement).start);
  const range = (start: number, end: number) => ({ start: posAt(ast, start), end: posAt(ast, end) });
  let k = 0;
  /** Adds the reused results of the clean statements that start before `offset`. */
  const flushReused = (offset: number): void => {
    for (; k < reused.length && (statements[reused[k] as number] as Statement).start < offset; k++) {
      const i = reused[k] as number;
      const old = prev?.results.get(moved.oldStart(i)) as StatementResults;
      const delta = moved.delta(i);
      const first = old.calls[0] ?? old.findings[0];
      if (!first) continue;
      const res = resultsOf(first.start + delta) as StatementResults;
      const base = calls.length;
      for (const c of old.calls) {
        const start = c.start + delta;
        const end = c.end + delta;
        // A range where the edit did not move it is the one before (ranges are not changed once made).
        const same = unmoved(start, end, delta);
        const rg = same ? c.range : range(start, end);
        // The same call when its range is (`present` copies a call whose checks it marks, suppressed or n/a in a test
        // file, and leaves the snapshot's as computed).
        calls.push(rg === c.call.range ? c.call : { ...c.call, range: rg });
        res.calls.push(delta === 0 && same ? c : { call: c.call, start, end, range: rg });
      }
      for (const f of old.findings) {
        const start = f.start + delta;
        const end = f.end + delta;
        const local = f.call;
        const index = local !== undefined && local < old.calls.length ? base + local : undefined;
        const rg = unmoved(start, end, delta) ? f.finding.range : range(start, end);
        const fix = f.finding.fix;
        const same = rg === f.finding.range && f.finding.callIndex === index && (fix === undefined ? index === undefined : fix.call === index && fix.start === start && fix.end === end);
        const finding: RawFinding = same ? f.finding : index !== undefined ? { ...f.finding, range: rg, callIndex: index, fix: { call: index, start, end } } : { ...f.finding, range: rg };
        findings.push(finding);
        res.findings.push(local !== undefined ? { finding, start, end, call: local } : { finding, start, end });
      }
    }
  };
  const work = { statements: 0, calls: 0 };
  let lastStatement = -1;
  for (const call of r.calls) {
    if (only !== undefined && call.start !== only) continue;
    const at = statements.length > 0 ? statementAt(statements, call.start) : -1;
    if (clean[at] === 1) continue;
    flushReused(call.start);
    work.calls++;
    if (at !== lastStatement) {
      work.statements++;
      lastStatement = at;
    }
    try {
      const res = resultsOf(call.start);
      if (isUnsafeLoad(env, call)) {
        const finding: RawFinding = { rule: 'unsafe-model-load', range: rangeOfNode(ast, call), message: UNSAFE_LOAD_MESSAGE };
        findings.push(finding);
        res?.findings.push({ finding, start: call.start, end: call.end });
        continue;
      }
      const d = detectCall(env, call);
      if (!d) continue;
      checker.programFactsRead = false;
      const { checks, confidenceReason } = checker.check(d);
      if (checker.programFactsRead) {
        programRead = true;
        if (statements.length > 0) programReaders.add((statements[statementAt(statements, call.start)] as Statement).start);
      }
      const index = calls.length;
      const rg = rangeOfNode(ast, call);
      records.push({ d, checks });
      const pc: PredictCall = { kind: d.kind, label: d.label, range: rg, checks: { ...checks }, ...(confidenceReason ? { confidenceReason } : {}) };
      const local = res?.calls.length ?? 0;
      calls.push(pc);
      res?.calls.push({ call: pc, start: call.start, end: call.end, range: rg });
      const fix = { call: index, start: call.start, end: call.end };
      for (const [rule, state] of [['no-fallback', checks.fallback], ['no-confidence', checks.confidence], ['no-timeout', checks.timeout], ['untraced-prediction', checks.trace]] as const) {
        if (state !== 'fail') continue;
        const finding: RawFinding = { rule, range: rg, callIndex: index, fix };
        findings.push(finding);
        res?.findings.push({ finding, start: call.start, end: call.end, call: local });
      }
    } catch {
      // One odd call must not hide the others' findings.
    }
  }
  flushReused(Number.POSITIVE_INFINITY);
  // A check read the facts of the whole program from a partial copy: they may lack what the rest holds. Analyzed again
  // with every statement copied (`wholeFile`); the clean statements' results still hold. The copies this attempt made of
  // statements outside the edited span go back to the earlier analysis's copies for the second attempt to take
  // (their offsets already fit the text: `delta` undoes the shift the second attempt applies). `0 - d`, not `-d`: the
  // negation of 0 is -0, a heap number; added to the nodes' offsets it made them heap numbers too, and from then on
  // every node V8 made held its offsets boxed, and the code reading them was deoptimized again and again.
  if (programRead && ast.skipped.size > 0) {
    if (prev) {
      for (const c of ast.root.children) {
        const i = ast.skipped.has(c) ? undefined : statementStartingAt(statements, c.start);
        if (i !== undefined && moved.has(i)) prev.copies.set(moved.oldStart(i), { top: c, list: ast.nodes, from: c.idx, delta: 0 - moved.delta(i) });
      }
    }
    return runAnalysis(tree, source, config, { ...options, wholeFile: true }, context);
  }
  const ts = tree.language.types.includes('type_annotation');
  let snapshot: Snapshot | undefined;
  if (options.selective && !options.oneShot) {
    const copies = new Map<number, StatementCopy>();
    for (const c of ast.root.children) if (!ast.skipped.has(c)) copies.set(c.start, { top: c, list: ast.nodes, from: c.idx, delta: 0 });
    // Copies made earlier of statements left out this time stay for the next edit, their offsets a further edit
    // behind (cut out of their node list, which is not kept alive for them).
    if (prev && reuse) {
      for (let i = 0; i < statements.length; i++) {
        if (!moved.has(i)) continue;
        const start = (statements[i] as Statement).start;
        const old = prev.copies.get(moved.oldStart(i));
        if (!old || copies.has(start)) continue;
        const size = old.top.last - old.top.idx + 1;
        const list = old.from === 0 && old.list.length === size ? old.list : old.list.slice(old.from, old.from + size);
        copies.set(start, { top: old.top, list, from: 0, delta: old.delta + moved.delta(i) });
      }
    }
    snapshot = { source, key, flags, statements, infos, offsets, kept: keptStarts, copies, results, programReaders, recorders, lineStarts: ast.lineStarts, size: ast.nodes.length };
  }
  return { ast, ts, env, checker, records, calls, findings, work, redone: options.wholeFile === true, ...(snapshot ? { snapshot } : {}) };
}

/** The last analysis of each tree, for the reanalysis after the next edit (the language server passes the old tree). */
const snapshots = new WeakMap<Tree, Snapshot>();

export const jsAnalyzer: LanguageAnalyzer = {
  analyze(tree: Tree, source: string, config: AnalysisConfig, context: SourceContext, previous?: Tree): { calls: PredictCall[]; findings: RawFinding[] } {
    try {
      const prev = previous ? snapshots.get(previous) : undefined;
      if (previous) snapshots.delete(previous);
      const reparsed = prev && previous && (tree.rootNode.hasError || previous.rootNode.hasError) ? changedRanges(previous, tree) : undefined;
      // A reanalysis after the next edit reuses this one's snapshot only when asked to keep one (the language server).
      const oneShot = context.keepForEdits !== true && !prev;
      const a = runAnalysis(tree, source, config, { selective: true, ...(oneShot ? { oneShot } : {}), ...(prev ? { previous: prev } : {}), ...(reparsed ? { reparsed } : {}) }, context);
      if (a?.snapshot) snapshots.set(tree, a.snapshot);
      return a ? { calls: a.calls, findings: a.findings } : { calls: [], findings: [] };
    } catch {
      return { calls: [], findings: [] };
    }
  },
  mayHaveFindings(source: string, config: AnalysisConfig, context: SourceContext): boolean {
    return prescan(source, config, importFilter(context)) !== undefined;
  },
  mayExport,
  summarize(tree: Tree | (() => Tree), source: string): ModuleSummary {
    try {
      return summarizeModule(typeof tree === 'function' ? tree() : tree, source);
    } catch {
      return new Map();
    }
  },
  fixes(finding: Finding, source: string, tree: Tree, config: AnalysisConfig, context: SourceContext): CodeFix[] {
    try {
      const lines = lineStarts(source);
      const a = runAnalysis(tree, source, config, { only: offsetAt(source, finding.range.start, lines) }, context);
      return a ? fixesFor(a, finding, config) : [];
    } catch {
      return [];
    }
  },
};
