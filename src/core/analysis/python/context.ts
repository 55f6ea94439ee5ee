// The Python analysis proper: finds predict-like calls among the call sites of the text scan and evaluates their
// checks (fallback, confidence, timeout, trace) from per-function facts computed once and cached; also finds unsafe
// model loads. Structure comes from the scan (indentation blocks, logical lines, bracket nesting), which is exact on
// code that parses; where the tree has errors, a call is kept only if the tree confirms it. Nothing here walks the
// tree: through web-tree-sitter's wasm boundary a full walk costs more than the parse, and the budget for the whole
// analysis is a third of it.
import type { Tree } from 'web-tree-sitter';
import type { RawFinding } from '../engine';
import { type AnalysisConfig, type CheckState, DEFAULT_CONFIG, type ExternalSymbol, type ModuleSummary, type WrappedCall, type PredictCall, type PredictKind, type PredictPattern, type Range, type RuleId, type SourceContext } from '../types';
import { AI_SERVICE_METHODS, AWS_AI_METHODS, classifyCallee, externalOf, INFERENCE_PATH, INFERENCE_URL_NAME, isLangchainPackage, KERAS_LOAD_MODEL, LIBRARY_ROOTS, LLM_FUNCTIONS, LLM_METHODS, originOf, isRecorder, modelName, type Origin, torchModelName, TORCH_MODEL_BASES, UNSAFE_LOADERS } from './libs';
import { evaluationFunction, OTHER_VERSION_RE } from '../names';
import { isTestFile } from '../paths';
import { GENERATION_PARAMS, isHostedModelUrl } from '../urls';
import { classifyCallees, DECIDES, type Flow, isMetricCallee, labelName, LEAVES, numericKey, numericName, type Sink, useAround } from './flow';
import { rescanPython } from './rescan';
import { type Assign, type CallSite, classAt, splitTopLevel, type DefInfo, findTopLevel, functionAt, inSpans, isKeyword, lastAtOrBefore, lastNumberAtOrBefore, lineAt, lineIndexAt, matchParen, type Scan, scanPython, type Span, topLevelStarts } from './scan';
import { TreeIndex } from './treeIndex';

