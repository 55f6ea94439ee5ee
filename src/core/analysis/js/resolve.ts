// Scopes, bindings and a small abstract evaluator: what an expression is (a module member, an inference session, an
// axios instance, a string URL…), following in-file aliases, imports (ESM, require, dynamic import), destructuring,
// assignments, class fields (`this.session = …`) and the return values of in-file functions.
import type { ExternalSymbol, SourceContext, WrappedCall } from '../types';
import { type Ast, child, CLASS_TYPES, enclosingFunction, FUNCTION_TYPES, type JNode, namedKids, propName, stringValue, subtree, text, unwrap } from './ast';
import { AWS_AI_COMMANDS, AWS_AI_RE, BEDROCK_COMMANDS, BEDROCK_RE, FETCH_MODULES, HF_RE, isTfModelsFactory, localModelLib, normalizeModule, ORT_RE, SCRIPT_GLOBALS, type SdkName, SDKS, sdkOfModule, SM_RE, TF_LOADERS, TF_MODELS_RE, TFJS_RE } from './libs';

export type ObjKind =
  | 'ort-session'
  | 'hf-pipeline'
  | 'tf-model'
  | 'axios-instance'
  | 'got-instance'
  | 'sm-client'
  | 'sm-command'
  | 'bedrock-command'
  /** An AWS AI service's inference command (`new DetectSentimentCommand(…)`): `task` the command, `pkg` the service. */
  | 'aws-ai-command'
  | 'llm-client'
  | 'sm-runtime'
  | 'sm-v2'
  | 'abort-controller'
  | 'pickle-parser'
  /** A model of a local ML library (natural, brain.js, ml.js; see LOCAL_MODEL_LIBS): `pkg` the module, `task` the class. */
  | 'local-model';

export type Val =
  | { k: 'mod'; mod: string; path: string[] }
  | {
      k: 'obj';
      what: ObjKind;
      /** Constructor / factory options (where a timeout would be set). */
      cfg: JNode[];
      task?: string;
      pkg?: string;
      /** Known only from a type annotation (its configuration is not visible). */
      typed?: boolean;
      node?: JNode;
      /** llm-client: which SDK, and the member path taken from the client so far (`chat.completions`). */
      sdk?: SdkName;
      path?: string[];
      /** Defined in another module of the workspace: what its summary says. */
      ext?: ExternalSymbol;
      /** tf-model: the loader's arguments (`toxicity.load(threshold)`). */
      loadArgs?: JNode[];
    }
  | { k: 'str'; s: string }
  | { k: 'objlit'; node: JNode }
  | { k: 'arrlit'; node: JNode }
  | { k: 'fn'; node: JNode }
  | { k: 'class'; node: JNode }
  | { k: 'inst'; cls: JNode }
  /** A function exported by another workspace module whose return value is known (`getSession()`). */
  | { k: 'factory'; ext: ExternalSymbol }
  /**
   * A function of another workspace module that runs a model and returns the prediction (`wraps`), or an object whose
   * methods do (`methods`: an instance of such a class).
   */
  | { k: 'wrapper'; wraps?: WrappedCall; methods?: Record<string, WrappedCall> }
  | { k: 'unknown' };

export const UNKNOWN: Val = { k: 'unknown' };

type PathEl = string | number;

interface Def {
  expr?: JNode;
  path: PathEl[];
  mod?: string;
  modPath?: string[];
  /** A namespace import or a require: members are the module's exports. */
  ns?: boolean;
  fn?: JNode;
  cls?: JNode;
  type?: JNode;
  /** A React state value: what its setter is called with. */
  setter?: Binding;
  /** A parameter: its position in `owner`'s parameters (the value comes from the function's in-file callers). */
  param?: number;
  owner?: JNode;
}

export interface Binding {
  name: string;
  scope: JNode;
  decl: JNode;
  kind: 'var' | 'param' | 'import' | 'function' | 'class' | 'catch' | 'global';
  defs: Def[];
}

interface ClassInfo {
  fields: Map<string, { values: JNode[]; types: JNode[] }>;
  methods: Map<string, JNode>;
}

/** Globals the evaluator knows by name when nothing in the file binds them (jQuery's `$` from a script tag too). */
const GLOBAL_NAMES = new Set(['$', 'jQuery', 'fetch', '$fetch', 'URL', 'AbortController', 'AbortSignal', 'Promise', 'Math', 'require', 'console', 'JSON', 'Array', 'Object', 'createError']);



export class Resolver {
  readonly scopes = new Map<JNode, Map<string, Binding>>();
  readonly classes = new Map<JNode, ClassInfo>();
  /** identifier nodes by name. */
  readonly idents = new Map<string, JNode[]>();
  /** member_expression nodes by property name. */
  readonly members = new Map<string, JNode[]>();
  readonly calls: JNode[] = [];
  readonly news: JNode[] = [];
  /** Modules the file imports or requires. */
  readonly modules = new Set<string>();
  private readonly memo = new Map<number, Val>();
  private readonly returnsMemo = new Map<number, Val>();
  private readonly globals = new Map<string, Binding>();
  /** `obj.prop = value` on plain bindings (React refs, module-level holders): binding → property → values. */
  private readonly memberDefs = new Map<Binding, Map<string, Def[]>>();

  /** The function (or program) whose bindings `n` sees first. */
  scopeOf(n: JNode): JNode {
    return n.fn ?? this.ast.root;
  }

