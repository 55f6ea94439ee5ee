// What a JavaScript/TypeScript module exports that other files of the workspace may call into: ONNX Runtime sessions,
// tfjs models, transformers.js pipelines, hosted-model SDK clients, axios/got instances (with or without a timeout)
// and inference URL constants, held by an exported name or returned by an exported function (a factory). One level
// deep: names the module itself imports from other workspace modules are not followed.
import type { Tree } from 'web-tree-sitter';
import { DEFAULT_CONFIG, type ExternalSymbol, type ModuleSummary } from '../types';
import { inferenceUrlMatcher } from '../urls';
import { buildAst, child, type JNode, namedKids, propName, text, unwrap } from './ast';
import { Checker } from './checks';
import { makeEnv } from './detect';
import { SDKS, TIMEOUT_KEYS } from './libs';
import { Resolver, type Val } from './resolve';

export function summarizeModule(tree: Tree, source: string): ModuleSummary {
  const ast = buildAst(tree, source);
  const r = new Resolver(ast);
  const checker = new Checker(makeEnv(ast, r, []), DEFAULT_CONFIG);
  const urls = inferenceUrlMatcher();
  const out: ModuleSummary = new Map();
  const put = (name: string, value: JNode | undefined): void => {
    if (!value || out.has(name)) return;
    const sym = symbolOf(checker, r.eval(value), urls);
    if (sym) out.set(name, sym);
  };
  const putBinding = (name: string, at: JNode): void => {
    const b = r.lookup(name, at);
    if (!b) return;
    const v = r.evalBinding(b, 0);
    const sym = symbolOf(checker, v, urls);
    if (sym) out.set(name, sym);
  };
  for (const stmt of ast.root.children) {
    if (stmt.type === 'export_statement') {
      const decl = child(stmt, 'declaration');
      const isDefault = stmt.children.some((c) => !c.named && text(ast, c) === 'default') || /^export\s+default\b/.test(text(ast, stmt));
      if (decl) {
        if (decl.type === 'function_declaration' || decl.type === 'generator_function_declaration') {
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
              const sym = symbolOf(checker, r.evalBinding(b, 0), urls);
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
            const sym = symbolOf(checker, r.returnVal(p, 0), urls);
            if (sym) out.set(key, { ...sym, factory: true });
          }
        }
      }
    } else put('default', right);
  }
  return out;
}

/** What a value holds, as another module would see it (a function: what it returns, as a factory). */
function symbolOf(checker: Checker, v: Val, urls: { test(url: string): boolean }, factory = false): ExternalSymbol | undefined {
  const r = checker.r;
  switch (v.k) {
    case 'fn':
      return factory ? undefined : symbolOf(checker, r.returnVal(v.node, 0), urls, true);
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
          for (const c of v.cfg) {
            const cv = r.eval(c);
            const base = cv.k === 'objlit' ? r.objProp(cv.node, key) : undefined;
            const bv = base ? r.eval(base) : undefined;
            if (bv?.k === 'str') url = bv.s;
          }
          return { kind: 'http-client', factory, ...(timeout !== undefined ? { timeout } : {}), ...(url !== undefined ? { url } : {}) };
        }
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}
