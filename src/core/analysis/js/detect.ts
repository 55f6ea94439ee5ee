// Which calls are predictions: ONNX Runtime session.run, transformers.js pipelines, tfjs model.predict/execute,
// HTTP calls to inference URLs (fetch, axios, got, undici), SageMaker InvokeEndpoint, and user patterns.
import type { PredictKind, PredictPattern } from '../types';
import { type Ast, child, type JNode, propName, text, unwrap } from './ast';
import { argsOf, HF_RE, ORT_RE, type Resolver, TFJS_RE, TF_MODELS_RE, type Val } from './resolve';

export type RemoteClient = 'fetch' | 'axios' | 'got' | 'undici-request' | 'sagemaker' | 'sagemaker-v2' | 'custom';

export interface Detected {
  node: JNode;
  kind: PredictKind;
  label: string;
  /** The call returns a promise (a try/catch guards it only when awaited). */
  promise: boolean;
  client?: RemoteClient;
  /** axios/got method (`post`, `get`…) or '' for a direct call. */
  method?: string;
  /** The instance or client the call goes through (axios.create / got.extend / SageMaker client). */
  via?: Val;
  pattern?: PredictPattern;
}

/** Paths that identify a model server's inference endpoint. */
export const INFER_URL_RE = /\/(predict|infer|score|invocations)(?![\w-])|\/v2\/models\/|:predict(?![\w-])/i;

const FETCH_MODULES = new Set(['node-fetch', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch', 'unfetch']);
const AXIOS_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'postForm', 'putForm', 'patchForm']);
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
const TF_METHODS = new Set(['predict', 'execute', 'executeAsync', 'predictOnBatch']);
const TF_MODELS_METHODS = new Set(['predict', 'classify', 'detect', 'estimatePoses', 'estimateFaces', 'estimateHands', 'segmentPeople', 'embed', 'findAnswers']);
const MODEL_NAME_RE = /^(model|classifier|[a-z][A-Za-z0-9]*(Model|Classifier))$/;

export interface DetectEnv {
  ast: Ast;
  r: Resolver;
  patterns: PredictPattern[];
  ortImported: boolean;
  tfImported: boolean;
}

export function makeEnv(ast: Ast, r: Resolver, patterns: PredictPattern[]): DetectEnv {
  const mods = [...r.modules];
  return {
    ast,
    r,
    patterns,
    ortImported: mods.some((m) => ORT_RE.test(m)) || (r.idents.has('ort') && !r.lookup('ort', ast.root)),
    tfImported: mods.some((m) => TFJS_RE.test(m) || TF_MODELS_RE.test(m)) || (r.idents.has('tf') && !r.lookup('tf', ast.root)),
  };
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

/** Last name of an expression: `session` for `session`, `this.session`, `app.models.session`. */
export function lastName(ast: Ast, n: JNode | undefined): string | undefined {
  if (!n) return undefined;
  const u = unwrap(n);
  if (u.type === 'identifier') return text(ast, u);
  if (u.type === 'member_expression') return propName(ast, child(u, 'property'));
  return undefined;
}

function urlPath(s: string): string {
  const p = s.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0] ?? s;
  return p.length > 60 ? p.slice(0, 57) + '…' : p;
}