  constructor(
    readonly ast: Ast,
    readonly context: SourceContext = {},
  ) {
    const pending: JNode[] = [];
    const refDecls: JNode[] = [];
    for (const n of ast.nodes) {
      switch (n.type) {
        case 'identifier': {
          const name = text(ast, n);
          let list = this.idents.get(name);
          if (!list) this.idents.set(name, (list = []));
          list.push(n);
          if (n.parent?.type === 'arrow_function' && n.field === 'parameter') this.declare(n.parent, name, n, 'param', [...this.thenParamDefs(n.parent), { path: [], param: 0, owner: n.parent }]);
          break;
        }
        case 'property_identifier':
        case 'private_property_identifier':
          if (n.parent?.type === 'member_expression' && n.field === 'property') {
            const name = text(ast, n);
            let list = this.members.get(name);
            if (!list) this.members.set(name, (list = []));
            list.push(n.parent);
          }
          break;
        case 'variable_declarator': {
          const name = child(n, 'name');
          if (name) this.bindPattern(this.scopeOf(n), name, { expr: child(n, 'value'), path: [], type: child(n, 'type') }, 'var');
          if ((name?.type === 'identifier' || name?.type === 'array_pattern') && child(n, 'value')?.type === 'call_expression') refDecls.push(n);
          break;
        }
        case 'import_statement':
          this.collectImport(n);
          break;
        case 'function_declaration':
        case 'generator_function_declaration': {
          const name = child(n, 'name');
          if (name) this.declare(this.scopeOf(n), text(ast, name), name, 'function', [{ fn: n, path: [] }]);
          break;
        }
        case 'class_declaration':
        case 'abstract_class_declaration': {
          const name = child(n, 'name');
          if (name) this.declare(this.scopeOf(n), text(ast, name), name, 'class', [{ cls: n, path: [] }]);
          this.classInfo(n);
          break;
        }
        case 'class':
          this.classInfo(n);
          break;
        case 'formal_parameters': {
          const fn = n.parent;
          if (!fn) break;
          const thenDefs = this.thenParamDefs(fn);
          namedKids(n).forEach((p, i) => {
            const expr = i === 0 ? thenDefs[0]?.expr : i === 1 ? this.loaderOfCallback(fn) : undefined;
            if (p.type === 'required_parameter' || p.type === 'optional_parameter') {
              const pat = child(p, 'pattern') ?? child(p, 'name');
              if (pat && pat.type !== 'this') this.bindPattern(fn, pat, { path: [], type: child(p, 'type'), expr, param: i, owner: fn }, 'param');
              // constructor(private session: InferenceSession): a class field.
              const cls = fn.type === 'method_definition' && propName(ast, child(fn, 'name')) === 'constructor' ? fn.parent?.parent : undefined;
              const type = child(p, 'type');
              if (cls && CLASS_TYPES.has(cls.type) && pat?.type === 'identifier' && p.children.some((c) => c.type === 'accessibility_modifier' || c.type === 'override_modifier' || (!c.named && text(ast, c) === 'readonly'))) {
                if (type) this.field(cls, text(ast, pat)).types.push(type);
              }
            } else this.bindPattern(fn, p, { path: [], expr, param: i, owner: fn }, 'param');
          });
          break;
        }
        case 'catch_clause': {
          const p = child(n, 'parameter');
          if (p) this.bindPattern(this.scopeOf(n), p, { path: [] }, 'catch');
          break;
        }
        case 'for_in_statement': {
          const left = child(n, 'left');
          if (left && child(n, 'kind')) this.bindPattern(this.scopeOf(n), left, { path: [] }, 'var');
          break;
        }
        case 'assignment_expression':
        case 'augmented_assignment_expression':
          pending.push(n);
          break;
        case 'public_field_definition':
        case 'field_definition': {
          const cls = n.parent?.parent;
          const name = propName(ast, child(n, 'name') ?? child(n, 'property'));
          if (cls && name !== undefined && CLASS_TYPES.has(cls.type)) {
            const f = this.field(cls, name);
            const value = child(n, 'value');
            if (value) f.values.push(value);
            const type = child(n, 'type');
            if (type) f.types.push(type);
          }
          break;
        }
        case 'method_definition': {
          const cls = n.parent?.parent;
          const name = propName(ast, child(n, 'name'));
          if (cls && name !== undefined && n.parent?.type === 'class_body' && CLASS_TYPES.has(cls.type)) this.classInfo(cls).methods.set(name, n);
          break;
        }
        case 'call_expression': {
          this.calls.push(n);
          const fn = child(n, 'function');
          if (fn && (fn.type === 'import' || (fn.type === 'identifier' && text(ast, fn) === 'require'))) {
            // require('x'), import('x'), and both branches of require(cond ? 'a' : 'b').
            const arg = namedKids(child(n, 'arguments') ?? n)[0];
            const u = arg ? unwrap(arg) : undefined;
            for (const x of u?.type === 'ternary_expression' ? [child(u, 'consequence'), child(u, 'alternative')] : [u]) {
              const s = x ? stringValue(ast, unwrap(x)) : undefined;
              if (s) this.modules.add(normalizeModule(s));
            }
          }
          break;
        }
        case 'new_expression':
          this.news.push(n);
          break;
        default:
          break;
      }
    }
    for (const a of pending) this.collectAssignment(a);
    for (const d of refDecls) this.collectRef(d);
  }

  /** The first parameter of `p.then((x) => …)` is what the promise `p` resolves to (the evaluator sees through promises). */
  private thenParamDefs(fn: JNode): Def[] {
    let cur = fn;
    while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
    const args = cur.parent;
    const call = args?.parent;
    if (args?.type !== 'arguments' || call?.type !== 'call_expression' || namedKids(args)[0] !== cur) return [];
    const callee = child(call, 'function');
    if (callee?.type !== 'member_expression' || propName(this.ast, child(callee, 'property')) !== 'then') return [];
    const recv = child(callee, 'object');
    return recv ? [{ expr: recv, path: [] }] : [];
  }

  /**
   * The loader call whose error-first callback `fn` is (`BayesClassifier.load(path, stemmer, (err, classifier) => …)`):
   * the callback's second parameter is what the loader restores.
   */
  private loaderOfCallback(fn: JNode): JNode | undefined {
    let cur = fn;
    while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
    const args = cur.parent;
    const call = args?.parent;
    if (args?.type !== 'arguments' || call?.type !== 'call_expression' || args.children[args.children.length - 1] !== cur) return undefined;
    const callee = child(call, 'function');
    return callee?.type === 'member_expression' && /^(?:load|restore)$/.test(propName(this.ast, child(callee, 'property')) ?? '') ? call : undefined;
  }

  private classInfo(cls: JNode): ClassInfo {
    let info = this.classes.get(cls);
    if (!info) this.classes.set(cls, (info = { fields: new Map(), methods: new Map() }));
    return info;
  }

  private field(cls: JNode, name: string): { values: JNode[]; types: JNode[] } {
    const info = this.classInfo(cls);
    let f = info.fields.get(name);
    if (!f) info.fields.set(name, (f = { values: [], types: [] }));
    return f;
  }

  private declare(scope: JNode, name: string, decl: JNode, kind: Binding['kind'], defs: Def[]): Binding {
    let m = this.scopes.get(scope);
    if (!m) this.scopes.set(scope, (m = new Map<string, Binding>()));
    let b = m.get(name);
    if (!b) m.set(name, (b = { name, scope, decl, kind, defs: [] }));
    b.defs.push(...defs);
    return b;
  }

