// What a Python fallback needs to know about the function around a predict call: its parameters (to pass them on),
// whether it is a method or a generator, and a placeholder of the type it returns (from its annotation, else from
// what its return statements build), so the fallback's answer is something callers can use.
import type { Node, Tree } from 'web-tree-sitter';
import { pyDefaultForAnnotation, pyDefaultForExpression } from '../../scaffold/idioms';

export interface PyFunction {
  node: Node;
  name: string;
  isAsync: boolean;
  /** The body yields: the fallback's items are yielded instead of returned. */
  isGenerator: boolean;
  /** The function's body block. */
  body: Node;
  /** Parameter list for the fallback's `def` (names only; self/cls left out). */
  defParams: string;
  /** Arguments that pass the parameters on, in the same forms. */
  callArgs: string;
  /** Return annotation text, if any. */
  returns: string | undefined;
  /** The module-level statement that contains the function (where the fallback def goes after). */
  topLevel: Node;
}

const NESTED = new Set(['function_definition', 'lambda', 'class_definition']);

function* walk(node: Node, skipNested: boolean): Generator<Node> {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    yield n;
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i);
      if (c && !(skipNested && NESTED.has(c.type))) stack.push(c);
    }
  }
}

/** The innermost function definition around `node` (lambdas do not count), or undefined at module level. */
export function enclosingFunction(node: Node): PyFunction | undefined {
  let fn: Node | null = node.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  if (!fn) return undefined;
  const body = fn.childForFieldName('body');
  const nameNode = fn.childForFieldName('name');
  const params = fn.childForFieldName('parameters');
  if (!body || !nameNode || !params) return undefined;
  let top: Node = fn;
  while (top.parent && top.parent.type !== 'module') top = top.parent;
  const holder = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  const inClass = holder.parent?.type === 'block' && holder.parent.parent?.type === 'class_definition';
  const decorators = holder.type === 'decorated_definition' ? holder.namedChildren.filter((c) => c?.type === 'decorator').map((c) => c?.text ?? '') : [];
  const isStatic = decorators.some((d) => /staticmethod\b/.test(d));
  const { defParams, callArgs } = parameterForms(params, inClass && !isStatic);
  let isGenerator = false;
  for (const n of walk(body, true)) {
    if (n.type === 'yield') {
      isGenerator = true;
      break;
    }
  }
  return {
    node: fn,
    name: nameNode.text,
    isAsync: fn.children.some((c) => c?.type === 'async'),
    isGenerator,
    body,
    defParams,
    callArgs,
    returns: fn.childForFieldName('return_type')?.text,
    topLevel: top,
  };
}

function parameterForms(params: Node, dropFirst: boolean): { defParams: string; callArgs: string } {
  const defs: string[] = [];
  const calls: string[] = [];
  let keywordOnly = false;
  let first = true;
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'comment') continue;
    if (p.type === 'positional_separator') continue;
    if (p.type === 'keyword_separator') {
      keywordOnly = true;
      defs.push('*');
      continue;
    }
    const skip = first && dropFirst;
    first = false;
    if (skip) continue;
    if (p.type === 'list_splat_pattern' || (p.type === 'typed_parameter' && p.namedChild(0)?.type === 'list_splat_pattern')) {
      const name = nameOf(p);
      defs.push(`*${name}`);
      calls.push(`*${name}`);
      keywordOnly = true;
      continue;
    }
    if (p.type === 'dictionary_splat_pattern' || (p.type === 'typed_parameter' && p.namedChild(0)?.type === 'dictionary_splat_pattern')) {
      const name = nameOf(p);
      defs.push(`**${name}`);
      calls.push(`**${name}`);
      continue;
    }
    const name = nameOf(p);
    if (!name) continue;
    defs.push(name);
    calls.push(keywordOnly ? `${name}=${name}` : name);
  }
  // A bare `*` with nothing after it is not valid Python.
  if (defs[defs.length - 1] === '*') defs.pop();
  return { defParams: defs.join(', '), callArgs: calls.join(', ') };
}

function nameOf(p: Node): string {
  if (p.type === 'identifier') return p.text;
  const named = p.childForFieldName('name');
  if (named) return named.text;
  for (const n of walk(p, false)) if (n.type === 'identifier') return n.text;
  return '';
}

/** Whether a module-level name is bound (def, class, assignment or import). */
export function moduleBinds(tree: Tree, name: string): boolean {
  for (const st of tree.rootNode.namedChildren) {
    if (!st) continue;
    const def = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if ((def?.type === 'function_definition' || def?.type === 'class_definition') && def.childForFieldName('name')?.text === name) return true;
    if (st.type === 'expression_statement') {
      const a = st.namedChild(0);
      if (a?.type === 'assignment' && new RegExp(`(?:^|[\\s,(])${name}(?:$|[\\s,)])`).test(a.childForFieldName('left')?.text ?? '')) return true;
    }
    if ((st.type === 'import_statement' || st.type === 'import_from_statement') && new RegExp(`\\b${name}\\b`).test(st.text)) return true;
  }
  return false;
}

