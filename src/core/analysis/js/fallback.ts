// What a JavaScript/TypeScript fallback needs to know about the function around a predict call: a name, its
// parameters (to pass them on), whether it answers through a response object (Express/Next.js `res`), and a
// placeholder of what it returns (from its declared type, else from what its return statements build).
import { jsDefaultForExpression, jsDefaultForType, jsFallbackName, jsObjectTypeDefaults } from '../../scaffold/idioms';
import { type Ast, child, enclosingFunction, errorFirstAnswer, type JNode, namedKids, paramNames, paramNodes, propName, stringValue, subtree, text, unwrap } from './ast';

export interface JsFunction {
  node: JNode;
  /** The function's name, or one derived from where it is assigned or registered (`prediction` when nothing names it). */
  name: string;
  /** Nothing names it (a callback passed inline): `name` is the default. */
  anonymous: boolean;
  isAsync: boolean;
  isGenerator: boolean;
  /** statement_block, or the expression of an expression-bodied arrow. */
  body: JNode;
  /** Parameter list text for the fallback (types kept in TypeScript). */
  defParams: string;
  /** Arguments passing the parameters on. */
  callArgs: string;
  /** Declared return type (without `:`), if any. */
  returns: string | undefined;
  /** The program-level statement holding the function (the fallback goes after it). */
  topLevel: JNode;
  /** A parameter used as an HTTP response (`res.json(…)`), with the call that answers. */
  response: { param: string; call: JNode } | undefined;
  /**
   * An error-first continuation the function answers through (`done(null, { label })`): a parameter of the function or,
   * for a callback, of a function around it, with the answer it is given. A fallback that returns instead of calling
   * it would leave the caller waiting.
   */
  continuation: { param: string; value: JNode } | undefined;
}

/** The innermost function around `node`, or undefined at the top level. */
export function jsFunctionOf(ast: Ast, node: JNode): JsFunction | undefined {
  const fn = enclosingFunction(node);
  if (!fn) return undefined;
  const body = child(fn, 'body');
  if (!body) return undefined;
  let top: JNode = fn;
  while (top.parent && top.parent.type !== 'program') top = top.parent;
  if (top.parent?.type !== 'program') return undefined;
  const params = paramNodes(fn);
  const defs: string[] = [];
  const calls: string[] = [];
  const names: string[] = [];
  for (const p of params) {
    if (p.type === 'comment') continue;
    const pattern = child(p, 'pattern') ?? p;
    const arg = argumentFor(ast, pattern.type === 'assignment_pattern' ? (child(pattern, 'left') ?? pattern) : pattern);
    if (arg === undefined) return undefined;
    calls.push(arg);
    // The parameter as declared (its type, and its default, which TypeScript may infer the type from).
    defs.push(text(ast, p).replace(/\s*\n\s*/g, ' '));
    if (pattern.type === 'identifier') names.push(text(ast, pattern));
  }
  let isGenerator = fn.children.some((c) => c.type === '*');
  if (!isGenerator && body.type === 'statement_block') isGenerator = subtree(ast, body).some((n) => n.type === 'yield_expression' && enclosingFunction(n) === fn);
  const returnType = child(fn, 'return_type');
  const name = nameOf(ast, fn);
  return {
    node: fn,
    name: name ?? 'prediction',
    anonymous: name === undefined,
    isAsync: fn.children.some((c) => c.type === 'async'),
    isGenerator,
    body,
    defParams: defs.join(', '),
    callArgs: calls.join(', '),
    returns: returnType ? text(ast, returnType).replace(/^:\s*/, '') : undefined,
    topLevel: top,
    response: responseOf(ast, fn, body, names),
    continuation: continuationOf(ast, fn, body),
  };
}

/**
 * The last `k(null, value)` in the function, also in the callbacks it hands on (`.then((body) => callback(null, …))`),
 * where `k` is a parameter of it or of a function around it (and no callback in between names a parameter so).
 */
function continuationOf(ast: Ast, fn: JNode, body: JNode): JsFunction['continuation'] {
  if (body.type !== 'statement_block') return undefined;
  const params = new Set<string>();
  for (let f: JNode | undefined = fn; f; f = enclosingFunction(f)) for (const p of paramNames(ast, f)) params.add(p);
  const shadows = (n: JNode, name: string): boolean => {
    for (let f = enclosingFunction(n); f && f !== fn; f = enclosingFunction(f)) if (f.type === 'function_declaration' || paramNames(ast, f).includes(name)) return true;
    return false;
  };
  let found: JsFunction['continuation'];
  for (const n of subtree(ast, body)) {
    if (n.type !== 'call_expression') continue;
    const answer = errorFirstAnswer(ast, n);
    if (!answer || !params.has(answer.param) || shadows(n, answer.param)) continue;
    const value = namedKids(child(n, 'arguments') ?? n)[1];
    if (value) found = { param: answer.param, value };
  }
  return found;
}