/** A call that puts a deadline on the call inside it (`asyncio.wait_for(coro, 5)`). */
const DEADLINE_CALL_RE = /(?:^|\.)(?:wait_for|timeout)$/;
/** A `with` whose context manager cancels its body after a deadline (asyncio, async_timeout, anyio, trio). */
const DEADLINE_WITH_RE = /\b(?:timeout|timeout_at|fail_after|fail_at|move_on_after|move_on_at)\s*\(/;
/** A decorator that stops the function after a deadline (`@timeout(5)`, `@timeout_decorator.timeout(5)`, `@func_set_timeout(5)`). */
const DEADLINE_DECORATOR_RE = /^(?:[\w.]*\.)?(?:timeout|func_set_timeout|time_limit)\(/;

export interface ArgInfo {
  positional: Span[];
  keywords: Map<string, Span>;
  /** `*args` / `**kwargs` present. */
  splat: boolean;
  /** Every argument, in order. */
  all: Span[];
}

/** Everything the analyzer knows about one predict call; the quick fixes work from it. */
export interface CallRecord {
  call: PredictCall;
  kind: PredictKind;
  start: number;
  end: number;
  site: CallSite;
  method: string;
  /** requests / httpx / aiohttp (remote), the estimator's library, … */
  lib: string;
  /** Masked receiver text without whitespace (method calls). */
  receiver: string;
  /** The call's arguments (parsed on demand: only quick fixes need them). */
  args(): ArgInfo;
  /** Function containing the call (index into scan.defs), or -1. */
  scope: number;
  used: boolean;
  /** The assignment whose value contains the call, if any. */
  assign: Assign | undefined;
  /** For SageMaker: the boto3.client assignment; for an SDK client with no timeout: its constructor's assignment. */
  clientAssign: Assign | undefined;
  /** A hosted model API or an LLM server (an SDK client, Bedrock, a hosted URL): its answers take seconds. */
  hosted?: boolean;
  customKind?: PredictPattern['kind'];
  /** Estimator known to be a classifier (the no-confidence fix rewrites it with predict_proba). */
  classifier: boolean;
  /** Where the prediction goes (for used calls). */
  flow?: Flow;
  /** A hosted answer handed back whole, which names its model (the trace passes so). */
  wholeAnswer?: boolean;
  /** In a public method of a class: other modules call it, whatever the file's own `__main__` demo does with it. */
  api?: boolean;
}

export interface UnsafeLoad {
  start: number;
  end: number;
  label: string;
}

/** A predict call as the findings need it: what it is, its checks, and whether its prediction is sent or stored. */
export interface CallOutcome {
  call: PredictCall;
  kind: PredictKind;
  handsOn: boolean;
  /** See CallRecord.api. */
  api?: boolean;
  /** The label decides only by being returned (no branch, nothing shown, sent or stored). */
  returnedOnly?: boolean;
}

export interface UnsafeOutcome {
  range: Range;
  label: string;
}

export function outcomeOf(r: CallRecord): CallOutcome {
  const flow = r.flow;
  const returnedOnly = flow !== undefined && flow.sinks.has('return') && DECIDES.every((s) => s === 'return' || !flow.sinks.has(s));
  return { call: r.call, kind: r.kind, handsOn: flow !== undefined && (flow.sinks.has('send') || flow.sinks.has('store')), ...(r.api ? { api: true } : {}), ...(returnedOnly ? { returnedOnly } : {}) };
}

export interface PyAnalysis {
  scan: Scan;
  records: CallRecord[];
  unsafe: UnsafeLoad[];
  findings: RawFinding[];
}

/** What one mention of a prediction says (see visitMention). */
interface Mention {
  /** The length of the text mentioned (the cache is keyed by offset). */
  length: number;
  /** A score mention inside an argmax: it is the label, not the score. */
  skip: boolean;
  sinks: Sink[];
  carrier?: string;
  label: boolean;
  numeric: boolean;
}

interface ScopeFacts {
  assigns: Assign[];
  torchInference?: boolean;
  comparisons?: Span[];
  traced?: boolean;
  probaNames?: Set<string>;
  argmax?: number[];
}

/** classifier: a known classifier's hard label; label: a model's output used as a label (class unknown); generic: argmax outputs. */
type ConfidenceMode = 'classifier' | 'label' | 'none' | 'generic' | 'hf' | 'answer' | 'endpoint' | 'spacy' | 'tag' | 'onnx-label';

const PREDICT_METHODS = new Set(['predict', 'predict_proba', 'decision_function', 'predict_log_proba', 'predict_classes']);
/**
 * The methods of NLTK's and TextBlob's classifiers (also unpickled): `classify` answers with the label alone,
 * `prob_classify` with a distribution over the labels.
 */
const TEXT_CLASSIFIER_METHODS = new Set(['classify', 'classify_many', 'prob_classify']);
const HTTP_METHODS = new Set(['post', 'get', 'put', 'patch', 'request']);
/** Method names that can make a call site a predict call or an unsafe load by themselves. */
/** Last names of hosted-model SDK calls (`create` in `client.chat.completions.create`); llmCall() checks the rest. */
const LLM_LAST_NAMES = new Set(['create', 'encode', 'run_sync', 'parse', 'stream', 'create_and_poll', 'submit_tool_outputs', 'submit_tool_outputs_and_poll', 'submit_tool_outputs_stream', 'create_and_run', 'create_and_run_poll', 'create_and_run_stream', 'generate', 'embed', 'chat', 'classify', 'rerank', 'infer', 'async_infer', 'create_completion', 'create_chat_completion', 'create_embedding', 'text_generation', 'chat_completion', 'text_classification', 'token_classification', 'zero_shot_classification', 'feature_extraction', 'image_classification', 'object_detection', 'summarization', 'translation', 'question_answering', 'fill_mask', 'sentence_similarity', 'text_to_image', 'automatic_speech_recognition', 'image_to_text', 'complete', 'completion', 'acompletion', 'embedding', 'generate_content', 'generate_content_async', 'generate_content_stream', 'embed_content', 'invoke', 'ainvoke', 'astream', 'batch', 'abatch', ...AI_SERVICE_METHODS]);
/** Names a torch module is often held in (a cheap test before torchModelName's). */
const TORCH_NAME_HINT = /(?:model|net|network|encoder|backbone|classifier|clf|module)\d*$/i;
const INTERESTING_METHODS = new Set([...PREDICT_METHODS, ...TEXT_CLASSIFIER_METHODS, ...HTTP_METHODS, 'run', 'async_run', 'predict_async', 'load', 'loads', 'read_pickle', 'forward', 'load_model', 'generate', 'invoke_model', 'invoke_model_with_response_stream', 'converse', 'converse_stream']);
/** Packages that serve requests or consume jobs: code importing them hands predictions on to someone. */
const SERVING_ROOTS = new Set(['flask', 'fastapi', 'django', 'starlette', 'aiohttp', 'sanic', 'tornado', 'bottle', 'falcon', 'quart', 'celery', 'rq', 'dramatiq', 'gradio', 'grpc', 'kafka', 'confluent_kafka', 'pika', 'ray', 'bentoml', 'mlserver', 'kserve', 'ts', 'litserve', 'uvicorn', 'connexion', 'chalice', 'functions_framework', 'azure', 'pulsar', 'websockets', 'socketio', 'flask_socketio', 'telegram', 'discord', 'slack_bolt']);
const STOP_WORDS = new Set(['and', 'or', 'not', 'if', 'elif', 'else', 'while', 'return', 'assert', 'lambda', 'yield', 'for', 'await', 'in', 'is']);
const NAME_TOKEN = /(?<![\w.])(?:(?:self|cls)\.[A-Za-z_]\w*|[A-Za-z_]\w*)/g;
/** What an assignment's value says, tested once per assignment (see rhsFlags). */
/** Maxima that give values and indices: `torch.max(softmax(model(x)), 1)` (calls nested two deep), `.max(1)`, `topk(`. */
const MAX_PAIR = String.raw`\btorch\.max\s*\((?:[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\))*,|\.max\s*\(\s*(?:dim\s*=\s*)?-?\d\s*\)|\btopk\s*\(`;
const RHS_ARGMAX = new RegExp(String.raw`\bargmax\b|` + MAX_PAIR);
const RHS_MAX_PAIR = new RegExp(MAX_PAIR);
const RHS_PROBA_CALL = /\b(?:predict_proba|decision_function|predict_log_proba)\s*\(/;
/** Needed for a `<receiver>.predict_proba(` of surfaced(): no word boundary asked. */
const RHS_PROBA_ANY = /(?:predict_proba|decision_function|predict_log_proba)\s*\(/;
/** Read in the source (a string key such as `["score"]`). */
const RHS_SCORE_OF = /\b(?:softmax|sigmoid|amax)\s*\(|\.max\s*\(|\bnp\.max\s*\(|\[\s*["'](?:score|probability|confidence)["']\s*\]|\.score\b/;
const RHS_ARGMAX_WORD = /\bargmax\b/;
/** A model file or registered model name that names a regressor: `gbr_model`, `linear_model.pkl`, `rf_regressor`, `svr.joblib`. */
const REGRESSOR_FILE = /(?:^|[^a-z])(?:regress(?:or|ion)|gbr|rfr|xgbr|svr|linreg|linear_?model|linear_?regression|ridge|lasso|elastic_?net)(?:[^a-z]|$)/i;
/** Calls that build an HTTP answer: the version in them travels with the prediction. */
const RESPONDERS = /^(?:jsonify|make_response|JSONResponse|ORJSONResponse|UJSONResponse|JsonResponse|HttpResponse|Response)$/;
/** The field of a model server's answer that holds its label (`resp.json()["prediction"]`), in the source. */
const ANSWER_KEY = /\[\s*(["'])(?:label|predicted_label|predicted_class|prediction|class|class_name|category|predicted)\1\s*\]/g;
/** Keys a result keeps its score under (`r["score"]`, a zero-shot pipeline's `["scores"]`). */
const SCORE_KEYS = 'score|scores|probability|probabilities|confidence';
/** A score read by key from a result, in the source. */
const SCORE_KEY = new RegExp(String.raw`\[\s*["'](?:${SCORE_KEYS})["']\s*\]`, 'g');
/** A score read from a pipeline's or a model server's result: by key (also `["proba"]`) or as `.score`. */
const RESULT_SCORE = new RegExp(String.raw`\[\s*(["'])(?:${SCORE_KEYS}|proba)\1\s*\]|\.\s*score\b`);
/** A list, tuple or int-keyed dict of two or more class names (`['setosa', 'versicolor', 'virginica']`, `{0: 'ham', 1: 'spam'}`). */
const CLASS_NAMES_LITERAL = /^\s*(?:[[(]\s*(?:(?:[rbuf]?["'][^"'\n]*["'])\s*,\s*)+[rbuf]?["'][^"'\n]*["']\s*,?\s*[\])]|\{\s*(?:\d+\s*:\s*["'][^"'\n]*["']\s*,\s*)+\d+\s*:\s*["'][^"'\n]*["']\s*,?\s*\})\s*$/;
/** A call that hands a line's values on to a response or a log (`jsonify(…)`, `json.dumps(…)`, `logger.info(…)`). */
const HANDED_ON = /\b(?:jsonify|JSONResponse|json\.dumps|logger\.\w+|logging\.\w+|log\.\w+)\s*\(/;
/** A Custom Vision prediction's score. */
const TAG_SCORE = /\.\s*probability\b/;
/** A spaCy pipeline's scores: a category's (`doc.cats["POSITIVE"]`), or a span's from a scoring component (`span._.score`). */
const SPACY_SCORE = /\.\s*cats\b|\.\s*_\s*\.\s*\w*(?:score|prob|confidence)\w*\b|\.\s*score\b/;
/**
 * Where a result's class label is read: a pipeline's `label` / `entity` key (a zero-shot pipeline's `['labels'][0]`
 * is its top label), a hosted answer's label key, a spaCy entity's `label_` or the top of its `cats`.
 */
const HF_LABEL = {
  pipeline: /\[\s*(["'])(?:label|entity|entity_group)\1\s*\]|\[\s*(["'])labels\2\s*\]\s*\[\s*0\s*\]|\.\s*label\b/g,
  answer: ANSWER_KEY,
  spacy: /\.\s*label_\b|\bmax\s*\([^)\n]*\.\s*cats\b/g,
  tag: /\.\s*tag_name\b/g,
} as const;
/** A model file named in a string (`"model.joblib"`, `'models/clf.pkl'`): its path. */
const MODEL_FILE = /["']([^"'\n]+\.(?:joblib|pkl|pickle|sav|model|bin))["']/i;
const Rhs = { Known: 1, Argmax: 2, MaxPair: 4, ProbaCall: 8, ProbaAny: 16, ScoreOf: 32, ArgmaxWord: 64 } as const;

/** The logical line starting at `lineStart` returns (or yields) what follows up to `offset`. */
function returnsAt(masked: string, lineStart: number, offset: number): boolean {
  return /^(?:return|yield)\b/.test(masked.slice(lineStart, offset));
}

/** A module (or a name in one) of a web or serving framework. */
function servingModule(qualified: string): boolean {
  const dot = qualified.indexOf('.');
  return SERVING_ROOTS.has(dot < 0 ? qualified : qualified.slice(0, dot));
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

function isDottedChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c > 127;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isWordCode(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isWordOrDot(c: number): boolean {
  return isWordCode(c) || c === 46;
}

/**
 * Where the NAME_TOKEN match starting at `at` ends (the text read no further than `limit`), or -1 if none starts
 * there: `self.x` / `cls.x` as one token, otherwise one name.
 */
function tokenEnd(text: string, at: number, limit: number): number {
  let p = at;
  if (text.startsWith('self.', p) && p + 5 < limit && isNameStart(text.charCodeAt(p + 5))) p += 5;
  else if (text.startsWith('cls.', p) && p + 4 < limit && isNameStart(text.charCodeAt(p + 4))) p += 4;
  if (p >= limit || !isNameStart(text.charCodeAt(p))) return -1;
  p++;
  while (p < limit && isWordCode(text.charCodeAt(p))) p++;
  return p;
}

/**
 * Adds to `out` the offsets in [from, to) where NAME_TOKEN, run over `text.slice(from, to)`, matches `name` exactly
 * (found with indexOf; each hit checked as the regex would see it).
 */
function tokensIn(text: string, name: string, from: number, to: number, out: number[]): void {
  if (!isNameStart(name.charCodeAt(0))) return;
  // Searched in the slice: indexOf over the whole text would run on to the next match past `to`.
  const part = text.slice(from, to);
  for (let i = part.indexOf(name); i >= 0; i = part.indexOf(name, i + 1)) {
    const at = from + i;
    if ((at === from || !isWordOrDot(text.charCodeAt(at - 1))) && tokenEnd(text, at, to) === at + name.length) out.push(at);
  }
}

function lastSeg(dotted: string): string {
  const i = dotted.lastIndexOf('.');
  return i < 0 ? dotted : dotted.slice(i + 1);
}

function baseTarget(t: string): string {
  const i = t.indexOf('[');
  return i < 0 ? t : t.slice(0, i);
}

export class PyContext {
  readonly scan: Scan;
  private readonly idx: TreeIndex;
  /** Assignments by target text: built on the first lookup (a reanalysis whose statements look up none skips it). */
  private byTargetMap: Map<string, number[]> | undefined;
  /** Function containing each assignment (-1: module level, -2: a class body). */
  private readonly assignFn: Int32Array;
  /** Class containing each assignment, or -1. */
  private readonly assignCls: Int32Array;
  private readonly bindingCache = new Map<string, number[]>();
  private readonly originCache = new Map<number, Origin>();
  private readonly scopeFacts = new Map<number, ScopeFacts>();
  private readonly tryCache = new Map<number, boolean>();
  private readonly callerCache = new Map<number, boolean>();
  private readonly urlCache = new Map<number, string | undefined>();
  /** `sendsGenerationParams` by def index (-1: the module). */
  private readonly generating = new Map<number, boolean>();
  private probaReceivers: Set<string> | undefined;
  private torchClasses: Set<string> | undefined;
  private defByHeader: Map<number, number> | undefined;
  private readonly wrappers: string[];
  private statementsCache: { starts: number[]; error: boolean[] } | undefined;

  constructor(
    readonly source: string,
    /** Or a function that parses the text, called when a question first needs the tree (see TreeIndex). */
    tree: Tree | (() => Tree),
    readonly config: AnalysisConfig,
    readonly context: SourceContext = {},
    /** The scan of the text before an edit: the statements the edit did not touch keep their part of it. */
    previous?: Scan,
  ) {
    this.scan = previous ? rescanPython(previous, source) : scanPython(source);
    this.idx = new TreeIndex(tree);
    const n = this.scan.assigns.length;
    this.assignFn = new Int32Array(n);
    this.assignCls = new Int32Array(n);
    const defs = this.scan.defs;
    this.scan.assigns.forEach((a, i) => {
      let fn = a.owner;
      while (fn >= 0 && (defs[fn] as DefInfo).kind !== 'def') fn = (defs[fn] as DefInfo).parent;
      let cls = a.owner;
      while (cls >= 0 && (defs[cls] as DefInfo).kind !== 'class') cls = (defs[cls] as DefInfo).parent;
      this.assignCls[i] = cls;
      this.assignFn[i] = fn < 0 && cls >= 0 ? -2 : fn;
    });
    this.moduleGlobals();
    this.wrappers = config.fallbackWrappers.map((w) => w.trim()).filter(Boolean);
  }

  /**
   * The module's top-level statements (`topLevelStarts`) and whether each overlaps a top-level node of the tree that
   * holds a syntax error. Calls in such a statement are taken from the tree; elsewhere the text scan is exact.
   */
  statements(): { starts: number[]; error: boolean[] } {
    if (!this.statementsCache) {
      const starts = topLevelStarts(this.scan);
      const error = starts.map(() => false);
      for (const e of this.idx.errorSpans(this.topErrors())) {
        const first = Math.max(0, lastNumberAtOrBefore(starts, e.start));
        for (let i = first; i < starts.length && (i === first || (starts[i] as number) < e.end); i++) error[i] = true;
      }
      this.statementsCache = { starts, error };
    }
    return this.statementsCache;
  }

  private topErrorSpans: Span[] | undefined;

  /**
   * The top-level nodes of the tree with a syntax error (`TreeIndex.topErrors`), found once: a reanalysis passes
   * those of the text before the edit and the part of the text the edit can have restructured, before `statements`.
   */
  topErrors(known?: Parameters<TreeIndex['topErrors']>[0]): Span[] {
    this.topErrorSpans ??= this.idx.topErrors(known);
    return this.topErrorSpans;
  }

  /** Whether the top-level statement holding `offset` has a syntax error. */
  errorAt(offset: number): boolean {
    const { starts, error } = this.statements();
    return error[Math.max(0, lastNumberAtOrBefore(starts, offset))] === true;
  }

  /** `global session` in `init()`: its assignments there bind the module-level name that other functions read. */
  private moduleGlobals(): void {
    const masked = this.scan.masked;
    const declared = new Map<number, Set<string>>();
    const re = /\bglobal\s+([A-Za-z_][\w \t,]*)/g;
    for (let m = re.exec(masked); m; m = re.exec(masked)) {
      let fn = functionAt(this.scan, m.index);
      while (fn >= 0 && (this.scan.defs[fn] as DefInfo).kind !== 'def') fn = (this.scan.defs[fn] as DefInfo).parent;
      if (fn < 0) continue;
      const set = declared.get(fn) ?? new Set<string>();
      for (const n of (m[1] as string).split(',')) if (n.trim()) set.add(n.trim());
      declared.set(fn, set);
    }
    if (declared.size === 0) return;
    this.scan.assigns.forEach((a, i) => {
      const names = declared.get(this.assignFn[i] as number);
      if (names && a.targets.some((t) => names.has(t))) this.assignFn[i] = -1;
    });
  }

  // ---------------------------------------------------------------- other modules of the workspace

  /** What a name imported from a workspace module holds (`app.model.get_model`), via the resolver. */
  external(resolved: string): ExternalSymbol | undefined {
    const { resolver, path } = this.context;
    if (!resolver || !path) return undefined;
    const dot = resolved.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const module = resolved.slice(0, dot);
    if (!module.startsWith('.') && LIBRARY_ROOTS.has(module.split('.')[0] as string)) return undefined;
    return resolver.lookup(path, module, resolved.slice(dot + 1));
  }

  // ---------------------------------------------------------------- names, bindings and origins

  resolveDotted(dotted: string): string {
    const dot = dotted.indexOf('.');
    const first = dot < 0 ? dotted : dotted.slice(0, dot);
    const mapped = this.scan.imports.aliases.get(first);
    if (!mapped) return dotted;
    let out = dot < 0 ? mapped : mapped + dotted.slice(dot);
    if (out.startsWith('tensorflow.keras.')) out = out.slice('tensorflow.'.length);
    else if (out.startsWith('tf.keras.')) out = out.slice('tf.'.length);
    return out.replace(/^google\.cloud\.aiplatform\b/, 'aiplatform');
  }

  private getTorchClasses(): Set<string> {
    if (!this.torchClasses) {
      this.torchClasses = new Set(this.scan.defs.filter((d) => d.kind === 'class' && TORCH_MODEL_BASES.test(d.bases)).map((d) => d.name));
    }
    return this.torchClasses;
  }

  /** Bindings of `target` made directly in scope `key` (a function index, or class/module key), cached. */
  private pool(target: string, list: number[], key: string, keep: (i: number) => boolean): number[] {
    const k = `${target}@${key}`;
    let p = this.bindingCache.get(k);
    if (!p) {
      p = list.filter(keep);
      this.bindingCache.set(k, p);
    }
    return p;
  }

  private byTarget(): Map<string, number[]> {
    if (!this.byTargetMap) {
      const m = new Map<string, number[]>();
      this.scan.assigns.forEach((a, i) => {
        for (const t of a.targets) {
          const list = m.get(t);
          if (list) list.push(i);
          else m.set(t, [i]);
        }
      });
      this.byTargetMap = m;
    }
    return this.byTargetMap;
  }

  /** Candidate bindings of `target` visible at `at`, best first. */
  private bindings(target: string, at: number): number[] {
    const list = this.byTarget().get(target);
    if (!list || list.length === 0) return [];
    const scan = this.scan;
    let pool: number[];
    if (target.startsWith('self.') || target.startsWith('cls.')) {
      const cls = classAt(scan, at);
      pool = this.pool(target, list, `c${cls}`, (i) => this.assignCls[i] === cls);
      if (pool.length === 0) pool = list;
    } else if (target.includes('.')) {
      pool = list;
    } else {
      let fn = functionAt(scan, at);
      pool = [];
      for (let guard = 0; guard < 20 && pool.length === 0; guard++) {
        const f = fn;
        pool = this.pool(target, list, `f${f}`, (i) => this.assignFn[i] === f);
        if (fn < 0) break;
        fn = (scan.defs[fn] as DefInfo).parent;
        while (fn >= 0 && (scan.defs[fn] as DefInfo).kind !== 'def') fn = (scan.defs[fn] as DefInfo).parent;
      }
    }
    if (pool.length === 1) return pool;
    // The last binding before `at` first, then the earlier ones (nearest first), then the later ones.
    const k = lastAtOrBefore(pool, at - 1, (i) => (scan.assigns[i] as Assign).start);
    const out: number[] = [];
    for (let j = k; j >= 0 && out.length < 8; j--) out.push(pool[j] as number);
    for (let j = k + 1; j < pool.length && out.length < 12; j++) out.push(pool[j] as number);
    return out;
  }

  /** What a (masked, whitespace-free) expression holds at `at`. */
  origin(expr: string, at: number, depth = 0): Origin {
    if (depth > 5 || !expr) return { t: 'unknown' };
    const e = expr.startsWith('await') && /^await\b/.test(expr) ? expr.slice(5) : expr;
    if (/^[A-Za-z_][\w.]*$/.test(e)) {
      const candidates = this.bindings(e, at);
      for (const i of candidates) {
        // A name is bound once its value is made: inside that value (`pipeline = pipeline(...)`) it is the old one.
        const a = this.scan.assigns[i] as Assign;
        if (a.rhsStart <= at && at < a.rhsEnd) continue;
        const o = this.originOfAssign(i, depth + 1);
        if (o.t !== 'unknown') return o;
      }
      if (candidates.length === 0) {
        const resolved = this.resolveDotted(e);
        if (resolved !== e || this.scan.imports.aliases.has(e)) {
          const ext = this.external(resolved);
          if (ext && !ext.factory) return originOf(ext);
          return { t: 'module', name: resolved };
        }
      }
      return { t: 'unknown' };
    }
    const lead = /^([A-Za-z_][\w.]*)\(/.exec(e);
    if (lead?.[1]) return this.callOrigin(lead[1], e, e);
    return { t: 'unknown' };
  }

  /** What calling `callee` gives: a known constructor or loader, or a factory of another workspace module. */
  private callOrigin(callee: string, masked: string, raw: string): Origin {
    const resolved = this.resolveDotted(callee);
    const o = classifyCallee({ resolved, masked, raw, torchClasses: this.getTorchClasses() });
    if (o.t !== 'unknown') return o;
    const ext = this.external(resolved);
    return ext?.factory ? originOf(ext) : o;
  }

  originOfAssign(i: number, depth = 0): Origin {
    const cached = this.originCache.get(i);
    if (cached) return cached;
    this.originCache.set(i, { t: 'unknown' });
    const a = this.scan.assigns[i] as Assign;
    let o: Origin = { t: 'unknown' };
    if (a.kind !== 'for') {
      const masked = this.scan.masked.slice(a.rhsStart, a.rhsEnd).trim();
      const raw = this.source.slice(a.rhsStart, a.rhsEnd).trim();
      const m = masked.replace(/^await\s+/, '');
      const compact = m.replace(/\s+/g, '');
      if (/^[A-Za-z_][\w.]*$/.test(compact)) o = this.origin(compact, a.start, depth + 1);
      else {
        const lead = /^([A-Za-z_][\w.]*)\s*\(/.exec(m);
        if (lead?.[1]) {
          // `boto3.Session(…).client("sagemaker-runtime")`: a client as `boto3.client(…)` makes one.
          const session = /^boto3\.(?:session\.)?Session$/.test(this.resolveDotted(lead[1].replace(/\s+/g, ''))) && /^[^(]*\([^()]*\)\s*\.\s*client\s*\(/.test(m);
          const callee = lead[1].replace(/\s+/g, '');
          o = this.callOrigin(session ? 'boto3.client' : callee, m, raw.replace(/^await\s+/, ''));
          // Replicate's model and version objects (`client.models.get(…)`, `model.versions.get(…)`) call through the
          // client they came from (the module's default client for `replicate.models.get`): its timeout is theirs.
          const owner = /^(.+)\.(?:models|versions)\.get$/.exec(callee)?.[1];
          if (owner && (o.t === 'unknown' || (o.t === 'llm' && o.lib === 'replicate'))) {
            const from = o.t === 'unknown' ? this.origin(owner, a.start, depth + 1) : o;
            if (from.t === 'llm' && from.lib === 'replicate') o = from;
          } else if (o.t === 'sagemaker') o = { t: 'sagemaker', assign: i, ...(o.service ? { service: o.service } : {}) };
          else if (o.t === 'llm') o = { ...o, assign: i };
        } else if (/^[rbufRBUF]*["']/.test(m) || /^None\b/.test(m)) o = { t: 'other' };
        if (o.t === 'unknown') o = this.langchainChain(m, a.start, depth);
      }
    }
    this.originCache.set(i, o);
    return o;
  }

  /**
   * A LangChain chain whose model is a LangChain chat model or LLM: a pipeline (`prompt | llm | parser`) with the model
   * as one of its steps, or a chain built on it (`LLMChain(llm=llm, prompt=prompt)`). Invoking the chain calls the
   * model, through the model's client and timeout.
   */
  private langchainChain(m: string, at: number, depth: number): Origin {
    const isModel = (o: Origin): boolean => o.t === 'llm' && o.lib.startsWith('langchain');
    const operand = (text: string): Origin => {
      const e = text.trim();
      if (/^[A-Za-z_][\w.]*$/.test(e)) return this.origin(e, at, depth + 1);
      const lead = /^([A-Za-z_][\w.]*)\s*\(/.exec(e)?.[1];
      // A model built in the pipeline itself: no assignment of its own to set a timeout on.
      if (lead) return this.callOrigin(lead, e, e);
      return { t: 'unknown' };
    };
    const steps = splitTopLevel(m, '|');
    if (steps.length > 1) {
      for (const step of steps) {
        const o = operand(step);
        if (isModel(o)) return o;
      }
      return { t: 'unknown' };
    }
    const lead = /^([A-Za-z_][\w.]*)\s*\(/.exec(m);
    if (!lead?.[1] || !isLangchainPackage(this.resolveDotted(lead[1].replace(/\s+/g, '')).split('.')[0] as string)) return { t: 'unknown' };
    const open = lead[0].length - 1;
    const close = matchParen(m, open, m.length);
    const llm = /(?:^|[(,])\s*llm\s*=\s*([A-Za-z_][\w.]*)\s*(?=[,)])/.exec(m.slice(open, close < 0 ? m.length : close + 1))?.[1];
    const o = llm ? this.origin(llm, at, depth + 1) : { t: 'unknown' as const };
    return isModel(o) ? o : { t: 'unknown' };
  }

  /** Receivers on which predict_proba or classes_ is used somewhere in the file. */
  private getProbaReceivers(): Set<string> {
    if (!this.probaReceivers) {
      const s = new Set<string>();
      for (const c of this.scan.calls) {
        // A simple call's method is the last name of its callee.
        const m = c.method;
        if (!c.complex && (m === 'predict_proba' || m === 'decision_function') && c.callee.includes('.')) s.add(c.callee.slice(0, -m.length - 1));
      }
      const masked = this.scan.masked;
      for (let at = masked.indexOf('classes_'); at >= 0; at = masked.indexOf('classes_', at + 8)) {
        let e = at;
        while (e > 0 && (masked[e - 1] === ' ' || masked[e - 1] === '.')) e--;
        if (e === at) continue;
        let b = e;
        while (b > 0 && /[\w.]/.test(masked[b - 1] as string)) b--;
        if (b < e) s.add(masked.slice(b, e));
      }
      this.probaReceivers = s;
    }
    return this.probaReceivers;
  }

  // ---------------------------------------------------------------- arguments and text helpers

  parseArgs(paren: number, callEnd: number): ArgInfo {
    const masked = this.scan.masked;
    const out: ArgInfo = { positional: [], keywords: new Map(), splat: false, all: [] };
    const close = masked[callEnd - 1] === ')' ? callEnd - 1 : callEnd;
    let depth = 0;
    let from = paren + 1;
    const push = (s: number, e: number): void => {
      let a = s;
      let b = e;
      while (a < b && isSpaceCode(masked.charCodeAt(a))) a++;
      while (b > a && isSpaceCode(masked.charCodeAt(b - 1))) b--;
      if (a >= b) return;
      out.all.push({ start: a, end: b });
      if (masked.charCodeAt(a) === 42 /* * */) {
        out.splat = true;
        return;
      }
      // `name=value` (not `==`): the name is read in place.
      let k = a;
      while (k < b && isDottedChar(masked.charCodeAt(k)) && masked.charCodeAt(k) !== 46) k++;
      let q = k;
      while (q < b && isSpaceCode(masked.charCodeAt(q))) q++;
      if (k > a && masked.charCodeAt(q) === 61 && masked.charCodeAt(q + 1) !== 61) {
        let v = q + 1;
        while (v < b && isSpaceCode(masked.charCodeAt(v))) v++;
        out.keywords.set(masked.slice(a, k), { start: v, end: b });
      } else out.positional.push({ start: a, end: b });
    };
    for (let i = paren + 1; i < close; i++) {
      const c = masked[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
      else if (c === ',' && depth === 0) {
        push(from, i);
        from = i + 1;
      }
    }
    push(from, close);
    return out;
  }

  /** Dotted callee ending just before `paren` (masked text), e.g. `logger.info`. */
  calleeBefore(paren: number, floor = 0): string {
    const masked = this.scan.masked;
    let e = paren;
    while (e > floor && (masked.charCodeAt(e - 1) === 32 || masked.charCodeAt(e - 1) === 9)) e--;
    let s = e;
    while (s > floor && isDottedChar(masked.charCodeAt(s - 1))) s--;
    while (s < e && masked.charCodeAt(s) === 46) s++;
    return masked.slice(s, e);
  }

  /** Open brackets enclosing `offset` within its logical line, innermost last. */
  private openBrackets(offset: number): number[] {
    const li = lineIndexAt(this.scan, offset);
    if (li < 0 || li >= this.scan.lines.count) return [];
    const masked = this.scan.masked;
    const stack: number[] = [];
    // A statement can be a whole data file on one logical line: look back a bounded window only.
    for (let i = Math.max(this.scan.lines.startOf(li), offset - 4000); i < offset; i++) {
      const c = masked.charCodeAt(i);
      if (c === 40 /* ( */ || c === 91 /* [ */ || c === 123 /* { */) stack.push(i);
      else if (c === 41 /* ) */ || c === 93 /* ] */ || c === 125 /* } */) stack.pop();
    }
    return stack;
  }

  private mentions(text: string, names: ReadonlySet<string>): boolean {
    if (names.size === 0) return false;
    NAME_TOKEN.lastIndex = 0;
    for (let m = NAME_TOKEN.exec(text); m; m = NAME_TOKEN.exec(text)) if (names.has(m[0])) return true;
    return false;
  }

  private rangeOf(start: number, end: number): Range {
    const starts = this.scan.lineStartOffsets;
    const l0 = Math.max(0, lastNumberAtOrBefore(starts, start));
    const l1 = Math.max(0, lastNumberAtOrBefore(starts, end));
    return { start: { line: l0, character: start - (starts[l0] as number) }, end: { line: l1, character: end - (starts[l1] as number) } };
  }

  // ---------------------------------------------------------------- scopes

  /**
   * Set while the whole file's call sites are visited (a full analysis): the occurrences of each key are then found
   * once over the whole text; a reanalysis that visits a few statements searches their scopes only.
   */
  private wholeFile = false;
  private readonly wholeOcc = new Map<string, number[]>();

  /** By key, then by the range's start (the range's end is kept and checked). */
  private readonly occCache = new Map<string, Map<number, { end: number; list: number[] }>>();

  /**
   * Offsets of the matches of `re` (global) or of a string in the source or the masked text that start within
   * [start, end), computed once per range: a scope's own text is searched, never the whole file.
   */
  private occurrences(key: string, re: RegExp | string, masked: boolean, start: number, end: number): number[] {
    let byStart = this.occCache.get(key);
    if (!byStart) {
      byStart = new Map();
      this.occCache.set(key, byStart);
    }
    const hit = byStart.get(start);
    let list = hit && hit.end === end ? hit.list : undefined;
    if (!list && this.wholeFile) {
      // Taken from the matches over the whole text (found once): a search from `start` finds the same ones in
      // [start, end), as no match can straddle a def's header start, and does not run on past `end` to the next match.
      let all = this.wholeOcc.get(key);
      if (!all) {
        all = this.matchesIn(re, masked, 0, this.source.length);
        this.wholeOcc.set(key, all);
      }
      list = all.slice(lastNumberAtOrBefore(all, start - 1) + 1, lastNumberAtOrBefore(all, end - 1) + 1);
      byStart.set(start, { end, list });
    }
    if (!list) {
      list = this.matchesIn(re, masked, start, end);
      byStart.set(start, { end, list });
    }
    return list;
  }

  /** Offsets of the matches of `re` (global) or of a string that start within [start, end). */
  private matchesIn(re: RegExp | string, masked: boolean, start: number, end: number): number[] {
    const list: number[] = [];
    const text = masked ? this.scan.masked : this.source;
    if (typeof re === 'string') {
      for (let at = text.indexOf(re, start); at >= 0 && at < end; at = text.indexOf(re, at + re.length)) list.push(at);
    } else {
      re.lastIndex = start;
      for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) {
        list.push(m.index);
        if (m[0].length === 0) re.lastIndex++;
      }
    }
    return list;
  }

  private scopeRange(scope: number): Span {
    if (scope < 0) return { start: 0, end: this.source.length };
    const d = this.scan.defs[scope] as DefInfo;
    return { start: d.headerStart, end: d.end };
  }

  private facts(scope: number): ScopeFacts {
    let f = this.scopeFacts.get(scope);
    if (!f) {
      const { start, end } = this.scopeRange(scope);
      const scan = this.scan;
      const first = Math.max(0, lastAtOrBefore(scan.assigns, start - 1, (a) => a.start) + 1);
      const assigns: Assign[] = [];
      for (let i = first; i < scan.assigns.length; i++) {
        const a = scan.assigns[i] as Assign;
        if (a.start > end) break;
        if (a.start >= start && functionAt(scan, a.start) === scope) assigns.push(a);
      }
      // Comprehension variables (`[p for p in probs if p > t]`) derive from their iterable like a for loop.
      const masked = scan.masked;
      const re = /\bfor\s+([A-Za-z_][\w\s,()]*?)\s+in\b/y;
      for (const at of this.occurrences('for', /\bfor\b/g, true, start, end)) {
        const line = lineAt(scan, at);
        if (!line || line.start === at || functionAt(scan, at) !== scope) continue;
        re.lastIndex = at;
        const m = re.exec(masked);
        if (!m) continue;
        const targets = (m[1] as string).replace(/[()\s]/g, '').split(',').filter(Boolean);
        assigns.push({ kind: 'for', targets, start: at, rhsStart: at + m[0].length, rhsEnd: line.end, owner: scope });
      }
      assigns.sort((a, b) => a.start - b.start);
      f = { assigns };
      this.scopeFacts.set(scope, f);
    }
    return f;
  }

  /** Comparison expressions (<, <=, >, >=) of a scope, from the tree. */
  private comparisons(scope: number): Span[] {
    const f = this.facts(scope);
    if (f.comparisons) return f.comparisons;
    const { start, end } = this.scopeRange(scope);
    const masked = this.scan.masked;
    const out: Span[] = [];
    let lastEnd = -1;
    const lt = this.occurrences('<', '<', true, start, end);
    const gt = this.occurrences('>', '>', true, start, end);
    for (const off of lt.concat(gt).sort((a, b) => a - b)) {
      if (off < lastEnd || out.length >= 200) continue;
      const c = masked[off];
      const next = masked[off + 1];
      const prev = masked[off - 1];
      if (next === c || prev === c || prev === '-' || prev === '<' || prev === '>') continue;
      if (functionAt(this.scan, off) !== scope) continue;
      const cmp = this.comparisonAt(off, off + (next === '=' ? 2 : 1));
      if (cmp) {
        out.push(cmp);
        lastEnd = cmp.end;
      }
    }
    f.comparisons = out;
    return out;
  }

  /**
   * The comparison around an operator, from the text: bounded by the enclosing bracket, a top-level `,` `:` `;`,
   * an assignment `=`, or a keyword (`and`, `or`, `if`, `return`, …).
   */
  private comparisonAt(op: number, opEnd: number): Span | undefined {
    const line = lineAt(this.scan, op);
    if (!line) return undefined;
    const masked = this.scan.masked;
    const isEq = (i: number) => masked[i] === '=' && !'=<>!'.includes(masked[i - 1] ?? '') && masked[i + 1] !== '=';
    let s = op;
    let depth = 0;
    while (s > line.start) {
      const c = masked[s - 1] as string;
      if (c === ')' || c === ']' || c === '}') depth++;
      else if (c === '(' || c === '[' || c === '{') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (c === ',' || c === ':' || c === ';' || isEq(s - 1))) break;
      else if (depth === 0 && isDottedChar(c.charCodeAt(0)) && c !== '.') {
        let w = s - 1;
        while (w > line.start && isDottedChar(masked.charCodeAt(w - 1)) && masked[w - 1] !== '.') w--;
        if (STOP_WORDS.has(masked.slice(w, s)) && masked[w - 1] !== '.') break;
        s = w;
        continue;
      }
      s--;
    }
    let e = opEnd;
    depth = 0;
    while (e < line.end) {
      const c = masked[e] as string;
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (c === ',' || c === ':' || c === ';' || isEq(e))) break;
      else if (depth === 0 && isDottedChar(c.charCodeAt(0)) && c !== '.') {
        let w = e + 1;
        while (w < line.end && isDottedChar(masked.charCodeAt(w)) && masked[w] !== '.') w++;
        if (STOP_WORDS.has(masked.slice(e, w)) && masked[e - 1] !== '.') break;
        e = w;
        continue;
      }
      e++;
    }
    while (s < op && /\s/.test(masked[s] as string)) s++;
    while (e > opEnd && /\s/.test(masked[e - 1] as string)) e--;
    return s < op && e > opEnd ? { start: s, end: e } : undefined;
  }

  /** Names derived (transitively) from assignments matching `seed` within a scope. */
  private readonly tokenCache = new Map<Assign, string[]>();

  private readonly baseCache = new Map<Assign, string[]>();

  /** The names an assignment binds (`d` for `d["k"] = …`). */
  private basesOf(a: Assign): string[] {
    let b = this.baseCache.get(a);
    if (!b) {
      b = a.targets.map(baseTarget);
      // A value stored on a local object (`chat.reply = text`) goes where the object goes (`chat.save()`, `return
      // chat`); not on `self` / `cls`, whose other attributes are other things.
      for (const t of b) {
        const m = /^([A-Za-z_]\w*)\.[A-Za-z_]\w*$/.exec(t);
        if (m && a.kind === 'assign' && m[1] !== 'self' && m[1] !== 'cls' && !b.includes(m[1] as string)) b = [...b, m[1] as string];
      }
      this.baseCache.set(a, b);
    }
    return b;
  }

  /** Names read by an assignment's value. */
  private tokensOf(a: Assign): string[] {
    let t = this.tokenCache.get(a);
    if (!t) {
      t = [];
      const text = this.scan.masked.slice(a.rhsStart, a.rhsEnd);
      NAME_TOKEN.lastIndex = 0;
      for (let m = NAME_TOKEN.exec(text); m; m = NAME_TOKEN.exec(text)) t.push(m[0]);
      this.tokenCache.set(a, t);
    }
    return t;
  }

  private readonly rhsFlagCache = new Map<Assign, number>();

  /** The Rhs flags of an assignment's value, tested once. */
  private rhsFlags(a: Assign): number {
    let f = this.rhsFlagCache.get(a);
    if (f === undefined) {
      const m = this.scan.masked.slice(a.rhsStart, a.rhsEnd);
      f = Rhs.Known;
      if (RHS_ARGMAX.test(m)) f |= Rhs.Argmax;
      if (RHS_MAX_PAIR.test(m)) f |= Rhs.MaxPair;
      if (RHS_PROBA_ANY.test(m)) {
        f |= Rhs.ProbaAny;
        if (RHS_PROBA_CALL.test(m)) f |= Rhs.ProbaCall;
      }
      if (RHS_ARGMAX_WORD.test(m)) f |= Rhs.ArgmaxWord;
      if (RHS_SCORE_OF.test(this.source.slice(a.rhsStart, a.rhsEnd))) f |= Rhs.ScoreOf;
      this.rhsFlagCache.set(a, f);
    }
    return f;
  }

  private readonly derivedFrom = new Map<Assign, { scope: number; derived: { names: Set<string>; from: Map<string, Assign> } }>();

  /**
   * The names derived from one assignment onwards (`derive` seeded with it alone), made once per assignment: the
   * flow, confidence and surfacing checks of a call all ask it. Read only: callers that add names copy the set.
   */
  private deriveFrom(scope: number, assign: Assign): { names: ReadonlySet<string>; from: ReadonlyMap<string, Assign> } {
    const hit = this.derivedFrom.get(assign);
    if (hit && hit.scope === scope) return hit.derived;
    const derived = this.derive(scope, (a) => a === assign, assign);
    this.derivedFrom.set(assign, { scope, derived });
    return derived;
  }

  private derive(scope: number, seed: (a: Assign) => boolean, after?: Assign, stop?: (a: Assign) => boolean, dead?: (name: string, a: Assign) => boolean): { names: Set<string>; from: Map<string, Assign> } {
    const names = new Set<string>();
    const from = new Map<string, Assign>();
    let assigns = this.facts(scope).assigns;
    if (after) {
      // Values flow forward: from the seed assignment on, within a bounded number of statements.
      const i = lastAtOrBefore(assigns, after.start - 1, (a) => a.start) + 1;
      assigns = assigns.slice(i, i + 80);
    }
    for (let pass = 0; pass < 3; pass++) {
      const size = names.size;
      for (const a of assigns) {
        const bases = this.basesOf(a);
        let all = true;
        for (const b of bases) if (!names.has(b)) all = false;
        if (all) continue;
        if (seed(a) || (names.size > 0 && !stop?.(a) && this.tokensOf(a).some((t) => names.has(t) && !dead?.(t, a)))) {
          for (const b of bases) {
            if (!names.has(b)) {
              names.add(b);
              from.set(b, a);
            }
          }
        }
      }
      if (names.size === size) break;
    }
    return { names, from };
  }

  /** A probability / decision score of this scope is compared to a threshold. */
  private probaThreshold(scope: number): boolean {
    const masked = this.scan.masked;
    const f = this.facts(scope);
    f.probaNames ??= this.derive(scope, (a) => (this.rhsFlags(a) & Rhs.ProbaCall) !== 0).names;
    const names = f.probaNames;
    return this.comparisons(scope).some((c) => {
      const t = masked.slice(c.start, c.end);
      return /\b(?:predict_proba|decision_function)\b/.test(t) || this.mentions(t, names);
    });
  }

  /**
   * The `version` at `offset` names a model version: a name or a string key that ends with it (`model_version`,
   * `MODEL_VERSION`, `"version"`), not a word of a message (`"unsupported API version"`) or `conversion`.
   */
  private versionKey(offset: number): boolean {
    const src = this.source;
    let a = offset;
    while (a > 0 && /\w/.test(src[a - 1] as string)) a--;
    let b = offset;
    while (b < src.length && /\w/.test(src[b] as string)) b++;
    const word = src.slice(a, b);
    if (!/^(?:\w*_)?version$|^\w*Version$/i.test(word) || OTHER_VERSION_RE.test(word)) return false;
    // In a string, only as the whole string (a key).
    if (this.scan.masked[offset] === ' ' && src[offset] !== ' ') return /["']/.test(src[a - 1] ?? '') && src[b] === src[a - 1];
    return true;
  }

  /** Whether the scope records the model version with a logging / recording call. */
  traced(scope: number): boolean {
    const f = this.facts(scope);
    if (f.traced !== undefined) return f.traced;
    f.traced = false;
    const { start, end } = this.scopeRange(scope);
    const carriers = new Set<string>();
    for (const off of this.occurrences('version', /version/gi, false, start, end)) {
      if (inSpans(this.scan.comments, off)) continue;
      if (functionAt(this.scan, off) !== scope) continue;
      const open = this.openBrackets(off);
      for (let k = open.length - 1; k >= 0; k--) {
        const p = open[k] as number;
        if (this.scan.masked[p] !== '(') continue;
        const callee = this.calleeBefore(p);
        if (isRecorder(callee) || (RESPONDERS.test(lastSeg(callee)) && this.versionKey(off))) {
          f.traced = true;
          return true;
        }
        if (k === open.length - 1 && /\.(?:update|setdefault|append)$/.test(callee)) carriers.add(callee.slice(0, callee.lastIndexOf('.')));
      }
      const line = lineAt(this.scan, off);
      // Not what a version object's method gives (`output = version.predict(…)` on a Replicate model version).
      const versionCall = /^\w*\s*\.\s*\w+\s*\(/.test(this.scan.masked.slice(off, off + 80));
      // It travels with the answer: `return {"label": y, "model_version": MODEL_VERSION}`.
      if (line && this.versionKey(off) && !versionCall && returnsAt(this.scan.masked, line.start, off)) {
        f.traced = true;
        return true;
      }
      if (line) {
        const ai = lastAtOrBefore(this.scan.assigns, line.start, (a) => a.start);
        const a = ai >= 0 ? this.scan.assigns[ai] : undefined;
        if (a && a.start === line.start && a.kind === 'assign' && this.versionKey(off) && !versionCall) for (const t of a.targets) carriers.add(baseTarget(t));
      }
    }
    if (carriers.size > 0) {
      const masked = this.scan.masked;
      const offsets: number[] = [];
      if (carriers.size <= 4) {
        // A few names: searched with indexOf, each.
        for (const c of carriers) tokensIn(masked, c, start, end, offsets);
        offsets.sort((x, y) => x - y);
      } else {
        // Many (a module of versioned snippets): one pass over the scope's name tokens.
        const text = masked.slice(start, end);
        NAME_TOKEN.lastIndex = 0;
        for (let m = NAME_TOKEN.exec(text); m; m = NAME_TOKEN.exec(text)) if (carriers.has(m[0])) offsets.push(start + m.index);
      }
      for (const at of offsets) {
        // Module-level code is traced by module-level calls (a function's body runs only when it is called).
        if (scope < 0 && functionAt(this.scan, at) >= 0) continue;
        const open = this.openBrackets(at);
        for (let k = open.length - 1; k >= 0; k--) {
          const p = open[k] as number;
          if (masked[p] !== '(') continue;
          const callee = this.calleeBefore(p);
          if (isRecorder(callee) || RESPONDERS.test(lastSeg(callee))) {
            f.traced = true;
            return true;
          }
        }
        // `answer = {…, "model_version": V}` then `return answer` (the whole record, not a field read from it).
        const line = lineAt(this.scan, at);
        const whole = /^[\w.]+[ \t]*(?![[.(\w])/.test(masked.slice(at, at + 200));
        if (line && whole && functionAt(this.scan, at) === scope && returnsAt(masked, line.start, at)) {
          f.traced = true;
          return true;
        }
      }
    }
    // The model that answered goes back or into a record with the answer: read from a hosted answer
    // (`return {"text": t, "model": completion.model}`, not the service's own `self.model` object), or named under a
    // model key (`{"text": t, "model_used": MODEL_NAME}`).
    const modelKeys = new Set(this.occurrences('"model":', /["'](?:model(?:_id|_name|_used)?|modelId|modelName)["'][ \t]*:/g, false, start, end));
    for (const off of [...this.occurrences('.model', /(?<!\bself|\bcls)\.model(?:_id)?\b(?![ \t]*[.([\w])/g, true, start, end), ...modelKeys]) {
      if (functionAt(this.scan, off) !== scope) continue;
      // Inside a recording or answering call it is traced; in the arguments of another call it is the request's
      // (`requests.post(url, json={"model": m})`, `create(model=cfg.model, …)`).
      const callees = this.openBrackets(off).filter((p) => this.scan.masked[p] === '(').map((p) => this.calleeBefore(p));
      if (callees.some((c) => !isRecorder(c) && !RESPONDERS.test(lastSeg(c)))) continue;
      const line = lineAt(this.scan, off);
      if (callees.length > 0 || (line && returnsAt(this.scan.masked, line.start, off))) return (f.traced = true);
    }
    return false;
  }

  // ---------------------------------------------------------------- guards

  private isWrapper(callee: string): boolean {
    if (!callee || this.wrappers.length === 0) return false;
    const resolved = this.resolveDotted(callee);
    return this.wrappers.some((w) => callee === w || resolved === w || lastSeg(callee) === w || (w.includes('.') && lastSeg(w) === lastSeg(callee) && resolved.endsWith(w)));
  }

  private lineIndexAt(offset: number): number {
    return lineIndexAt(this.scan, offset);
  }

  /** Offset of a header line's `:` (or -1). */
  private headerColon(li: number): number {
    const lines = this.scan.lines;
    return findTopLevel(this.scan.masked, lines.startOf(li), lines.endOf(li), ':');
  }

  /** A try statement (header line `li`) has an except handler that does not end by re-raising. */
  private tryHasFallback(li: number): boolean {
    const cached = this.tryCache.get(li);
    if (cached !== undefined) return cached;
    const lines = this.scan.lines;
    const indent = lines.indentOf(li);
    let ok = false;
    let i = li + 1;
    while (i < lines.count && lines.indentOf(i) > indent) i++;
    while (!ok && i < lines.count) {
      const kw = lines.kwOf(i);
      if (lines.indentOf(i) !== indent || (kw !== 'except' && kw !== 'else' && kw !== 'finally')) break;
      let j = i + 1;
      while (j < lines.count && lines.indentOf(j) > indent) j++;
      if (kw === 'except' && this.blockAnswers(i, 0)) ok = true;
      i = j;
    }
    this.tryCache.set(li, ok);
    return ok;
  }

  /**
   * Whether the block under the header at line `h` (a handler) has a path that does not end in a re-raise: its last
   * statement is not a `raise`, or is one that answers with an HTTP error (`raise HTTPException(503, …)`), or is a
   * branch (`if … else …`) one of whose arms does not end in a raise. An empty block answers nothing.
   */
  private blockAnswers(h: number, depth: number): boolean {
    const lines = this.scan.lines;
    const masked = this.scan.masked;
    const indent = lines.indentOf(h);
    const fn = functionAt(this.scan, lines.startOf(h));
    let last = -1;
    for (let j = h + 1; j < lines.count && lines.indentOf(j) > indent; j++) {
      if (lines.parentOf(j) === h) last = j;
      // A path that returns (`if a: return None`) answers, however the block ends (a `def` inside returns for itself).
      if (lines.kwOf(j) === 'return' && functionAt(this.scan, lines.startOf(j)) === fn) return true;
    }
    if (last < 0) {
      const colon = this.headerColon(h);
      const inline = colon >= 0 ? masked.slice(colon + 1, lines.endOf(h)).trim() : '';
      return inline !== '' && !plainRaise(inline);
    }
    const kw = lines.kwOf(last);
    if (kw === 'else' && depth < 4) {
      // Every arm of the branch (`if`, the `elif`s, the `else`) ends in a raise, or one of them answers.
      for (let k = last; k > h; k--) {
        if (lines.parentOf(k) !== h) continue;
        const arm = lines.kwOf(k);
        if (arm !== 'if' && arm !== 'elif' && arm !== 'else') break;
        if (this.blockAnswers(k, depth + 1)) return true;
        if (arm === 'if') return false;
      }
      return true;
    }
    return !plainRaise(masked.slice(lines.startOf(last), lines.endOf(last)).trim());
  }

  private defIndexAtLine(li: number): number {
    if (!this.defByHeader) {
      this.defByHeader = new Map();
      this.scan.defs.forEach((d, i) => this.defByHeader?.set(d.line, i));
    }
    return this.defByHeader.get(li) ?? -1;
  }

  /** Some call enclosing `offset` (in its statement) has a callee matching `test`. */
  private insideCall(offset: number, test: (callee: string) => boolean): boolean {
    const masked = this.scan.masked;
    const open = this.openBrackets(offset);
    for (let k = open.length - 1; k >= 0; k--) {
      const p = open[k] as number;
      if (masked[p] === '(' && test(this.calleeBefore(p))) return true;
    }
    return false;
  }

  /**
   * The header line of the innermost block holding `offset`, or -1. A one-line compound statement (`try: y =
   * m.predict(x)`, `async with asyncio.timeout(5): r = await …`) holds the code after its colon.
   */
  private blockHeaderOf(offset: number): number {
    const lines = this.scan.lines;
    const li = this.lineIndexAt(offset);
    if (li < 0) return -1;
    const kw = lines.kwOf(li);
    const colon = kw === 'try' || kw === 'with' || kw === 'def' ? this.headerColon(li) : -1;
    return colon >= 0 && offset >= colon ? li : lines.parentOf(li);
  }

  /** A block header's text up to its colon (`with suppress(ValueError)`). */
  private headerText(h: number): string {
    const lines = this.scan.lines;
    const colon = this.headerColon(h);
    return this.scan.masked.slice(lines.startOf(h), colon < 0 ? lines.endOf(h) : colon);
  }

  /**
   * Whether a call at `offset` runs under a deadline of the caller's own: inside `asyncio.wait_for(…)` (or a call named
   * `timeout`), in the body of `async with asyncio.timeout(…)` / `anyio.fail_after(…)` / `async_timeout.timeout(…)`, in
   * a function decorated with one (`@timeout(5)`), or kept as a coroutine or task that a `wait_for` of this function
   * awaits (`coro = client.create(…)` … `await asyncio.wait_for(coro, 5)`).
   */
  private underDeadline(offset: number, scope: number, assign: Assign | undefined): boolean {
    if (this.insideCall(offset, (c) => DEADLINE_CALL_RE.test(c))) return true;
    const lines = this.scan.lines;
    const masked = this.scan.masked;
    for (let h = this.blockHeaderOf(offset), guard = 0; h >= 0 && guard < 200; h = lines.parentOf(h), guard++) {
      const kw = lines.kwOf(h);
      if (kw === 'with') {
        if (DEADLINE_WITH_RE.test(this.headerText(h))) return true;
      } else if (kw === 'def') {
        const d = this.defIndexAtLine(h);
        if (d >= 0 && (this.scan.defs[d] as DefInfo).decorators.some((x) => DEADLINE_DECORATOR_RE.test(x))) return true;
        break;
      } else if (kw === 'class') break;
    }
    // A coroutine or task kept in a name and awaited under a deadline later in the same function.
    if (!assign || assign.kind !== 'assign' || assign.targets.length !== 1) return false;
    const name = assign.targets[0] as string;
    if (!/^[A-Za-z_]\w*$/.test(name)) return false;
    const before = masked.slice(assign.rhsStart, offset).replace(/\s+/g, '');
    if (before !== '' && !/^(?:asyncio\.)?(?:create_task|ensure_future)\($/.test(before)) return false;
    const end = scope >= 0 ? (this.scan.defs[scope] as DefInfo).end : masked.length;
    const re = new RegExp(`\\bwait_for\\s*\\(\\s*${name}\\b(?!\\s*[.(\\[])`, 'g');
    re.lastIndex = assign.rhsEnd;
    const m = re.exec(masked);
    return !!m && m.index < end;
  }

  /**
   * Whether code at `offset` runs under a fallback: try/except, suppress, a wrapper, or (with `callers`) guarded
   * callers.
   */
  guarded(offset: number, depth = 0, callers = true): boolean {
    const lines = this.scan.lines;
    if (this.wrappers.length > 0 && this.insideCall(offset, (c) => this.isWrapper(c))) return true;
    let h = this.blockHeaderOf(offset);
    for (let guard = 0; h >= 0 && guard < 200; guard++) {
      switch (lines.kwOf(h)) {
        case 'try':
          if (this.tryHasFallback(h)) return true;
          break;
        case 'with':
          if (/\bsuppress\s*\(/.test(this.headerText(h))) return true;
          break;
        case 'def': {
          const d = this.defIndexAtLine(h);
          if (d < 0) return false;
          const def = this.scan.defs[d] as DefInfo;
          if (def.decorators.some((x) => this.isWrapper(x.replace(/\(.*$/s, '')) || catchingDecorator(x))) return true;
          return callers && depth < 3 && this.callersGuarded(d, depth + 1);
        }
        case 'class':
          return false;
        default:
          break;
      }
      h = lines.parentOf(h);
    }
    return false;
  }

  private pipelineTargetSet: Set<string> | undefined;

  /** Names assigned from something that calls a `pipeline` (the only names whose calls can be HF pipelines). */
  private pipelineTargets(): Set<string> {
    if (!this.pipelineTargetSet) {
      const set = new Set<string>();
      const aliases = [...this.scan.imports.aliases].filter(([, v]) => /(?:^|\.)pipeline$/.test(v)).map(([k]) => k);
      const re = new RegExp(`\\b(?:${[...new Set(['pipeline', '\\w*Pipeline', ...aliases])].join('|')})\\s*\\(`);
      // Every match holds one of these words: most values hold none, and the regular expression is not run on them.
      const words = ['pipeline', 'Pipeline', ...aliases];
      for (const a of this.scan.assigns) {
        if (a.kind === 'for') continue;
        const rhs = this.scan.masked.slice(a.rhsStart, a.rhsEnd);
        if (words.some((w) => rhs.includes(w)) && re.test(rhs)) for (const t of a.targets) set.add(t);
      }
      this.pipelineTargetSet = set;
    }
    return this.pipelineTargetSet;
  }

  private signatureTargetSet: Set<string> | undefined;

  /** Names bound to a TensorFlow SavedModel signature (`infer = model.signatures["serving_default"]`): a call runs the model. */
  private signatureTargets(): Set<string> {
    if (!this.signatureTargetSet) {
      const set = new Set<string>();
      for (const a of this.scan.assigns) if (a.kind !== 'for' && /\.signatures\s*\[/.test(this.scan.masked.slice(a.rhsStart, a.rhsEnd))) for (const t of a.targets) set.add(t);
      this.signatureTargetSet = set;
    }
    return this.signatureTargetSet;
  }

  /** The first argument is an xgboost `DMatrix`, built there or bound to one before. */
  private dmatrixArg(args: ArgInfo, at: number): boolean {
    const first = args.positional[0];
    if (!first) return false;
    const text = this.scan.masked.slice(first.start, first.end).trim();
    if (/\bDMatrix\s*\(/.test(text)) return true;
    if (!/^[A-Za-z_]\w*$/.test(text)) return false;
    return this.bindings(text, at).some((i) => {
      const a = this.scan.assigns[i] as Assign;
      return /\bDMatrix\s*\(/.test(this.scan.masked.slice(a.rhsStart, a.rhsEnd));
    });
  }

  private asyncResults: boolean | undefined;

  /** The file reads an asynchronous inference's output somewhere (`response.get_result()`): a file fact. */
  private readsAsyncResults(): boolean {
    this.asyncResults ??= /\.get_result\s*\(/.test(this.scan.masked);
    return this.asyncResults;
  }

  private bentomlImported: boolean | undefined;

  /** `runner.predict_proba.async_run(x)`, `runner.run(x)`: a BentoML runner's method run (a file importing bentoml). */
  private bentomlRun(recvText: string): string | undefined {
    this.bentomlImported ??= [...this.scan.imports.aliases.values()].some((v) => v === 'bentoml' || v.startsWith('bentoml.'));
    if (!this.bentomlImported) return undefined;
    const last = lastSeg(recvText);
    if (PREDICT_METHODS.has(last) || last === '__call__') return last;
    return /runner/i.test(last) ? 'run' : undefined;
  }

  private torchTargetSet: Set<string> | undefined;

  /** Names assigned a torch module (`ts = torch.jit.load(…)`, `net = resnet18(…)`, `m = AutoModel.from_pretrained(…)`): their calls can run a model. */
  private torchTargets(): Set<string> {
    if (!this.torchTargetSet) {
      const set = new Set<string>();
      const re = /\b(?:torch\.(?:jit\.)?load|jit\.(?:load|script|trace)|torch\.compile|from_pretrained|torchvision\.models\.\w+|timm\.create_model|torch\.hub\.load)\s*\(/;
      for (const a of this.scan.assigns) {
        if (a.kind !== 'for' && re.test(this.scan.masked.slice(a.rhsStart, a.rhsEnd))) for (const t of a.targets) set.add(t);
      }
      this.torchTargetSet = set;
    }
    return this.torchTargetSet;
  }

  private instanceMap: Map<string, Set<string>> | undefined;
  private byMethod: Map<string, CallSite[]> | undefined;
  private readonly byReceiver = new Map<string, Map<string, CallSite[]>>();

  /** Simple call sites of `method` on `receiver` ('' for a bare `method(…)`), indexed on first use. */
  private sitesOf(method: string, receiver: string): CallSite[] {
    if (!this.byMethod) {
      const m = new Map<string, CallSite[]>();
      for (const c of this.scan.calls) {
        if (c.complex) continue;
        const l = m.get(c.method);
        if (l) l.push(c);
        else m.set(c.method, [c]);
      }
      this.byMethod = m;
    }
    let groups = this.byReceiver.get(method);
    if (!groups) {
      groups = new Map();
      for (const c of this.byMethod.get(method) ?? []) {
        const r = c.callee.slice(0, Math.max(0, c.callee.length - method.length - 1));
        const l = groups.get(r);
        if (l) l.push(c);
        else groups.set(r, [c]);
      }
      this.byReceiver.set(method, groups);
    }
    return groups.get(receiver) ?? [];
  }

  /** The names bound to an instance of class `name` of this file (a file fact). */
  instancesOf(name: string): ReadonlySet<string> {
    return this.instances().get(name) ?? new Set();
  }

  /** Names bound to an instance of a class of this file (`svc = ChurnService(…)`): class name → names. */
  private instances(): Map<string, Set<string>> {
    if (!this.instanceMap) {
      const m = new Map<string, Set<string>>();
      const classes = new Set(this.scan.defs.filter((d) => d.kind === 'class').map((d) => d.name));
      const re = /\s*(?:await\s+)?([A-Za-z_]\w*)\s*\(/y;
      if (classes.size > 0) {
        for (const a of this.scan.assigns) {
          if (a.kind === 'for') continue;
          re.lastIndex = a.rhsStart;
          const cls = re.exec(this.scan.masked)?.[1];
          if (!cls || !classes.has(cls)) continue;
          const set = m.get(cls) ?? new Set<string>();
          for (const t of a.targets) set.add(t);
          m.set(cls, set);
        }
      }
      this.instanceMap = m;
    }
    return this.instanceMap;
  }

  /** Every call site of function `d` in this file is guarded (and there is at least one). */
  private callersGuarded(d: number, depth: number): boolean {
    const cached = this.callerCache.get(d);
    if (cached !== undefined) return cached;
    this.callerCache.set(d, false);
    const scan = this.scan;
    const def = scan.defs[d] as DefInfo;
    const parent = def.parent >= 0 ? (scan.defs[def.parent] as DefInfo) : undefined;
    const cls = parent?.kind === 'class' ? def.parent : -1;
    const name = def.name;
    const sites: CallSite[] = [];
    const take = (receiver: string, keep: (c: CallSite) => boolean) => {
      for (const c of this.sitesOf(name, receiver)) {
        if (sites.length > 50) return;
        if (c.start >= def.headerStart && c.start <= def.end) continue;
        if (keep(c)) sites.push(c);
      }
    };
    if (cls < 0) take('', () => true);
    else {
      const cname = (scan.defs[cls] as DefInfo).name;
      take('self', (c) => classAt(scan, c.start) === cls);
      take('cls', (c) => classAt(scan, c.start) === cls);
      take(cname, () => true);
      for (const v of this.instances().get(cname) ?? []) take(v, () => true);
    }
    let ok = sites.length > 0;
    for (const s of sites) {
      if (!ok) break;
      ok = this.guarded(s.nameStart, depth);
    }
    this.callerCache.set(d, ok);
    return ok;
  }

  /**
   * The call expression of a call site. The text scan is exact on code that parses; where the tree has errors,
   * only calls the tree confirms are kept (a call in a half-typed line is not reported).
   */
  private callSpan(site: CallSite): Span | undefined {
    const line = lineAt(this.scan, site.paren);
    const limit = line ? line.end : this.scan.masked.length;
    const close = this.matchingClose(site.paren);
    if (close < 0 || close >= limit) return undefined;
    const end = close + 1;
    const start = site.complex ? this.receiverStart(site.start, line ? line.start : 0) : site.start;
    if (start < 0) return undefined;
    if (this.errorAt(site.start)) {
      const fromTree = this.idx.callAt(site.start, site.paren + 1);
      // The tree's call must be this one: not one that error recovery made of code on earlier lines as well.
      if (!fromTree || fromTree.start > site.nameStart || fromTree.end <= site.paren || fromTree.start < (line ? line.start : 0)) return undefined;
      return fromTree;
    }
    return { start, end };
  }

  private closeOf: Int32Array | undefined;
  private readonly closeCache = new Map<number, number>();

  /**
   * The bracket closing the one at `open` (any bracket kind, as in nesting depth), or -1. Read forward from `open`;
   * when that runs long (brackets left open), one linear pass over the file answers every later question.
   */
  private matchingClose(open: number): number {
    if (this.closeOf) return this.closeOf[open] ?? -1;
    const cached = this.closeCache.get(open);
    if (cached !== undefined) return cached;
    const masked = this.scan.masked;
    const limit = Math.min(masked.length, open + 20_000);
    let depth = 0;
    for (let i = open; i < limit; i++) {
      const c = masked.charCodeAt(i);
      if (c === 40 || c === 91 || c === 123) depth++;
      else if ((c === 41 || c === 93 || c === 125) && --depth === 0) {
        this.closeCache.set(open, i);
        return i;
      }
    }
    if (limit === masked.length) {
      this.closeCache.set(open, -1);
      return -1;
    }
    const closeOf = new Int32Array(masked.length).fill(-1);
    const stack: number[] = [];
    for (let i = 0; i < masked.length; i++) {
      const c = masked.charCodeAt(i);
      if (c === 40 || c === 91 || c === 123) stack.push(i);
      else if (c === 41 || c === 93 || c === 125) {
        const o = stack.pop();
        if (o !== undefined) closeOf[o] = i;
      }
    }
    this.closeOf = closeOf;
    return closeOf[open] ?? -1;
  }

  /** Start of the receiver of a method called on a complex expression (`f(x)[0].predict` → `f`). */
  private receiverStart(dot: number, floor: number): number {
    const masked = this.scan.masked;
    const skipWs = (p: number) => {
      let q = p;
      while (q > floor && (masked.charCodeAt(q - 1) === 32 || masked.charCodeAt(q - 1) === 9 || masked.charCodeAt(q - 1) === 10 || masked.charCodeAt(q - 1) === 13)) q--;
      return q;
    };
    let s = dot;
    for (let guard = 0; guard < 100; guard++) {
      const p = skipWs(s);
      const c = masked.charCodeAt(p - 1);
      if (c === 41 || c === 93 || c === 125) {
        const close = c;
        const open = close === 41 ? 40 : close === 93 ? 91 : 123;
        let depth = 0;
        let q = p - 1;
        for (; q >= floor; q--) {
          const d = masked.charCodeAt(q);
          if (d === close) depth++;
          else if (d === open && --depth === 0) break;
        }
        if (q < floor) return -1;
        s = q;
        const b = masked.charCodeAt(q - 1);
        if (isDottedChar(b) && b !== 46) continue;
        if (b === 41 || b === 93) continue;
        return s;
      }
      if (c === 34 || c === 39) {
        const q = masked.lastIndexOf(String.fromCharCode(c), p - 2);
        if (q < floor) return -1;
        let w = q;
        while (w > floor && /[rRbBuUfF]/.test(masked[w - 1] as string)) w--;
        return w;
      }
      if (isDottedChar(c) && c !== 46) {
        let w = p - 1;
        while (w > floor && isDottedChar(masked.charCodeAt(w - 1)) && masked.charCodeAt(w - 1) !== 46) w--;
        s = w;
        const q = skipWs(w);
        if (masked.charCodeAt(q - 1) === 46) {
          s = q - 1;
          continue;
        }
        return s;
      }
      return s === dot ? -1 : s;
    }
    return -1;
  }

  // ---------------------------------------------------------------- classification of call sites

  /** Whether the text of def `i` (or, -1, of the module) names a generation parameter; read once for each. */
  private sendsGenerationParams(i: number): boolean {
    let yes = this.generating.get(i);
    if (yes === undefined) {
      const def = i >= 0 ? (this.scan.defs[i] as DefInfo) : undefined;
      yes = GENERATION_PARAMS.test(def ? this.source.slice(def.start, def.end) : this.source);
      this.generating.set(i, yes);
    }
    return yes;
  }

  /** The inference path an URL expression names (`/predict`, `:predict`, …), following variables, or undefined. */
  private urlOf(expr: Span, at: number, depth = 0): string | undefined {
    const raw = this.source.slice(expr.start, expr.end);
    const masked = this.scan.masked;
    INFERENCE_PATH.lastIndex = 0;
    for (let m = INFERENCE_PATH.exec(raw); m; m = INFERENCE_PATH.exec(raw)) {
      const off = expr.start + m.index;
      if (masked[off] === ' ') return /^[^\s"'{}?]*/.exec(raw.slice(m.index))?.[0] ?? m[0];
    }
    // An environment key that names an inference endpoint: os.environ["SCORING_URL"], os.getenv("PREDICT_ENDPOINT").
    const env = /\b(?:environ\s*\[|environ\.get\s*\(|getenv\s*\()\s*[rbuRBU]?["']([A-Za-z_][\w-]*)["']/.exec(raw);
    if (env?.[1] && INFERENCE_URL_NAME.test(env[1])) return `$${env[1]}`;
    if (depth > 3) return undefined;
    const text = masked.slice(expr.start, expr.end);
    NAME_TOKEN.lastIndex = 0;
    const tokens: string[] = [];
    for (let m = NAME_TOKEN.exec(text); m; m = NAME_TOKEN.exec(text)) {
      let t = m[0];
      const dotted = /^(?:\.[A-Za-z_]\w*)+/.exec(text.slice(m.index + t.length));
      if (dotted) t += dotted[0];
      tokens.push(t);
    }
    for (const t of tokens) {
      if (isKeyword(t)) continue;
      const found = this.bindings(t, at);
      for (const i of found) {
        let url = this.urlCache.get(i);
        if (!this.urlCache.has(i)) {
          this.urlCache.set(i, undefined);
          const a = this.scan.assigns[i] as Assign;
          url = a.kind === 'assign' ? this.urlOf({ start: a.rhsStart, end: a.rhsEnd }, a.start, depth + 1) : undefined;
          this.urlCache.set(i, url);
        }
        if (url) return url;
      }
      // A constant imported from another module of the workspace.
      if (found.length === 0 && this.scan.imports.aliases.has(t.split('.')[0] as string)) {
        const ext = this.external(this.resolveDotted(t));
        if (ext?.kind === 'inference-url') return ext.url ?? t;
      }
      // A parameter whose default is an endpoint (`def process(image, server_url=BACKEND)`).
      if (found.length === 0 && !t.includes('.')) {
        const d = this.paramDefault(functionAt(this.scan, at), t);
        const url = d ? this.urlOf(d, d.start, depth + 1) : undefined;
        if (url) return url;
      }
      // A parameter of a module-level function that this file's callers pass an endpoint (`request(API_URL, data)`).
      if (found.length === 0 && !t.includes('.')) {
        const url = this.paramFromCallers(functionAt(this.scan, at), t, depth + 1);
        if (url) return url;
      }
      // A variable, attribute or parameter named for an inference endpoint (`self._prediction_url`, `scoring_api`).
      if (INFERENCE_URL_NAME.test(lastSeg(t))) return t;
    }
    return undefined;
  }

  /**
   * The endpoint this file's calls of module-level function `scope` pass as its parameter `name` (by position or by
   * keyword), from the first call that passes one.
   */
  private paramFromCallers(scope: number, name: string, depth: number): string | undefined {
    const d = scope >= 0 ? (this.scan.defs[scope] as DefInfo) : undefined;
    if (!d || d.parent >= 0) return undefined;
    // Once per function and parameter (set before the search: a chain of helpers passing it on ends here).
    const key = `${scope}:${name}`;
    if (this.paramUrlCache.has(key)) return this.paramUrlCache.get(key);
    this.paramUrlCache.set(key, undefined);
    const params = this.paramNames(scope);
    const index = params.indexOf(name);
    // After `*args` or a bare `*` a parameter is passed by keyword only.
    const star = params.findIndex((p) => p.startsWith('*'));
    if (index < 0 || params[index]?.startsWith('*')) return undefined;
    const positional = star < 0 || index < star;
    let url: string | undefined;
    for (const c of this.scan.calls) {
      if (c.complex || c.callee !== d.name || (c.start >= d.start && c.start < d.end)) continue;
      const close = this.matchingClose(c.paren);
      if (close < 0) continue;
      const args = this.parseArgs(c.paren, close + 1);
      const arg = args.keywords.get(name) ?? (args.splat || !positional ? undefined : args.positional[index]);
      url = arg ? this.urlOf(arg, c.start, depth) : undefined;
      if (url) break;
    }
    this.paramUrlCache.set(key, url);
    return url;
  }

  private readonly paramUrlCache = new Map<string, string | undefined>();

  /** The names of function `scope`'s parameters, in order (`*args` and `**kwargs` with their stars). */
  private paramNames(scope: number): string[] {
    return this.paramParts(scope).map((p) => /^\s*(\**[A-Za-z_]\w*|\/|\*)/.exec(p.text)?.[1] ?? '').filter((p) => p !== '' && p !== '/');
  }

  /**
   * The parameters of function `scope` as written, split at the commas between them (not those inside
   * `Union[str, None]` or a default's call), each with the offset it starts at.
   */
  private paramParts(scope: number): { text: string; from: number }[] {
    let parts = this.paramPartCache.get(scope);
    if (!parts) {
      parts = [];
      const d = this.scan.defs[scope] as DefInfo;
      const masked = this.scan.masked;
      const open = masked.indexOf('(', d.headerStart);
      const close = open >= 0 && open < d.end ? this.matchingClose(open) : -1;
      let from = open + 1;
      if (close > open) for (const text of splitTopLevel(masked.slice(open + 1, close))) {
        parts.push({ text, from });
        from += text.length + 1;
      }
      this.paramPartCache.set(scope, parts);
    }
    return parts;
  }

  private readonly paramPartCache = new Map<number, { text: string; from: number }[]>();

  /** The default value of parameter `name` of function `scope` (`server_url: str = backend`), if it has one. */
  private paramDefault(scope: number, name: string): Span | undefined {
    if (scope < 0) return undefined;
    const head = new RegExp(`^\\s*${name}\\s*(?::[^=]*)?=\\s*`);
    for (const { text, from } of this.paramParts(scope)) {
      const m = head.exec(text);
      if (m) return m[0].length < text.length ? { start: from + m[0].length, end: from + text.length } : undefined;
    }
    return undefined;
  }

  private receiverOf(site: CallSite, call: Span): string {
    if (!site.complex) return site.callee.slice(0, Math.max(0, site.callee.length - site.method.length - 1));
    return this.scan.masked.slice(call.start, site.nameStart).replace(/\s+/g, '').replace(/\.$/, '');
  }

  private noGrad: Span[] | undefined;

  private inNoGrad(offset: number): boolean {
    if (!this.noGrad) {
      // Regions nest (a no_grad block in an inference_mode function): merge them into disjoint spans.
      const sorted = [...this.scan.noGradRegions].sort((a, b) => a.start - b.start);
      const merged: Span[] = [];
      for (const r of sorted) {
        const last = merged[merged.length - 1];
        if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
        else merged.push({ start: r.start, end: r.end });
      }
      this.noGrad = merged;
    }
    if (this.noGrad.length === 0) return false;
    const i = lastAtOrBefore(this.noGrad, offset, (r) => r.start);
    return i >= 0 && offset <= (this.noGrad[i] as Span).end;
  }

  private matchesPattern(site: CallSite, p: PredictPattern): boolean {
    const pat = p.callee.replace(/\s+/g, '');
    if (pat.startsWith('*.')) return (site.complex || site.callee.includes('.')) && site.method === pat.slice(2);
    if (site.complex) return false;
    return site.callee === pat || this.resolveDotted(site.callee) === pat;
  }

  /** Top-level names and functions whose value (or return value) is a model, session, client or inference URL. */
  summarize(): ModuleSummary {
    const out: ModuleSummary = new Map();
    const scan = this.scan;
    scan.assigns.forEach((a, i) => {
      if (this.assignFn[i] !== -1 || a.kind !== 'assign' || a.targets.length !== 1) return;
      const name = a.targets[0] as string;
      if (!/^[A-Za-z_]\w*$/.test(name) || out.has(name)) return;
      const o = this.originOfAssign(i);
      const ext = o.t === 'sagemaker' ? { kind: 'aws-runtime' as const, factory: false, sdk: o.service ?? 'sagemaker', timeout: this.sagemakerTimeout(a) } : externalOf(o, false);
      if (ext) out.set(name, ext);
      else {
        const url = this.urlOf({ start: a.rhsStart, end: a.rhsEnd }, a.start);
        if (url) out.set(name, { kind: 'inference-url', factory: false, url });
      }
    });
    // Factories: module-level functions whose return value is a model, a session or a client.
    this.moduleFunctionReturns(out, (expr, at) => externalOf(this.origin(expr, at), true));
    this.summarizeWrappers(out);
    this.summarizeKerasLoaders(out);
    return out;
  }

  /** Module-level functions that hand their first parameter to Keras `load_model` as the path (see `kerasLoader`). */
  private summarizeKerasLoaders(out: ModuleSummary): void {
    const scan = this.scan;
    for (const site of scan.calls) {
      if (site.complex || site.method !== 'load_model') continue;
      const d = functionAt(scan, site.start);
      const def = d >= 0 ? (scan.defs[d] as DefInfo) : undefined;
      if (!def || def.kind !== 'def' || def.parent >= 0 || out.get(def.name)?.kerasLoader) continue;
      if (!KERAS_LOAD_MODEL.test(this.resolveDotted(site.callee))) continue;
      const call = this.callSpan(site);
      const args = call ? this.parseArgs(site.paren, call.end) : undefined;
      const arg = args?.positional[0] ?? args?.keywords.get('filepath');
      const first = /^\s*\**\s*([A-Za-z_]\w*)/.exec(this.paramParts(d)[0]?.text ?? '')?.[1];
      if (!arg || !first || scan.masked.slice(arg.start, arg.end).trim() !== first) continue;
      const known = out.get(def.name);
      out.set(def.name, known ? { ...known, kerasLoader: true } : { kind: 'model-loader', factory: true, lib: 'keras', kerasLoader: true });
    }
  }

  /**
   * Functions and classes that run a model and hand the prediction back with no fallback of their own (a `predict`
   * helper, a predictor class): called from another module, each call is a predict call there. Module-level objects of
   * such a class too (`service = Predictor(...)`).
   */
  private summarizeWrappers(out: ModuleSummary): void {
    const scan = this.scan;
    const wrapped = new Map<number, WrappedCall>();
    // Module-level names bound again after their `def` (`predict = with_fallback(predict)`): not the function defined.
    const rebound = new Set<string>();
    scan.assigns.forEach((a, i) => {
      if (this.assignFn[i] === -1 && a.kind === 'assign') for (const t of a.targets) rebound.add(t);
    });
    for (const r of this.visitSites().records) {
      const d = r.scope;
      if (d < 0 || wrapped.has(d) || r.kind === 'custom' || !r.flow?.sinks.has('return')) continue;
      const def = scan.defs[d] as DefInfo;
      if (def.kind !== 'def' || this.guarded(r.start, 0, false)) continue;
      // Evaluation and training code hands back a metric, not a prediction; a decorator that may catch (a retry, a
      // fallback wrapper the importing project configures) may answer for it; a rebound name is something else.
      if (evaluationFunction(def.name) || def.decorators.some((x) => GUARDING_DECORATOR.test(x)) || (def.parent < 0 && rebound.has(def.name))) continue;
      const answer = r.wholeAnswer === true;
      wrapped.set(d, { label: r.call.label, returnsLabel: r.call.checks.confidence === 'fail', traced: r.call.checks.trace === 'pass' && !answer, ...(answer ? { answer } : {}) });
    }
    if (wrapped.size === 0) return;
    const classes = new Map<string, Record<string, WrappedCall>>();
    for (const [d, w] of wrapped) {
      const def = scan.defs[d] as DefInfo;
      const parent = def.parent >= 0 ? (scan.defs[def.parent] as DefInfo) : undefined;
      if (!parent) {
        if (!out.has(def.name)) out.set(def.name, { kind: 'predict-wrapper', factory: false, wraps: w });
      } else if (parent.kind === 'class' && parent.parent < 0 && !def.name.startsWith('_')) {
        const methods = classes.get(parent.name) ?? {};
        methods[def.name] = w;
        classes.set(parent.name, methods);
      }
    }
    for (const [name, methods] of classes) if (!out.has(name)) out.set(name, { kind: 'predict-wrapper', factory: true, methods });
    if (classes.size === 0) return;
    scan.assigns.forEach((a, i) => {
      if (this.assignFn[i] !== -1 || a.kind !== 'assign' || a.targets.length !== 1) return;
      const name = a.targets[0] as string;
      const lead = /^\s*([A-Za-z_]\w*)\s*\(/.exec(scan.masked.slice(a.rhsStart, a.rhsEnd));
      const methods = lead?.[1] ? classes.get(lead[1]) : undefined;
      if (methods && /^[A-Za-z_]\w*$/.test(name) && !out.has(name)) out.set(name, { kind: 'predict-wrapper', factory: false, methods });
    });
    // Functions that return an object of such a class (`def get_scorer(): return Scorer(PATH)`).
    this.moduleFunctionReturns(out, (expr) => {
      const methods = classes.get(/^([A-Za-z_]\w*)\(/.exec(expr)?.[1] ?? '');
      return methods ? { kind: 'predict-wrapper', factory: true, methods } : undefined;
    });
  }

  /**
   * For each module-level function not yet in `out`: the first of its own `return` expressions (whitespace removed)
   * that `symbolOf` makes a summary entry of, under the function's name.
   */
  private moduleFunctionReturns(out: ModuleSummary, symbolOf: (expr: string, at: number) => ExternalSymbol | undefined): void {
    const scan = this.scan;
    const masked = scan.masked;
    scan.defs.forEach((d, di) => {
      if (d.parent >= 0 || d.kind !== 'def' || out.has(d.name)) return;
      const re = /\breturn\s+([^\n;#]+)/g;
      re.lastIndex = d.headerStart;
      for (let m = re.exec(masked); m && m.index < d.end; m = re.exec(masked)) {
        if (functionAt(scan, m.index) !== di) continue;
        const sym = symbolOf((m[1] as string).trim().replace(/\s+/g, ''), m.index);
        if (sym) {
          out.set(d.name, sym);
          break;
        }
      }
    });
  }

  /**
   * The function of another workspace module this call runs (`predict(df)` imported from `prediction.py`, a method of an
   * object of a predictor class imported from one), when it runs a model and hands the prediction back with no fallback
   * of its own (see `summarizeWrappers`).
   */
  private workspaceWrapper(site: CallSite, recvText: string | undefined): WrappedCall | undefined {
    // A test exercises the code it imports: its calls are not where a prediction is served.
    if (!this.context.resolver || site.complex || isTestFile(this.context.path ?? '')) return undefined;
    // A parameter or a function of this file of the same name hides the import.
    const first = site.callee.split('.')[0] as string;
    if (this.definedFunctions().has(first) || this.paramShadows(first, site.start)) return undefined;
    if (this.fromWorkspace(site.callee) && this.bindings(site.callee, site.start).length === 0) {
      const ext = this.external(this.resolveDotted(site.callee));
      if (ext?.kind === 'predict-wrapper' && ext.wraps) return ext.wraps;
    }
    if (!recvText) return undefined;
    const o = this.origin(recvText, site.start);
    return o.t === 'wrapper' && Object.prototype.hasOwnProperty.call(o.methods, site.method) ? o.methods[site.method] : undefined;
  }

  /** A parameter of a function around `at` is named `name`. */
  private paramShadows(name: string, at: number): boolean {
    for (let fn = functionAt(this.scan, at); fn >= 0; fn = (this.scan.defs[fn] as DefInfo).parent) {
      if ((this.scan.defs[fn] as DefInfo).kind === 'def' && this.paramsOf(fn).has(name)) return true;
    }
    return false;
  }

  analyze(): PyAnalysis {
    const { records, unsafe } = this.visitSites();
    const findings = this.findingsOf(records.map(outcomeOf), unsafe.map((u) => this.unsafeOutcome(u)));
    return { scan: this.scan, records, unsafe, findings };
  }

  /** Visits the call sites `keep` accepts (every one by default): the predict calls and unsafe loads among them. */
  visitSites(keep?: (site: CallSite) => boolean): { records: CallRecord[]; unsafe: UnsafeLoad[] } {
    const records: CallRecord[] = [];
    const unsafe: UnsafeLoad[] = [];
    this.wholeFile = !keep;
    for (const site of this.scan.calls) {
      if (keep && !keep(site)) continue;
      try {
        this.visit(site, records, unsafe);
      } catch {
        // One odd call site never spoils the rest of the file.
      }
    }
    return { records, unsafe };
  }

  unsafeOutcome(u: UnsafeLoad): UnsafeOutcome {
    return { range: this.rangeOf(u.start, u.end), label: u.label };
  }

  /** The findings of the file's predict calls and unsafe loads (in file order); applies the print-only rule to `calls`. */
  findingsOf(calls: CallOutcome[], unsafe: UnsafeOutcome[]): RawFinding[] {
    // A print-only script (no server, no handler, nothing sent or stored): its functions return to code that prints.
    // A label such a function returns is printed by its callers: it decides nothing either (on a Streamlit page it is
    // shown as the app's answer, which decides).
    if (calls.some((r) => r.call.checks.trace === 'fail' || (r.call.checks.confidence === 'fail' && r.returnedOnly)) && this.printOnlyScript(calls.some((r) => r.handsOn))) {
      const page = [...this.scan.imports.aliases.values()].some((v) => v === 'streamlit' || v === 'gradio');
      for (const r of calls) {
        if (r.api) continue;
        if (r.call.checks.trace === 'fail') r.call.checks.trace = 'n/a';
        if (r.call.checks.confidence === 'fail' && r.returnedOnly && !page) {
          r.call.checks.confidence = 'n/a';
          r.call.confidenceReason = 'the label is returned to a script that only prints it: it decides nothing here';
        }
      }
    }
    const findings: RawFinding[] = [];
    calls.forEach((r, i) => {
      const range = r.call.range;
      const add = (rule: RuleId, state: CheckState) => {
        if (state === 'fail') findings.push({ rule, range, callIndex: i, fix: { kind: r.kind } });
      };
      add('no-fallback', r.call.checks.fallback);
      add('no-confidence', r.call.checks.confidence);
      add('no-timeout', r.call.checks.timeout);
      add('untraced-prediction', r.call.checks.trace);
    });
    for (const u of unsafe) findings.push({ rule: 'unsafe-model-load', range: u.range, message: `${u.label} runs any code the file contains: load only trusted files, or use ONNX, safetensors or torch.load(..., weights_only=True).`, fix: { label: u.label } });
    return findings;
  }

  /**
   * Everything file-wide that a call's checks read besides its own statement and the statements whose names it
   * shares. `global`: when it changes after an edit, every statement is analyzed again. `named`: one entry per name
   * bound to a pipeline, torch module or LLM client, per torch class, per receiver of predict_proba or classes_, and
   * per instance of a class of the file (`kind\0class\0name`): a check reads an entry only at a call or assignment
   * mentioning its last name (and the class of an instance, where its methods are), so an entry that appears or
   * goes away reaches the statements mentioning it. `instances` is the instances part alone. Imports are read by name
   * (a changed one reaches the statements mentioning it), but for the serving frameworks imported.
   */
  fileFacts(): { global: string; named: Set<string>; instances: string } {
    const sorted = (s: Iterable<string>) => [...s].sort().join(',');
    const named = new Set<string>();
    const add = (kind: string, names: Iterable<string>) => {
      for (const n of names) named.add(`${kind}\u0000${n}`);
    };
    add('pipeline', this.pipelineTargets());
    add('torch', this.torchTargets());
    add('signature', this.signatureTargets());
    add('llm', this.llmTargets());
    add('torch-class', this.getTorchClasses());
    add('proba', this.getProbaReceivers());
    for (const [cls, names] of this.instances()) add(`instance\u0000${cls}`, names);
    return {
      global: `${this.numericTask()} ${this.trains()} ${/__name__\s*==/.test(this.scan.masked)} ${this.readsAsyncResults()}\n${sorted([...this.scan.imports.aliases.values()].filter(servingModule))}`,
      named,
      instances: sorted([...this.instances()].map(([k, v]) => `${k}:${sorted(v)}`)),
    };
  }

  /**
   * Where assignment `i` binds, as `bindings` looks it up: the index of its function (a plain name there is read in
   * that function and the functions nested in it), -1 at module level or under `global` (read from any function that
   * does not bind the name itself), -2 in a class body (never read by a plain name: class bodies are module-level
   * code). `cls` is its class (where `self.x` / `cls.x` is read first), or -1.
   */
  assignScope(i: number): { fn: number; cls: number } {
    return { fn: this.assignFn[i] ?? -1, cls: this.assignCls[i] ?? -1 };
  }

  private numericTaskCache: boolean | undefined;

  /**
   * The file is about a quantity (housing prices, sales, demand; a logistic regression is a classifier), or a string
   * names a regressor model (`"gbr_model"`, `"model/linear_model.pkl"`, `"xgb_regressor.json"`): models of unknown kind
   * here predict numbers.
   */
  private numericTask(): boolean {
    if (this.numericTaskCache === undefined) {
      let numeric = /\b(?!\w*logistic)\w*(?:housing|price|regress|forecast|revenue|sales|demand|salary|rent|stock|temperature|consumption)\w*\b/i.test(this.scan.masked);
      const { source, strings } = this.scan;
      for (let i = 0; !numeric && i < strings.length; i += 2) {
        const text = source.slice(strings[i], strings[i + 1]);
        // A name or a path, not prose (a docstring that says "regression").
        numeric = text.length < 200 && !/\s/.test(text) && REGRESSOR_FILE.test(text) && !/logistic|classif/i.test(text);
      }
      this.numericTaskCache = numeric;
    }
    return this.numericTaskCache;
  }

  /** No web or serving framework, no handler entry point, no prediction sent or stored (`handsOn`) anywhere in the file. */
  private printOnlyScript(handsOn: boolean): boolean {
    if (handsOn) return false;
    // A script runs itself and prints what it gets (a library module's functions return to their importers).
    const masked = this.scan.masked;
    // A Streamlit page is a script too: it runs top to bottom and shows what it gets (`st.write(…)` at module level).
    const streamlit = [...this.scan.imports.aliases].filter(([, v]) => v === 'streamlit').map(([k]) => `${k}.`);
    // A Streamlit page that calls its own entry function (`main()`) at module level runs it too.
    const entry = streamlit.length > 0 ? new Set(this.scan.defs.filter((d) => d.kind === 'def' && d.parent < 0).map((d) => d.name)) : undefined;
    const runsItself = /__name__\s*==/.test(masked) || this.scan.calls.some((c) => !c.complex && functionAt(this.scan, c.start) < 0 && (/^(?:print|pprint|display)$/.test(c.callee) || streamlit.some((p) => c.callee.startsWith(p)) || entry?.has(c.callee) === true));
    if (!runsItself) return false;
    for (const v of this.scan.imports.aliases.values()) if (servingModule(v)) return false;
    return !this.scan.defs.some((d) => d.kind === 'def' && /^(?:\w*handler|predict_fn|transform_fn|model_fn|output_fn|input_fn|init|run|score|invoke|main_handler)$/.test(d.name));
  }

  /** Whether a call site can be anything at all: most calls of a file (`len`, `np.array`, `logger.info`) cannot. */
  private interesting(site: CallSite): boolean {
    const method = site.method;
    if (INTERESTING_METHODS.has(method) || LLM_LAST_NAMES.has(method) || method.startsWith('invoke_endpoint') || AWS_AI_METHODS.test(method)) return true;
    if (site.complex) return this.config.predictPatterns.length > 0;
    const callee = site.callee;
    if (this.pipelineTargets().has(callee) || this.llmTargets().has(callee) || this.torchTargets().has(callee) || this.getTorchClasses().has(callee) || this.signatureTargets().has(callee)) return true;
    if (TORCH_NAME_HINT.test(method) && torchModelName(callee)) return true;
    if (this.scan.noGradRegions.length > 0 && this.inNoGrad(site.start)) return true;
    if (this.config.predictPatterns.length > 0) return true;
    if (this.context.resolver && this.fromWorkspace(callee)) return true;
    // An imported alias (`from requests import post as send`, `from pickle import load as pload`).
    const dot = callee.indexOf('.');
    if (!this.scan.imports.aliases.has(dot < 0 ? callee : callee.slice(0, dot))) return false;
    const resolved = this.resolveDotted(callee);
    return resolved !== callee && (INTERESTING_METHODS.has(lastSeg(resolved)) || LLM_FUNCTIONS[resolved] !== undefined);
  }

  private visit(site: CallSite, records: CallRecord[], unsafe: UnsafeLoad[]): void {
    if (!this.interesting(site)) return;
    const method = site.method;
    const simple = !site.complex;
    // Unsafe loads.
    if (simple && (method === 'load' || method === 'loads' || method === 'read_pickle')) {
      const label = UNSAFE_LOADERS[this.resolveDotted(site.callee)];
      if (label) {
        const call = this.callSpan(site);
        if (!call) return;
        const args = this.parseArgs(site.paren, call.end);
        const kwText = (k: string) => {
          const s = args.keywords.get(k);
          return s ? this.scan.masked.slice(s.start, s.end).trim() : undefined;
        };
        const risky = label === 'torch.load' ? kwText('weights_only') !== 'True' && !args.splat : label === 'numpy.load' ? kwText('allow_pickle') === 'True' : true;
        if (risky) unsafe.push({ start: call.start, end: call.end, label });
        return;
      }
    }
    if (simple && method === 'load_model') {
      const h5 = this.kerasH5Load(site);
      if (h5) unsafe.push(h5);
      return;
    }
    const recvText = simple ? site.callee.slice(0, Math.max(0, site.callee.length - method.length - 1)) : undefined;
    const wrapped = this.workspaceWrapper(site, recvText);
    if (wrapped) {
      const call = this.callSpan(site);
      if (!call) return;
      // Its timeout, if it makes a remote call, is checked where that call is written.
      const rec = this.finish(site, call, 'custom', `${site.callee}() from the workspace (runs ${wrapped.label})`, method, 'local', 'n/a', wrapped.returnsLabel ? 'classifier' : 'generic');
      rec.customKind = 'local';
      // The version goes with what the function records, or with the hosted answer it hands back whole when this
      // code hands that on whole too.
      if ((wrapped.traced || (wrapped.answer && rec.scope >= 0 && this.returnedWhole(rec.scope, call, rec.assign))) && rec.call.checks.trace === 'fail') rec.call.checks = { ...rec.call.checks, trace: 'pass' };
      if (rec.call.checks.confidence === 'fail') rec.call.confidenceReason = `the hard label decides here, and ${site.callee}() hands back no score to compare: return the score from it too`;
      records.push(rec);
      return;
    }
    let kind: PredictKind | undefined;
    let lib = '';
    let label = '';
    let classifier = false;
    let clientAssign: Assign | undefined;
    let hosted = false;
    let timeoutState: CheckState = 'n/a';
    let confidenceMode: ConfidenceMode = 'generic';
    let call: Span | undefined;
    let bentoml: string | undefined;

    const llm = simple ? this.llmCall(site) : undefined;
    if (llm) {
      call = this.callSpan(site);
      if (!call) return;
      kind = llm.local ? 'llm-local' : 'llm';
      lib = llm.lib;
      hosted = lib !== 'tritonclient';
      label = `${llm.lib} ${llm.what}`;
      // A spaCy pipeline's entities and categories are class labels (`ent.label_`, the top of `doc.cats`); so are Custom
      // Vision's tags (`tag_name`, each with its `probability`).
      confidenceMode = lib === 'spacy' ? 'spacy' : lib === 'azure-custom-vision' ? 'tag' : 'none';
      if (!llm.local) {
        const args = this.parseArgs(site.paren, call.end);
        // A Replicate version's `predict(**inputs)` takes the model's inputs only: its timeout is the client's.
        const perCall = llm.what !== 'version predict' && (args.keywords.has('timeout') || args.keywords.has('request_timeout') || args.keywords.has('client_timeout') || args.keywords.has('connection_timeout') || args.splat || this.optionsTimeout(args) || /\.with_options\s*\(\s*timeout\s*=/.test(this.scan.masked.slice(call.start, site.paren)));
        // An msrest client's own timeout, set after it is built (`predictor.config.connection.timeout = 10`).
        const configured = lib === 'azure-custom-vision' && /\.config\.connection\.timeout\s*=[^=]/.test(this.scan.masked);
        timeoutState = llm.timeout || perCall || configured ? 'pass' : 'fail';
        if (timeoutState === 'fail' && llm.assign !== undefined) clientAssign = this.scan.assigns[llm.assign];
      }
    } else if ((method === 'run' || method === 'async_run') && recvText && (bentoml = this.bentomlRun(recvText)) !== undefined) {
      const run = bentoml;
      kind = 'estimator';
      lib = 'bentoml';
      label = `BentoML runner ${run}.${method}`;
      confidenceMode = run === 'predict' ? 'label' : 'generic';
    } else if ((PREDICT_METHODS.has(method) || method === 'predict_async') && (site.complex || recvText)) {
      call = this.callSpan(site);
      if (!call) return;
      const recv = this.receiverOf(site, call);
      if (!recv) return;
      const o = this.origin(recv, site.start);
      // Parsed only where a branch reads them (most predict calls need no argument).
      const span = call;
      let parsed: ArgInfo | undefined;
      const args = (): ArgInfo => (parsed ??= this.parseArgs(site.paren, span.end));
      if (o.t === 'sagemaker-sdk' || (o.t === 'unknown' && args().keywords.has('initial_args'))) {
        // `initial_args=` is the SageMaker SDK's own: a predictor handed in from elsewhere (its session unseen).
        kind = 'sagemaker';
        label = `SageMaker Predictor.${method}`;
        timeoutState = o.t === 'sagemaker-sdk' ? (o.timeout === 'set' ? 'pass' : o.timeout === 'unset' ? 'fail' : 'n/a') : 'n/a';
      } else if (method === 'predict_async') return this.visitCustom(site, records);
      else if (o.t === 'vertex' && method === 'predict') {
        kind = 'vertex';
        label = 'Vertex AI endpoint.predict';
        timeoutState = args().keywords.has('timeout') || args().splat ? 'pass' : 'fail';
      } else if (o.t === 'hf') {
        kind = 'hf-pipeline';
        label = 'transformers pipeline';
        confidenceMode = 'hf';
      } else if (o.t === 'estimator' || ((o.t === 'unknown' || o.t === 'torch') && modelName(recv))) {
        kind = 'estimator';
        const named = modelName(recv);
        lib = o.t === 'estimator' ? o.lib : 'model';
        let cls = o.t === 'estimator' ? o.cls : 'unknown';
        if (cls === 'unknown') cls = this.getProbaReceivers().has(recv) || named === 'classifier' ? 'classifier' : named === 'regressor' ? 'regressor' : 'unknown';
        if (cls === 'unknown' && o.t === 'estimator') cls = this.savedKind(recv, site.start) ?? 'unknown';
        if (method === 'predict_classes') cls = 'classifier';
        // An xgboost Booster (it is handed a DMatrix) predicts scores or probabilities: a label only where an argmax picks one.
        const booster = cls === 'unknown' && this.dmatrixArg(args(), site.start);
        classifier = cls === 'classifier';
        label = `${lib} ${method}`;
        // predict_proba and friends give scores: a label appears only where an argmax picks one.
        confidenceMode = method !== 'predict' && method !== 'predict_classes' ? (cls === 'regressor' ? 'none' : 'generic') : cls === 'classifier' ? 'classifier' : cls === 'regressor' ? 'none' : booster ? 'generic' : 'label';
      } else return this.visitCustom(site, records);
    } else if (TEXT_CLASSIFIER_METHODS.has(method) && recvText) {
      call = this.callSpan(site);
      if (!call) return;
      const recv = this.receiverOf(site, call);
      if (!recv) return;
      const o = this.origin(recv, site.start);
      // A loaded model (pickle, joblib), a classifier NLTK or TextBlob trained, or one named so that comes from elsewhere.
      const loaded = o.t === 'estimator' && (o.lib === 'model' || o.lib === 'nltk' || o.lib === 'textblob') && o.cls !== 'regressor';
      if (!loaded && !(o.t === 'unknown' && modelName(recv) === 'classifier')) return this.visitCustom(site, records);
      kind = 'estimator';
      lib = o.t === 'estimator' ? o.lib : 'model';
      classifier = true;
      label = `${lib} ${method}`;
      confidenceMode = method === 'prob_classify' ? 'none' : 'classifier';
    } else if (method === 'run' && (site.complex || recvText)) {
      call = this.callSpan(site);
      if (!call) return;
      const recv = this.receiverOf(site, call);
      const o = this.origin(recv, site.start);
      if (o.t !== 'onnx' && !(o.t === 'unknown' && (/^_*(?:ort|onnx)|onnx/i.test(lastSeg(recv)) || this.ortRunShape(site, call)))) return this.visitCustom(site, records);
      kind = 'onnxruntime';
      label = 'onnxruntime session.run';
      // A converted classifier answers with its label and its probabilities (skl2onnx: `label, probabilities =
      // session.run(None, feeds)`, or those outputs asked by name).
      if (this.onnxLabelOutputs(site, call)) confidenceMode = 'onnx-label';
    } else if (HTTP_METHODS.has(method) && simple) {
      let httpLib: 'requests' | 'httpx' | 'aiohttp' | undefined;
      let clientTimeout: 'set' | 'none' | 'unset' | 'module' = 'module';
      const resolved = this.resolveDotted(site.callee);
      const root = recvText ? this.resolveDotted(recvText) : resolved.slice(0, Math.max(0, resolved.length - method.length - 1));
      if (root === 'requests' || root === 'httpx') httpLib = root;
      else if (recvText) {
        const o = this.origin(recvText, site.start);
        if (o.t === 'http') {
          httpLib = o.lib;
          clientTimeout = o.timeout;
        }
      }
      // A session or client kept where this file cannot see it built (`self.session.post(self._prediction_url, …)`).
      const guessed = !httpLib && !!recvText && /(?:^|\.)_*(?:session|sess|client|http|http_client|requests_session)$/i.test(recvText) && this.bindings(recvText, site.start).length === 0 && !isTestFile(this.context.path ?? '');
      if (guessed) httpLib = 'requests';
      if (!httpLib) return this.visitCustom(site, records);
      call = this.callSpan(site);
      if (!call) return;
      const args = this.parseArgs(site.paren, call.end);
      const urlArg = args.keywords.get('url') ?? (method === 'request' ? args.positional[1] : args.positional[0]);
      const url = urlArg ? this.urlOf(urlArg, site.start) : undefined;
      if (!url) return this.visitCustom(site, records);
      kind = 'remote';
      lib = httpLib;
      hosted = isHostedModelUrl(url);
      // A model server's answer read by its label field (`resp.json()["label"]`) is the hard label.
      confidenceMode = 'answer';
      label = `${recvText && root !== httpLib ? `${httpLib} ${lastSeg(recvText)}` : httpLib}.${method} to ${url}`;
      const tk = args.keywords.get('timeout');
      const tv = tk ? this.scan.masked.slice(tk.start, tk.end).trim() : undefined;
      if (tv !== undefined) timeoutState = tv === 'None' ? 'fail' : 'pass';
      else if (args.splat) timeoutState = 'pass';
      else if (httpLib === 'requests') timeoutState = 'fail';
      else if (httpLib === 'httpx') timeoutState = clientTimeout === 'none' ? 'fail' : 'pass';
      else timeoutState = clientTimeout === 'set' ? 'pass' : 'fail';
    } else if (/^(?:invoke_endpoint(?:_async|_with_response_stream)?|invoke_model(?:_with_response_stream)?|converse(?:_stream)?)$/.test(method) && (site.complex || recvText)) {
      call = this.callSpan(site);
      if (!call) return;
      const o = this.origin(this.receiverOf(site, call), site.start);
      const bedrock = method.startsWith('invoke_model') || method.startsWith('converse');
      if (bedrock && !(o.t === 'sagemaker' && o.service === 'bedrock') && !/bedrock/i.test(this.receiverOf(site, call))) return this.visitCustom(site, records);
      kind = 'sagemaker';
      hosted = bedrock;
      label = `${bedrock ? 'Bedrock' : 'SageMaker'} ${method}`;
      // An endpoint's answer read by its label field (`json.loads(r["Body"].read())[0]["label"]`) is the hard label; other
      // answers are the model's outputs, as a local model's are.
      if (!bedrock) confidenceMode = 'endpoint';
      if (o.t === 'sagemaker' && o.assign >= 0) {
        clientAssign = this.scan.assigns[o.assign];
        timeoutState = this.sagemakerTimeout(clientAssign as Assign) ? 'pass' : 'fail';
      } else if (o.t === 'sagemaker' && o.timeout !== undefined) timeoutState = o.timeout ? 'pass' : 'fail';
      else timeoutState = 'n/a';
    } else if (AWS_AI_METHODS.test(method) && recvText) {
      call = this.callSpan(site);
      if (!call) return;
      const o = this.origin(this.receiverOf(site, call), site.start);
      if (o.t !== 'sagemaker' || (o.service !== 'comprehend' && o.service !== 'rekognition')) return this.visitCustom(site, records);
      // An AWS runtime client as SageMaker's is: its timeout is the client's botocore Config.
      kind = 'sagemaker';
      hosted = true;
      label = `${o.service === 'comprehend' ? 'Comprehend' : 'Rekognition'} ${method}`;
      confidenceMode = 'none';
      if (o.assign >= 0) {
        clientAssign = this.scan.assigns[o.assign];
        timeoutState = this.sagemakerTimeout(clientAssign as Assign) ? 'pass' : 'fail';
      } else timeoutState = o.timeout === undefined ? 'n/a' : o.timeout ? 'pass' : 'fail';
    } else if (simple && (this.pipelineTargets().has(site.callee) || this.fromWorkspace(site.callee)) && this.origin(site.callee, site.start).t === 'hf') {
      kind = 'hf-pipeline';
      label = 'transformers pipeline';
      confidenceMode = 'hf';
    } else if (simple && method === 'generate' && recvText) {
      const o = this.origin(recvText, site.start);
      if (!(o.t === 'torch' || o.t === 'hf' || (o.t === 'unknown' && torchModelName(recvText)))) return this.visitCustom(site, records);
      kind = 'hf-pipeline';
      label = 'transformers generate';
      confidenceMode = 'none';
    } else if (simple && this.signatureTargets().has(site.callee)) {
      kind = 'estimator';
      lib = 'tensorflow';
      label = 'TensorFlow SavedModel signature';
    } else if (simple && (method === 'forward' ? !!recvText : !/^(?:get|load|create|build|make|init|fetch|download|train|fit|save|compile|prepare|setup|run)_|^[A-Z]/.test(lastSeg(site.callee)) && !this.definedFunctions().has(site.callee)) && (this.inNoGrad(site.start) || this.torchInferenceScope(functionAt(this.scan, site.start)) || this.torchModuleLevel(site))) {
      const target = method === 'forward' ? (recvText as string) : site.callee;
      const o = this.origin(target, site.start);
      if (!(o.t === 'torch' || ((o.t === 'unknown' || o.t === 'estimator') && torchModelName(target)))) return this.visitCustom(site, records);
      kind = 'torch';
      label = 'torch forward pass';
    }
    if (!kind) return this.visitCustom(site, records);
    call ??= this.callSpan(site);
    if (!call) return;
    const rec = this.finish(site, call, kind, label, method, lib, timeoutState, confidenceMode);
    // An asynchronous SageMaker inference answers with where its output will be: no prediction here until
    // `get_result()` reads it.
    if (method === 'predict_async' && !this.readsAsyncResults()) rec.call.checks = { ...rec.call.checks, confidence: 'n/a', trace: 'n/a' };
    rec.classifier = classifier;
    rec.clientAssign = clientAssign;
    // A model server that generates text (an LLM behind SageMaker, Vertex or a URL of its own) answers in seconds too.
    if (!hosted && (kind === 'sagemaker' || kind === 'remote' || kind === 'vertex')) hosted = this.sendsGenerationParams(-1) && this.sendsGenerationParams(functionAt(this.scan, site.start));
    if (hosted) rec.hosted = true;
    records.push(rec);
  }

  /** A name imported from a module of the workspace (not a library): the resolver may know what it holds. */
  private fromWorkspace(name: string): boolean {
    if (!this.context.resolver) return false;
    const resolved = this.scan.imports.aliases.get(name.split('.')[0] as string);
    return resolved !== undefined && (resolved.startsWith('.') || !LIBRARY_ROOTS.has(resolved.split('.')[0] as string));
  }

  /** Names bound to an LLM client that is itself called (`llm = Llama(...)`; `llm(prompt)`). */
  private llmTargets(): Set<string> {
    if (!this.llmTargetSet) {
      const set = new Set<string>();
      for (const a of this.scan.assigns) {
        if (a.kind !== 'for' && /\b(?:Llama|spacy\.load|load)\s*\(/.test(this.scan.masked.slice(a.rhsStart, a.rhsEnd))) for (const t of a.targets) set.add(t);
      }
      this.llmTargetSet = set;
    }
    return this.llmTargetSet;
  }

  private llmTargetSet: Set<string> | undefined;

  /**
   * A hosted-model SDK call (`client.chat.completions.create`, `openai.ChatCompletion.create`, `replicate.run`), or a
   * local model called itself (`llm(prompt)` on a llama.cpp model, `nlp(text)` on a loaded spaCy pipeline).
   */
  private llmCall(site: CallSite): { lib: string; what: string; timeout: boolean; local: boolean; assign?: number } | undefined {
    if (!LLM_LAST_NAMES.has(site.method) && site.method !== 'run' && site.method !== 'predict' && !this.llmTargets().has(site.callee)) return undefined;
    const resolved = this.resolveDotted(site.callee);
    const fn = LLM_FUNCTIONS[resolved];
    if (fn) return { lib: fn, what: resolved.slice(resolved.indexOf('.') + 1), timeout: false, local: false };
    const parts = site.callee.split('.');
    if (parts.length === 1) {
      if (!this.llmTargets().has(site.callee)) return undefined;
      const o = this.origin(site.callee, site.start);
      return o.t === 'llm' ? clientCall(o, 'call') : undefined;
    }
    for (let k = parts.length - 1; k >= 1; k--) {
      const rest = parts.slice(k).join('.');
      // A Replicate model version runs itself: `replicate.models.get(…).versions.get(…).predict(…)`.
      if (rest === 'predict') {
        const o = this.origin(parts.slice(0, k).join('.'), site.start);
        if (o.t === 'llm' && o.lib === 'replicate') return clientCall(o, 'version predict');
        return undefined;
      }
      if (!LLM_METHODS.test(rest) && !AI_SERVICE_METHODS.includes(rest)) continue;
      const o = this.origin(parts.slice(0, k).join('.'), site.start);
      if (o.t === 'llm') return clientCall(o, rest);
    }
    return undefined;
  }

  /** The call's value is returned as it is: `return client.predict(…)`, or `r = client.predict(…)` … `return r`. */
  private returnedWhole(scope: number, call: Span, assign: Assign | undefined): boolean {
    const masked = this.scan.masked;
    const line = lineAt(this.scan, call.start);
    if (line && /^return\s+(?:await\s+)?$/.test(masked.slice(line.start, call.start)) && masked.slice(call.end, line.end).trim() === '') return true;
    const target = assign?.kind === 'assign' && assign.targets.length === 1 ? (assign.targets[0] as string) : undefined;
    if (!assign || !target || !/^[A-Za-z_]\w*$/.test(target)) return false;
    // The value is the call itself (`r = await client.predict(…)`), not something read from it (`….choices[0]`).
    if (!/^[\s(]*(?:await\s+)?[\s(]*$/.test(masked.slice(assign.rhsStart, call.start)) || !/^[\s)]*$/.test(masked.slice(call.end, assign.rhsEnd))) return false;
    // Each later mention of the name hands it back whole (`return r`): none reads something from it, none sends it.
    let returned = false;
    for (const at of this.nameTokens(scope, target)) {
      if (at <= call.end) continue;
      const line = lineAt(this.scan, at);
      if (!line || !new RegExp(`^return[ \\t]+${target}[ \\t]*$`).test(masked.slice(line.start, line.end).trimEnd())) return false;
      returned = true;
    }
    return returned;
  }

  /** Gemini's per-call options: `request_options={"timeout": 30}` (google.generativeai), `config=…(http_options=…(timeout=…))`. */
  private optionsTimeout(args: ArgInfo): boolean {
    for (const key of ['request_options', 'config']) {
      const span = args.keywords.get(key);
      if (span && /\btimeout\b/.test(this.source.slice(span.start, span.end))) return true;
    }
    return false;
  }

  /** `x.run(None, {...})` / `x.run(["label"], feeds)`: onnxruntime's signature (output names, then the input feed). */
  private ortRunShape(site: CallSite, call: Span): boolean {
    const args = this.parseArgs(site.paren, call.end);
    if (args.positional.length !== 2 && !(args.positional.length === 1 && args.keywords.has('input_feed'))) return false;
    const first = this.scan.masked.slice((args.positional[0] as Span).start, (args.positional[0] as Span).end).trim();
    const second = args.positional[1] ? this.scan.masked.slice(args.positional[1].start, args.positional[1].end).trim() : '';
    return (first === 'None' || first.startsWith('[') || /output/i.test(first)) && (second.startsWith('{') || /feed|input/i.test(second) || args.keywords.has('input_feed'));
  }

  /** A function that runs a model for an answer, not for training: named like inference or reading its output, no backward pass. */
  private torchInferenceScope(scope: number): boolean {
    if (scope < 0) return false;
    const f = this.facts(scope);
    if (f.torchInference === undefined) {
      const d = this.scan.defs[scope] as DefInfo;
      const text = this.scan.masked.slice(d.headerStart, d.end);
      const training = /\.backward\s*\(|\.zero_grad\s*\(|\boptim(?:izer)?\.step\s*\(|\.train\s*\(\s*\)/.test(text);
      const inference = /(?:predict|infer|classif|detect|recogni|scor|segment|caption|transcri|embed|evaluat|serve|handler|caption|generate)/i.test(d.name) || /\btorch\.(?:max|argmax|softmax|sigmoid|topk)\s*\(|\.(?:argmax|softmax|topk)\s*\(|\bF\.softmax\s*\(/.test(text);
      f.torchInference = !training && inference;
    }
    return f.torchInference;
  }

  private defNames: Set<string> | undefined;

  /**
   * The names of the functions this file defines (`def evaluate_model():`): calling one runs this file's code, not a
   * model, whatever its name says (`fallback_evaluate_model()`); the model calls inside it are analyzed where they are.
   */
  private definedFunctions(): Set<string> {
    this.defNames ??= new Set(this.scan.defs.filter((d) => d.kind === 'def').map((d) => d.name));
    return this.defNames;
  }

  /** A module-level call (a notebook cell, a script) of a module loaded as torch, in a file that trains nothing. */
  private torchModuleLevel(site: CallSite): boolean {
    if (functionAt(this.scan, site.start) >= 0 || !this.torchTargets().has(site.method === 'forward' ? site.callee.slice(0, -'.forward'.length) : site.callee)) return false;
    return !this.trains();
  }

  private trainsAnything: boolean | undefined;

  /** The file trains something (backward passes, optimizer steps, a Trainer). */
  private trains(): boolean {
    this.trainsAnything ??= /\.backward\s*\(|\.zero_grad\s*\(|\boptim(?:izer)?\.step\s*\(|\bTrainer\s*\(/.test(this.scan.masked);
    return this.trainsAnything;
  }

  /**
   * The kind of estimator a model loaded from a file (`model = joblib.load("model.joblib")`, also through a name
   * holding the path) was saved as by the training code beside this file (see `WorkspaceResolver.savedModelKind`).
   */
  private savedKind(recv: string, at: number): 'classifier' | 'regressor' | undefined {
    const { resolver, path } = this.context;
    if (!resolver?.savedModelKind || !path) return undefined;
    for (const i of this.bindings(recv, at)) {
      const a = this.scan.assigns[i] as Assign;
      if (a.kind !== 'assign') continue;
      const raw = this.source.slice(a.rhsStart, a.rhsEnd);
      const load = raw.search(/\b(?:load|loads)\s*\(/);
      if (load < 0) continue;
      let file = MODEL_FILE.exec(raw)?.[1];
      // The path kept in a name first (`MODEL_PATH = "model.joblib"`).
      const arg = file ? undefined : /\(\s*(?:open\s*\(\s*)?([A-Za-z_]\w*)\b/.exec(raw.slice(load))?.[1];
      if (arg) {
        for (const j of this.bindings(arg, a.start)) {
          const b = this.scan.assigns[j] as Assign;
          file ??= MODEL_FILE.exec(this.source.slice(b.rhsStart, b.rhsEnd))?.[1];
        }
      }
      if (file) return resolver.savedModelKind(path, file.replace(/\\/g, '/').split('/').pop() as string);
    }
    return undefined;
  }

  /**
   * Keras/tf `load_model` of a legacy HDF5 file (`.h5`/`.hdf5`): its Lambda layers can run code while loading. Also a
   * workspace module's `load_model` helper that returns a Keras model (`utils.load_model("model.h5")`).
   */
  private kerasH5Load(site: CallSite): UnsafeLoad | undefined {
    const resolved = this.resolveDotted(site.callee);
    if (!KERAS_LOAD_MODEL.test(resolved) && this.external(resolved)?.kerasLoader !== true) return undefined;
    const call = this.callSpan(site);
    if (!call) return undefined;
    const args = this.parseArgs(site.paren, call.end);
    const first = args.positional[0] ?? args.keywords.get('filepath');
    if (!first) return undefined;
    const raw = this.source.slice(first.start, first.end).trim();
    const masked = this.scan.masked.slice(first.start, first.end).trim();
    const h5 = (t: string) => /\.(?:h5|hdf5)["']\s*\)?$/i.test(t) || /\.(?:h5|hdf5)["']/i.test(t);
    let isH5 = h5(raw);
    if (!isH5 && /^[A-Za-z_][\w.]*$/.test(masked)) {
      for (const i of this.bindings(masked, site.start)) {
        const a = this.scan.assigns[i] as Assign;
        if (a.kind === 'assign' && h5(this.source.slice(a.rhsStart, a.rhsEnd))) isH5 = true;
      }
    }
    return isH5 ? { start: call.start, end: call.end, label: 'keras load_model of an HDF5 file' } : undefined;
  }

  private visitCustom(site: CallSite, records: CallRecord[]): void {
    if (this.config.predictPatterns.length === 0) return;
    const pattern = this.config.predictPatterns.find((p) => this.matchesPattern(site, p));
    if (!pattern) return;
    const method = site.method;
    const call = this.callSpan(site);
    if (!call) return;
    let timeout: CheckState = 'n/a';
    if (pattern.kind === 'remote') {
      const args = this.parseArgs(site.paren, call.end);
      timeout = args.keywords.has('timeout') || args.splat ? 'pass' : 'fail';
    }
    const rec = this.finish(site, call, 'custom', `custom ${pattern.callee}`, method, pattern.kind, timeout, 'generic');
    rec.customKind = pattern.kind;
    records.push(rec);
  }

  private sagemakerTimeout(a: Assign): boolean {
    const masked = this.scan.masked.slice(a.rhsStart, a.rhsEnd);
    const cm = /\bconfig\s*=\s*([A-Za-z_][\w.]*)?/.exec(masked);
    if (!cm) return false;
    if (/\b(?:read_timeout|connect_timeout)\s*=/.test(masked)) return true;
    const name = cm[1];
    if (!name || /^(?:Config|botocore\.config\.Config|config\.Config)$/.test(name)) return false;
    for (const i of this.bindings(name, a.start)) {
      const o = this.originOfAssign(i);
      if (o.t === 'botocfg') return o.timeout;
    }
    return true;
  }

  /** The call is the whole statement (its value is discarded). */
  private discarded(call: Span): boolean {
    const line = lineAt(this.scan, call.start);
    if (!line) return false;
    const masked = this.scan.masked;
    let s = line.start;
    if (masked.startsWith('await', s) && /\s/.test(masked[s + 5] ?? '')) {
      s += 5;
      while (/\s/.test(masked[s] ?? '')) s++;
    }
    if (s !== call.start) return false;
    let e = line.end;
    while (e > call.end && /[\s;]/.test(masked[e - 1] as string)) e--;
    return e === call.end;
  }

  private finish(site: CallSite, call: Span, kind: PredictKind, label: string, method: string, lib: string, timeout: CheckState, confidenceMode: ConfidenceMode): CallRecord {
    const { start, end } = call;
    const scope = functionAt(this.scan, start);
    const used = !this.discarded(call);
    const assign = this.assignOf(start);
    if (timeout === 'fail' && this.underDeadline(start, scope, assign)) timeout = 'pass';
    const fallback: CheckState = this.guarded(start) ? 'pass' : 'fail';
    let confidence: CheckState = 'n/a';
    let confidenceReason: string | undefined;
    const flow = used ? this.flowOf(scope, start, end, assign) : undefined;
    // A prediction leaves the function (returned, sent, stored); at module level nothing is returned.
    const leaves = !!flow && LEAVES.some((s) => flow.sinks.has(s) && !(s === 'return' && scope < 0));
    const decides = !!flow && DECIDES.some((s) => flow.sinks.has(s) && !(s === 'return' && scope < 0));
    if (flow && confidenceMode !== 'none') {
      // One definition: a hard label that decides something (a branch, a returned, sent or stored answer) with no score
      // compared to a threshold; returning, sending or logging the score with it surfaces the confidence.
      let state: CheckState;
      // Whether this call's output is a score (an argmax picks the label from it) rather than the label itself.
      let outputIsScore = confidenceMode === 'generic' || confidenceMode === 'endpoint';
      // The label leaves with its score (found by the mode's own check).
      let withScore = false;
      if (confidenceMode === 'classifier') state = this.probaThreshold(scope) ? 'pass' : 'fail';
      else if (confidenceMode === 'label') {
        // A model of unknown kind: its output is a label when an argmax picks one, the code uses it as one, or it is
        // handed on as the answer with nothing that says it is a number (no arithmetic, no numeric name).
        state = this.argmaxConfidence(scope, start, end, assign);
        outputIsScore = state !== 'n/a';
        const fnName = scope >= 0 ? (this.scan.defs[scope] as DefInfo).name : '';
        const numeric = flow.numericUse || numericName(fnName) || this.numericTask();
        // Keras `predict` gives the network's outputs (a classifier's probabilities): handed on whole they are scores,
        // even in a function named for classifying, and only a use as a label (`== 1`, a class name) makes them one.
        const label = flow.labelUse || (lib !== 'keras' && /classif|categor|triage|label|spam|fraud|sentiment|intent|detect|diagnos|recogni|species|approve/i.test(fnName));
        if (state === 'n/a' && !numeric && (label || (decides && lib !== 'keras'))) state = this.probaThreshold(scope) ? 'pass' : 'fail';
      }
      else if (confidenceMode === 'hf') state = this.hfConfidence(scope, start, end, assign);
      else if (confidenceMode === 'spacy') state = this.hfConfidence(scope, start, end, assign, 'spacy');
      else if (confidenceMode === 'tag') {
        state = this.hfConfidence(scope, start, end, assign, 'tag');
        if (state === 'fail' && this.tagWithScore(scope, assign)) {
          state = 'pass';
          withScore = true;
        }
      }
      else if (confidenceMode === 'onnx-label') {
        const r = this.onnxLabelConfidence(scope, end, assign as Assign);
        state = r === 'surfaced' ? 'pass' : r;
        withScore = r === 'surfaced';
      }
      else if (confidenceMode === 'answer') {
        // The label field of the answer, or an argmax over the scores it holds (`np.argmax(r.json()["predictions"][0])`).
        state = this.hfConfidence(scope, start, end, assign, 'answer');
        if (state === 'n/a') state = this.argmaxConfidence(scope, start, end, assign);
        if (state === 'n/a') state = this.classNameLookup(scope, assign);
      }
      else if (confidenceMode === 'endpoint') {
        state = this.hfConfidence(scope, start, end, assign, 'answer');
        if (state !== 'n/a') outputIsScore = false;
        else state = this.argmaxConfidence(scope, start, end, assign);
      }
      else state = this.argmaxConfidence(scope, start, end, assign);
      if (state === 'pass') confidenceReason = withScore ? 'the score is returned, sent or logged with the label, so the caller can act on it' : 'a score is compared to a threshold';
      else if (state === 'n/a') confidenceReason = 'not a class decision (a regression, a score or no label used)';
      if (state === 'fail' && !decides) {
        state = 'n/a';
        confidenceReason = 'the label is only printed, shown or scored: it decides nothing here';
      }
      if (state === 'fail' && this.surfaced(scope, start, end, assign, outputIsScore, this.receiverOf(site, call))) {
        state = 'pass';
        confidenceReason = 'the score is returned, sent or logged with the label, so the caller can act on it';
      }
      if (state === 'fail') confidenceReason = 'the hard label decides (returned, sent, stored or branched on) with no score compared to a threshold';
      confidence = state;
    } else if (flow) confidenceReason = 'not a class decision (a regression, a score or generated text)';
    let trace: CheckState = leaves ? (this.traced(scope) ? 'pass' : 'fail') : 'n/a';
    // A hosted model's response object names the model that answered (`response.model`, Vertex's `model_version_id`):
    // handed back whole, the version goes with it.
    const wholeAnswer = trace === 'fail' && scope >= 0 && carriesModel(kind, lib, label) && this.returnedWhole(scope, call, assign);
    if (wholeAnswer) trace = 'pass';
    const def = scope >= 0 ? this.scan.defs[scope] : undefined;
    const owner = def && def.parent >= 0 ? this.scan.defs[def.parent] : undefined;
    const api = !!def && owner?.kind === 'class' && !def.name.startsWith('_');
    return {
      call: { kind, label, range: this.rangeOf(start, end), checks: { fallback, confidence, timeout, trace }, ...(confidenceReason ? { confidenceReason } : {}) },
      kind,
      start,
      end,
      site,
      method,
      lib,
      receiver: this.receiverOf(site, call),
      args: () => this.parseArgs(site.paren, end),
      scope,
      used,
      assign,
      clientAssign: undefined,
      classifier: false,
      ...(flow ? { flow } : {}),
      ...(wholeAnswer ? { wholeAnswer } : {}),
      ...(api ? { api } : {}),
    };
  }

  /** Where the value of the call at [start, end) goes in its function (see flow.ts). */
  private flowOf(scope: number, start: number, end: number, assign: Assign | undefined): Flow {
    const names = assign ? new Set(this.deriveFrom(scope, assign).names) : new Set<string>();
    if (!assign) {
      // `total += model.predict(x)`, `df["p"] -= …`: the augmented target carries the prediction (not a count made
      // from it: `hits += int(model.predict(x)[0] == y)`).
      const line = lineAt(this.scan, start);
      const target = line ? /^([A-Za-z_][\w.]*)\s*(?:\[[^\]\n]*\]\s*)*(?:[-+*/%@&|^]|\/\/|\*\*)=\s*(?:await\s+)?$/.exec(this.scan.masked.slice(line.start, start))?.[1] : undefined;
      if (target) names.add(target);
    }
    const augmented = !assign && /[-+*/%]=\s*$/.test(this.scan.masked.slice(lineAt(this.scan, start)?.start ?? start, start));
    const out: Flow = { sinks: new Set(), labelUse: [...names].some(labelName), numericUse: augmented || [...names].some(numericName) };
    for (const n of names) if (n.startsWith('self.') || n.startsWith('cls.')) out.sinks.add('store');
    const first = this.lineIndexAt(start);
    this.visitMention(out, names, start, end - start, first);
    if (names.size > 0) this.followNames(out, names, scope, first + 1);
    return out;
  }

  /** Per scope: its own logical lines (nested functions excluded) as [start, end] pairs, ascending. */
  private readonly ownLines = new Map<number, Int32Array>();
  /** Per scope: the offsets of each name asked for (see nameTokens). */
  private readonly nameTokenCache = new Map<number, Map<string, number[]>>();

  private ownLinesOf(scope: number): Int32Array {
    let own = this.ownLines.get(scope);
    if (!own) {
      const lines = this.scan.lines;
      const { start, end } = this.scopeRange(scope);
      const spans: number[] = [];
      for (let li = Math.max(0, this.lineIndexAt(start)); li < lines.count; li++) {
        const ls = lines.startOf(li);
        if (ls > end) break;
        if (functionAt(this.scan, ls) === scope) spans.push(ls, lines.endOf(li));
      }
      own = Int32Array.from(spans);
      this.ownLines.set(scope, own);
    }
    return own;
  }

  /**
   * Offsets where `name` is a whole name token (NAME_TOKEN: `x`, `self.x`, never the `y` of `x.y`) on a line of the
   * scope's own (nested functions excluded), ascending. Found with indexOf over the scope's text and checked at each
   * hit, per name asked: tokenizing every line of every scope costs more than the few names followed.
   */
  private nameTokens(scope: number, name: string): readonly number[] {
    let byName = this.nameTokenCache.get(scope);
    if (!byName) {
      byName = new Map();
      this.nameTokenCache.set(scope, byName);
    }
    let list = byName.get(name);
    if (list) return list;
    list = [];
    byName.set(name, list);
    const c0 = name.charCodeAt(0);
    const own = this.ownLinesOf(scope);
    if (own.length === 0 || !isNameStart(c0)) return list;
    const masked = this.scan.masked;
    const last = own[own.length - 1] as number;
    let k = 0;
    // Searched in the scope's own slice: indexOf over the whole text would run to the next match past the scope.
    const base = own[0] as number;
    const text = masked.slice(base, last);
    let i = text.indexOf(name);
    let at = i < 0 ? -1 : i + base;
    while (at >= 0 && at < last) {
      while (k < own.length && (own[k + 1] as number) <= at) k += 2;
      if (k >= own.length) break;
      const ls = own[k] as number;
      const le = own[k + 1] as number;
      // Not on one of the scope's lines (a nested function's body): go on from the next one.
      if (at < ls) {
        i = text.indexOf(name, ls - base);
        at = i < 0 ? -1 : i + base;
        continue;
      }
      if ((at === ls || !isWordOrDot(masked.charCodeAt(at - 1))) && tokenEnd(masked, at, le) === at + name.length) list.push(at);
      i = text.indexOf(name, at + 1 - base);
      at = i < 0 ? -1 : i + base;
    }
    return list;
  }

  /** Adds the sinks of every later line of `scope` that mentions one of `names` (which grows with carriers). */
  private followNames(out: Flow, names: Set<string>, scope: number, fromLine: number, scores = false): void {
    const lines = this.scan.lines;
    if (fromLine >= lines.count) return;
    const from = lines.startOf(Math.max(0, fromLine));
    const queue: { at: number; name: string }[] = [];
    const seen = new Set<string>();
    for (const n of names) this.enqueueMentions(queue, seen, scope, n, from);
    queue.sort((a, b) => a.at - b.at);
    for (let i = 0; i < queue.length && i < 5000; i++) {
      const { at, name } = queue[i] as { at: number; name: string };
      const size = names.size;
      this.visitMention(out, names, at, name.length, this.lineIndexAt(at), scores);
      if (names.size > size) {
        // A carrier joined (`results.append(p)`): its later mentions are followed too, in order.
        for (const n of names) this.enqueueMentions(queue, seen, scope, n, at + 1);
        const rest = queue.splice(i + 1).sort((a, b) => a.at - b.at);
        queue.push(...rest);
      }
    }
  }

  /** Queues the mentions of `name` at or after `after` (once per name). */
  private enqueueMentions(queue: { at: number; name: string }[], seen: Set<string>, scope: number, name: string, after: number): void {
    if (seen.has(name)) return;
    seen.add(name);
    for (const at of this.nameTokens(scope, name)) if (at >= after) queue.push({ at, name });
  }

  /**
   * One mention of the prediction: its line's kind (return, branch), the calls around it, how the value is used. For a
   * score (`scores`), an argmax over it yields a label, not the score: that mention surfaces nothing.
   */
  private visitMention(out: Flow, names: Set<string>, offset: number, length: number, li: number, scores = false): void {
    const m = this.mentionAt(offset, length, li, scores);
    if (m.skip) return;
    for (const sink of m.sinks) out.sinks.add(sink);
    if (m.label) out.labelUse = true;
    if (m.numeric) out.numericUse = true;
    const carrier = m.carrier;
    if (carrier && !names.has(carrier)) {
      names.add(carrier);
      // Appended to the object's state, to a module-level list or to the caller's (a parameter): it outlives the call.
      const fn = functionAt(this.scan, offset);
      if (carrier.startsWith('self.') || carrier.startsWith('cls.') || (fn >= 0 && (this.paramsOf(fn).has(carrier) || this.bindings(carrier, offset).some((i) => this.assignFn[i] === -1)))) out.sinks.add('store');
    }
  }

  /** By offset × 2 + scores (a number key: no string made per lookup); other lengths at an offset in mentionCacheOther. */
  private readonly mentionCache = new Map<number, Mention>();
  private readonly mentionCacheOther = new Map<string, Mention>();

  /** What one mention says, independent of which prediction it belongs to (cached: many calls share mentions). */
  private mentionAt(offset: number, length: number, li: number, scores: boolean): Mention {
    const cacheKey = offset * 2 + (scores ? 1 : 0);
    const cached = this.mentionCache.get(cacheKey);
    if (cached?.length === length) return cached;
    const otherKey = cached ? `${offset}:${length}:${scores ? 1 : 0}` : '';
    if (cached) {
      const other = this.mentionCacheOther.get(otherKey);
      if (other) return other;
    }
    const m: Mention = { length, skip: false, sinks: [], label: false, numeric: false };
    if (cached) this.mentionCacheOther.set(otherKey, m);
    else this.mentionCache.set(cacheKey, m);
    const lines = this.scan.lines;
    const masked = this.scan.masked;
    const ls = lines.startOf(li);
    const le = lines.endOf(li);
    const text = masked.slice(ls, le);
    const open = this.openBrackets(offset).filter((p) => masked[p] === '(');
    const raw = open.map((p) => this.calleeBefore(p));
    if (scores && (/^\s*\.\s*argmax\b/.test(masked.slice(offset + length, offset + length + 12)) || raw.some((c) => /(?:^|\.)argmax$/.test(c)))) {
      m.skip = true;
      return m;
    }
    const resolved = raw.map((c) => this.resolveDotted(c));
    const kw = lines.kwOf(li);
    // Inside a metric (`return accuracy_score(y, preds)`) or a count, what goes on is not the prediction.
    const reduced = resolved.some((c) => /(?:^|\.)(?:len|count_nonzero)$/.test(c) || isMetricCallee(c));
    if (/^(?:return|yield)\b/.test(text)) {
      if (!reduced) m.sinks.push('return');
    } else if (kw === 'if' || kw === 'elif' || kw === 'while' || kw === 'assert') {
      const colon = this.headerColon(li);
      if (colon < 0 || offset < colon) {
        m.sinks.push('branch');
        // What the function answers then depends on the prediction (`if label == "NEGATIVE": return "priority"`).
        if (this.returnsAfter(ls)) m.sinks.push('return');
      }
    } else if (/\sif\s[^:]*\selse\s/.test(text)) m.sinks.push('branch');
    const callees: string[] = [];
    // The value as a receiver: `df[cols].to_parquet(…)`, `preds.tolist()`.
    const method = this.methodCalledOn(offset + length, le);
    if (method) callees.push(`${masked.slice(offset, offset + length)}.${method}`);
    // The calls around it, innermost first, and what is called on their results (`pd.DataFrame({…}).to_csv(…)`).
    for (let k = open.length - 1; k >= 0; k--) {
      const callee = resolved[k] as string;
      callees.push(callee);
      const close = this.matchingClose(open[k] as number);
      const then = close > 0 ? this.methodCalledOn(close + 1, le) : undefined;
      if (then) callees.push(`${callee}().${then}`);
    }
    const { sink, carrier } = classifyCallees(callees, isRecorder);
    if (sink) m.sinks.push(sink);
    if (carrier) m.carrier = carrier;
    else if (kw === '') {
      // An accumulator: `text += chunk` (a streamed answer put together), `total += p`.
      // Only the value itself added (`text += chunk`, `text += chunk.text`), not a count or a sum made from it
      // (`correct += (predicted == labels).sum()`, `hits += int(p == y)`).
      const aug = /^([A-Za-z_][\w.]*)\s*(?:[-+*/%@&|^]|\/\/|\*\*)=\s*/.exec(text);
      if (aug?.[1] && ls + aug[0].length === offset && /^(?:\.[A-Za-z_]\w*)*\s*$/.test(masked.slice(offset + length, le))) m.carrier = aug[1];
    }
    const key = /["']([A-Za-z_]\w*)["']\s*:\s*(?:\w+\()?\s*$/.exec(this.source.slice(Math.max(ls, offset - 60), offset))?.[1];
    if (key && labelName(key)) m.label = true;
    else if (key && numericKey(key)) m.numeric = true;
    const use = useAround(masked.slice(Math.max(ls, offset - 60), offset), masked.slice(offset + length, Math.min(le, offset + length + 60)));
    if (use.label) m.label = true;
    if (use.numeric) m.numeric = true;
    return m;
  }

  private readonly paramCache = new Map<number, Set<string>>();

  /** The parameter names of function `fn`. */
  private paramsOf(fn: number): Set<string> {
    let set = this.paramCache.get(fn);
    if (!set) {
      set = new Set<string>();
      for (const { text } of this.paramParts(fn)) {
        const name = /^\s*\**\s*([A-Za-z_]\w*)/.exec(text)?.[1];
        if (name && name !== 'self' && name !== 'cls') set.add(name);
      }
      this.paramCache.set(fn, set);
    }
    return set;
  }

  /** The method called on the value that ends at `from` (`[cols].to_parquet(` → to_parquet), skipping subscripts and attributes. */
  private methodCalledOn(from: number, limit: number): string | undefined {
    const masked = this.scan.masked;
    let p = from;
    for (let guard = 0; guard < 20 && p < limit; guard++) {
      while (p < limit && (masked[p] === ' ' || masked[p] === '\t')) p++;
      if (masked[p] === '[') {
        const close = this.matchingClose(p);
        if (close < 0) return undefined;
        p = close + 1;
        continue;
      }
      if (masked[p] !== '.') return undefined;
      const m = /^\.\s*([A-Za-z_]\w*)\s*/.exec(masked.slice(p, Math.min(limit, p + 80)));
      if (!m) return undefined;
      p += m[0].length;
      if (masked[p] === '(') return m[1];
    }
    return undefined;
  }

  /** The function holding `offset` returns a value at or after it. */
  private returnsAfter(offset: number): boolean {
    const scope = functionAt(this.scan, offset);
    if (scope < 0) return false;
    const { end } = this.scopeRange(scope);
    const re = /\breturn\s+[^\s;#]/g;
    re.lastIndex = offset;
    for (let m = re.exec(this.scan.masked); m && m.index < end; m = re.exec(this.scan.masked)) if (functionAt(this.scan, m.index) === scope) return true;
    return false;
  }

  /**
   * The score of this prediction is returned, sent, stored, logged or shown: a predict_proba/decision_function of the
   * same model, a softmax or max over this output, or this output itself when it is a score (an argmax over it is
   * the label, not the score).
   */
  private surfaced(scope: number, start: number, end: number, assign: Assign | undefined, outputIsScore: boolean, receiver: string): boolean {
    const masked = this.scan.masked;
    const own: ReadonlySet<string> = assign ? this.deriveFrom(scope, assign).names : new Set<string>();
    const recv = receiver.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const sameModel = recv ? new RegExp(`(?:^|[^\\w.])${recv}\\s*\\.\\s*(?:predict_proba|decision_function|predict_log_proba)\\s*\\(`) : undefined;
    // An argmax turns a score into the label: what it assigns is not a score, and scores do not flow through it.
    const picksLabel = (a: Assign): boolean => a.targets.length < 2 && (this.rhsFlags(a) & Rhs.Argmax) !== 0;
    // `x = np.argmax(x)` after the call: from there on `x` is the label, and what is computed from it is too.
    const rebound = new Map<string, number>();
    for (const a of this.facts(scope).assigns) {
      if (a.start <= end || a.targets.length !== 1 || !picksLabel(a)) continue;
      // Assignments come in file order: the first rebinding is where the name starts to hold the label.
      const name = baseTarget(a.targets[0] as string);
      if (!rebound.has(name)) rebound.set(name, a.start);
    }
    const holdsLabel = (name: string, a: Assign): boolean => (rebound.get(name) ?? Infinity) < a.start;
    const seeded = this.derive(scope, (a) => {
      if (outputIsScore && a === assign) return !picksLabel(a);
      const flags = this.rhsFlags(a);
      if (sameModel && (flags & Rhs.ProbaAny) !== 0 && sameModel.test(masked.slice(a.rhsStart, a.rhsEnd))) return true;
      return (flags & Rhs.ScoreOf) !== 0 && !picksLabel(a) && this.mentions(masked.slice(a.rhsStart, a.rhsEnd), own);
    }, undefined, picksLabel, holdsLabel).names;
    // `values, indices = torch.max(x, 1)` / `score, idx = probs.max(1)`: the indices are the label, not a score.
    // `pred = model(x)` then `pred = np.argmax(pred)`: from there on the name holds the label, not the score.
    for (const name of rebound.keys()) seeded.delete(name);
    for (const a of this.facts(scope).assigns) if (a.targets.length === 2 && (this.rhsFlags(a) & Rhs.MaxPair) !== 0) seeded.delete(baseTarget(a.targets[1] as string));
    const out: Flow = { sinks: new Set(), labelUse: false, numericUse: false };
    this.followNames(out, seeded, scope, this.lineIndexAt(start), true);
    if (outputIsScore && !assign) this.visitMention(out, seeded, start, end - start, this.lineIndexAt(start), true);
    // A score read from the prediction right where it goes (`return {"label": r["label"], "score": r["score"]}`).
    if (own.size > 0) {
      const { start: s0, end: e0 } = this.scopeRange(scope);
      for (const m of this.occurrences('score-key', SCORE_KEY, false, s0, e0)) {
        if (m < end || functionAt(this.scan, m) !== scope || (masked[m] === ' ' && this.source[m] !== ' ')) continue;
        const line = lineAt(this.scan, m);
        const base = line ? /([A-Za-z_]\w*)\s*(?:\[[^[\]\n]*\]\s*)*$/.exec(masked.slice(Math.max(line.start, m - 200), m))?.[1] : undefined;
        if (base && own.has(base)) this.visitMention(out, seeded, m, 1, this.lineIndexAt(m), true);
      }
    }
    // A score computed right in the returned or logged expression (`return label, float(model.predict_proba(x)[0, 1])`).
    if (sameModel) {
      const { start: s0, end: e0 } = this.scopeRange(scope);
      for (const at of this.occurrences('proba-call', /\b(?:predict_proba|decision_function)\s*\(/g, true, s0, e0)) {
        if (functionAt(this.scan, at) !== scope) continue;
        const line = lineAt(this.scan, at);
        // The match ends at the first `(` after the name.
        const len = masked.indexOf('(', at) + 1 - at;
        if (line && sameModel.test(masked.slice(Math.max(line.start, at - recv.length - 4), at + len))) this.visitMention(out, seeded, at, len, this.lineIndexAt(at), true);
      }
    }
    return out.sinks.has('return') || out.sinks.has('send') || out.sinks.has('store') || out.sinks.has('log') || out.sinks.has('show');
  }

  /** The assignment (or `with … as` / `for … in`) whose value contains `offset`. */
  private assignOf(offset: number): Assign | undefined {
    const scan = this.scan;
    let i = lastAtOrBefore(scan.assigns, offset, (a) => a.start);
    for (let guard = 0; i >= 0 && guard < 8; i--, guard++) {
      const a = scan.assigns[i] as Assign;
      if (offset >= a.rhsStart && offset < a.rhsEnd) return a;
    }
    return undefined;
  }

  private classTableAssigns: Map<string, Set<number>> | undefined;

  /**
   * The assignments that bind a literal table of class names (see CLASS_NAMES_LITERAL), by the name they bind, found
   * once per file.
   */
  private classTables(): Map<string, Set<number>> {
    if (!this.classTableAssigns) {
      const tables = new Map<string, Set<number>>();
      this.scan.assigns.forEach((a, k) => {
        if (a.kind !== 'assign' || a.rhsEnd - a.rhsStart > 4000) return;
        let i = a.rhsStart;
        while (i < a.rhsEnd && (this.source.charCodeAt(i) === 32 || this.source.charCodeAt(i) === 9)) i++;
        const c = this.source.charCodeAt(i);
        // Only a literal that opens with [ ( { can be one.
        if (c !== 91 && c !== 40 && c !== 123) return;
        if (!CLASS_NAMES_LITERAL.test(this.source.slice(a.rhsStart, a.rhsEnd))) return;
        for (const t of a.targets) {
          let set = tables.get(t);
          if (!set) tables.set(t, (set = new Set()));
          set.add(k);
        }
      });
      this.classTableAssigns = tables;
    }
    return this.classTableAssigns;
  }

  /**
   * A model server's answer used as an index into a list of class names (`label = int(r.text)` …
   * `species[label]`): the answer is a class index, a hard label. Pass when a value of the answer is compared to a
   * threshold, n/a when no such lookup is made.
   */
  private classNameLookup(scope: number, assign: Assign | undefined): CheckState {
    const tables = this.classTables();
    if (!assign || tables.size === 0) return 'n/a';
    const masked = this.scan.masked;
    const { names } = this.deriveFrom(scope, assign);
    let lookup = false;
    for (const n of names) {
      if (lookup) break;
      if (!/^[A-Za-z_]\w*$/.test(n)) continue;
      // Each mention of the name (found once per scope, see nameTokens) inside `TABLE[…]`: `TABLE[n]`, `TABLE[int(n)]`,
      // `TABLE[n[0]]`.
      for (const at of this.nameTokens(scope, n)) {
        const before = /([A-Za-z_][\w.]*)\s*\[\s*(?:int\s*\(\s*)?$/.exec(masked.slice(Math.max(0, at - 80), at));
        if (!before || !/^\s*(?:\[\s*\d+\s*\])?\s*\)?\s*\]/.test(masked.slice(at + n.length, at + n.length + 24))) continue;
        // The binding of the table visible here is one of those literals.
        const literals = tables.get(before[1] as string);
        lookup = !!literals && this.bindings(before[1] as string, at).some((k) => literals.has(k));
        if (lookup) break;
      }
    }
    if (!lookup) return 'n/a';
    return this.comparisons(scope).some((c) => this.mentions(masked.slice(c.start, c.end), names)) ? 'pass' : 'fail';
  }

  /** no-confidence for outputs turned into a label with argmax: pass with a threshold on a score, n/a without argmax. */
  private argmaxConfidence(scope: number, start: number, end: number, assign: Assign | undefined): CheckState {
    const masked = this.scan.masked;
    const { start: s0, end: e0 } = this.scopeRange(scope);
    const f = this.facts(scope);
    // argmax in its forms: np.argmax / .argmax(), torch.max(x, dim) and .max(1) (values and indices), topk.
    f.argmax ??= this.occurrences('argmax', new RegExp(String.raw`\bargmax\b|` + MAX_PAIR, 'g'), true, s0, e0).filter((off) => functionAt(this.scan, off) === scope);
    const callLine = lineAt(this.scan, start);
    const from0 = callLine ? callLine.lineStart : start;
    const firstHit = lastNumberAtOrBefore(f.argmax, from0 - 1) + 1;
    const hits = f.argmax.slice(firstHit, firstHit + 200);
    if (hits.length === 0) return 'n/a';
    const { names, from } = assign ? this.deriveFrom(scope, assign) : { names: new Set<string>(), from: new Map<string, Assign>() };
    let used = false;
    for (const off of hits) {
      if (used) break;
      const line = lineAt(this.scan, off);
      if (!line) continue;
      if (line.start === callLine?.start || this.mentions(masked.slice(Math.max(line.start, off - 2000), Math.min(line.end, off + 2000)), names)) used = true;
    }
    if (!used) return 'n/a';
    const scores = new Set<string>();
    for (const n of names) {
      const a = from.get(n);
      if (a && (this.rhsFlags(a) & Rhs.ArgmaxWord) === 0) scores.add(n);
    }
    const ok = this.comparisons(scope).some((c) => (c.start <= start && c.end >= end) || this.mentions(masked.slice(c.start, c.end), scores));
    return ok ? 'pass' : 'fail';
  }

  /**
   * `label, probabilities = session.run(None, feeds)` (or the outputs asked by name, the label first): a converted
   * classifier's two outputs unpacked into two plain names.
   */
  private onnxLabelOutputs(site: CallSite, call: Span): boolean {
    const a = this.assignOf(call.start);
    if (!a || a.kind !== 'assign' || a.targets.length !== 2 || !a.targets.every((t) => /^[A-Za-z_]\w*$/.test(t))) return false;
    const first = this.parseArgs(site.paren, call.end).positional[0];
    if (!first) return false;
    const outputs = this.source.slice(first.start, first.end).trim();
    return outputs === 'None' || /^\[\s*["'][^"']*label[^"']*["']\s*,/i.test(outputs);
  }

  /**
   * A converted classifier's label output (see `onnxLabelOutputs`): n/a when the label is not used after the call,
   * pass when its probabilities (or a value made from them) are compared to a threshold or leave with the label on
   * the same line (returned, sent, logged together), fail otherwise.
   */
  private onnxLabelConfidence(scope: number, end: number, assign: Assign): CheckState | 'surfaced' {
    const [labelVar, scoresVar] = assign.targets as [string, string];
    const labelTokens = this.nameTokens(scope, labelVar);
    if (!labelTokens.some((at) => at > end)) return 'n/a';
    const scores = this.derive(scope, (a) => a === assign || (a.start > end && this.tokensOf(a).includes(scoresVar)), assign, (a) => this.tokensOf(a).includes(labelVar)).names;
    const scoreOnly = new Set([...scores].filter((n) => n !== labelVar));
    const masked = this.scan.masked;
    if (this.comparisons(scope).some((c) => c.start > end && this.mentions(masked.slice(c.start, c.end), scoreOnly))) return 'pass';
    const withLabel = new Set([labelVar]);
    for (const at of labelTokens) {
      if (at <= end) continue;
      const line = lineAt(this.scan, at);
      if (!line) continue;
      const text = masked.slice(line.start, line.end);
      if (this.mentions(text, withLabel) && this.mentions(text, scoreOnly) && (/^\s*return\b/.test(text) || HANDED_ON.test(text))) return 'surfaced';
    }
    return 'fail';
  }

  /** no-confidence for Hugging Face pipeline results: the label is used while the score is never compared. */
  /**
   * A Custom Vision tag that leaves with its probability on the same line (`return [{"tag": p.tag_name, "probability":
   * p.probability} for p in found.predictions]`, logged or sent together).
   */
  private tagWithScore(scope: number, assign: Assign | undefined): boolean {
    if (!assign) return false;
    const masked = this.scan.masked;
    const { names } = this.deriveFrom(scope, assign);
    const { start: s0, end: e0 } = this.scopeRange(scope);
    for (const off of this.occurrences('tag', HF_LABEL.tag, false, s0, e0)) {
      if (functionAt(this.scan, off) !== scope) continue;
      const line = lineAt(this.scan, off);
      if (!line) continue;
      const text = masked.slice(line.start, line.end);
      if (this.mentions(text, names) && TAG_SCORE.test(text) && (/^\s*(?:return|yield)\b/.test(text) || HANDED_ON.test(text))) return true;
    }
    return false;
  }

  private hfConfidence(scope: number, start: number, end: number, assign: Assign | undefined, reads: 'pipeline' | 'answer' | 'spacy' | 'tag' = 'pipeline'): CheckState {
    const source = this.source;
    const masked = this.scan.masked;
    const { start: s0, end: e0 } = this.scopeRange(scope);
    const { names } = assign ? this.deriveFrom(scope, assign) : { names: new Set<string>() };
    const callLine = lineAt(this.scan, start);
    let labelUsed = false;
    for (const off of this.occurrences(reads, HF_LABEL[reads], false, s0, e0)) {
      if (labelUsed) break;
      if (masked[off] === ' ' && source[off] !== ' ') continue;
      if (functionAt(this.scan, off) !== scope) continue;
      const line = lineAt(this.scan, off);
      if (line && (line.start === callLine?.start || this.mentions(masked.slice(Math.max(line.start, off - 2000), Math.min(line.end, off + 2000)), names))) labelUsed = true;
    }
    if (!labelUsed) return 'n/a';
    const score = reads === 'spacy' ? SPACY_SCORE : reads === 'tag' ? TAG_SCORE : RESULT_SCORE;
    const scoreNames = new Set<string>();
    for (const a of this.facts(scope).assigns) {
      const raw = source.slice(a.rhsStart, a.rhsEnd);
      if (score.test(raw) && (this.mentions(masked.slice(a.rhsStart, a.rhsEnd), names) || a === assign)) for (const t of a.targets) scoreNames.add(baseTarget(t));
    }
    const ok = this.comparisons(scope).some((c) => {
      const raw = source.slice(c.start, c.end);
      const m = masked.slice(c.start, c.end);
      return (score.test(raw) && (this.mentions(m, names) || (c.start <= start && c.end >= end))) || this.mentions(m, scoreNames);
    });
    return ok ? 'pass' : 'fail';
  }
}

export function analyzePython(source: string, tree: Tree, config: AnalysisConfig, context: SourceContext = {}): { ctx: PyContext; result: PyAnalysis } {
  const ctx = new PyContext(source, tree, config, context);
  return { ctx, result: ctx.analyze() };
}

/**
 * What the module's top-level names hold, for the files that import them. `tree` may be a function that parses the
 * text: the summary reads the text scan, and calls it only where a predict call of a function that may wrap a model
 * needs the tree (see `summarizeWrappers`), as an analysis of the module would.
 */
export function summarizePython(source: string, tree: Tree | (() => Tree)): ModuleSummary {
  return new PyContext(source, tree, DEFAULT_CONFIG).summarize();
}

/** What `llmCall` tells of a call `what` of an SDK client (`o`). */
function clientCall(o: Extract<Origin, { t: 'llm' }>, what: string): { lib: string; what: string; timeout: boolean; local: boolean; assign?: number } {
  return { lib: o.lib, what, timeout: o.timeout, local: o.local === true, ...(o.assign !== undefined ? { assign: o.assign } : {}) };
}

/** A statement that re-raises (the last of `a; raise e` counts), not one that answers with an HTTP error. */
function plainRaise(statement: string): boolean {
  const end = statement.split(';').pop()?.trim() ?? '';
  return /^raise\b/.test(end) && !/^raise\s+(?:[\w.]*HTTPException|[\w.]*HTTP\w*(?:Error|Exception)|web\.HTTP\w+|[\w.]*(?:Http|HTTP)Response\w*)\b/.test(end);
}

/**
 * A decorator whose name says it catches what the function raises (`@api_exception_handler`, `@handle_errors`,
 * `@retry(…)`, `@backoff.on_exception(…)`, `@safe`), not one that registers a handler for errors raised elsewhere
 * (`@app.exception_handler(ValueError)`, `@app.errorhandler(500)`).
 */
function catchingDecorator(decorator: string): boolean {
  const name = decorator.replace(/\(.*$/s, '');
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (name.includes('.') && /^(?:(?:app_)?errorhandler|exception_handler|error_handler|add_exception_handler)$/.test(last)) return false;
  return /^(?:\w*(?:exception|error)s?_?handl\w*|handle_?(?:exception|error)s?\w*|\w*catch\w*|safe(?:_\w+)?|\w*fallback\w*|retry\w*|with_retr\w*|on_exception|backoff\w*|suppress\w*|circuit\w*)$/i.test(last);
}

/** Decorators that may catch a function's errors (retries, fallbacks, circuit breakers). */
const GUARDING_DECORATOR = /fallback|retry|retries|safe|guard|catch|handle|circuit|breaker|resilien|backoff|tenacity|except|recover/i;

/**
 * Hosted-model answers that name the model that made them: OpenAI-style chat and completion responses (`model`),
 * Anthropic messages (`model`), Gemini (`model_version`), Vertex AI predictions (`deployed_model_id`,
 * `model_version_id`), Replicate prediction objects (`version`).
 */
function carriesModel(kind: PredictKind, lib: string, label: string): boolean {
  if (kind === 'vertex') return true;
  if (kind !== 'llm') return false;
  if (lib === 'replicate') return /predictions\.create$/.test(label);
  // Chat, completion, message and content answers; not embeddings, images or transcriptions.
  return /^(?:openai|anthropic|groq|together|mistralai|gemini|google-genai|litellm)$/.test(lib) && /(?:completions\.(?:create|parse)|responses\.(?:create|parse)|messages\.create|chat\.complete|generate_content(?:_async)?|litellm completion|acompletion)$/.test(label);
}