/** Keyword arguments constructing a class of this module with placeholder values, for dataclasses, pydantic models, NamedTuples and TypedDicts. */
export function classPlaceholder(tree: Tree, name: string, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  for (const st of tree.rootNode.namedChildren) {
    if (!st) continue;
    const holder = st;
    const cls = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (cls?.type !== 'class_definition' || cls.childForFieldName('name')?.text !== name) continue;
    const decorators = holder.type === 'decorated_definition' ? holder.text.slice(0, (cls.startIndex - holder.startIndex)) : '';
    const bases = cls.childForFieldName('superclasses')?.text ?? '';
    const typedDict = /\bTypedDict\b/.test(bases);
    const recordLike = typedDict || /\bdataclass\b/.test(decorators) || /\b(?:BaseModel|NamedTuple|Struct|BaseSettings)\b/.test(bases);
    if (!recordLike) return undefined;
    const body = cls.childForFieldName('body');
    const fields: string[] = [];
    for (const s of body?.namedChildren ?? []) {
      if (s?.type !== 'expression_statement') continue;
      const a = s.namedChild(0);
      if (a?.type !== 'assignment') continue;
      const left = a.childForFieldName('left');
      const type = a.childForFieldName('type');
      if (left?.type !== 'identifier' || !type) continue;
      if (a.childForFieldName('right') && !typedDict) continue;
      const value = pyDefaultForAnnotation(type.text, (n) => classPlaceholder(tree, n, depth + 1)) ?? 'None';
      fields.push(typedDict ? `"${left.text}": ${value}` : `${left.text}=${value}`);
    }
    return typedDict ? `{${fields.join(', ')}}` : `${name}(${fields.join(', ')})`;
  }
  return undefined;
}

