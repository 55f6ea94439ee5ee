// What a JavaScript/TypeScript module exports that other files of the workspace may call into: ONNX Runtime sessions,
// tfjs models, transformers.js pipelines, hosted-model SDK clients, axios/got instances (with or without a timeout)
// and inference URL constants, held by an exported name or returned by an exported function (a factory). One level
// deep: names the module itself imports from other workspace modules are not followed.
import type { Tree } from 'web-tree-sitter';
import { evaluationFunction } from '../names';
import { DEFAULT_CONFIG, type ExternalSymbol, type ModuleSummary, type WrappedCall } from '../types';
import { inferenceUrlMatcher, isInferenceUrlName } from '../urls';
import { type Ast, buildAst, child, type JNode, namedKids, propName, text, unwrap } from './ast';
import { Checker, isAsyncFn } from './checks';
import { detectCall, type DetectEnv, makeEnv, urlNames } from './detect';
import { nameOf } from './fallback';
import { SDKS, TIMEOUT_KEYS } from './libs';
import { Resolver, type Val } from './resolve';

export function summarizeModule(tree: Tree, source: string): ModuleSummary {
  const ast = buildAst(tree, source);
  const r = new Resolver(ast);
  const env = makeEnv(ast, r, []);
  const checker = new Checker(env, DEFAULT_CONFIG);
  const urls = inferenceUrlMatcher();
  const wrapped = wrappersOf(ast, env, checker);
  const out: ModuleSummary = new Map();
  const put = (name: string, value: JNode | undefined): void => {
    if (!value || out.has(name)) return;
    const sym = symbolOf(checker, r.eval(value), urls, wrapped);
    if (sym) out.set(name, sym);
  };
  const putBinding = (name: string, at: JNode): void => {
    const b = r.lookup(name, at);
    if (!b) return;
    const v = r.evalBinding(b, 0);
    const sym = symbolOf(checker, v, urls, wrapped);
    if (sym) out.set(name, sym);
  };
  for (const stmt of ast.root.children) {
    if (stmt.type === 'export_statement') {
      const decl = child(stmt, 'declaration');
      const isDefault = stmt.children.some((c) => !c.named && text(ast, c) === 'default') || /^export\s+default\b/.test(text(ast, stmt));
      if (decl) {
        if (decl.type === 'class_declaration') {
          const name = child(decl, 'name');
          const key = isDefault ? 'default' : name ? text(ast, name) : undefined;
          const sym = key !== undefined && !out.has(key) ? symbolOf(checker, { k: 'class', node: decl }, urls, wrapped) : undefined;
          if (key !== undefined && sym) out.set(key, sym);
          // Static factories (`PipelineSingleton.getInstance()` giving a pipeline), as `Class.method`.
          if (key !== undefined) for (const [method, made] of staticFactories(checker, decl, urls, wrapped)) out.set(`${key}.${method}`, made);
        } else if (decl.type === 'function_declaration' || decl.type === 'generator_function_declaration') {
          const name = child(decl, 'name');
          if (name) put(isDefault ? 'default' : text(ast, name), name);
        } else if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
          for (const d of namedKids(decl)) {
            const name = child(d, 'name');
            if (d.type === 'variable_declarator' && name?.type === 'identifier') put(text(ast, name), name);
          }
        }
        continue;
      }
      const value = child(stmt, 'value');
      if (value && isDefault) {
        put('default', value);
        continue;
      }
      // export { a, b as c } (re-exports from another module are not followed).
      if (child(stmt, 'source')) continue;
      for (const clause of namedKids(stmt)) {
        if (clause.type !== 'export_clause') continue;
        for (const spec of namedKids(clause)) {
          const name = child(spec, 'name');
          const alias = child(spec, 'alias') ?? name;
          if (name && alias) {
            const b = r.lookup(text(ast, name), name);
            if (b) {
              const sym = symbolOf(checker, r.evalBinding(b, 0), urls, wrapped);
              if (sym) out.set(propName(ast, alias) ?? text(ast, alias), sym);
            }
          }
        }
      }
      continue;
    }
    // CommonJS: module.exports = { a, b } / = x; exports.a = …; module.exports.a = ….
    const e = stmt.type === 'expression_statement' ? namedKids(stmt)[0] : undefined;
    const a = e ? unwrap(e) : undefined;
    if (a?.type !== 'assignment_expression') continue;
    const left = child(a, 'left');
    const right = child(a, 'right');
    if (!left || !right) continue;
    const target = text(ast, left).replace(/\s+/g, '');
    const m = /^(?:module\.)?exports(?:\.([A-Za-z_$][\w$]*))?$/.exec(target);
    if (!m) continue;
    if (m[1]) {
      put(m[1], right);
      continue;
    }
    const ru = unwrap(right);
    if (ru.type === 'object') {
      for (const p of namedKids(ru)) {
        if (p.type === 'shorthand_property_identifier') putBinding(text(ast, p), p);
        else if (p.type === 'pair') {
          const key = propName(ast, child(p, 'key'));
          if (key !== undefined) put(key, child(p, 'value'));
        } else if (p.type === 'method_definition') {
          const key = propName(ast, child(p, 'name'));
          if (key !== undefined) {
            const sym = symbolOf(checker, r.returnVal(p, 0), urls, wrapped);
            const wraps = wrapped.get(p);
            if (sym) out.set(key, { ...sym, factory: true });
            else if (wraps) out.set(key, { kind: 'predict-wrapper', factory: false, wraps });
          }
        }
      }
    } else put('default', right);
  }
  return out;
}

/**
 * The functions and methods of the module that run a model and hand the prediction back with no fallback of their own
 * (`export async function classify(text) { return (await pipe(text))[0]; }`): called from another module, each call is
 * a predict call there.
 */