/** The expression that passes a parameter on: its name, or the object/array rebuilt from a destructuring pattern. */
function argumentFor(ast: Ast, p: JNode): string | undefined {
  switch (p.type) {
    case 'identifier':
    case 'this':
      return text(ast, p);
    case 'rest_pattern': {
      const inner = namedKids(p)[0];
      return inner?.type === 'identifier' ? `...${text(ast, inner)}` : undefined;
    }
    case 'object_pattern': {
      const parts: string[] = [];
      for (const c of namedKids(p)) {
        if (c.type === 'shorthand_property_identifier_pattern') parts.push(text(ast, c));
        else if (c.type === 'object_assignment_pattern') {
          const left = child(c, 'left');
          if (!left) return undefined;
          parts.push(text(ast, left));
        } else if (c.type === 'pair_pattern') {
          const key = child(c, 'key');
          const value = child(c, 'value');
          const inner = value ? argumentFor(ast, value.type === 'assignment_pattern' ? (child(value, 'left') ?? value) : value) : undefined;
          if (!key || inner === undefined) return undefined;
          parts.push(`${text(ast, key)}: ${inner}`);
        } else if (c.type === 'rest_pattern') {
          const inner = namedKids(c)[0];
          if (inner?.type !== 'identifier') return undefined;
          parts.push(`...${text(ast, inner)}`);
        } else return undefined;
      }
      return `{ ${parts.join(', ')} }`.replace('{  }', '{}');
    }
    case 'array_pattern': {
      const parts: string[] = [];
      for (const c of namedKids(p)) {
        const inner = argumentFor(ast, c.type === 'assignment_pattern' ? (child(c, 'left') ?? c) : c);
        if (inner === undefined) return undefined;
        parts.push(inner);
      }
      return `[${parts.join(', ')}]`;
    }
    default:
      return undefined;
  }
}

/** The name a function is declared or bound with (`function f`, `const f = …`, a method, an object key, a route's path). */
export function nameOf(ast: Ast, fn: JNode): string | undefined {
  const own = child(fn, 'name');
  if (own) return text(ast, own);
  const holder = fn.parent;
  if (!holder) return undefined;
  if (holder.type === 'variable_declarator') {
    const n = child(holder, 'name');
    if (n?.type === 'identifier') return text(ast, n);
  }
  if (holder.type === 'pair') return propName(ast, child(holder, 'key'));
  if (holder.type === 'assignment_expression') {
    const left = child(holder, 'left');
    if (left) return propName(ast, child(left, 'property')) ?? (left.type === 'identifier' ? text(ast, left) : undefined);
  }
  if (holder.type === 'arguments') {
    // A route handler (`app.post('/predict', async (req, res) => …)`): named after its path.
    const route = namedKids(holder).map((a) => stringValue(ast, unwrap(a))).find((s) => s !== undefined);
    const words = (route ?? '').split(/[^A-Za-z0-9]+/).filter(Boolean);
    // Another callback inside a named function (a loader's `(err, model) => …` in `intentOf`) answers for that
    // function: named after it.
    const outer = route?.startsWith('/') ? undefined : enclosingFunction(fn);
    const outerName = outer ? nameOf(ast, outer) : undefined;
    if (outerName !== undefined) return outerName;
    if (words.length > 0) return `${words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1))).join('')}Handler`;
  }
  return undefined;
}

/** A parameter the function answers through (`res.json(...)`, `res.status(500).send(...)`), with its last such call. */
function responseOf(ast: Ast, fn: JNode, body: JNode, params: string[]): JsFunction['response'] {
  if (params.length === 0 || body.type !== 'statement_block') return undefined;
  let found: JsFunction['response'];
  for (const n of subtree(ast, body)) {
    if (n.type !== 'call_expression' || enclosingFunction(n) !== fn) continue;
    const f = child(n, 'function');
    if (f?.type !== 'member_expression') continue;
    const method = propName(ast, child(f, 'property'));
    // Sending a body (`res.json({…})`), not reading one (`request.json()`).
    if ((method !== 'json' && method !== 'send') || namedKids(child(n, 'arguments') ?? n).length === 0) continue;
    let recv = child(f, 'object');
    // res.status(200).json(…)
    if (recv?.type === 'call_expression') {
      const g = child(recv, 'function');
      recv = g?.type === 'member_expression' && propName(ast, child(g, 'property')) === 'status' ? child(g, 'object') : undefined;
    }
    if (recv?.type === 'identifier' && params.includes(text(ast, recv))) found = { param: text(ast, recv), call: n };
  }
  return found;
}