/** A placeholder of what the function returns: from its annotation, else from its last `return <value>`. */
export function returnPlaceholder(fn: PyFunction, tree: Tree): string {
  const classes = (n: string) => classPlaceholder(tree, n);
  const lastReturn = lastReturnValue(fn);
  // A constant answer (`return "standard-queue"`) is the function's own default: the fallback gives it too.
  if (lastReturn && !fn.isGenerator && /^(?:True|False|-?\d+(?:\.\d+)?|[rRbBuU]?(?:'[^'\\\n{}]*'|"[^"\\\n{}]*"))$/.test(lastReturn.text)) return lastReturn.text;
  if (fn.isGenerator) return '[]';
  const shaped = lastReturn ? placeholderOf(lastReturn, fn, tree, 0) : undefined;
  const typed = fn.returns ? pyDefaultForAnnotation(fn.returns, classes) : undefined;
  // `-> dict` says less than `return {"approve": …, "default_probability": …}`: the keys are kept.
  if (typed && !(shaped && (typed === '{}' || typed === '[]') && shaped[0] === typed[0] && shaped.length > 2)) return typed;
  const found = lastReturn ? shaped : undefined;
  // Nothing in the function says: what its callers in this file read from the answer does (`output[0][0]["label"]`).
  return found && found !== 'None' ? found : (callerShape(fn, tree) ?? found ?? 'None');
}

/**
 * A placeholder shaped for how this file's callers of `fn` read its answer: unpacked into n names, a tuple of n;
 * indexed (`out = query(x)` … `out[0][0]["label"]`, `out[0][0]["score"] > 0.5`), nested lists and dicts holding every
 * item read, each `0.0` when it is compared or computed with, `""` when a string method is called on it, else `None`.
 */
export function callerShape(fn: PyFunction, tree: Tree): string | undefined {
  const name = fn.name;
  const root: Shape = { keys: new Map(), leaf: undefined };
  let reads = 0;
  for (const n of walk(tree.rootNode, false)) {
    if (n.type !== 'call' || n.childForFieldName('function')?.text !== name || (n.startIndex >= fn.node.startIndex && n.endIndex <= fn.node.endIndex)) continue;
    const parent = n.parent;
    const left = parent?.type === 'assignment' && parent.childForFieldName('right')?.id === n.id ? parent.childForFieldName('left') : undefined;
    if (left && (left.type === 'pattern_list' || left.type === 'tuple_pattern')) return `(${Array(left.namedChildCount).fill('None').join(', ')})`;
    // The reads: of the call itself, or of the name it is assigned to, after it and in the same scope.
    const heads: Node[] = [n];
    if (left?.type === 'identifier') {
      for (const m of walk(scopeOf(n), true)) if (m.type === 'identifier' && m.text === left.text && m.startIndex > n.endIndex) heads.push(m);
    }
    for (const h of heads) {
      let at = root;
      let cur: Node = h;
      let depth = 0;
      while (cur.parent?.type === 'subscript' && cur.parent.childForFieldName('value')?.id === cur.id) {
        const key = cur.parent.childForFieldName('subscript');
        if (!key || !/^(?:-?\d+|[rRuU]?(?:'[^'\\\n]*'|"[^"\\\n]*"))$/.test(key.text)) break;
        const k = /^-?\d+$/.test(key.text) ? key.text : `"${key.text.replace(/^[rRuU]?["']|["']$/g, '')}"`;
        let next = at.keys.get(k);
        if (!next) at.keys.set(k, (next = { keys: new Map(), leaf: undefined }));
        at = next;
        cur = cur.parent;
        depth++;
      }
      if (depth === 0) continue;
      reads++;
      const up = cur.parent;
      const value = up && (up.type === 'comparison_operator' || up.type === 'binary_operator' || (up.type === 'call' && /^(?:float|int|round)$/.test(up.childForFieldName('function')?.text ?? ''))) ? '0.0'
        : up?.type === 'attribute' && /^(?:lower|upper|strip|split|replace|startswith|endswith|title)$/.test(up.childForFieldName('attribute')?.text ?? '') ? '""' : undefined;
      if (value && at.keys.size === 0) at.leaf = value;
    }
  }
  return reads > 0 ? render(root) : undefined;
}

interface Shape {
  keys: Map<string, Shape>;
  leaf: string | undefined;
}

/** A shape as a Python literal: list indexes make a list (its items one merged shape), string keys a dict. */
function render(s: Shape): string | undefined {
  if (s.keys.size === 0) return s.leaf ?? 'None';
  const keys = [...s.keys.keys()];
  const indexes = keys.filter((k) => /^-?\d+$/.test(k));
  if (indexes.length > 0 && indexes.length < keys.length) return undefined;
  if (indexes.length === 0) {
    const fields: string[] = [];
    for (const [k, v] of s.keys) {
      const r = render(v);
      if (r === undefined) return undefined;
      fields.push(`${k}: ${r}`);
    }
    return `{${fields.join(', ')}}`;
  }
  const item: Shape = { keys: new Map(), leaf: undefined };
  for (const v of s.keys.values()) merge(item, v);
  const r = render(item);
  if (r === undefined) return undefined;
  const length = Math.max(1, ...indexes.map((k) => Number(k) + 1));
  return `[${Array(length).fill(r).join(', ')}]`;
}

function merge(into: Shape, from: Shape): void {
  into.leaf ??= from.leaf;
  for (const [k, v] of from.keys) {
    let t = into.keys.get(k);
    if (!t) into.keys.set(k, (t = { keys: new Map(), leaf: undefined }));
    merge(t, v);
  }
}

/** The function or module whose names a node reads. */
function scopeOf(n: Node): Node {
  let p: Node | null = n.parent;
  while (p && p.type !== 'function_definition' && p.type !== 'module') p = p.parent;
  return p ?? n;
}

/** The value of the function's last `return <value>` (nested functions excluded). */
function lastReturnValue(fn: PyFunction): Node | undefined {
  let last: Node | undefined;
  for (const n of walk(fn.body, true)) if (n.type === 'return_statement' && n.namedChildCount > 0 && (!last || n.startIndex > last.startIndex)) last = n;
  return last?.namedChild(0) ?? undefined;
}

function placeholderOf(value: Node, fn: PyFunction, tree: Tree, depth: number): string | undefined {
  if (value.type === 'identifier' && depth < 4) {
    // The value of a local: its last assignment before the return.
    let found: Node | undefined;
    for (const n of walk(fn.body, true)) {
      if (n.type !== 'assignment' || n.startIndex > value.startIndex) continue;
      if (n.childForFieldName('left')?.text === value.text) found = !found || n.startIndex > found.startIndex ? n : found;
    }
    const typed = found?.childForFieldName('type');
    if (typed) {
      const t = pyDefaultForAnnotation(typed.text, (n) => classPlaceholder(tree, n));
      if (t) return t;
    }
    const right = found?.childForFieldName('right');
    return right ? placeholderOf(right, fn, tree, depth + 1) : undefined;
  }
  if (value.type === 'call') {
    const callee = value.childForFieldName('function')?.text ?? '';
    const cls = classPlaceholder(tree, callee);
    if (cls) return cls;
  }
  return pyDefaultForExpression(value.text);
}