  /** Binds the identifiers of a (possibly destructuring) pattern to paths into `def.expr`. */
  private bindPattern(scope: JNode, pat: JNode, def: Def, kind: Binding['kind'], depth = 0): void {
    if (depth > 20) return;
    const ast = this.ast;
    switch (pat.type) {
      case 'identifier':
      case 'shorthand_property_identifier_pattern':
        this.declare(scope, text(ast, pat), pat, kind, def.expr || def.type || def.param !== undefined ? [def] : []);
        return;
      case 'object_pattern':
        for (const p of namedKids(pat)) {
          if (p.type === 'shorthand_property_identifier_pattern') this.bindPattern(scope, p, { ...def, path: [...def.path, text(ast, p)], type: undefined }, kind, depth + 1);
          else if (p.type === 'pair_pattern') {
            const key = propName(ast, child(p, 'key'));
            const value = child(p, 'value');
            if (value) this.bindPattern(scope, value, key !== undefined ? { ...def, path: [...def.path, key], type: undefined } : { path: [] }, kind, depth + 1);
          } else if (p.type === 'object_assignment_pattern') {
            const left = child(p, 'left');
            if (left) this.bindPattern(scope, left, left.type === 'shorthand_property_identifier_pattern' ? { ...def, type: undefined } : { path: [] }, kind, depth + 1);
          } else if (p.type === 'rest_pattern') {
            const inner = namedKids(p)[0];
            if (inner) this.bindPattern(scope, inner, { path: [] }, kind, depth + 1);
          }
        }
        return;
      case 'array_pattern': {
        let i = 0;
        for (const p of namedKids(pat)) {
          this.bindPattern(scope, p, p.type === 'rest_pattern' ? { path: [] } : { ...def, path: [...def.path, i], type: undefined }, kind, depth + 1);
          i++;
        }
        return;
      }
      case 'assignment_pattern': {
        const left = child(pat, 'left');
        if (left) this.bindPattern(scope, left, def, kind, depth + 1);
        return;
      }
      case 'rest_pattern': {
        const inner = namedKids(pat)[0];
        if (inner) this.bindPattern(scope, inner, { path: [] }, kind, depth + 1);
        return;
      }
      default:
        return;
    }
  }

  private collectImport(n: JNode): void {
    const ast = this.ast;
    const src = child(n, 'source');
    const raw = src ? stringValue(ast, src) : undefined;
    if (raw === undefined) return;
    const mod = normalizeModule(raw);
    this.modules.add(mod);
    const scope = this.scopeOf(n);
    for (const c of namedKids(n)) {
      if (c.type === 'import_require_clause') {
        const id = namedKids(c).find((x) => x.type === 'identifier');
        if (id) this.declare(scope, text(ast, id), id, 'import', [{ mod, modPath: [], path: [], ns: true }]);
      }
      if (c.type !== 'import_clause') continue;
      for (const part of namedKids(c)) {
        if (part.type === 'identifier') this.declare(scope, text(ast, part), part, 'import', [{ mod, modPath: [], path: [] }]);
        else if (part.type === 'namespace_import') {
          const id = namedKids(part).find((x) => x.type === 'identifier');
          if (id) this.declare(scope, text(ast, id), id, 'import', [{ mod, modPath: [], path: [], ns: true }]);
        } else if (part.type === 'named_imports') {
          for (const spec of namedKids(part)) {
            if (spec.type !== 'import_specifier') continue;
            const name = child(spec, 'name');
            const alias = child(spec, 'alias') ?? name;
            if (!name || !alias) continue;
            const imported = propName(ast, name) ?? text(ast, name);
            this.declare(scope, text(ast, alias), alias, 'import', [{ mod, modPath: imported === 'default' ? [] : [imported], path: [] }]);
          }
        }
      }
    }
  }

  private collectAssignment(a: JNode): void {
    const left = child(a, 'left');
    const right = child(a, 'right');
    if (!left || !right) return;
    const l = unwrap(left);
    if (l.type === 'identifier') {
      const name = text(this.ast, l);
      const b = this.lookup(name, l) ?? this.globalBinding(name, l);
      b.defs.push({ expr: right, path: [] });
    } else if (l.type === 'member_expression') {
      const obj = child(l, 'object');
      const prop = propName(this.ast, child(l, 'property'));
      if (!obj || prop === undefined) return;
      const o = unwrap(obj);
      let cls: JNode | undefined;
      if (o.type === 'this') cls = this.thisClass(o);
      else if (o.type === 'identifier') {
        const b = this.lookup(text(this.ast, o), o);
        cls = b?.defs.find((d) => d.cls)?.cls;
        if (b && !cls) this.memberDef(b, prop).push({ expr: right, path: [] });
      }
      if (cls) this.field(cls, prop).values.push(right);
    }
  }

  private memberDef(b: Binding, prop: string): Def[] {
    let m = this.memberDefs.get(b);
    if (!m) this.memberDefs.set(b, (m = new Map<string, Def[]>()));
    let defs = m.get(prop);
    if (!defs) m.set(prop, (defs = []));
    return defs;
  }

  /** `const ref = useRef<T>(init)`: `ref.current` is a T (or what is assigned to it); `const [m, setM] = useState()`: m is what setM is given. */
  private collectRef(decl: JNode): void {
    const name = child(decl, 'name');
    const value = child(decl, 'value');
    if (!name || !value) return;
    const call = unwrap(value);
    if (call.type !== 'call_expression') return;
    const f = child(call, 'function');
    const fname = f ? (f.type === 'identifier' ? text(this.ast, f) : f.type === 'member_expression' ? propName(this.ast, child(f, 'property')) : undefined) : undefined;
    if (name.type === 'array_pattern') {
      if (fname !== 'useState' && fname !== 'useReducer') return;
      const [valueId, setterId] = namedKids(name);
      if (valueId?.type !== 'identifier' || setterId?.type !== 'identifier') return;
      const vb = this.lookup(text(this.ast, valueId), valueId);
      const sb = this.lookup(text(this.ast, setterId), setterId);
      if (!vb || !sb) return;
      const init = argsOf(call)[0];
      const typeArgs = child(call, 'type_arguments');
      vb.defs = [...(init ? [{ expr: init, path: [] }] : []), { path: [], setter: sb }, ...(typeArgs ? [{ path: [], type: typeArgs }] : [])];
      return;
    }
    if (name.type !== 'identifier') return;
    if (fname !== 'useRef' && fname !== 'shallowRef' && fname !== 'ref') return;
    const b = this.lookup(text(this.ast, name), name);
    if (!b) return;
    const init = argsOf(call)[0];
    const typeArgs = child(call, 'type_arguments');
    this.memberDef(b, 'current').push({ path: [], ...(init ? { expr: init } : {}), ...(typeArgs ? { type: typeArgs } : {}) });
    this.memberDef(b, 'value').push({ path: [], ...(init ? { expr: init } : {}), ...(typeArgs ? { type: typeArgs } : {}) });
  }

