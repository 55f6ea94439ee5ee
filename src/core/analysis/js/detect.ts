// Which calls are predictions: ONNX Runtime session.run, transformers.js pipelines, tfjs and tfjs-models (also
// script-tag globals), hosted-model SDKs (OpenAI-compatible, Hugging Face Inference, Replicate, Cohere, Vertex AI,
// Bedrock…), HTTP calls to inference URLs (fetch, axios, got, undici), SageMaker InvokeEndpoint, and user patterns.
import { isTestFile } from '../paths';
import type { PredictKind, PredictPattern, WrappedCall } from '../types';
import { GENERATION_PARAMS, inferenceUrlMatcher, type InferenceUrlMatcher, isHostedModelUrl, isInferenceUrlName } from '../urls';
import { type Ast, child, type JNode, outerValue, propName, text, unwrap } from './ast';
import { AXIOS_METHODS, FACE_API_FUNCTIONS, FETCH_MODULES, GOT_METHODS, HF_RE, JQUERY_REQUESTS, localModelLib, ORT_RE, REQUEST_PROMISE_RE, type SdkName, SDKS, sdkOfModule, SCRIPT_GLOBALS, TF_METHODS, TF_MODELS_METHODS, TF_MODELS_RE, TFJS_RE } from './libs';
import { argsOf, type Resolver, type Val } from './resolve';

export type RemoteClient = 'fetch' | 'ofetch' | 'axios' | 'got' | 'request-promise' | 'jquery' | 'undici-request' | 'sagemaker' | 'sagemaker-v2' | 'sdk' | 'custom';

export interface Detected {
  node: JNode;
  kind: PredictKind;
  label: string;
  /** The call returns a promise (a try/catch guards it only when awaited). */
  promise: boolean;
  client?: RemoteClient;
  /** axios/got method (`post`, `get`…) or '' for a direct call; a model's method (`classify`). */
  method?: string;
  /** The instance or client the call goes through (axios.create / got.extend / SageMaker or SDK client / the model). */
  via?: Val;
  pattern?: PredictPattern;
  /** Hosted-model SDK calls: which SDK, and the method's path on the client (`chat.completions.create`). */
  sdk?: SdkName;
  sdkPath?: string[];
  /** The result is a class decision with scores (pipeline labels, classify/detect results) or, false, never one. */
  labels?: boolean;
  /** The answer is the class label alone, with no score to compare (natural's `classify`, an ml.js classifier's `predict`). */
  hardLabel?: boolean;
  /** A hosted model API or an LLM server (an SDK call, a hosted URL): its answers take seconds. */
  hosted?: boolean;
  /** A function of another workspace module that runs a model and returns the prediction (see summary.ts). */
  wrapped?: WrappedCall;
  /** Set by the trace check: the hosted answer is handed on whole (it names its model). */
  wholeAnswer?: boolean;
}

/** Paths that identify a model server's inference endpoint (the built-in patterns; see urls.ts for all). */
export const INFER_URL_RE = /\/(predict|infer|score|invocations)(?![\w-])|\/v2\/models\/|:predict(?![\w-])/i;

const MODEL_NAME_RE = /^(model|classifier|[a-z][A-Za-z0-9]*(Model|Classifier))$/;
/** Receivers a tfjs-models method is called on when the model comes from elsewhere (a parameter, another function). */
const MODEL_HOLDER_RE = /(?:^|[a-z_])(?:model|models|detector|net|classifier|segmenter|estimator|predictor|recognizer|encoder)s?$/i;
/** Methods only models have: enough on their own, whatever holds them. */
const DISTINCT_MODEL_METHODS = new Set(['estimatePose', 'estimatePoses', 'estimateHands', 'estimateFaces', 'estimateSinglePose', 'estimateMultiplePoses', 'segmentPeople', 'segmentPerson', 'predictClass', 'executeAsync']);
/** tfjs calls that answer synchronously (a tensor); the others return promises. */
const SYNC_MODEL_METHODS = new Set(['predict', 'execute', 'predictOnBatch', 'infer']);
/** tfjs-models calls whose answer is a class decision with scores (mobilenet, coco-ssd, toxicity, knn-classifier, speech-commands). */
const LABEL_METHODS = new Set(['classify', 'detect', 'predictClass', 'recognize', 'predictTopK']);
const SESSION_NAME_RE = /^(session|sess|[a-z][A-Za-z0-9_]*Session|[a-z0-9_]*_session)$/;