function wrappersOf(ast: Ast, env: DetectEnv, checker: Checker): Map<JNode, WrappedCall> {
  const out = new Map<JNode, WrappedCall>();
  for (const call of ast.nodes) {
    if (call.type !== 'call_expression') continue;
    const d = detectCall(env, call);
    if (!d || d.kind === 'custom') continue;
    const fn = checker.unitOf(d.node);
    if (fn.type === 'program' || out.has(fn)) continue;
    // Guarded in the function itself (its callers in this module do not guard the other modules' calls).
    if (checker.guarded(d.node, d.promise, 3)) continue;
    if (!checker.exits(d.node, d).some((e) => e.kind === 'return')) continue;
    // Evaluation and training code hands back a metric, not a prediction.
    if (evaluationFunction(nameOf(ast, fn) ?? '')) continue;
    const { checks } = checker.check(d);
    const answer = d.wholeAnswer === true;
    out.set(fn, { label: d.label, returnsLabel: checks.confidence === 'fail', traced: checks.trace === 'pass' && !answer, ...(answer ? { answer } : {}), promise: isAsyncFn(ast, fn) || d.promise });
  }
  return out;
}

/** The methods of a class that return a model, a session or a client (a singleton's static `getInstance`). */
function staticFactories(checker: Checker, cls: JNode, urls: { test(url: string): boolean }, wrapped: ReadonlyMap<JNode, WrappedCall>): [string, ExternalSymbol][] {
  const out: [string, ExternalSymbol][] = [];
  // (The copy keeps no `static` keyword: an instance method so named is never reached as `Class.method`.)
  for (const [name, m] of classMethods(checker.r.ast, cls)) {
    const made = symbolOf(checker, checker.r.returnVal(m, 0), urls, wrapped, true);
    if (made) out.push([name, { ...made, factory: true }]);
  }
  return out;
}

/** The methods a class body defines, by name. */
function classMethods(ast: Ast, cls: JNode): [string, JNode][] {
  const body = child(cls, 'body');
  const out: [string, JNode][] = [];
  for (const m of body ? namedKids(body) : []) {
    const name = m.type === 'method_definition' ? propName(ast, child(m, 'name')) : undefined;
    if (name !== undefined) out.push([name, m]);
  }
  return out;
}

/** The methods of a class that run a model (see `wrappersOf`), by name; undefined when none does. */
function wrappedMethods(checker: Checker, cls: JNode, wrapped: ReadonlyMap<JNode, WrappedCall>): Record<string, WrappedCall> | undefined {
  let methods: Record<string, WrappedCall> | undefined;
  for (const [name, m] of classMethods(checker.r.ast, cls)) {
    const w = wrapped.get(m);
    if (w && name !== 'constructor' && !name.startsWith('#')) (methods ??= {})[name] = w;
  }
  return methods;
}

/** What a value holds, as another module would see it (a function: what it returns, as a factory). */
function symbolOf(checker: Checker, v: Val, urls: { test(url: string): boolean }, wrapped: ReadonlyMap<JNode, WrappedCall>, factory = false): ExternalSymbol | undefined {
  const r = checker.r;
  switch (v.k) {
    case 'fn': {
      if (factory) return undefined;
      const made = symbolOf(checker, r.returnVal(v.node, 0), urls, wrapped, true);
      const wraps = made ? undefined : wrapped.get(v.node);
      return made ?? (wraps ? { kind: 'predict-wrapper', factory: false, wraps } : undefined);
    }
    case 'class':
    case 'inst': {
      const methods = wrappedMethods(checker, v.k === 'class' ? v.node : v.cls, wrapped);
      // A class, or a function returning an object of one (`getScorer()`), is called to get the object.
      return methods ? { kind: 'predict-wrapper', factory: v.k === 'class' || factory, methods } : undefined;
    }
    case 'str':
      return urls.test(v.s) ? { kind: 'inference-url', factory, url: v.s } : undefined;
    case 'factory':
      return undefined;
    case 'obj':
      switch (v.what) {
        case 'ort-session':
          return { kind: 'onnx-session', factory };
        case 'tf-model':
          return { kind: 'tfjs-model', factory };
        case 'hf-pipeline':
          return { kind: 'hf-pipeline', factory };
        case 'llm-client': {
          const opts = v.cfg[(v.sdk ? SDKS[v.sdk].ctorOptions : undefined) ?? 0];
          const timeout = v.typed ? undefined : opts ? checker.hasKeys(opts, TIMEOUT_KEYS, true) !== 'no' : false;
          return { kind: 'llm-client', factory, ...(v.sdk ? { sdk: v.sdk } : {}), ...(timeout !== undefined ? { timeout } : {}) };
        }
        case 'axios-instance':
        case 'got-instance': {
          const key = v.what === 'axios-instance' ? 'baseURL' : 'prefixUrl';
          const timeout = v.typed ? undefined : v.cfg.some((c) => checker.hasKeys(c, ['timeout'], false) !== 'no');
          let url: string | undefined;
          let urlName: string | undefined;
          for (const c of v.cfg) {
            const cv = r.eval(c);
            const base = cv.k === 'objlit' ? r.objProp(cv.node, key) : undefined;
            const bv = base ? r.eval(base) : undefined;
            if (bv?.k === 'str') url = bv.s;
            else if (base) urlName ??= urlNames(r, base).find((x) => isInferenceUrlName(x));
          }
          return { kind: 'http-client', factory, ...(timeout !== undefined ? { timeout } : {}), ...(url !== undefined ? { url } : {}), ...(urlName !== undefined ? { urlName } : {}) };
        }
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}