/** Defaults for an interface or object type alias declared in this file. */
function typeFieldsOf(ast: Ast, name: string, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  for (const n of ast.nodes) {
    if (n.type !== 'interface_declaration' && n.type !== 'type_alias_declaration') continue;
    const id = child(n, 'name');
    if (!id || text(ast, id) !== name) continue;
    const body = n.type === 'interface_declaration' ? child(n, 'body') : child(n, 'value');
    if (!body) return undefined;
    const t = text(ast, body).trim();
    if (n.type === 'interface_declaration' || /^\{/.test(t)) return jsObjectTypeDefaults(t.replace(/^\{|\}$/g, ''), (m) => typeFieldsOf(ast, m, depth + 1));
    return jsDefaultForType(t, (m) => typeFieldsOf(ast, m, depth + 1));
  }
  return undefined;
}

export interface JsPlaceholder {
  /** The expression the fallback returns. */
  value: string;
  /** The fallback's declared return type in TypeScript (the function's, without Promise), if known. */
  type: string | undefined;
}

/** What the fallback returns: a value of the function's declared type, or shaped like its last return value. */
export function jsReturnPlaceholder(ast: Ast, fn: JsFunction, ts: boolean): JsPlaceholder {
  const fields = (n: string) => typeFieldsOf(ast, n);
  const declared = fn.returns && !fn.isGenerator ? fn.returns.replace(/^Promise\s*<([\s\S]*)>$/, '$1').trim() : undefined;
  const fromType = declared ? jsDefaultForType(declared, fields) : undefined;
  const type = ts && declared ? declared : undefined;
  if (fn.isGenerator) return { value: '[]', type: undefined };
  if (fn.response) {
    const callText = text(ast, fn.response.call).replace(/\s*\n\s*/g, ' ');
    const value = jsDefaultForExpression(callText) ?? `${fn.response.param}.status(503).json({ error: 'prediction unavailable' })`;
    return { value, type: undefined };
  }
  // Answered through a continuation: a value shaped like the one it is given (`done(null, { label })`).
  if (fn.continuation) return { value: placeholderOf(ast, fn, fn.continuation.value, 0) ?? 'null', type: undefined };
  const last = lastReturn(ast, fn);
  const shaped = last ? placeholderOf(ast, fn, last, 0) : undefined;
  // `Promise<Record<string, number>>` says less than `return { score, label }`: the keys are kept.
  if (fromType && !(shaped && (fromType === '{}' || fromType === '[]') && shaped[0] === fromType[0] && shaped.length > 2)) return { value: fromType, type };
  if (!last) return { value: 'undefined', type };
  return { value: shaped ?? 'null', type };
}

function lastReturn(ast: Ast, fn: JsFunction): JNode | undefined {
  if (fn.body.type !== 'statement_block') return fn.body;
  let found: JNode | undefined;
  for (const n of subtree(ast, fn.body)) {
    if (n.type === 'return_statement' && enclosingFunction(n) === fn.node) {
      const v = namedKids(n)[0];
      if (v) found = v;
    }
  }
  return found;
}

function placeholderOf(ast: Ast, fn: JsFunction, value: JNode, depth: number): string | undefined {
  const v = unwrap(value);
  if (v.type === 'identifier' && depth < 4) {
    const name = text(ast, v);
    let decl: JNode | undefined;
    for (const n of subtree(ast, fn.body)) {
      if (n.start > v.start) break;
      if (n.type === 'variable_declarator' && child(n, 'name')?.type === 'identifier' && text(ast, child(n, 'name') as JNode) === name) decl = n;
    }
    const type = decl ? child(decl, 'type') : undefined;
    if (type) {
      const t = jsDefaultForType(text(ast, type).replace(/^:\s*/, ''), (m) => typeFieldsOf(ast, m));
      if (t) return t;
    }
    const init = decl ? child(decl, 'value') : undefined;
    return init ? placeholderOf(ast, fn, init, depth + 1) : undefined;
  }
  return jsDefaultForExpression(text(ast, v).replace(/\s*\n\s*/g, ' '));
}

/** A fresh top-level name for the fallback of `fn`. */
export function fallbackNameFor(fn: JsFunction, taken: (name: string) => boolean): string {
  const base = jsFallbackName(fn.name);
  let name = base;
  for (let i = 2; taken(name) && i < 100; i++) name = `${base}${i}`;
  return name;
}