export interface DetectEnv {
  ast: Ast;
  r: Resolver;
  patterns: PredictPattern[];
  urls: InferenceUrlMatcher;
  ortImported: boolean;
  tfImported: boolean;
  /** The file builds ONNX-style tensors (`new ort.Tensor(…)`, `new Tensor(…)`): a `session.run(feeds)` is ONNX Runtime. */
  buildsTensors: boolean;
  /** The text names an unpickling library (jpickle, pickleparser): without one, no call is an unsafe load. */
  unpickles: boolean;
}

const UNPICKLER_RE = /pickle/i;

/** Script-tag globals of tfjs and tfjs-models (`mobilenet`, `cocoSsd`…). */
const TF_GLOBALS = Object.entries(SCRIPT_GLOBALS).filter(([, mod]) => TFJS_RE.test(mod) || TF_MODELS_RE.test(mod)).map(([name]) => name);
/** A tfjs global used as an object (`mobilenet.load()`), found in one pass over the text. */
const TF_GLOBAL_USE_RE = new RegExp(`(?<![\\w$.])(?:${TF_GLOBALS.join('|')})\\s*\\.`, 'g');

/** Whether the text uses `name` as a global object: `name.x` with no declaration or import of `name`. */
function usesGlobal(source: string, name: string): boolean {
  return new RegExp(`(?<![\\w$.])${name}\\s*\\.`).test(source) && !new RegExp(`\\b(?:const|let|var|function|class)\\s+${name}\\b|\\bimport\\b[^;]*\\b${name}\\b`).test(source);
}

/** Whether the text uses a tfjs or tfjs-models script-tag global (each name used is then checked for a declaration). */
function usesTfGlobal(source: string): boolean {
  const used = new Set<string>();
  TF_GLOBAL_USE_RE.lastIndex = 0;
  for (let m = TF_GLOBAL_USE_RE.exec(source); m; m = TF_GLOBAL_USE_RE.exec(source)) used.add(/^[\w$]+/.exec(m[0])?.[0] ?? '');
  for (const name of used) if (usesGlobal(source, name)) return true;
  return false;
}

export function makeEnv(ast: Ast, r: Resolver, patterns: PredictPattern[], inferenceUrls: string[] = []): DetectEnv {
  const mods = [...r.modules];
  // From the text, so that the answer does not depend on which statements were copied.
  const tfImported = mods.some((m) => TFJS_RE.test(m) || TF_MODELS_RE.test(m));
  return {
    ast,
    r,
    patterns,
    urls: inferenceUrlMatcher(inferenceUrls),
    ortImported: mods.some((m) => ORT_RE.test(m)) || usesGlobal(ast.source, 'ort'),
    tfImported: tfImported || usesTfGlobal(ast.source),
    buildsTensors: /\bnew\s+(?:[\w$]+\s*\.\s*)?Tensor\s*\(/.test(ast.source),
    unpickles: UNPICKLER_RE.test(ast.source),
  };
}

/**
 * A call of a function (or a method of an object) of another workspace module that runs a model and hands the
 * prediction back with no fallback of its own: a predict call where it is made, except in a test (which calls the code
 * it tests).
 */
function wrapperCall(env: DetectEnv, call: JNode, callee: JNode, w: WrappedCall): Detected | undefined {
  if (isTestFile(env.r.context.path ?? '')) return undefined;
  const name = text(env.ast, callee).replace(/\s+/g, ' ');
  return { node: call, kind: 'custom', label: `${name.length > 60 ? `…${name.slice(-59)}` : name}() from the workspace (runs ${w.label})`, promise: w.promise === true, labels: false, wrapped: w };
}

/** ofetch: Nuxt's auto-imported `$fetch`, or `ofetch`/`$fetch` imported from 'ofetch' (its option is `timeout`). */
function isOfetch(v: Val): boolean {
  if (v.k !== 'mod' || v.path.length !== 1) return false;
  return (v.mod === '#global' && v.path[0] === '$fetch') || (v.mod === 'ofetch' && (v.path[0] === 'ofetch' || v.path[0] === '$fetch'));
}

/** jQuery's requests: `$.ajax(settings)`, `$.ajax(url, settings)`, `$.post(url, data, success)`, `$.getJSON(url)` (the global or the module). */
function isJqueryAjax(v: Val): boolean {
  if (v.k !== 'mod' || !JQUERY_REQUESTS.test(v.path[v.path.length - 1] ?? '')) return false;
  return (v.mod === 'jquery' && v.path.length === 1) || (v.mod === '#global' && v.path.length === 2 && (v.path[0] === '$' || v.path[0] === 'jQuery'));
}

/**
 * A jQuery request's settings object: the first argument when it is one (`$.ajax(settings)`, `$.post(settings)`), the
 * second of `$.ajax(url, settings)`; `$.post(url, data, success)` has none.
 */
export function jquerySettings(r: Resolver, d: Detected, args: readonly JNode[]): JNode | undefined {
  const first = args[0] ? unwrap(args[0]) : undefined;
  if (first && r.eval(first).k === 'objlit') return first;
  return d.method === 'ajax' ? args[1] : undefined;
}

function isFetchLike(v: Val): boolean {
  if (v.k !== 'mod') return false;
  if (v.mod === '#global') return v.path.length === 1 && v.path[0] === 'fetch';
  if (FETCH_MODULES.has(v.mod)) return v.path.length === 0;
  return v.mod === 'undici' && v.path.length === 1 && v.path[0] === 'fetch';
}

/** The dotted text of a callee (`this.scoring.scoreBatch`), with `?.`, `!` and whitespace removed. */
export function calleeText(ast: Ast, callee: JNode): string {
  return text(ast, callee).replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '');
}