  private globalBinding(name: string, decl: JNode): Binding {
    let b = this.globals.get(name);
    if (!b) this.globals.set(name, (b = { name, scope: this.ast.root, decl, kind: 'global', defs: [] }));
    return b;
  }

  lookup(name: string, from: JNode): Binding | undefined {
    let scope: JNode | null = this.scopeOf(from);
    for (let i = 0; scope && i < 200; i++) {
      const b = this.scopes.get(scope)?.get(name);
      if (b) return b;
      if (scope.type === 'program' || !scope.parent) break;
      scope = this.scopeOf(scope);
    }
    return this.globals.get(name);
  }

  /** The class `this` refers to at `n` (through arrow functions and methods), if any. */
  thisClass(n: JNode): JNode | undefined {
    const t = this.thisTarget(n);
    return t && CLASS_TYPES.has(t.type) ? t : undefined;
  }

  /** The class or object literal `this` refers to. */
  thisTarget(n: JNode): JNode | undefined {
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'arrow_function') continue;
      if (p.type === 'method_definition' || p.type === 'public_field_definition' || p.type === 'field_definition') {
        const holder = p.parent;
        if (holder?.type === 'class_body') return holder.parent ?? undefined;
        if (holder?.type === 'object') return holder;
        return undefined;
      }
      if (FUNCTION_TYPES.has(p.type) || p.type === 'program') return undefined;
    }
    return undefined;
  }

  /** Whether any binding of `name` visible from `from` exists (i.e. the name is not a global). */
  isBound(name: string, from: JNode): boolean {
    return this.lookup(name, from) !== undefined;
  }

  eval(n: JNode | undefined, depth = 0): Val {
    if (!n || depth > 14) return UNKNOWN;
    const node = unwrap(n);
    const cached = this.memo.get(node.idx);
    if (cached) return cached;
    this.memo.set(node.idx, UNKNOWN);
    let v: Val = UNKNOWN;
    try {
      v = this.evalUncached(node, depth);
    } catch {
      v = UNKNOWN;
    }
    // An unknown found deep in a chain may only be the depth limit: let a shallower evaluation try again.
    if (v.k === 'unknown' && depth > 3) this.memo.delete(node.idx);
    else this.memo.set(node.idx, v);
    return v;
  }

  private evalUncached(n: JNode, depth: number): Val {
    const ast = this.ast;
    switch (n.type) {
      case 'identifier':
      case 'shorthand_property_identifier':
        return this.evalIdent(text(ast, n), n, depth);
      case 'this': {
        const t = this.thisTarget(n);
        if (!t) return UNKNOWN;
        return t.type === 'object' ? { k: 'objlit', node: t } : { k: 'inst', cls: t };
      }
      case 'member_expression': {
        const prop = propName(ast, child(n, 'property'));
        const obj = child(n, 'object');
        if (prop === undefined || !obj) return UNKNOWN;
        const o = unwrap(obj);
        if (o.type === 'identifier') {
          const b = this.lookup(text(ast, o), o);
          const defs = b ? this.memberDefs.get(b)?.get(prop) : undefined;
          if (defs) {
            const v = this.evalDefs(defs, depth);
            if (v.k !== 'unknown') return v;
          }
        }
        return this.applyPath(this.eval(obj, depth + 1), [prop], depth);
      }
      case 'subscript_expression': {
        const obj = child(n, 'object');
        const idx = child(n, 'index');
        if (!obj || !idx) return UNKNOWN;
        const i = unwrap(idx);
        const key = i.type === 'string' ? stringValue(ast, i) : i.type === 'number' ? Number(text(ast, i)) : undefined;
        if (key === undefined || (typeof key === 'number' && !Number.isInteger(key))) return UNKNOWN;
        return this.applyPath(this.eval(obj, depth + 1), [key], depth);
      }
      case 'call_expression':
        return this.evalCall(n, depth);
      case 'new_expression':
        return this.evalNew(n, depth);
      case 'string': {
        const s = stringValue(ast, n);
        return s === undefined ? UNKNOWN : { k: 'str', s };
      }
      case 'template_string': {
        let s = '';
        for (const c of n.children) {
          if (c.type === 'string_fragment' || c.type === 'escape_sequence') s += text(ast, c);
          else if (c.type === 'template_substitution') {
            const v = this.eval(namedKids(c)[0], depth + 1);
            s += v.k === 'str' ? v.s : '${…}';
          }
        }
        // Older grammars keep the literal text of a template outside named nodes.
        if (!n.children.some((c) => c.type === 'string_fragment') && !n.children.some((c) => c.type === 'template_substitution')) s = text(ast, n).slice(1, -1);
        return { k: 'str', s };
      }
      case 'binary_expression': {
        const op = child(n, 'operator');
        const opText = op ? text(ast, op) : '';
        const l = child(n, 'left');
        const r = child(n, 'right');
        if (opText === '+') {
          const lv = this.eval(l, depth + 1);
          const rv = this.eval(r, depth + 1);
          if (lv.k !== 'str' && rv.k !== 'str') return UNKNOWN;
          return { k: 'str', s: (lv.k === 'str' ? lv.s : '${…}') + (rv.k === 'str' ? rv.s : '${…}') };
        }
        if (opText === '??' || opText === '||') {
          const lv = this.eval(l, depth + 1);
          return lv.k !== 'unknown' ? lv : this.eval(r, depth + 1);
        }
        return UNKNOWN;
      }
      case 'object':
        return { k: 'objlit', node: n };
      case 'array':
        return { k: 'arrlit', node: n };
      case 'arrow_function':
        return this.lazyFetch(n, depth) ?? { k: 'fn', node: n };
      case 'function_expression':
      case 'function':
      case 'generator_function':
        return { k: 'fn', node: n };
      case 'class':
        return { k: 'class', node: n };
      case 'assignment_expression':
      case 'augmented_assignment_expression':
        return this.eval(child(n, 'right'), depth + 1);
      case 'ternary_expression': {
        const c = this.eval(child(n, 'consequence'), depth + 1);
        return c.k !== 'unknown' ? c : this.eval(child(n, 'alternative'), depth + 1);
      }
      case 'sequence_expression':
        return this.eval(n.children.filter((c) => c.named).pop(), depth + 1);
      default:
        return UNKNOWN;
    }
  }

  private evalIdent(name: string, at: JNode, depth: number): Val {
    const b = this.lookup(name, at);
    if (!b) {
      // Script-tag globals (onnxruntime-web's `ort`, tfjs's `tf`, tfjs-models' `cocoSsd`…), axios from a CDN.
      const global = SCRIPT_GLOBALS[name];
      if (global) return { k: 'mod', mod: global, path: [] };
      if (name === 'axios') return { k: 'mod', mod: 'axios', path: [] };
      if (name === 'window' || name === 'globalThis' || name === 'self') return { k: 'mod', mod: '#global', path: [] };
      if (GLOBAL_NAMES.has(name)) return { k: 'mod', mod: '#global', path: [name] };
      return UNKNOWN;
    }
    return this.evalBinding(b, depth);
  }

  evalBinding(b: Binding, depth: number): Val {
    return this.evalDefs(b.defs, depth);
  }

  private evalDefs(defs: Def[], depth: number): Val {
    let typed: Val = UNKNOWN;
    let params: Def[] | undefined;
    for (const d of defs) {
      let v: Val = UNKNOWN;
      if (d.mod !== undefined) v = this.importVal(d);
      else if (d.fn) v = { k: 'fn', node: d.fn };
      else if (d.cls) v = { k: 'class', node: d.cls };
      else if (d.expr) v = this.applyPath(this.eval(d.expr, depth + 1), d.path, depth);
      else if (d.setter) v = this.setterValue(d.setter, depth);
      if (v.k !== 'unknown') return v;
      if (d.type && typed.k === 'unknown') typed = typeVal(this.ast, d.type);
      if (d.param !== undefined && !d.expr) (params ??= []).push(d);
    }
    if (typed.k !== 'unknown' || !params) return typed;
    for (const d of params) {
      const v = this.paramFromCallers(d, depth);
      if (v.k !== 'unknown') return v;
    }
    return UNKNOWN;
  }

  /** An imported name: a package member, or what the workspace module that exports it holds. */
  private importVal(d: Def): Val {
    const v: Val = { k: 'mod', mod: d.mod as string, path: d.modPath ?? [] };
    if (d.ns || !isWorkspaceModule(v.mod)) return v;
    return this.external(v.mod, v.path[0] ?? 'default') ?? v;
  }

  /** What the workspace module `mod` exports as `name`, as a value of this evaluator. */
  external(mod: string, name: string): Val | undefined {
    const { path, resolver } = this.context;
    if (!path || !resolver) return undefined;
    let sym: ExternalSymbol | undefined;
    try {
      sym = resolver.lookup(path, mod, name);
    } catch {
      return undefined;
    }
    if (!sym) return undefined;
    return sym.factory ? { k: 'factory', ext: sym } : externalVal(sym);
  }

  /** A React state value: the first recognisable value its setter is called with (`setModel(await cocoSsd.load())`, `.then(setModel)`). */
  private setterValue(setter: Binding, depth: number): Val {
    for (const ref of this.idents.get(setter.name) ?? []) {
      if (ref === setter.decl || this.lookup(setter.name, ref) !== setter) continue;
      const p = ref.parent;
      let v: Val = UNKNOWN;
      if (p?.type === 'call_expression' && ref.field === 'function') {
        const arg = argsOf(p)[0];
        if (arg && !FUNCTION_TYPES.has(unwrap(arg).type)) v = this.eval(arg, depth + 1);
      } else if (p?.type === 'arguments' && argsOf(p.parent ?? p)[0] === ref) {
        const call = p.parent;
        const f = call ? child(call, 'function') : undefined;
        if (f?.type === 'member_expression' && propName(this.ast, child(f, 'property')) === 'then') v = this.eval(child(f, 'object'), depth + 1);
      }
      if (v.k !== 'unknown') return v;
    }
    return UNKNOWN;
  }

  private readonly paramMemo = new Map<Def, Val>();

  /** A parameter's value from the function's in-file call sites (the first recognisable argument). */
  private paramFromCallers(d: Def, depth: number): Val {
    const known = this.paramMemo.get(d);
    if (known) return known;
    this.paramMemo.set(d, UNKNOWN);
    let v: Val = UNKNOWN;
    const fn = d.owner;
    if (fn && depth < 10) {
      for (const site of this.callSitesOf(fn) ?? []) {
        const arg = argsOf(site)[d.param as number];
        if (!arg || arg.type === 'spread_element') continue;
        v = this.applyPath(this.eval(arg, depth + 2), d.path, depth);
        if (v.k !== 'unknown') break;
      }
    }
    this.paramMemo.set(d, v);
    return v;
  }

  /** Calls of `fn` in this file, or undefined when it is also referenced in other ways (passed as a callback…). */
  callSitesOf(fn: JNode): JNode[] | undefined {
    const ast = this.ast;
    let binding: Binding | undefined;
    let member: string | undefined;
    const parent = fn.parent;
    if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration') {
      const name = child(fn, 'name');
      if (name) binding = this.lookup(text(ast, name), name);
    } else if (parent?.type === 'variable_declarator' && fn.field === 'value') {
      const name = child(parent, 'name');
      if (name?.type === 'identifier') binding = this.lookup(text(ast, name), name);
    } else if (fn.type === 'method_definition') {
      member = propName(ast, child(fn, 'name'));
    } else if ((parent?.type === 'public_field_definition' || parent?.type === 'field_definition' || parent?.type === 'pair') && fn.field === 'value') {
      member = propName(ast, child(parent, 'name') ?? child(parent, 'property') ?? child(parent, 'key'));
    }
    const sites: JNode[] = [];
    if (binding) {
      const b = binding;
      for (const ref of this.idents.get(b.name) ?? []) {
        if (ref === b.decl || ref.field === 'name') continue;
        if (this.lookup(b.name, ref) !== b) continue;
        if (ref.parent?.type === 'export_specifier') continue;
        const call = ref.parent;
        if (call?.type === 'call_expression' && ref.field === 'function') sites.push(call);
        else return undefined;
      }
      return sites;
    }
    if (member !== undefined) {
      // The object or class that owns the method: only calls through it (or through an unknown receiver) count.
      const owner = fn.type === 'method_definition' ? parent : parent?.parent;
      const ownerNode = owner?.type === 'class_body' ? owner.parent : owner;
      for (const m of this.members.get(member) ?? []) {
        const recv = child(m, 'object');
        if (!recv || !ownerNode || !this.receiverMayBe(recv, ownerNode)) continue;
        const call = m.parent;
        if (call?.type === 'call_expression' && m.field === 'function') sites.push(call);
        else if (m.parent?.type === 'assignment_expression' && m.field === 'left') continue;
        else return undefined;
      }
      return sites;
    }
    return undefined;
  }

  /** Whether `recv.method` may be the method of `owner` (a class or object literal): `this` inside it, an instance, or unknown. */
  private receiverMayBe(recv: JNode, owner: JNode): boolean {
    const u = unwrap(recv);
    if (u.type === 'this') return this.thisTarget(u) === owner;
    const v = this.eval(u);
    switch (v.k) {
      case 'unknown':
        return true;
      case 'inst':
        return v.cls === owner;
      case 'class':
      case 'objlit':
        return v.node === owner;
      default:
        return false;
    }
  }

  applyPath(v: Val, path: PathEl[], depth: number): Val {
    let cur = v;
    for (const el of path) {
      if (depth > 14) return UNKNOWN;
      switch (cur.k) {
        case 'mod': {
          if (typeof el !== 'string') return UNKNOWN;
          if (el === 'default' && cur.path.length === 0) break;
          // `import * as ml from './ml'; ml.session`: what that module exports; `Singleton.getInstance`: a static factory
          // of a class it exports.
          if (cur.path.length <= 1 && isWorkspaceModule(cur.mod)) {
            // (A default import's value has no path: `Singleton.getInstance` of `export default class Singleton`.)
            const ext = this.external(cur.mod, cur.path.length === 0 ? el : `${cur.path[0]}.${el}`) ?? (cur.path.length === 0 ? this.external(cur.mod, `default.${el}`) : undefined);
            if (ext) {
              cur = ext;
              break;
            }
          }
          cur = { k: 'mod', mod: cur.mod, path: [...cur.path, el] };
          break;
        }
        case 'obj':
          // client.chat.completions: a path into an SDK client.
          if (cur.what !== 'llm-client' || typeof el !== 'string') return UNKNOWN;
          cur = { ...cur, path: [...(cur.path ?? []), el] };
          break;
        case 'objlit': {
          const p = this.objProp(cur.node, String(el));
          if (!p) return UNKNOWN;
          cur = p.type === 'method_definition' ? { k: 'fn', node: p } : this.eval(p, depth + 1);
          break;
        }
        case 'arrlit': {
          if (typeof el !== 'number') return UNKNOWN;
          const item = namedKids(cur.node)[el];
          if (!item || item.type === 'spread_element') return UNKNOWN;
          cur = this.eval(item, depth + 1);
          break;
        }
        case 'str':
          if (el === 'href' || el === 'pathname' || el === 'toString') break;
          return UNKNOWN;
        case 'inst':
        case 'class':
          cur = this.classMember(cur.k === 'inst' ? cur.cls : cur.node, String(el), depth);
          break;
        default:
          return UNKNOWN;
      }
    }
    return cur;
  }

  /** Value node of a property of an object literal (pair value, shorthand identifier or method). */
  objProp(obj: JNode, name: string, depth = 0): JNode | undefined {
    let found: JNode | undefined;
    for (const c of obj.children) {
      if (c.type === 'spread_element' && depth < 4) {
        // `{ ...options, timeout }`: what the spread object holds, unless a later property overrides it.
        const arg = c.children.find((x) => x.named);
        const v = arg ? this.eval(arg, depth + 1) : undefined;
        const inner = v?.k === 'objlit' && v.node !== obj ? this.objProp(v.node, name, depth + 1) : undefined;
        if (inner) found = inner;
      } else if (c.type === 'pair' && propName(this.ast, child(c, 'key')) === name) found = child(c, 'value');
      else if (c.type === 'shorthand_property_identifier' && text(this.ast, c) === name) found = c;
      else if (c.type === 'method_definition' && propName(this.ast, child(c, 'name')) === name) found = c;
    }
    return found;
  }

  classMember(cls: JNode, name: string, depth: number): Val {
    const info = this.classes.get(cls);
    if (!info) return UNKNOWN;
    const m = info.methods.get(name);
    if (m) return { k: 'fn', node: m };
    const f = info.fields.get(name);
    if (!f) return UNKNOWN;
    for (const v of f.values) {
      const u = unwrap(v);
      if (u.type === 'null' || u.type === 'undefined') continue;
      const r = this.eval(v, depth + 1);
      if (r.k !== 'unknown') return r;
    }
    for (const t of f.types) {
      const r = typeVal(this.ast, t);
      if (r.k !== 'unknown') return r;
    }
    return UNKNOWN;
  }

  /** What an in-file function returns (first recognisable return value). */
  returnVal(fn: JNode, depth: number): Val {
    const cached = this.returnsMemo.get(fn.idx);
    if (cached) return cached;
    this.returnsMemo.set(fn.idx, UNKNOWN);
    let v: Val = UNKNOWN;
    const body = child(fn, 'body');
    if (body && body.type !== 'statement_block') v = this.eval(body, depth + 1);
    else if (body) {
      for (const r of subtree(this.ast, body)) {
        if (r.type !== 'return_statement') continue;
        if (enclosingFunction(r) !== fn) continue;
        const e = namedKids(r)[0];
        const rv = this.eval(e, depth + 1);
        if (rv.k !== 'unknown') {
          v = rv;
          break;
        }
      }
    }
    this.returnsMemo.set(fn.idx, v);
    return v;
  }

  /**
   * node-fetch loaded on first use from CommonJS, as its README writes it: `const fetch = (...args) =>
   * import('node-fetch').then(({ default: fetch }) => fetch(...args))` is that module's fetch.
   */
  private lazyFetch(n: JNode, depth: number): Val | undefined {
    const body = child(n, 'body');
    if (body?.type !== 'call_expression') return undefined;
    const then = child(body, 'function');
    if (then?.type !== 'member_expression' || propName(this.ast, child(then, 'property')) !== 'then') return undefined;
    const load = child(then, 'object');
    if (load?.type !== 'call_expression' || child(load, 'function')?.type !== 'import') return undefined;
    const v = this.moduleVal(argsOf(load)[0], depth);
    return v.k === 'mod' && FETCH_MODULES.has(v.mod) && v.path.length === 0 ? v : undefined;
  }

  private evalCall(n: JNode, depth: number): Val {
    const ast = this.ast;
    const callee = child(n, 'function');
    const args = argsOf(n);
    if (!callee) return UNKNOWN;
    if (callee.type === 'import') return this.moduleVal(args[0], depth);
    const c = unwrap(callee);
    // Tracing instruments an AWS client and hands back the same client (AWS X-Ray's and Powertools' captureAWSv3Client).
    const lastName = c.type === 'identifier' ? text(ast, c) : c.type === 'member_expression' ? propName(ast, child(c, 'property')) : undefined;
    if (lastName !== undefined && /^captureAWS(?:v3)?Client$/.test(lastName) && args[0]) return this.eval(args[0], depth + 1);
    if (c.type === 'member_expression') {
      const prop = propName(ast, child(c, 'property'));
      const recv = this.eval(child(c, 'object'), depth + 1);
      if (recv.k === 'obj' && recv.what === 'got-instance' && prop === 'extend') return { ...recv, cfg: [...recv.cfg, ...args] };
      if (recv.k === 'str' && (prop === 'toString' || prop === 'trim')) return recv;
      // A LangChain chain runs the model it holds: `prompt.pipe(model)`, `model.pipe(parser)`, `model.bind(…)`.
      if (prop === 'pipe') {
        if (isLangchainModel(recv)) return recv;
        for (const a of args) {
          const v = this.eval(a, depth + 1);
          if (isLangchainModel(v)) return v;
        }
      }
      if (isLangchainModel(recv) && prop !== undefined && /^(?:bind|bindTools|withConfig|withRetry|withFallbacks|withStructuredOutput)$/.test(prop)) return recv;
      // A sub-client of an SDK client: genAI.getGenerativeModel(…), model.startChat().
      if (recv.k === 'obj' && recv.what === 'llm-client' && recv.sdk && prop !== undefined) {
        const next = [...(recv.path ?? []), prop === 'getGenerativeModel' ? 'model' : prop];
        return SDKS[recv.sdk].infers(next) ? UNKNOWN : { ...recv, path: next };
      }
    }
    const cv = this.eval(callee, depth + 1);
    if (cv.k === 'fn') return this.returnVal(cv.node, depth + 1);
    if (cv.k === 'factory') return externalVal(cv.ext);
    if (cv.k !== 'mod') return UNKNOWN;
    const { mod, path } = cv;
    const last = path[path.length - 1];
    if (mod === '#global') {
      if (path.length === 1 && last === 'require') return this.moduleVal(args[0], depth);
      if (path[0] === 'Promise' && (last === 'all' || last === 'allSettled') && args[0]) {
        const a = unwrap(args[0]);
        return a.type === 'array' ? { k: 'arrlit', node: a } : UNKNOWN;
      }
      return UNKNOWN;
    }
    // `RunnableSequence.from([prompt, model, parser])`: the chain runs the LangChain model among its steps.
    if (/^@langchain\/core(?:\/runnables)?$|^langchain\/schema\/runnable$/.test(mod) && last === 'from' && path[path.length - 2] === 'RunnableSequence' && args[0]) {
      const steps = unwrap(args[0]);
      for (const step of steps.type === 'array' ? steps.children : []) {
        const v = this.eval(step, depth + 1);
        if (isLangchainModel(v)) return v;
      }
      return UNKNOWN;
    }
    if (ORT_RE.test(mod) && last === 'create' && path[path.length - 2] === 'InferenceSession') return { k: 'obj', what: 'ort-session', cfg: [] };
    if (HF_RE.test(mod) && path.length === 1 && last === 'pipeline') {
      const t = args[0] ? this.eval(args[0], depth + 1) : UNKNOWN;
      return { k: 'obj', what: 'hf-pipeline', cfg: [], ...(t.k === 'str' ? { task: t.s } : {}) };
    }
    if (TFJS_RE.test(mod) && last !== undefined && TF_LOADERS.has(last)) return { k: 'obj', what: 'tf-model', cfg: [], pkg: mod };
    if (TF_MODELS_RE.test(mod) && last !== undefined && isTfModelsFactory(mod, last)) return { k: 'obj', what: 'tf-model', cfg: [], pkg: mod, loadArgs: args };
    // A local library's model restored by its class's static loader: `BayesClassifier.load(…)`, `RandomForestClassifier.load(json)`.
    const cls = path[path.length - 2];
    const lib = cls !== undefined && last !== undefined ? localModelLib(mod) : undefined;
    if (lib && lib.classes.test(cls as string) && lib.loaders.test(last as string)) return { k: 'obj', what: 'local-model', cfg: [], pkg: mod, task: cls as string };
    if (mod === 'axios' && path.length === 1 && last === 'create') return { k: 'obj', what: 'axios-instance', cfg: args.slice(0, 1) };
    if (mod === 'got' && path.length === 1 && last === 'extend') return { k: 'obj', what: 'got-instance', cfg: args };
    return UNKNOWN;
  }

  /** `require(x)` / `import(x)`: the module (both branches of a conditional name the same kind of runtime). */
  private moduleVal(arg: JNode | undefined, depth: number): Val {
    const s = arg ? this.eval(arg, depth + 1) : UNKNOWN;
    return s.k === 'str' ? { k: 'mod', mod: normalizeModule(s.s), path: [] } : UNKNOWN;
  }

  private evalNew(n: JNode, depth: number): Val {
    const ctor = child(n, 'constructor');
    const args = argsOf(n);
    const cv = this.eval(ctor, depth + 1);
    if (cv.k === 'class') return { k: 'inst', cls: cv.node };
    if (cv.k === 'factory' && cv.ext.kind === 'predict-wrapper') return externalVal(cv.ext);
    if (cv.k !== 'mod') return UNKNOWN;
    const last = cv.path[cv.path.length - 1];
    if (cv.mod === '#global') {
      if (last === 'URL' && cv.path.length === 1) {
        const p = this.eval(args[0], depth + 1);
        const base = args[1] ? this.eval(args[1], depth + 1) : UNKNOWN;
        if (p.k !== 'str') return UNKNOWN;
        if (/^[a-z]+:\/\//i.test(p.s) || base.k !== 'str') return p;
        return { k: 'str', s: base.s.replace(/\/$/, '') + (p.s.startsWith('/') ? p.s : '/' + p.s) };
      }
      if (last === 'AbortController') return { k: 'obj', what: 'abort-controller', cfg: [] };
      return UNKNOWN;
    }
    if (SM_RE.test(cv.mod)) {
      if (last === 'SageMakerRuntimeClient') return { k: 'obj', what: 'sm-client', cfg: args.slice(0, 1) };
      if (last === 'SageMakerRuntime') return { k: 'obj', what: 'sm-runtime', cfg: args.slice(0, 1) };
      if (last !== undefined && /^InvokeEndpoint(Async|WithResponseStream)?Command$/.test(last)) return { k: 'obj', what: 'sm-command', cfg: args.slice(0, 1) };
    }
    if ((cv.mod === 'aws-sdk' && last === 'SageMakerRuntime') || (cv.mod === 'aws-sdk/clients/sagemakerruntime' && cv.path.length === 0)) return { k: 'obj', what: 'sm-v2', cfg: args.slice(0, 1), node: n };
    if (cv.mod === 'pickleparser' && last === 'Parser') return { k: 'obj', what: 'pickle-parser', cfg: [] };
    const lib = last !== undefined ? localModelLib(cv.mod) : undefined;
    if (lib && lib.classes.test(last as string)) return { k: 'obj', what: 'local-model', cfg: args.slice(0, 1), pkg: cv.mod, task: last as string };
    const ai = AWS_AI_RE.exec(cv.mod)?.[1];
    if (ai && last !== undefined && /^(?:Comprehend|Rekognition)(?:Client)?$/.test(last)) return { k: 'obj', what: 'sm-client', cfg: args.slice(0, 1) };
    if (ai && last !== undefined && AWS_AI_COMMANDS.test(last)) return { k: 'obj', what: 'aws-ai-command', cfg: args.slice(0, 1), task: last.replace(/Command$/, ''), pkg: ai };
    if (BEDROCK_RE.test(cv.mod) && last !== undefined && BEDROCK_COMMANDS.test(last)) return { k: 'obj', what: 'bedrock-command', cfg: args.slice(0, 1), task: last.replace(/Command$/, '') };
    // onnxjs: `new onnx.InferenceSession()` then `session.loadModel(url)`.
    if (ORT_RE.test(cv.mod) && last === 'InferenceSession') return { k: 'obj', what: 'ort-session', cfg: [] };
    const sdk = sdkOfModule(cv.mod);
    if (sdk && SDKS[sdk].ctors.test(last ?? 'default') && (sdk !== 'openai' || last !== 'Configuration')) return { k: 'obj', what: 'llm-client', sdk, cfg: args, path: [], node: n };
    if (sdk === 'openai' && last === 'OpenAIApi') return { k: 'obj', what: 'llm-client', sdk, cfg: args, path: [], node: n };
    return UNKNOWN;
  }
}

