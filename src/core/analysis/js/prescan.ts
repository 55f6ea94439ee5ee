// A text pre-scan for JavaScript/TypeScript: where a file may hold a predict call (or an unsafe load), found with
// regular expressions before anything is parsed or walked. Files with no candidate are not analyzed at all; in the
// others only the top-level statements that hold candidates are copied out of the tree — with the statements that
// declare or assign the names they use, and those that call the functions they declare (for fallbacks in callers).
import { type AnalysisConfig, DEFAULT_CONFIG } from '../types';
import { bodyEnd, type Brackets, bracketPairs, declarationScope, expressionStart, isInert, wordBefore, wordEndingBefore } from './brackets';
import { isAsciiSpace, isIdentPart, isIdentStart } from './chars';
import { inferenceUrlMatcher } from '../urls';
import { JQUERY_REQUESTS, SCRIPT_GLOBALS } from './libs';

/**
 * What a predict call (or an unsafe load) cannot do without: a library, SDK or client name, an HTTP call, or a method
 * only models have. Over-matching costs time; missing a name loses the call (a new library belongs here too).
 */
const CANDIDATE_RE = new RegExp(
  [
    'onnxruntime', 'onnxjs', 'InferenceSession', '\\bort\\s*\\.', 'Tensor\\s*\\(', 'transformers', 'Pipeline\\b', 'tensorflow', 'tfjs', '\\btf\\s*\\.',
    'face-api', 'faceapi', '\\bml5\\b', 'teachablemachine', '\\buse\\s*\\.\\s*load\\b',
    'openai', 'OpenAI', 'groq', 'Groq', 'together-ai', 'anthropic', 'mistralai', 'cohere', 'Cohere', 'huggingface', 'HfInference', 'InferenceClient',
    'replicate', 'Replicate', 'aiplatform', 'predictionService', 'PredictionService', 'vertexai', 'bedrock', 'Bedrock', 'generative-ai', 'GoogleGenerativeAI',
    '@google\\/genai', 'sagemaker', 'SageMaker', 'client-comprehend', 'client-rekognition', '@google-cloud\\/(?:vision|language)', 'pickle', 'completions', 'images\\s*\\.\\s*generate',
    'BayesClassifier', 'LogisticRegressionClassifier', 'MaxEntClassifier', 'brain\\.js', '\\bbrain\\s*\\.\\s*likely\\b', 'ml-(?:random-forest|cart|naivebayes|knn|logistic-regression|svm)', 'libsvm-js',
    '\\bfetch\\s*\\(', '\\bofetch\\b', '\\baxios\\b', '\\bgot\\s*[.(]', '[\'"]got[\'"]', 'undici', 'request-promise', `(?:\\$|\\bjQuery)\\s*\\.\\s*${JQUERY_REQUESTS.source.slice(1, -1)}\\s*\\(`,
    '\\.\\s*(?:predict|predictOnBatch|executeAsync|predictClass|estimatePoses?|estimateHands|estimateFaces|estimateSinglePose|estimateMultiplePoses|segmentPeople|segmentPerson)\\s*[(<]',
    `\\b(?:${Object.keys(SCRIPT_GLOBALS).filter((g) => g.length > 3).join('|')})\\b`,
  ].join('|'),
  'g',
);