/** Last name of an expression: `session` for `session`, `this.session`, `app.models.session`, `models[key]`. */
export function lastName(ast: Ast, n: JNode | undefined): string | undefined {
  if (!n) return undefined;
  const u = unwrap(n);
  if (u.type === 'identifier') return text(ast, u);
  if (u.type === 'member_expression') return propName(ast, child(u, 'property'));
  if (u.type === 'subscript_expression') return lastName(ast, child(u, 'object'));
  return undefined;
}

/** Model files and weights: fetching them is a download, not a prediction. */
const MODEL_FILE_RE = /\.(?:onnx|ort|bin|pb|tflite|h5|keras|safetensors|gguf|pt|pth|ckpt)(?:[?#]|$)|model\.json(?:[?#]|$)/i;

/** The response is read as bytes (`(await fetch(url)).arrayBuffer()`, `res.blob()`): a file download. */
function downloadsBinary(r: Resolver, call: JNode): boolean {
  const ast = r.ast;
  const readsBytes = (m: JNode | null | undefined): boolean => m?.type === 'member_expression' && /^(?:arrayBuffer|blob)$/.test(propName(ast, child(m, 'property')) ?? '');
  const outer = outerValue(call);
  if (readsBytes(outer.parent)) return true;
  const decl = outer.parent?.type === 'variable_declarator' ? child(outer.parent, 'name') : undefined;
  if (decl?.type !== 'identifier') return false;
  const name = text(ast, decl);
  return (r.members.get('arrayBuffer') ?? []).concat(r.members.get('blob') ?? []).some((m) => {
    const o = child(m, 'object');
    return o !== undefined && unwrap(o).type === 'identifier' && text(ast, unwrap(o)) === name;
  });
}

function urlPath(s: string): string {
  const p = s.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0] ?? s;
  return p.length > 60 ? p.slice(0, 57) + '…' : p;
}

/**
 * The names an unknown URL expression is read from: `MODEL_URL`, `process.env.PREDICTION_ENDPOINT`,
 * `config.inferenceUrl`, `${SCORING_API}/v1`, following local variables (`const url = process.env.MODEL_URL`).
 */
export function urlNames(r: Resolver, n: JNode | undefined, depth = 0): string[] {
  if (!n || depth > 3) return [];
  const ast = r.ast;
  const u = unwrap(n);
  switch (u.type) {
    case 'identifier': {
      const name = text(ast, u);
      const b = r.lookup(name, u);
      const def = b?.defs.find((d) => d.expr && d.path.length === 0)?.expr;
      return [name, ...(def ? urlNames(r, def, depth + 1) : [])];
    }
    case 'member_expression':
      return [propName(ast, child(u, 'property')) ?? ''];
    case 'subscript_expression': {
      const idx = child(u, 'index');
      const key = idx ? r.eval(idx) : undefined;
      return key?.k === 'str' ? [key.s] : [];
    }
    case 'template_string': {
      const first = u.children.find((c) => c.type === 'template_substitution');
      return first ? urlNames(r, first.children.find((c) => c.named), depth + 1) : [];
    }
    case 'binary_expression':
      return [...urlNames(r, child(u, 'left'), depth + 1), ...urlNames(r, child(u, 'right'), depth + 1)];
    case 'call_expression': {
      // new URL(path, MODEL_URL).href, `${base}`.toString(), url.concat(…)
      const f = child(u, 'function');
      return f?.type === 'member_expression' ? urlNames(r, child(f, 'object'), depth + 1) : [];
    }
    case 'new_expression':
      return argsOf(u).flatMap((a) => urlNames(r, a, depth + 1));
    default:
      return [];
  }
}

/** The call being matched and the analysis it belongs to (the helpers below read it). */
interface CallSite {
  env: DetectEnv;
  call: JNode;
}

/** The string value of an expression, when the resolver knows it. */
function str(at: CallSite, n: JNode | undefined): string | undefined {
  if (!n) return undefined;
  const v = at.env.r.eval(n);
  return v.k === 'str' ? v.s : undefined;
}

/** The URL of the call: its text when known (also with unknown parts), else the names it is read from. */
function remote(at: CallSite, client: RemoteClient, name: string, urlNode: JNode | undefined, url: string | undefined, method?: string, via?: Val): Detected | undefined {
  const { env, call } = at;
  let shown: string | undefined;
  if (url !== undefined && env.urls.test(url)) shown = urlPath(url);
  else if (urlNode && (url === undefined || /^\$\{…\}/.test(url) || !/^[a-z]+:\/\//i.test(url)) && !(url !== undefined && MODEL_FILE_RE.test(url)) && !downloadsBinary(env.r, call)) {
    const named = urlNames(env.r, urlNode).find((x) => isInferenceUrlName(x));
    if (named !== undefined) shown = url !== undefined && url !== '${…}' ? urlPath(url).replace('${…}', named) : named;
  }
  if (shown === undefined) return undefined;
  const hosted = url !== undefined && isHostedModelUrl(url);
  return { node: call, kind: 'remote', label: `${name} to ${shown}`, promise: true, client, ...(method !== undefined ? { method } : {}), ...(via ? { via } : {}), ...(hosted ? { hosted } : {}) };
}

/** A property of an object literal the expression `cfg` holds, with its string value when known. */
function objUrl(at: CallSite, cfg: JNode | undefined, key: string): { node: JNode; url: string | undefined } | undefined {
  if (!cfg) return undefined;
  const v = at.env.r.eval(cfg);
  if (v.k !== 'objlit') return undefined;
  const node = at.env.r.objProp(v.node, key);
  return node ? { node, url: str(at, node) } : undefined;
}

function instanceBase(at: CallSite, via: Val | undefined, key: string): string {
  if (!via || via.k !== 'obj') return '';
  if (via.ext?.url !== undefined) return via.ext.url.replace(/\/$/, '');
  for (const cfg of via.cfg) {
    const b = objUrl(at, cfg, key)?.url;
    if (b !== undefined) return b.replace(/\/$/, '');
  }
  return '';
}

/** axios/got through an instance: the instance's base URL and the call's path. */
function viaInstance(at: CallSite, client: RemoteClient, name: string, urlNode: JNode | undefined, via: Val | undefined, baseKey: string, method: string): Detected | undefined {
  const { env, call } = at;
  const { ast, r } = env;
  const path = urlNode ? str(at, urlNode) : undefined;
  const base = instanceBase(at, via, baseKey);
  const hit = remote(at, client, name, urlNode, path === undefined ? undefined : base + path, method, via);
  if (hit || !via || via.k !== 'obj' || !urlNode) return hit;
  // An instance whose name or base URL says it talks to a model server (`mlClient.post('/api/v1/chat')`).
  const baseNode = via.cfg.map((cfg) => objUrl(at, cfg, baseKey)?.node).find((x) => x !== undefined);
  const holder = lastName(ast, child(unwrap(child(call, 'function') ?? call), 'object'));
  // An instance another module built: the name its base URL is read from there (`baseURL: SENTIMENT_ML_MODEL_URL`).
  const named = [...(baseNode ? urlNames(r, baseNode) : []), ...(via.ext?.urlName !== undefined ? [via.ext.urlName] : []), ...(holder ? [`${holder}Url`] : [])].find((x) => isInferenceUrlName(x));
  if (named === undefined) return undefined;
  return { node: call, kind: 'remote', label: `${name} to ${path ?? named}`, promise: true, client, method, via };
}

export function detectCall(env: DetectEnv, call: JNode): Detected | undefined {
  const d = detectKind(env, call);
  // A model server that generates text (an LLM behind SageMaker, Vertex or a URL of its own) answers in seconds too.
  if (d && !d.hosted && (d.kind === 'remote' || d.kind === 'sagemaker' || d.kind === 'vertex') && d.client !== 'custom' && sendsGenerationParams(env.ast, env.ast.root) && sendsGenerationParams(env.ast, call.fn ?? env.ast.root)) d.hosted = true;
  return d;
}

/** Whether the text of a function (or of the whole program) names a generation parameter; read once for each. */
const generating = new WeakMap<JNode, boolean>();
function sendsGenerationParams(ast: Ast, unit: JNode): boolean {
  let yes = generating.get(unit);
  if (yes === undefined) {
    yes = GENERATION_PARAMS.test(ast.source.slice(unit.start, unit.end));
    generating.set(unit, yes);
  }
  return yes;
}

function detectKind(env: DetectEnv, call: JNode): Detected | undefined {
  const { ast, r } = env;
  const callee = child(call, 'function');
  if (!callee || callee.type === 'import') return undefined;
  const c = unwrap(callee);
  const args = argsOf(call);
  const cv = r.eval(c);
  const at: CallSite = { env, call };
  if (cv.k === 'wrapper' && cv.wraps) return wrapperCall(env, call, c, cv.wraps);

  // The callee itself is a pipeline, fetch, axios, got or undici.request.
  if (cv.k === 'obj' && cv.what === 'hf-pipeline') {
    return { node: call, kind: 'hf-pipeline', label: `transformers.js pipeline${cv.task ? `('${cv.task}')` : ''}`, promise: true, labels: cv.task === undefined || /classif|sentiment|detection|segmentation|ner|token|zero-shot/.test(cv.task) };
  }
  if (isFetchLike(cv)) {
    const first = args[0];
    const req = first ? r.eval(first) : undefined;
    // fetch(new Request(url, …)) / fetch({ url }) are rare; the URL is the first argument.
    return remote(at, 'fetch', cv.k === 'mod' && cv.mod === 'undici' ? 'undici.fetch' : 'fetch', first, req?.k === 'str' ? req.s : undefined);
  }
  if (isOfetch(cv)) {
    const first = args[0];
    const req = first ? r.eval(first) : undefined;
    return remote(at, 'ofetch', '$fetch', first, req?.k === 'str' ? req.s : undefined);
  }
  if ((cv.k === 'mod' && cv.mod === 'axios' && cv.path.length === 0) || (cv.k === 'obj' && cv.what === 'axios-instance')) {
    const first = args[0] ? r.eval(args[0]) : undefined;
    const via = cv.k === 'obj' ? cv : undefined;
    // axios(url, config) or axios(config) with a `url` (the config may be a variable).
    const urlNode = first?.k === 'str' ? args[0] : objUrl(at, args[0], 'url')?.node;
    return viaInstance(at, 'axios', 'axios', urlNode, via, 'baseURL', '');
  }
  if ((cv.k === 'mod' && cv.mod === 'got' && cv.path.length === 0) || (cv.k === 'obj' && cv.what === 'got-instance')) {
    const via = cv.k === 'obj' ? cv : undefined;
    const first = args[0] ? r.eval(args[0]) : undefined;
    const urlNode = first?.k === 'objlit' ? objUrl(at, args[0], 'url')?.node : args[0];
    return viaInstance(at, 'got', 'got', urlNode, via, 'prefixUrl', '');
  }
  if (cv.k === 'mod' && isJqueryAjax(cv)) {
    const method = cv.path[cv.path.length - 1] as string;
    const first = args[0] ? r.eval(args[0]) : undefined;
    const opt = first?.k === 'str' ? undefined : objUrl(at, args[0], 'url');
    return remote(at, 'jquery', `$.${method}`, opt ? opt.node : args[0], opt ? opt.url : str(at, args[0]), method);
  }
  if (cv.k === 'mod' && cv.mod === 'undici' && cv.path.length === 1 && cv.path[0] === 'request') return remote(at, 'undici-request', 'undici.request', args[0], str(at, args[0]));
  // request-promise: rp(options) with `uri` / `url`, rp(url, options), rp.post(…).
  if (cv.k === 'mod' && REQUEST_PROMISE_RE.test(cv.mod) && (cv.path.length === 0 || (cv.path.length === 1 && GOT_METHODS.has(cv.path[0] as string)))) {
    const method = cv.path[0];
    const first = args[0] ? r.eval(args[0]) : undefined;
    const opt = first?.k === 'str' ? undefined : (objUrl(at, args[0], 'uri') ?? objUrl(at, args[0], 'url'));
    return remote(at, 'request-promise', method ? `rp.${method}` : 'rp', opt ? opt.node : args[0], opt ? opt.url : str(at, args[0]), method);
  }
  if (cv.k === 'mod' && cv.path.length === 1) {
    const fn = cv.path[0] as string;
    // face-api.js: inference through module functions.
    // Expressions, age and gender classify: also asked for in the chain (`detectAllFaces(input).withFaceExpressions()`).
    if (/face-api/.test(cv.mod) && FACE_API_FUNCTIONS.has(fn)) return { node: call, kind: 'tfjs', label: `face-api ${fn}`, promise: true, method: fn, labels: /Expressions|AgeAndGender/.test(fn) || chainAsks(ast, call, /^with(?:FaceExpressions|AgeAndGender)$/) };
    // A local library's function that runs a model (brain.js's `likely(input, net)`): the class whose output is highest, alone.
    const local = localModelLib(cv.mod);
    if (local?.functions?.test(fn)) return { node: call, kind: 'estimator', label: `${local.label} ${fn}`, promise: false, method: fn, hardLabel: true };
    // @huggingface/inference's functions (`textClassification({ accessToken, model, inputs })`), legacy cohere.generate().
    const sdk = sdkOfModule(cv.mod);
    if ((sdk === 'hf-inference' || sdk === 'cohere') && SDKS[sdk].infers([fn])) return sdkCall(call, sdk, [fn], undefined);
  }

  if (c.type === 'member_expression') {
    const prop = propName(ast, child(c, 'property')) ?? '';
    const objNode = child(c, 'object');
    const rv = r.eval(objNode);
    if (rv.k === 'wrapper') {
      const w = rv.methods && Object.prototype.hasOwnProperty.call(rv.methods, prop) ? rv.methods[prop] : undefined;
      return w ? wrapperCall(env, call, c, w) : undefined;
    }
    if (rv.k === 'obj') {
      switch (rv.what) {
        case 'ort-session':
          if (prop === 'run') return { node: call, kind: 'onnxruntime', label: 'onnxruntime session.run', promise: true, labels: true };
          break;
        case 'tf-model': {
          const models = rv.pkg ? TF_MODELS_RE.test(rv.pkg) : rv.ext !== undefined;
          if (!(TF_METHODS.has(prop) || (models && TF_MODELS_METHODS.has(prop)))) break;
          const promised = models && rv.pkg !== undefined && /teachablemachine|ml5/.test(rv.pkg);
          return { node: call, kind: 'tfjs', label: `tfjs model.${prop}`, promise: !SYNC_MODEL_METHODS.has(prop) || (promised && prop === 'predict'), method: prop, via: rv, labels: models && (LABEL_METHODS.has(prop) || (promised && prop === 'predict')) };
        }
        case 'local-model': {
          const lib = localModelLib(rv.pkg ?? '');
          if (!lib?.infers.test(prop)) break;
          const cls = rv.task ?? 'model';
          return { node: call, kind: 'estimator', label: `${lib.label} ${cls}.${prop}`, promise: false, method: prop, via: rv, ...(lib.hardLabel(cls, prop) ? { hardLabel: true } : { labels: lib.scored?.test(prop) === true }) };
        }
        case 'axios-instance':
          if (AXIOS_METHODS.has(prop)) return viaInstance(at, 'axios', `axios.${prop}`, prop === 'request' ? objUrl(at, args[0], 'url')?.node : args[0], rv, 'baseURL', prop);
          break;
        case 'got-instance':
          if (GOT_METHODS.has(prop)) {
            const first = args[0] ? r.eval(args[0]) : undefined;
            return viaInstance(at, 'got', `got.${prop}`, first?.k === 'objlit' ? objUrl(at, args[0], 'url')?.node : args[0], rv, 'prefixUrl', prop);
          }
          break;
        case 'sm-runtime':
        case 'sm-v2':
          if (prop === 'invokeEndpoint') return { node: call, kind: 'sagemaker', label: 'SageMaker InvokeEndpoint', promise: rv.what === 'sm-runtime', client: rv.what === 'sm-v2' ? 'sagemaker-v2' : 'sagemaker', via: rv };
          break;
        case 'llm-client':
          if (rv.sdk && SDKS[rv.sdk].infers([...(rv.path ?? []), prop])) return sdkCall(call, rv.sdk, [...(rv.path ?? []), prop], rv);
          break;
        default:
          break;
      }
    }
    if (rv.k === 'mod' && rv.mod === 'axios' && rv.path.length === 0 && AXIOS_METHODS.has(prop)) return remote(at, 'axios', `axios.${prop}`, prop === 'request' ? objUrl(at, args[0], 'url')?.node : args[0], prop === 'request' ? objUrl(at, args[0], 'url')?.url : str(at, args[0]), prop);
    if (rv.k === 'mod' && rv.mod === 'got' && rv.path.length === 0 && GOT_METHODS.has(prop)) return remote(at, 'got', `got.${prop}`, args[0], str(at, args[0]) ?? objUrl(at, args[0], 'url')?.url, prop);
    if (prop === 'send' && args[0]) {
      const cmd = r.eval(args[0]);
      if (cmd.k === 'obj' && cmd.what === 'sm-command') return { node: call, kind: 'sagemaker', label: 'SageMaker InvokeEndpoint', promise: true, client: 'sagemaker', via: rv };
      // Comprehend and Rekognition: hosted models behind an AWS runtime client, bounded as SageMaker's are.
      if (cmd.k === 'obj' && cmd.what === 'aws-ai-command') return { node: call, kind: 'sagemaker', label: `${cmd.pkg === 'comprehend' ? 'Comprehend' : 'Rekognition'} ${cmd.task ?? ''}`, promise: true, client: 'sagemaker', via: rv, labels: false, hosted: true };
      if (cmd.k === 'obj' && cmd.what === 'bedrock-command') return { node: call, kind: 'remote', label: `Bedrock ${cmd.task ?? 'InvokeModel'}`, promise: true, client: 'sdk', sdk: 'bedrock', via: rv, labels: false, hosted: true };
    }
    if (rv.k === 'unknown' || (rv.k === 'mod' && rv.mod !== '#global' && !ORT_RE.test(rv.mod) && !TFJS_RE.test(rv.mod) && !HF_RE.test(rv.mod) && !TF_MODELS_RE.test(rv.mod))) {
      const name = lastName(ast, objNode) ?? '';
      if (prop === 'run' && (env.ortImported || env.buildsTensors) && SESSION_NAME_RE.test(name)) return { node: call, kind: 'onnxruntime', label: 'onnxruntime session.run', promise: true, labels: true };
      if ((prop === 'predict' || prop === 'executeAsync' || (prop === 'execute' && env.tfImported)) && MODEL_NAME_RE.test(name)) {
        const kind: PredictKind = env.tfImported || prop !== 'predict' ? 'tfjs' : 'estimator';
        return { node: call, kind, label: `${kind === 'tfjs' ? 'tfjs ' : ''}${name}.${prop}`, promise: prop === 'executeAsync', method: prop };
      }
      // An SDK client made where this file cannot see (an unresolved import, an injected service): the method path says it.
      const chain = [...memberChain(ast, objNode), prop];
      const tail = chain.slice(-4).join('.');
      if (/(?:^|\.)(?:beta\.)?chat\.completions\.(?:create|parse|stream)$|(?:^|\.)images\.generate$|(?:^|\.)beta\.threads\.(?:runs\.\w+|createAndRun\w*)$/.test(tail)) {
        const path = chain.slice(chain.findIndex((x) => x === 'chat' || x === 'images' || x === 'beta'));
        if (SDKS.openai.infers(path)) return sdkCall(call, 'openai', path, rv);
      }
      if ((prop === 'predict' || prop === 'rawPredict') && /predictionService(?:Client)?$/i.test(name)) return sdkCall(call, 'vertex', [prop], rv);
      // A tfjs-models object that arrives as a parameter or lives in another module: a model method on a model holder.
      if (MODEL_HOLDER_RE.test(name) && (DISTINCT_MODEL_METHODS.has(prop) || (env.tfImported && TF_MODELS_METHODS.has(prop) && prop !== 'predict' && prop !== 'generate'))) {
        return { node: call, kind: 'tfjs', label: `tfjs ${name}.${prop}`, promise: !SYNC_MODEL_METHODS.has(prop), method: prop, labels: LABEL_METHODS.has(prop) };
      }
    }
  }

  // User patterns.
  if (env.patterns.length > 0) {
    const t = calleeText(ast, c);
    for (const p of env.patterns) {
      const pat = p.callee.trim();
      const hit = pat.startsWith('*.') ? c.type === 'member_expression' && propName(ast, child(c, 'property')) === pat.slice(2) : t === pat || t.endsWith('.' + pat);
      if (!hit) continue;
      const awaited = call.parent?.type === 'await_expression' || (call.parent?.type === 'member_expression' && /^(then|catch|finally)$/.test(propName(ast, child(call.parent, 'property')) ?? ''));
      return { node: call, kind: 'custom', label: `${pat} (custom pattern)`, promise: p.kind === 'remote' || awaited, pattern: p, ...(p.kind === 'remote' ? { client: 'custom' as const } : {}) };
    }
  }
  return undefined;
}

/** A method called on the call's result further along its chain matches `re` (`detectAllFaces(x).withFaceExpressions()`). */
function chainAsks(ast: Ast, call: JNode, re: RegExp): boolean {
  let cur = call;
  for (let i = 0; i < 8; i++) {
    const m = cur.parent;
    if (m?.type !== 'member_expression' || cur.field !== 'object' || m.parent?.type !== 'call_expression') return false;
    if (re.test(propName(ast, child(m, 'property')) ?? '')) return true;
    cur = m.parent;
  }
  return false;
}

/** Property names along a member chain, outermost last (`this.openai.chat.completions` → openai, chat, completions). */
function memberChain(ast: Ast, n: JNode | undefined): string[] {
  const out: string[] = [];
  let cur = n ? unwrap(n) : undefined;
  for (let i = 0; cur && i < 12; i++) {
    if (cur.type === 'member_expression') {
      out.unshift(propName(ast, child(cur, 'property')) ?? '');
      const o = child(cur, 'object');
      cur = o ? unwrap(o) : undefined;
    } else {
      if (cur.type === 'identifier') out.unshift(text(ast, cur));
      break;
    }
  }
  return out;
}

/** A hosted-model SDK call (`client.chat.completions.create`, `hf.textClassification`, `replicate.run`). */
function sdkCall(call: JNode, sdk: SdkName, path: string[], via: Val | undefined): Detected {
  const info = SDKS[sdk];
  // Vertex AI's prediction endpoints serve a deployed model; its generative calls are hosted like the other SDKs'.
  const hosted = !(sdk === 'vertex' && /^(?:predict|rawPredict|streamRawPredict|explain)$/.test(path.join('.')));
  return { node: call, kind: sdk === 'vertex' ? 'vertex' : 'remote', label: `${info.label} ${path.join('.')}`, promise: true, client: 'sdk', sdk, sdkPath: path, ...(via ? { via } : {}), labels: info.labels ? info.labels(path) : false, ...(hosted ? { hosted } : {}) };
}

/** What a jpickle function or a pickle parser's method that unpickles is called. */
const UNPICKLE_NAMES = /^(?:loads?|parse|unpickle)$/;

/** Calls that unpickle model data in JS (jpickle, pickleparser). */
export function isUnsafeLoad(env: DetectEnv, call: JNode): boolean {
  if (!env.unpickles) return false;
  const { ast, r } = env;
  const callee = child(call, 'function');
  if (!callee) return false;
  const c = unwrap(callee);
  // A method's name is the last step of the path either test reads: most calls are told apart by it, unevaluated.
  const prop = c.type === 'member_expression' ? (propName(ast, child(c, 'property')) ?? '') : undefined;
  if (prop !== undefined && !UNPICKLE_NAMES.test(prop)) return false;
  const cv = r.eval(c);
  if (cv.k === 'mod' && cv.mod === 'jpickle' && cv.path.length === 1 && UNPICKLE_NAMES.test(cv.path[0] ?? '')) return true;
  if (prop !== undefined) {
    const rv = r.eval(child(c, 'object'));
    if (rv.k === 'obj' && rv.what === 'pickle-parser' && /^(parse|load|loads)$/.test(prop)) return true;
  }
  return false;
}

/**
 * Where an SDK call's request options start (`create(body, options)`: 1; Replicate's `run(model, { input, signal })`:
 * the object at 1), or -1 when the call has no body to put them after. An Assistants run takes ids before its body
 * (`runs.create(threadId, body, options)`, and as many ids as the SDK's version asks for `submitToolOutputs`): its
 * options come right after the body, found as an object.
 */
export function sdkOptionsIndex(d: Detected, args: readonly JNode[]): number {
  if (!d.sdk) return -1;
  if (d.sdk === 'openai' && /^beta\.threads\.runs\./.test(d.sdkPath?.join('.') ?? '')) {
    const body = args.findIndex((a) => unwrap(a).type === 'object');
    return body < 0 ? -1 : body + 1;
  }
  return SDKS[d.sdk].fixArg;
}