export function detectCall(env: DetectEnv, call: JNode): Detected | undefined {
  const { ast, r } = env;
  const callee = child(call, 'function');
  if (!callee || callee.type === 'import') return undefined;
  const c = unwrap(callee);
  const args = argsOf(call);
  const cv = r.eval(c);
  const str = (n: JNode | undefined): string | undefined => {
    if (!n) return undefined;
    const v = r.eval(n);
    return v.k === 'str' ? v.s : undefined;
  };
  const remote = (client: RemoteClient, name: string, url: string | undefined, method?: string, via?: Val): Detected | undefined => {
    if (url === undefined || !INFER_URL_RE.test(url)) return undefined;
    return { node: call, kind: 'remote', label: `${name} to ${urlPath(url)}`, promise: true, client, ...(method !== undefined ? { method } : {}), ...(via ? { via } : {}) };
  };
  const objUrl = (cfg: JNode | undefined, key: string): string | undefined => {
    if (!cfg) return undefined;
    const v = r.eval(cfg);
    if (v.k !== 'objlit') return undefined;
    return str(r.objProp(v.node, key));
  };
  const instanceBase = (via: Val | undefined, key: string): string => {
    if (!via || via.k !== 'obj') return '';
    for (const cfg of via.cfg) {
      const b = objUrl(cfg, key);
      if (b !== undefined) return b.replace(/\/$/, '');
    }
    return '';
  };

  // The callee itself is a pipeline, fetch, axios, got or undici.request.
  if (cv.k === 'obj' && cv.what === 'hf-pipeline') {
    return { node: call, kind: 'hf-pipeline', label: `transformers.js pipeline${cv.task ? `('${cv.task}')` : ''}`, promise: true };
  }
  if (isFetchLike(cv)) return remote('fetch', cv.k === 'mod' && cv.mod === 'undici' ? 'undici.fetch' : 'fetch', str(args[0]));
  if ((cv.k === 'mod' && cv.mod === 'axios' && cv.path.length === 0) || (cv.k === 'obj' && cv.what === 'axios-instance')) {
    const first = args[0] ? r.eval(args[0]) : undefined;
    const url = first?.k === 'str' ? first.s : objUrl(args[0], 'url');
    const via = cv.k === 'obj' ? cv : undefined;
    return remote('axios', 'axios', url === undefined ? undefined : instanceBase(via, 'baseURL') + url, '', via);
  }
  if ((cv.k === 'mod' && cv.mod === 'got' && cv.path.length === 0) || (cv.k === 'obj' && cv.what === 'got-instance')) {
    const via = cv.k === 'obj' ? cv : undefined;
    const url = str(args[0]) ?? objUrl(args[0], 'url');
    return remote('got', 'got', url === undefined ? undefined : instanceBase(via, 'prefixUrl') + url, '', via);
  }
  if (cv.k === 'mod' && cv.mod === 'undici' && cv.path.length === 1 && cv.path[0] === 'request') return remote('undici-request', 'undici.request', str(args[0]));

  if (c.type === 'member_expression') {
    const prop = propName(ast, child(c, 'property')) ?? '';
    const objNode = child(c, 'object');
    const rv = r.eval(objNode);
    if (rv.k === 'obj') {
      switch (rv.what) {
        case 'ort-session':
          if (prop === 'run') return { node: call, kind: 'onnxruntime', label: 'onnxruntime session.run', promise: true };
          break;
        case 'tf-model':
          if (rv.pkg && TF_MODELS_RE.test(rv.pkg) ? TF_MODELS_METHODS.has(prop) : TF_METHODS.has(prop)) {
            return { node: call, kind: 'tfjs', label: `tfjs model.${prop}`, promise: prop !== 'predict' && prop !== 'execute' && prop !== 'predictOnBatch' };
          }
          break;
        case 'axios-instance':
          if (AXIOS_METHODS.has(prop)) {
            const url = prop === 'request' ? objUrl(args[0], 'url') : str(args[0]);
            return remote('axios', `axios.${prop}`, url === undefined ? undefined : instanceBase(rv, 'baseURL') + url, prop, rv);
          }
          break;
        case 'got-instance':
          if (GOT_METHODS.has(prop)) {
            const url = str(args[0]) ?? objUrl(args[0], 'url');
            return remote('got', `got.${prop}`, url === undefined ? undefined : instanceBase(rv, 'prefixUrl') + url, prop, rv);
          }
          break;
        case 'sm-runtime':
        case 'sm-v2':
          if (prop === 'invokeEndpoint') return { node: call, kind: 'sagemaker', label: 'SageMaker InvokeEndpoint', promise: rv.what === 'sm-runtime', client: rv.what === 'sm-v2' ? 'sagemaker-v2' : 'sagemaker', via: rv };
          break;
        default:
          break;
      }
    }
    if (rv.k === 'mod' && rv.mod === 'axios' && rv.path.length === 0 && AXIOS_METHODS.has(prop)) {
      const url = prop === 'request' ? objUrl(args[0], 'url') : str(args[0]);
      return remote('axios', `axios.${prop}`, url, prop);
    }
    if (rv.k === 'mod' && rv.mod === 'got' && rv.path.length === 0 && GOT_METHODS.has(prop)) return remote('got', `got.${prop}`, str(args[0]) ?? objUrl(args[0], 'url'), prop);
    if (prop === 'send' && args[0]) {
      const cmd = r.eval(args[0]);
      if (cmd.k === 'obj' && cmd.what === 'sm-command') return { node: call, kind: 'sagemaker', label: 'SageMaker InvokeEndpoint', promise: true, client: 'sagemaker', via: rv };
    }
    if (rv.k === 'unknown' || (rv.k === 'mod' && rv.mod !== '#global' && !ORT_RE.test(rv.mod) && !TFJS_RE.test(rv.mod) && !HF_RE.test(rv.mod))) {
      const name = lastName(ast, objNode) ?? '';
      if (prop === 'run' && env.ortImported && /^(session|[a-z][A-Za-z0-9_]*Session|[a-z0-9_]*_session)$/.test(name)) return { node: call, kind: 'onnxruntime', label: 'onnxruntime session.run', promise: true };
      if ((prop === 'predict' || prop === 'executeAsync' || (prop === 'execute' && env.tfImported)) && MODEL_NAME_RE.test(name)) {
        const kind: PredictKind = env.tfImported || prop !== 'predict' ? 'tfjs' : 'estimator';
        return { node: call, kind, label: `${kind === 'tfjs' ? 'tfjs ' : ''}${name}.${prop}`, promise: prop === 'executeAsync' };
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

/** Calls that unpickle model data in JS (jpickle, pickleparser). */
export function isUnsafeLoad(env: DetectEnv, call: JNode): boolean {
  const { ast, r } = env;
  const callee = child(call, 'function');
  if (!callee) return false;
  const c = unwrap(callee);
  const cv = r.eval(c);
  if (cv.k === 'mod' && cv.mod === 'jpickle' && cv.path.length === 1 && /^(loads?|parse|unpickle)$/.test(cv.path[0] ?? '')) return true;
  if (c.type === 'member_expression') {
    const prop = propName(ast, child(c, 'property')) ?? '';
    const rv = r.eval(child(c, 'object'));
    if (rv.k === 'obj' && rv.what === 'pickle-parser' && /^(parse|load|loads)$/.test(prop)) return true;
  }
  return false;
}