/** A module of the workspace (relative, or the `@/`, `~/` and SvelteKit's `$lib/` aliases), not a package. */
export function isWorkspaceModule(mod: string): boolean {
  return mod.startsWith('.') || mod.startsWith('/') || mod.startsWith('@/') || mod.startsWith('~/') || mod.startsWith('$lib/');
}

/** What another module's summary says a name holds, as a value of the evaluator. */
export function externalVal(sym: ExternalSymbol): Val {
  const ext = { cfg: [] as JNode[], ext: sym };
  switch (sym.kind) {
    case 'onnx-session':
      return { k: 'obj', what: 'ort-session', ...ext };
    case 'tfjs-model':
      return { k: 'obj', what: 'tf-model', ...ext };
    case 'hf-pipeline':
      return { k: 'obj', what: 'hf-pipeline', ...ext };
    case 'llm-client': {
      const sdk = (Object.keys(SDKS) as SdkName[]).find((n) => n === sym.sdk) ?? 'openai';
      return { k: 'obj', what: 'llm-client', sdk, path: [], ...ext };
    }
    case 'http-client':
      return { k: 'obj', what: 'axios-instance', ...ext };
    case 'inference-url':
      return sym.url !== undefined ? { k: 'str', s: sym.url } : UNKNOWN;
    case 'predict-wrapper':
      return { k: 'wrapper', ...(sym.wraps ? { wraps: sym.wraps } : {}), ...(sym.methods ? { methods: sym.methods } : {}) };
    default:
      return UNKNOWN;
  }
}