/** In files that use tfjs / tfjs-models or ONNX Runtime: the model methods those libraries' objects have. */
const TF_SIGNAL_RE = /tensorflow|tfjs|\btf\s*\.|\bml5\b|faceapi|face-api|teachablemachine|nsfwjs|\btmPose\b|\b(?:mobilenet|cocoSsd|posenet|handpose|knnClassifier|toxicity|poseDetection|speechCommands|bodyPix|blazeface)\b/;
const TF_METHOD_RE = /\.\s*(?:classify|estimatePose|detect|infer|embed|segment|recognize|findAnswers|execute|predictTopK|generate)\s*\(/g;
const ORT_SIGNAL_RE = /onnxruntime|onnxjs|\bort\s*\.|InferenceSession|Tensor\s*\(/;
const ORT_METHOD_RE = /\.\s*run\s*\(/g;
/** In files that use a local ML library (natural, brain.js, ml.js): the inference methods of its models. */
const LOCAL_SIGNAL_RE = /['"](?:natural|brain\.js|brain|ml-(?:random-forest|cart|naivebayes|knn|logistic-regression|svm)|libsvm-js)['"]/;
const LOCAL_METHOD_RE = /\.\s*(?:classify|getClassifications|run|forecast)\s*\(/g;
/** In files that import LangChain: the methods that run a chat model or a chain built on one. */
const LANGCHAIN_SIGNAL_RE = /['"](?:@langchain\/|langchain\/)/;
const LANGCHAIN_METHOD_RE = /\.\s*(?:invoke|stream|batch|streamEvents)\s*\(/g;

/**
 * Names imported from modules of the workspace (their summaries may make calls through them predictions): the names
 * (group 1 or 3) and the module specifier (group 2 or 4).
 */
const WORKSPACE_IMPORT_RE = /\bimport\s+(?:type\s+)?([\w$\s{},*]+?)\s+from\s*['"]((?:\.{1,2}\/|@\/|~\/|\$lib\/)[^'"]*)['"]|\b(?:const|let|var)\s+([\w$]+|\{[^}]*\})\s*=\s*(?:await\s+)?(?:require|import)\s*\(\s*['"]((?:\.{1,2}\/|@\/|~\/|\$lib\/)[^'"]*)['"]/g;

/**
 * Which workspace modules the pre-scan follows the imported names of: called with a module specifier (`./ml`), true
 * when what that module exports may be a model, session, client or inference URL (see `mayExport`).
 */
export type ImportFilter = (specifier: string) => boolean;

export interface Prescan {
  /** Offsets where a candidate starts, in document order. */
  offsets: number[];
}

/**
 * The candidates of a file, or undefined when it has none (then it holds no predict call). With `imports`, the names
 * imported from the workspace modules it accepts are candidates too (their summaries may make a call a prediction).
 */
export function prescan(source: string, config: AnalysisConfig, imports: ImportFilter | undefined, from = 0, to = source.length): Prescan | undefined {
  const offsets: number[] = [];
  CANDIDATE_RE.lastIndex = from;
  for (let m = CANDIDATE_RE.exec(source); m && m.index < to; m = CANDIDATE_RE.exec(source)) offsets.push(m.index);
  for (const [signal, methods] of [[TF_SIGNAL_RE, TF_METHOD_RE], [ORT_SIGNAL_RE, ORT_METHOD_RE], [LOCAL_SIGNAL_RE, LOCAL_METHOD_RE], [LANGCHAIN_SIGNAL_RE, LANGCHAIN_METHOD_RE]] as const) {
    if (!signal.test(source)) continue;
    methods.lastIndex = from;
    for (let m = methods.exec(source); m && m.index < to; m = methods.exec(source)) offsets.push(m.index);
  }
  offsets.sort((a, b) => a - b);
  const extra: string[] = [];
  for (const p of config.predictPatterns) {
    const last = p.callee.trim().split('.').pop();
    if (last && /^[\w$]+$/.test(last)) extra.push(last);
  }
  if (imports) {
    WORKSPACE_IMPORT_RE.lastIndex = 0;
    for (let m = WORKSPACE_IMPORT_RE.exec(source); m; m = WORKSPACE_IMPORT_RE.exec(source)) {
      if (!imports(m[2] ?? m[4] ?? '')) continue;
      for (const name of (m[1] ?? m[3] ?? '').replace(/\b(?:as|type)\b/g, ' ').split(/[^\w$]+/)) if (name) extra.push(name);
    }
  }
  if (extra.length > 0) {
    const re = new RegExp(`(?<![\\w$])(?:${[...new Set(extra)].map((x) => x.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`, 'g');
    re.lastIndex = from;
    for (let m = re.exec(source); m && m.index < to; m = re.exec(source)) offsets.push(m.index);
    offsets.sort((a, b) => a - b);
  }
  return offsets.length > 0 ? { offsets } : undefined;
}

/**
 * Whether a module's summary (summary.ts) may hold anything, read from its text alone: what it can record (an ONNX
 * Runtime session, a tfjs model, a transformers.js pipeline, an SDK or axios/got client, an inference URL) needs a
 * candidate of the pre-scan, or a string an inference-URL pattern matches (tested on the whole text, which can only
 * say yes too often). A summary does not follow the module's own imports, so neither does this.
 */
export function mayExport(source: string): boolean {
  return prescan(source, DEFAULT_CONFIG, undefined) !== undefined || inferenceUrlMatcher().test(source);
}

/**
 * What an import's text tells the pre-scan beyond its names: whether it holds a tfjs, ONNX Runtime, local-library or LangChain signal (their
 * model methods are followed in the whole file when one does) and what it imports from which workspace modules.
 */
export function importScanFacts(text: string): string {
  const imported: string[] = [];
  WORKSPACE_IMPORT_RE.lastIndex = 0;
  for (let m = WORKSPACE_IMPORT_RE.exec(text); m; m = WORKSPACE_IMPORT_RE.exec(text)) imported.push(`${m[1] ?? m[3] ?? ''}\u0001${m[2] ?? m[4] ?? ''}`);
  return `${TF_SIGNAL_RE.test(text)}|${ORT_SIGNAL_RE.test(text)}|${LOCAL_SIGNAL_RE.test(text)}|${LANGCHAIN_SIGNAL_RE.test(text)}|${imported.join('\u0000')}`;
}

export interface Statement {
  type: string;
  start: number;
  end: number;
  /** It holds a syntax error. */
  broken?: boolean;
}

/**
 * The function bodies of a statement that holds a syntax error, less the ERROR nodes in them, as [start, end) pairs in
 * ascending order (a body inside an ERROR node is left out): what it declares there belongs to the function, as the
 * resolver sees it.
 */
export type FunctionBodies = readonly number[];

const IDENT_RE = /[A-Za-z_$][\w$]*/g;
const KEYWORDS = new Set(['const', 'let', 'var', 'function', 'class', 'return', 'await', 'async', 'if', 'else', 'for', 'while', 'do', 'new', 'this', 'import', 'export', 'from', 'default', 'try', 'catch', 'finally', 'throw', 'typeof', 'instanceof', 'in', 'of', 'true', 'false', 'null', 'undefined', 'void', 'delete', 'switch', 'case', 'break', 'continue', 'extends', 'static', 'get', 'set', 'yield', 'super', 'type', 'interface', 'as', 'declare', 'abstract', 'enum']);
const DECLARERS = new Set(['const', 'let', 'var', 'function', 'class', 'enum', 'interface', 'type']);
/** Words a statement's head may start with before what it declares. */
const HEAD_WORDS = new Set([...DECLARERS, 'export', 'default', 'async', 'declare', 'abstract']);
/** Top-level statements whose inner declarations count as the program's (see `info`). */
const LOOSE_TYPES = new Set(['ERROR', 'statement_block', 'if_statement', 'for_statement', 'for_in_statement', 'while_statement', 'do_statement', 'try_statement', 'switch_statement', 'labeled_statement', 'with_statement']);
/** Top-level statements that are comments. */
const COMMENT_TYPES = new Set(['comment', 'html_comment']);
/** Whether `info` reads a statement's function bodies: it holds a syntax error and is not read as loose anyway. */
export function readsBodies(s: Statement): boolean {
  return s.broken === true && !LOOSE_TYPES.has(s.type);
}

/** Text that may define a function or class. */
const CALLABLE_RE = /=>|\bfunction\b|\bclass\b/;
const MEMBER_ASSIGN_RE = /^\.\s*[\w$]+\s*=(?![=>])/;
/**
 * Parameter lists: `function f(a, b)`, `method(a, b) {`, `(a, b) =>`, and a lone `x =>` (matched from the start of a
 * name only: tried inside a long word, it would backtrack through the rest of it at every position).
 */
const PARAMS_RE = /\(([^()]*)\)\s*(?:=>|\{)|(?<![\w$])([A-Za-z_$][\w$]*)\s*=>/g;
/** Method names a class defines (`async predict(x) {`, `classify = async (x) =>`). */
const METHOD_RE = /(?:^|[\n;{}])\s*(?:static\s+|async\s+|public\s+|private\s+|protected\s+|readonly\s+|override\s+|get\s+|set\s+|\*\s*)*([A-Za-z_$][\w$]*)\s*(?:\([^)]*\)\s*(?::[^{;]*)?\{|=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[\w$]+\s*=>))/g;

export interface StatementInfo {
  isImport: boolean;
  tokens: Set<string>;
  /** Names it declares at the top level or assigns anywhere (with objects it adds members to). */
  assigns: Set<string>;
  /** Names other statements may call or read to reach it (functions, classes' methods, top-level results). */
  provides: Set<string>;
  /**
   * It may define a function or class: what its parameters hold, or whether it is guarded, depends on its callers
   * elsewhere (an import, or a declaration of plain values, never does).
   */
  callable: boolean;
  /**
   * It may hold a call (its text has a parenthesis or a template literal): an import, a constant or `module.exports = …`
   * holds none to check. (A `require('m')` is a call: it adds a module the checks look at.)
   */
  mayCall: boolean;
  /** It holds a fact some checks look up by name anywhere in the file (see `readsFileWideFact`). */
  fileWide: boolean;
}

/** The character after `i` that is not a space. */
function nextChar(source: string, i: number, end: number): number {
  while (i < end) {
    const c = source.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
  return end;
}

/** Whether an assignment's `=` is at `i` (not `==` or `=>`). */
function plainEqualsAt(source: string, i: number): boolean {
  const next = source.charCodeAt(i + 1);
  return source.charCodeAt(i) === 61 && next !== 61 && next !== 62;
}

/**
 * False when `MEMBER_ASSIGN_RE` cannot match at `i` (a `.`): the name after the dot is not followed by `=` (`x.y(`,
 * `x.y.z`, most member accesses), told from the characters without slicing the text. Past U+007F (a non-ASCII
 * space, say) it answers true and leaves the answer to the regex.
 */
function mayAssignMember(source: string, i: number, end: number): boolean {
  let j = i + 1;
  while (j < end && isAsciiSpace(source.charCodeAt(j))) j++;
  if (j >= end) return false;
  if (source.charCodeAt(j) > 127) return true;
  if (!isIdentPart(source.charCodeAt(j))) return false;
  while (j < end && isIdentPart(source.charCodeAt(j))) j++;
  while (j < end && isAsciiSpace(source.charCodeAt(j))) j++;
  if (j >= end) return false;
  const c = source.charCodeAt(j);
  return c === 61 || c > 127;
}

/**
 * Parameter lists as `PARAMS_RE` finds them, and with a return type between the list and the body (`(x: number):
 * Promise<number[]> {`, `(x): number =>`; not a function type, which has parentheses of its own): the list, the
 * return type, a lone parameter.
 */
const TYPED_PARAMS_RE = /\(([^()]*)\)\s*(:[^(){};=]*)?(?:=>|\{)|(?<![\w$])([A-Za-z_$][\w$]*)\s*=>/g;
/** Words before a parenthesis that make it a condition or loop head rather than a parameter list (`if (x) {`). */
const CONTROL_WORDS = new Set(['if', 'while', 'for', 'switch', 'with', 'await']);
/** Words before a parameter that are not its name (`constructor(private readonly x)`). */
const PARAM_MODIFIERS = new Set(['public', 'private', 'protected', 'readonly', 'override', 'this']);
/** A `?` of a conditional expression (not `?.` or `??`). */
const TERNARY_RE = /(?<!\?)\?(?![.?])/;

/**
 * The names a parameter list binds: not the names in default values and type annotations (`m = model`, `x:
 * Map<string, T>`); in a destructured parameter, the names before any `:` or `=`.
 */
function paramNames(list: string): string[] {
  const names: string[] = [];
  let depth = 0;
  /** Skipping a default value or a type, up to the `,` at `skipDepth` or the bracket that closes around it. */
  let skip = false;
  let skipDepth = 0;
  for (let i = 0; i < list.length; ) {
    const c = list.charCodeAt(i);
    if (c === 123 || c === 91 || c === 60) depth++;
    else if (c === 125 || c === 93 || c === 62) {
      depth--;
      if (skip && depth < skipDepth) skip = false;
    } else if (c === 44) {
      if (skip && depth === skipDepth) skip = false;
    } else if (!skip && (c === 61 || c === 58)) {
      skip = true;
      skipDepth = depth;
    } else if (!skip && isIdentStart(c)) {
      let j = i + 1;
      while (j < list.length && isIdentPart(list.charCodeAt(j))) j++;
      const word = list.slice(i, j);
      if (!PARAM_MODIFIERS.has(word)) names.push(word);
      i = j;
      continue;
    }
    i++;
  }
  return names;
}

/** Intervals [from, to] merged into disjoint ones, in order (a flat list: from, to, from, to…). */
function merged(intervals: [number, number][]): number[] {
  intervals.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [from, to] of intervals) {
    const n = out.length;
    if (n > 0 && from <= (out[n - 1] as number)) out[n - 1] = Math.max(out[n - 1] as number, to);
    else out.push(from, to);
  }
  return out;
}

/** Whether offset `at` lies strictly inside one of the merged intervals. */
function inside(intervals: readonly number[], at: number): boolean {
  let lo = 0;
  let hi = intervals.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const from = intervals[2 * mid] as number;
    const to = intervals[2 * mid + 1] as number;
    if (at <= from) hi = mid - 1;
    else if (at >= to) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The scopes of each parameter name of a statement's functions: from the parameter list to the body's end. */
function parameterScopes(text: string, b: Brackets): Map<string, [number, number][]> {
  const params = new Map<string, [number, number][]>();
  TYPED_PARAMS_RE.lastIndex = 0;
  for (let m = TYPED_PARAMS_RE.exec(text); m; m = TYPED_PARAMS_RE.exec(text)) {
    if (isInert(b, m.index)) continue;
    if (m[1] !== undefined) {
      const word = wordBefore(text, m.index);
      if (CONTROL_WORDS.has(word)) continue;
      // A return type, or the `:` of a conditional expression or a `case` (`c ? use(m) : async (p) => …`)?
      if (m[2] !== undefined) {
        if (word === 'case') continue;
        if (TERNARY_RE.test(text.slice(expressionStart(b, m.index), m.index))) continue;
      }
    }
    const body = m[0].endsWith('{') ? m.index + m[0].length - 1 : m.index + m[0].length;
    // From the parameter list on: a default value (`threshold = 0.5`) is no assignment of another binding.
    const scope: [number, number] = [m.index, bodyEnd(text, b, body)];
    for (const p of m[1] !== undefined ? paramNames(m[1]) : [m[3] as string]) {
      const list = params.get(p);
      if (list) list.push(scope);
      else params.set(p, [scope]);
    }
  }
  return params;
}

/**
 * The assignments of a statement that parses, each to its name's binding: a local one when a declaration of the name
 * (or a parameter) has the assignment in its scope, else the program's (a top-level binding, or an implicit global),
 * which the statement then assigns, and provides when the assignment is a plain one (`x = …`; `x.y = …` only adds to
 * it). Names in strings and comments neither declare nor assign. With brackets the scan cannot match (or JSX), every
 * assignment counts as the program's.
 */
function resolvePending(text: string, pending: readonly [string, number, boolean][], declaredAt: ReadonlyMap<string, number[]>, assigns: Set<string>, provides: Set<string>): void {
  const b = bracketPairs(text);
  let params: Map<string, [number, number][]> | undefined;
  /** The merged scopes of each name assigned. */
  const scopes = new Map<string, number[]>();
  for (const [name, at, plain] of pending) {
    if (b) {
      if (isInert(b, at)) continue;
      let list = scopes.get(name);
      if (!list) {
        const all: [number, number][] = [];
        for (const d of declaredAt.get(name) ?? []) {
          const scope = isInert(b, d) ? undefined : declarationScope(text, b, d);
          if (scope) all.push(scope);
        }
        all.push(...((params ??= parameterScopes(text, b)).get(name) ?? []));
        scopes.set(name, (list = merged(all)));
      }
      if (inside(list, at)) continue;
    }
    assigns.add(name);
    if (plain) provides.add(name);
  }
}

/**
 * Whether the `function` or `class` keyword at `i` starts an expression (`= function model() {}`, `(class {})`), whose
 * name is its own, not a declaration in the scope around it.
 */
function startsExpression(text: string, i: number): boolean {
  let before = wordEndingBefore(text, i);
  if (before.word === 'async') before = wordEndingBefore(text, before.start);
  const { word, start } = before;
  if (word !== '') return word === 'return' || word === 'await' || word === 'yield' || word === 'new' || word === 'case';
  // No word before it: `start` is just past the character before it.
  return start > 0 && '=(,:?[!&|>'.includes(text.charAt(start - 1));
}

/**
 * Whether a name right after a declarer (`prevEnd` to `at`) is what it declares: only white space (or a generator's
 * `*`) lies between them, or a destructuring `{`/`[` after `const`, `let` or `var` (`function () {` declares nothing).
 */
function declaredByPrev(source: string, prev: string, prevEnd: number, at: number): boolean {
  let opened = false;
  for (let i = prevEnd; i < at; i++) {
    const c = source.charCodeAt(i);
    if (isAsciiSpace(c) || c === 42) continue;
    if ((c === 123 || c === 91) && !opened && (prev === 'const' || prev === 'let' || prev === 'var')) {
      opened = true;
      continue;
    }
    return false;
  }
  return true;
}

/** One pass over a statement's identifiers: its tokens, what it assigns, what it declares. */
export function info(source: string, s: Statement, bodies?: FunctionBodies): StatementInfo {
  // A comment at the top level holds no code: its words (`// the class label …`, `/** returns the function's … */`)
  // would otherwise read as names it declares and uses, and link it to every statement that uses them.
  if (COMMENT_TYPES.has(s.type)) return { isImport: false, tokens: new Set(), assigns: new Set(), provides: new Set(), callable: false, mayCall: false, fileWide: false };
  const tokens = new Set<string>();
  const assigns = new Set<string>();
  const provides = new Set<string>();
  /** Declared inside the statement (`let best = 0` … `best = x`): assignments to them concern no other statement. */
  const local = new Set<string>();
  /** Names given a value by a plain assignment (`x = …`, `x ??= …`). */
  const plain = new Set<string>();
  // A statement tree-sitter could not parse: its nesting is a guess that the next edit may undo (a function's body
  // becomes top-level code), so whatever it declares anywhere counts as declared at the top level. So does a block at
  // the top level (`{ const s = … }`, `if (…) { … }`, often what a broken brace leaves): the resolver gives what a block
  // declares outside any function to the program's scope.
  const loose = LOOSE_TYPES.has(s.type);
  // A statement that holds a syntax error (`fetch(` left open before `const s = …`, the declaration then inside the
  // call's arguments): the resolver gives what it declares outside any function to the program's scope. What it
  // declares in a function body (`bodies`, read from the tree) stays the function's; without them, all is top level.
  const broken = !loose && s.broken === true;
  // A statement that parses: a name is local where a declaration of it is in scope (the block, function or parameter
  // list around it, see brackets.ts). An assignment elsewhere in the statement (`[() => { let u; }, u = '…']`, `{ let
  // u; } u = …`) gives a value to another binding, which other statements may read. The assignments wait for the end
  // of the scan, where the declarations are all known.
  const parses = !loose && !broken;
  /** Offsets (in `text`) where each local name is declared (statements that parse). */
  const declaredAt = new Map<string, number[]>();
  /** Assignments to names in a statement that parses: the name, its offset in `text`, whether a plain one. */
  const pending: [string, number, boolean][] = [];
  /** The index in `bodies` of the first body that does not end before the current name (names come in order). */
  let body = 0;
  /** The index in `bodies` of the piece holding `at`, or -1 (positions come in order). */
  const pieceAt = (at: number): number => {
    if (!bodies) return -1;
    while (body < bodies.length && (bodies[body + 1] as number) <= at) body += 2;
    return body < bodies.length && (bodies[body] as number) <= at ? body : -1;
  };
  /**
   * Whether the declaration of the name at `at` lies in a function body, its declarer too (`const` in an ERROR node
   * before `x = …` in the body: the resolver sees an assignment there, which makes a global).
   */
  const inBody = (at: number, declarer: number): boolean => {
    const piece = pieceAt(at);
    return piece >= 0 && (bodies?.[piece] as number) <= declarer;
  };
  /**
   * In a statement with a syntax error: the body pieces where each local name is declared, and where each name is
   * given a value by a plain assignment (-1 outside any body). An assignment in a piece where the name is not declared
   * (`[() => { let u; }, u = '…']`) gives a value to another binding, which other statements may read.
   */
  const declaredIn = new Set<string>();
  const assignedIn: [string, number][] = [];
  let prev = '';
  /** Where `prev` starts and ends. */
  let prevAt = -1;
  let prevEnd = -1;
  /** In a statement that parses: the last `function` or `class` keyword starts an expression (its name is its own). */
  let expression = false;
  /** Still in the statement's head (`export default async function f`): the next name after a declarer is declared. */
  let head = true;
  // Searched in the statement's own text: from its start in the whole source, a statement with no name would scan on
  // to the next name after it (quadratic over a run of such statements, e.g. a line of unmatched brackets).
  const text = source.slice(s.start, s.end);
  const isImport = s.type === 'import_statement';
  // The matches of IDENT_RE, scanned by hand (no match object per name).
  for (let i = 0; i < text.length; ) {
    const c0 = text.charCodeAt(i);
    if (!isIdentStart(c0)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && isIdentPart(text.charCodeAt(j))) j++;
    const word = text.slice(i, j);
    const at = s.start + i;
    i = j;
    const before = at > 0 ? source.charCodeAt(at - 1) : 32;
    // Part of a number (`1e5`, `0x1f`): not a name.
    if (before >= 48 && before <= 57) continue;
    const property = before === 46; /* `.name` */
    if (KEYWORDS.has(word)) {
      if (head && !HEAD_WORDS.has(word)) head = false;
      // A property named like a keyword (`msg.type`) declares nothing.
      prev = property ? '' : word;
      prevAt = at;
      prevEnd = at + word.length;
      if (parses && (word === 'function' || word === 'class')) expression = startsExpression(text, i - word.length);
      continue;
    }
    tokens.add(word);
    const declared = DECLARERS.has(prev) && declaredByPrev(source, prev, prevEnd, at);
    if (head) {
      if (declared) {
        assigns.add(word);
        provides.add(word);
      }
      head = false;
    } else if (declared && !property) {
      if (loose || (broken && !inBody(at, prevAt))) {
        assigns.add(word);
        provides.add(word);
      } else if (parses) {
        if (!(expression && (prev === 'function' || prev === 'class'))) {
          const list = declaredAt.get(word);
          if (list) list.push(at - s.start);
          else declaredAt.set(word, [at - s.start]);
        }
      } else {
        local.add(word);
        if (broken) declaredIn.add(`${pieceAt(at)}\u0000${word}`);
      }
    }
    if (!property) {
      const n = nextChar(source, at + word.length, s.end);
      const c = source.charCodeAt(n);
      const c2 = source.charCodeAt(n + 1);
      // `x = …` (not `==` or `=>`), `x ??= …`, `x ||= …`, `x &&= …` — a local `let x = …` declares instead.
      let assigned = plainEqualsAt(source, n) || ((c === 63 || c === 124 || c === 38) && c2 === c && source.charCodeAt(n + 2) === 61);
      // In a statement with a syntax error, `w1 w2 = …` (a declaration's keyword mistyped, `lett x = …`): tree-sitter
      // may recover with `w1` as the assignment's target, `w2` skipped.
      if (!assigned && !parses && isIdentStart(c)) {
        let k = n + 1;
        while (k < s.end && isIdentPart(source.charCodeAt(k))) k++;
        const e = nextChar(source, k, s.end);
        assigned = e < s.end && plainEqualsAt(source, e);
      }
      if (assigned && prev !== 'const' && prev !== 'let' && prev !== 'var') {
        if (parses) pending.push([word, at - s.start, true]);
        else {
          assigns.add(word);
          plain.add(word);
          if (broken) assignedIn.push([word, pieceAt(at)]);
        }
      }
      // `x.y = …`: x gets a member.
      else if (c === 46 && mayAssignMember(source, n, s.end) && MEMBER_ASSIGN_RE.test(source.slice(n, Math.min(s.end, n + 80)))) {
        if (parses) pending.push([word, at - s.start, false]);
        else assigns.add(word);
      }
    }
    prev = word;
    prevAt = at;
    prevEnd = at + word.length;
  }
  // Parameters are local too (`function f(feed) { feed.x = … }`, `(a, b) => …`, `x => …`), in the function's body.
  if (parses) {
    if (pending.length > 0) resolvePending(text, pending, declaredAt, assigns, provides);
  } else {
    if (assigns.size > 0) {
      PARAMS_RE.lastIndex = 0;
      for (let m = PARAMS_RE.exec(text); m; m = PARAMS_RE.exec(text)) for (const p of (m[1] ?? m[2] ?? '').matchAll(IDENT_RE)) local.add(p[0]);
    }
    for (const [name, piece] of assignedIn) if (!declaredIn.has(`${piece}\u0000${name}`)) provides.add(name);
    for (const l of local) if (!provides.has(l)) assigns.delete(l);
    // A name assigned here and declared nowhere in it (`classifier ??= await pipeline(…)` in a handler): a top-level
    // binding, or an implicit global, that other statements read; they use what it is given here.
    for (const a of plain) if (!local.has(a)) provides.add(a);
  }
  // const { a, b } = … / const [a, b] = …: the names it declares.
  const pattern = /^(?:export\s+)?(?:const|let|var)\s*([{[][^=]*)=/.exec(text.slice(0, 300));
  if (pattern?.[1]) for (const m of pattern[1].matchAll(IDENT_RE)) if (!KEYWORDS.has(m[0])) {
    assigns.add(m[0]);
    provides.add(m[0]);
  }
  // An import provides what it imports: the statements that use those names may call a model through them.
  if (isImport) for (const t of tokens) provides.add(t);
  // A class provides its methods (their callers elsewhere may hold the fallback), and so does a statement with a syntax
  // error that holds one anywhere (a class the error nested in a function body is called through its instances).
  if (/^(?:export\s+(?:default\s+)?)?(?:abstract\s+)?class\b/.test(text) || (broken && /\bclass\b/.test(text))) {
    METHOD_RE.lastIndex = 0;
    for (let m = METHOD_RE.exec(text); m; m = METHOD_RE.exec(text)) if (m[1] && !KEYWORDS.has(m[1])) provides.add(m[1]);
  }
  const callable = !isImport && (!/^(?:lexical|variable)_declaration$/.test(s.type) || CALLABLE_RE.test(text));
  const mayCall = !isImport && /[(`]/.test(text);
  const fileWide = (tokens.has('defaults') && tokens.has('timeout')) || tokens.has('ajaxSetup') || tokens.has('arrayBuffer') || tokens.has('blob');
  return { isImport, tokens, assigns, provides, callable, mayCall, fileWide };
}

/**
 * The top-level statements an analysis needs: those with candidates, imports, and what they reach (see
 * `reachableStatements`).
 */
export function selectStatements(statements: Statement[], infos: StatementInfo[], offsets: number[]): Set<number> {
  const facts: number[] = [];
  for (let i = 0; i < infos.length; i++) if ((infos[i] as StatementInfo).fileWide) facts.push(i);
  return reachableStatements(statements, infos, seedStatements(statements, offsets), false, facts);
}

/** The indexes of the statements that hold a candidate offset (both lists ascend). */
export function seedStatements(statements: readonly Statement[], offsets: readonly number[]): number[] {
  const seeds: number[] = [];
  let o = 0;
  statements.forEach((s, i) => {
    while (o < offsets.length && (offsets[o] as number) < s.start) o++;
    if (o < offsets.length && (offsets[o] as number) < s.end) seeds.push(i);
  });
  return seeds;
}

/**
 * The statements the analysis of `seeds` needs: themselves, imports, and — until nothing changes — the statements
 * that assign names the kept ones use, and those that use names the kept ones provide. With `narrow`, a statement
 * taken in only because a kept one uses what it assigns passes on what it uses, but its own users only when it may
 * define a function (its callers decide its parameters' values): that is the analysis of the seeds alone (after an
 * edit), not of everything the kept statements hold. The statements `alone` are kept too, without what they reach.
 */
export function reachableStatements(statements: Statement[], infos: StatementInfo[], seeds: Iterable<number>, narrow = false, alone: Iterable<number> = NONE): Set<number> {
  const keep = new Set<number>(seeds);
  /** Kept statements whose users are kept too. */
  const full = narrow ? new Set<number>(keep) : keep;
  statements.forEach((s, i) => {
    if (isRoot(s)) keep.add(i);
  });
  // A worklist: a statement is looked at again only when a name it uses becomes provided or a name it assigns becomes
  // used (the answer is the same fixpoint as sweeping every statement until nothing changes).
  const index = indexOf(infos);
  const used = new Set<string>();
  const provided = new Set<string>();
  const queue: number[] = [];
  const absorb = (i: number): void => {
    const inf = infos[i] as StatementInfo;
    for (const t of inf.tokens) {
      if (used.has(t)) continue;
      used.add(t);
      for (const j of index.assigners.get(t) ?? NONE) if (!keep.has(j)) queue.push(j);
    }
    if (!full.has(i) && !inf.callable) return;
    for (const p of inf.provides) {
      if (provided.has(p)) continue;
      provided.add(p);
      for (const j of index.users.get(p) ?? NONE) if (!full.has(j)) queue.push(j);
    }
  };
  for (const i of keep) absorb(i);
  for (let i = queue.pop(); i !== undefined; i = queue.pop()) {
    if (full.has(i)) continue;
    const inf = infos[i] as StatementInfo;
    // A user of what a kept statement provides is analyzed with it (its calls, its comparisons of results).
    const user = meets(inf.tokens, provided);
    if (keep.has(i)) {
      if (!user) continue;
      full.add(i);
    } else {
      if (!user && !meets(inf.assigns, used)) continue;
      keep.add(i);
      if (narrow && user) full.add(i);
    }
    absorb(i);
  }
  for (const i of alone) keep.add(i);
  return keep;
}

const NONE: readonly number[] = [];

/** A statement every selection takes in (imports). */
export function isRoot(s: Statement): boolean {
  return s.type === 'import_statement' || s.type === 'hash_bang_line';
}

/**
 * The statements the selection takes in from statement `i` with `inf` as its info (`index` otherwise that of the
 * others): those that assign a name it uses, and those that use a name it provides (`reachableStatements`' steps).
 */
function stepsFrom(index: NameIndex, inf: StatementInfo, i: number): Set<number> {
  const out = new Set<number>();
  for (const t of inf.tokens) for (const j of index.assigners.get(t) ?? NONE) if (j !== i) out.add(j);
  for (const p of inf.provides) for (const j of index.users.get(p) ?? NONE) if (j !== i) out.add(j);
  return out;
}

/**
 * The statements from which the selection takes in statement `i` with `inf` as its info: those that use a name it
 * assigns, and those that provide a name it uses (the converse of `stepsFrom`).
 */
function stepsInto(index: NameIndex, inf: StatementInfo, i: number): Set<number> {
  const out = new Set<number>();
  for (const a of inf.assigns) for (const j of index.users.get(a) ?? NONE) if (j !== i) out.add(j);
  for (const t of inf.tokens) for (const j of index.providers.get(t) ?? NONE) if (j !== i) out.add(j);
  return out;
}

/**
 * Whether the selection (`selectStatements`) of `after` is the one before an edit that changed statement `i` only
 * (every other statement has the same info; `after`'s name index is the current one): `kept` is the selection before,
 * `seed` whether the statement holds a candidate before and after the edit, `root` whether it is selected whatever
 * it holds (an import). Three cases need no selection of the whole
 * file. The statement is a seed (or an import) both times: it is in the selection, and the selection is the same when
 * the statements it takes in directly are the same ones or more, all of them in the selection before. It is no seed
 * either time but was selected: the same, when the statements that take it in are also the same ones or more (the
 * selection is what the seeds reach, one step at a time; every step before is one now, and the new steps lead inside
 * the selection before). It is in neither selection: it was not a seed and is not one now, and no selected statement
 * takes it in (uses a name it assigns, or provides a name it uses). Otherwise false: the selection is made again.
 */
export function sameSelection(after: StatementInfo[], before: StatementInfo, i: number, kept: ReadonlySet<number>, seed: { before: boolean; after: boolean }, root: boolean): boolean {
  const index = indexOf(after);
  const inf = after[i] as StatementInfo;
  const seeded = (seed.before || root) && (seed.after || root);
  if (seeded || (kept.has(i) && !seed.before && !seed.after)) {
    if (!kept.has(i)) return false;
    const now = stepsFrom(index, inf, i);
    for (const j of now) if (!kept.has(j)) return false;
    for (const j of stepsFrom(index, before, i)) if (!now.has(j)) return false;
    if (seeded) return true;
    // Selected though no seed: taken in from the statements that take it in (`stepsInto`). With those the same ones or
    // more, every step of the selection before is one now, and the new ones stay inside it.
    const into = stepsInto(index, inf, i);
    for (const j of stepsInto(index, before, i)) if (!into.has(j)) return false;
    return true;
  }
  if (seed.before || seed.after || root || kept.has(i)) return false;
  for (const n of inf.assigns) for (const j of index.users.get(n) ?? NONE) if (j !== i && kept.has(j)) return false;
  for (const t of inf.tokens) for (const j of index.providers.get(t) ?? NONE) if (j !== i && kept.has(j)) return false;
  return true;
}

/** Which statements use (tokens), assign and provide each name. */
export interface NameIndex {
  users: Map<string, number[]>;
  assigners: Map<string, number[]>;
  providers: Map<string, number[]>;
}

/** One index per list of statement infos (an analysis asks for it up to three times). */
const indexes = new WeakMap<StatementInfo[], NameIndex>();

/** Adds statement `i`'s names to one map of the index (its lists stay in statement order). */
function addNames(map: Map<string, number[]>, names: Set<string>, i: number): void {
  for (const n of names) {
    const list = map.get(n);
    if (!list) map.set(n, [i]);
    else {
      list.push(i);
      if ((list[list.length - 2] as number) > i) list.sort((a, b) => a - b);
    }
  }
}

/** Takes statement `i`'s names out of one map of the index. */
function removeNames(map: Map<string, number[]>, names: Set<string>, i: number): void {
  for (const n of names) {
    const list = map.get(n);
    const at = list ? list.indexOf(i) : -1;
    if (!list || at < 0) continue;
    if (list.length === 1) map.delete(n);
    else list.splice(at, 1);
  }
}

/** The name index of a list of statement infos: built once per list, or carried over from the list before an edit. */
export function nameIndex(infos: StatementInfo[]): NameIndex {
  return indexOf(infos);
}

function indexOf(infos: StatementInfo[]): NameIndex {
  let index = indexes.get(infos);
  if (index) return index;
  index = { users: new Map(), assigners: new Map(), providers: new Map() };
  for (let i = 0; i < infos.length; i++) indexNames(index, infos[i] as StatementInfo, i, addNames);
  indexes.set(infos, index);
  return index;
}

function indexNames(index: NameIndex, inf: StatementInfo, i: number, op: typeof addNames): void {
  op(index.users, inf.tokens, i);
  op(index.assigners, inf.assigns, i);
  op(index.providers, inf.provides, i);
}

/**
 * After an edit that left every top-level statement in its place (same count, the changed ones at the indices in
 * `changed`, all others the same info objects): the name index of `before` becomes that of `after` by re-indexing the
 * changed statements only, instead of indexing the whole file again. `before`'s index is taken over (not kept).
 */
export function carryIndex(before: StatementInfo[], after: StatementInfo[], changed: readonly number[]): void {
  const index = indexes.get(before);
  if (!index || before.length !== after.length || indexes.has(after)) return;
  indexes.delete(before);
  for (const i of changed) {
    indexNames(index, before[i] as StatementInfo, i, removeNames);
    indexNames(index, after[i] as StatementInfo, i, addNames);
  }
  indexes.set(after, index);
}

/**
 * After an edit that kept some statements as they were (the same info objects, moved to new indices: `newIndex` is
 * each statement's index after the edit by its index before, in the same order, -1 for those taken out or changed)
 * and put in others (`changed`, their indices after it): the name index of `before` becomes that of `after` by
 * renumbering the lists (the old statements dropped) and adding the names of the new ones, instead of indexing the
 * whole file again. `before`'s index is taken over (not kept).
 */
export function spliceIndex(before: StatementInfo[], after: StatementInfo[], newIndex: Int32Array, changed: readonly number[]): void {
  const index = indexes.get(before);
  if (!index || indexes.has(after) || newIndex.length !== before.length) return;
  indexes.delete(before);
  // Renumbered in one pass, the statements taken out dropped on the way (one at a time, a long run of them taken out
  // behind a kept statement would cost a search of each list for each).
  for (const map of [index.users, index.assigners, index.providers]) {
    for (const [name, list] of map) {
      let n = 0;
      for (let k = 0; k < list.length; k++) {
        const i = newIndex[list[k] as number] as number;
        if (i >= 0) list[n++] = i;
      }
      if (n === 0) map.delete(name);
      else list.length = n;
    }
  }
  for (const i of changed) indexNames(index, after[i] as StatementInfo, i, addNames);
  indexes.set(after, index);
}

function sameNames(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const n of a) if (!b.has(n)) return false;
  return true;
}

/** Whether two statement infos say the same to the statement selection (names and kinds). */
export function sameInfo(a: StatementInfo, b: StatementInfo): boolean {
  return a.isImport === b.isImport && a.callable === b.callable && a.mayCall === b.mayCall && sameNames(a.tokens, b.tokens) && sameNames(a.assigns, b.assigns) && sameNames(a.provides, b.provides);
}

/**
 * Whether a statement holds a fact some checks look up by name anywhere in the file: `x.defaults.timeout = …` or
 * `$.ajaxSetup({ timeout })` (a default timeout), or a response read as bytes (`res.arrayBuffer()`, a download, not a
 * prediction). Such a statement is selected wherever it is, and copied for its own nodes: the checks read them alone,
 * not what its names lead to.
 */
export function readsFileWideFact(inf: StatementInfo): boolean {
  // Read off the statement's names once, when its info is made (infos of unchanged statements carry over edits).
  return inf.fileWide;
}

function meets(names: Iterable<string>, set: Set<string>): boolean {
  for (const n of names) if (set.has(n)) return true;
  return false;
}

function addAll(into: Set<string>, names: Iterable<string>): void {
  for (const n of names) into.add(n);
}

/**
 * What an edit of a statement changed for the others, when less than everything it declares and uses: the names whose
 * users are analyzed again, and whether the statements declaring what it uses are too (as callees of its calls).
 */
export interface EditScope {
  defines: Set<string>;
  uses: boolean;
}

/**
 * The statements whose analysis an edit may change, besides the changed ones: those that use what the changed code
 * declares or assigns (and, transitively, their users), and those that declare what it uses — up to three levels of
 * callees, the depth to which a caller's handler counts as a fallback. The latter (reached only as callees) are also
 * added to `callees` when given. `narrowed` may say of a changed statement (its info before or after the edit) that the
 * edit changed less than all it declares (see `EditScope`).
 */
export function affectedStatements(infos: StatementInfo[], changed: number[], removed: StatementInfo[], callees?: Set<number>, narrowed?: ReadonlyMap<StatementInfo, EditScope>): Set<number> {
  const dirty = new Set<number>(changed);
  const index = indexOf(infos);
  const defined = new Set<string>();
  let used = new Set<string>();
  const queue: number[] = [];
  const define = (names: Set<string>): void => {
    for (const n of names) {
      if (defined.has(n)) continue;
      defined.add(n);
      for (const j of index.users.get(n) ?? NONE) if (!dirty.has(j)) queue.push(j);
    }
  };
  for (const inf of [...changed.map((i) => infos[i] as StatementInfo), ...removed]) {
    const scope = narrowed?.get(inf);
    if (scope) {
      define(scope.defines);
      if (scope.uses) addAll(used, inf.tokens);
      continue;
    }
    define(inf.assigns);
    define(inf.provides);
    addAll(used, inf.tokens);
  }
  // The users of what is defined, transitively (a worklist: the same fixpoint as sweeping until nothing changes).
  for (let i = queue.pop(); i !== undefined; i = queue.pop()) {
    if (dirty.has(i)) continue;
    const inf = infos[i] as StatementInfo;
    dirty.add(i);
    define(inf.assigns);
    define(inf.provides);
  }
  for (let depth = 0; depth < 3 && used.size > 0; depth++) {
    const next = new Set<string>();
    const reached = new Set<number>();
    for (const n of used) {
      for (const j of index.providers.get(n) ?? NONE) if (!dirty.has(j)) reached.add(j);
      for (const j of index.assigners.get(n) ?? NONE) if (!dirty.has(j)) reached.add(j);
    }
    for (const j of reached) {
      dirty.add(j);
      callees?.add(j);
      addAll(next, (infos[j] as StatementInfo).tokens);
    }
    used = next;
  }
  return dirty;
}