/** Argument expressions of a call or `new` (empty for tagged templates). */
export function argsOf(call: JNode): JNode[] {
  const a = child(call, 'arguments');
  if (!a || a.type !== 'arguments') return [];
  return namedKids(a);
}

/** A LangChain chat model (not a property of one): what a chain built on it runs. */
function isLangchainModel(v: Val): boolean {
  return v.k === 'obj' && v.what === 'llm-client' && v.sdk === 'langchain' && (v.path?.length ?? 0) === 0;
}

const SDK_OF_TYPE: Record<string, SdkName> = {
  Anthropic: 'anthropic',
  Mistral: 'mistral',
  CohereClient: 'cohere',
  CohereClientV2: 'cohere',
  HfInference: 'hf-inference',
  InferenceClient: 'hf-inference',
  Replicate: 'replicate',
  PredictionServiceClient: 'vertex',
  BedrockRuntimeClient: 'bedrock',
  GoogleGenerativeAI: 'gemini',
};

/** What a TS type annotation says a value is. */
export function typeVal(ast: Ast, type: JNode): Val {
  const t = text(ast, type);
  if (/\bInferenceSession\b/.test(t)) return { k: 'obj', what: 'ort-session', cfg: [], typed: true };
  if (/\b(LayersModel|GraphModel|Sequential|TFSavedModel)\b/.test(t)) return { k: 'obj', what: 'tf-model', cfg: [], typed: true };
  if (/Pipeline\b/.test(t)) return { k: 'obj', what: 'hf-pipeline', cfg: [], typed: true };
  if (/\bAxiosInstance\b/.test(t)) return { k: 'obj', what: 'axios-instance', cfg: [], typed: true };
  if (/\bSageMakerRuntimeClient\b/.test(t)) return { k: 'obj', what: 'sm-client', cfg: [], typed: true };
  const client = /\b(OpenAI|AzureOpenAI|Groq|Together|Anthropic|Mistral|CohereClient(?:V2)?|HfInference|InferenceClient|Replicate|PredictionServiceClient|BedrockRuntimeClient|GoogleGenerativeAI)\b/.exec(t)?.[1];
  if (client) return { k: 'obj', what: 'llm-client', cfg: [], typed: true, path: [], sdk: SDK_OF_TYPE[client] ?? 'openai' };
  return UNKNOWN;
}
