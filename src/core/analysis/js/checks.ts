// The four checks of a predict call: fallback (try/catch, promise .catch, wrappers, guarded callers), confidence
// (argmax / hard labels without a threshold), timeout (remote calls) and trace (model version recorded).
import { OTHER_VERSION_RE } from '../names';
import type { AnalysisConfig, CheckState, PredictChecks } from '../types';
import { type Ast, child, enclosingFunction, FUNCTION_TYPES, type JNode, namedKids, outerValue, propName, stringValue, subtree, text, unwrap, VALUE_WRAPPERS, within } from './ast';
import { comparedWithString, isDisplayTarget, mappingOf, pickedReturns, type Sink, type SinkKind, sinkOf, truthPick } from './sinks';
import { calleeText, type Detected, type DetectEnv, jquerySettings, sdkOptionsIndex } from './detect';
import { JQUERY_REQUESTS, SDKS, TIMEOUT_KEYS } from './libs';
import { argsOf, type Resolver } from './resolve';

export const CALLBACK_METHODS = new Set(['map', 'flatMap', 'then', 'forEach', 'filter', 'reduce', 'some', 'every', 'find', 'findIndex', 'all', 'allSettled', 'race', 'any']);
const SYNC_ONLY_CALLBACKS = new Set(['forEach', 'filter', 'reduce', 'some', 'every', 'find', 'findIndex']);
const RELATIONAL = new Set(['<', '<=', '>', '>=']);
const SCORE_RE = /score|prob|confid|certain|likelihood|softmax|logit/i;
const THRESH_RE = /thresh|cutoff|^min|_min|min_|minimum|floor|limit|margin|tolerance/i;
const RECORDER_OBJ_RE = /^(console|logger|log|metrics|telemetry|span|activeSpan|tracer|analytics|statsd|monitor|audit)$|logger$/i;
const RECORDER_FN_RE = /^(log|record|emit|track|setAttributes?$|addEvent$)/i;
/** A helper that stops waiting for a promise after a deadline (`withTimeout`, `pTimeout`, `raceWithTimeout`, `withDeadline`). */
const DEADLINE_HELPER_RE = /timeout|deadline/i;

export interface UnitFacts {
  /** The function (or program) the facts are of: its subtree is `ast.nodes[unit.idx..unit.last]`. */
  unit: JNode;
  argmax: JNode[];
  comparisons: JNode[];
  /** declarators, assignments, for-of loops and member calls with callbacks: where values flow. */
  flows: JNode[];
  /** recorder calls whose arguments mention a version. */
  versionRecorded: boolean;
  labelPatterns: JNode[];
  labelReads: JNode[];
  /** Reads of a model server's answer field (`res.data.Prediction`, `json.result`): a label when read from an HTTP call's response. */
  answerReads: JNode[];
  /** Comparisons inside an argmax (a reduce callback, a max-finding loop): not thresholds. */
  argmaxComparisons: Set<JNode>;
  /** Identifiers (and shorthand properties) in document order: where values are used. */
  idents: JNode[];
  /** Loops that keep the index (or label) of the largest value. */
  loopArgmax: LoopArgmax[];
}

/** `for (…) if (p[i] > best) { best = p[i]; bestIndex = i; }`: the comparison and what it keeps. */
export interface LoopArgmax {
  loop: JNode;
  condition: JNode;
  /** Names assigned the winning index or label. */
  index: string[];
  /** Names assigned the winning value (a score). */
  value: string[];
}

/** The names a check follows from a call: values derived from the result, argmax indexes, and labels read from it. */
export interface Taint {
  values: Set<string>;
  indexes: Set<string>;
}

export interface CheckResult {
  checks: PredictChecks;
  /** Which case of the no-confidence definition applied. */
  confidenceReason: string | undefined;
}

export class Checker {
  private readonly facts = new Map<JNode, UnitFacts>();
  /**
   * Some check read the facts of the whole program (top-level code, or a call site there): they hold every copied
   * statement, so an analysis that copied only some of them must not be trusted with it.
   */
  programFactsRead = false;
  private readonly ids = new Map<JNode, string[]>();
  private readonly bound = new Map<JNode, string[]>();
  private readonly sides = new Map<JNode, SideInfo>();
  private readonly callerMemo = new Map<string, boolean>();
  private readonly callMemo = new Map<JNode, number>();
  private readonly loopMemo = new Map<JNode, LoopArgmax | undefined>();
  private readonly defaultsTimeout: boolean;

  constructor(
    readonly env: DetectEnv,
    readonly config: AnalysisConfig,
  ) {
    this.defaultsTimeout = (env.r.members.get('timeout') ?? []).some((m) => {
      const obj = child(m, 'object');
      return obj !== undefined && propName(env.ast, child(unwrap(obj), 'property')) === 'defaults' && m.parent?.type === 'assignment_expression' && m.field === 'left';
    });
  }

  get ast(): Ast {
    return this.env.ast;
  }

  private ajaxSetupKnown: boolean | undefined;
  /** `$.ajaxSetup({ timeout })` somewhere in the file: jQuery's requests are bounded by default. */
  private get ajaxSetupTimeout(): boolean {
    this.ajaxSetupKnown ??= (this.r.members.get('ajaxSetup') ?? []).some((m) => m.field === 'function' && m.parent?.type === 'call_expression' && argsOf(m.parent).some((a) => this.hasKeys(a, ['timeout'], false) === 'yes'));
    return this.ajaxSetupKnown;
  }

  /** `axios.defaults.timeout = …` somewhere in the file. */
  get axiosDefaultTimeout(): boolean {
    return this.defaultsTimeout;
  }

  get r(): Resolver {
    return this.env.r;
  }

  checks(d: Detected): PredictChecks {
    return this.check(d).checks;
  }

  check(d: Detected): CheckResult {
    let confidence: { state: CheckState; reason: string | undefined };
    try {
      confidence = this.confidence(d);
      // An answer given to an error-first callback (ml5's `detect(video, gotResult)`): its label is read, and decides,
      // where the callback reads its results.
      const results = confidence.state === 'n/a' ? this.callbackResults(d.node) : undefined;
      if (results) {
        const threshold = this.modelThreshold(d);
        const inCallback = this.confidence({ ...d, node: results });
        if (inCallback.state === 'fail' && threshold) confidence = { state: 'pass', reason: `the model applies its own threshold (${threshold})` };
        else if (inCallback.state !== 'n/a') confidence = inCallback;
      }
    } catch {
      confidence = { state: 'n/a', reason: undefined };
    }
    if (confidence.state === 'fail' && d.wrapped?.returnsLabel) confidence = { state: 'fail', reason: `the hard label decides here, and ${calleeLastOf(this.ast, d.node) ?? 'the function'}() hands back no score to compare: return the score from it too` };
    return {
      checks: {
        fallback: this.guarded(d.node, d.promise, 0) ? 'pass' : 'fail',
        confidence: confidence.state,
        timeout: this.timeout(d),
        trace: this.trace(d),
      },
      confidenceReason: confidence.reason,
    };
  }

  // ---------------------------------------------------------------- fallback

  /** Whether an exception (or rejection) of `node` is handled by something other than a rethrow. */
  guarded(node: JNode, promise: boolean, depth: number): boolean {
    if (this.chainCaught(node) || this.errorFirstHandled(node) || this.ajaxErrorHandled(node)) return true;
    // A promise kept in a name and awaited later (`const p = client.create(…)`, then `await Promise.race([p, timer])`):
    // its rejection arrives there.
    const later = promise ? this.awaitedLater(node) : undefined;
    if (later) return this.guarded(later, true, depth);
    // `await x.post<T>(…)` parses with the await inside the callee in TypeScript.
    let awaited = child(node, 'function')?.type === 'await_expression';
    // Inside an async function handed to a wrapper (`await retry(async () => …)`): its rejection is the wrapper's.
    let handedOn = false;
    let prev = node;
    for (let p = node.parent; p; prev = p, p = p.parent) {
      if (p.type === 'await_expression') awaited = true;
      else if (p.type === 'try_statement') {
        if (prev.field === 'body') {
          const h = child(p, 'handler');
          if (h && !this.catchRethrows(h) && (awaited || (!promise && !handedOn))) return true;
        }
      } else if (p.type === 'call_expression' && prev.type === 'arguments') {
        if (this.isWrapper(p) || this.chainCaught(p)) return true;
      } else if (FUNCTION_TYPES.has(p.type)) {
        if (this.wrappedFunction(p)) return true;
        const cbCall = callbackCall(p);
        const method = cbCall ? this.calleeLast(cbCall) : undefined;
        if (cbCall && method !== undefined && CALLBACK_METHODS.has(method) && !(SYNC_ONLY_CALLBACKS.has(method) && isAsyncFn(this.ast, p))) {
          awaited = false;
          continue;
        }
        // An async function passed to another call (a retry or a queue helper): caught where that call is awaited.
        if (handedOnCall(this.ast, p)) {
          awaited = false;
          handedOn = true;
          continue;
        }
        if (depth >= 3) return false;
        return this.callersGuarded(p, promise || isAsyncFn(this.ast, p), depth + 1);
      } else if (p.type === 'class_body' || p.type === 'program') return false;
    }
    return false;
  }

  /**
   * Where the promise a call gives, kept unawaited in a name (`const p = client.create(…)`), is awaited later in the same
   * function: `await p`, or the `Promise.race` / `all` / `any` call it is in (`await Promise.race([p, timer])`).
   */
  awaitedLater(call: JNode): JNode | undefined {
    // Asked of the same call by the fallback, timeout and trace checks and by the fixes.
    if (this.laterMemo.has(call)) return this.laterMemo.get(call);
    const later = this.awaitedLaterUncached(call);
    this.laterMemo.set(call, later);
    return later;
  }

  private readonly laterMemo = new Map<JNode, JNode | undefined>();

  private awaitedLaterUncached(call: JNode): JNode | undefined {
    const ast = this.ast;
    let o = call;
    while (o.parent && (o.parent.type === 'parenthesized_expression' || o.parent.type === 'as_expression' || o.parent.type === 'non_null_expression' || o.parent.type === 'satisfies_expression')) o = o.parent;
    const decl = o.parent;
    const nameNode = decl?.type === 'variable_declarator' && child(decl, 'value') === o ? child(decl, 'name') : undefined;
    if (nameNode?.type !== 'identifier') return undefined;
    const unit = this.unitOf(call);
    for (const ref of this.r.idents.get(text(ast, nameNode)) ?? []) {
      if (ref.start <= call.end || this.unitOf(ref) !== unit) continue;
      let use: JNode = ref;
      const arr = ref.parent?.type === 'array' ? ref.parent : undefined;
      if (arr) {
        const race = arr.parent?.type === 'arguments' ? arr.parent.parent : undefined;
        const f = race?.type === 'call_expression' ? child(race, 'function') : undefined;
        if (!race || !f || !/^Promise\.(?:race|all|any)$/.test(calleeText(ast, f))) continue;
        use = race;
      } else if (ref.parent?.type === 'arguments' && ref.parent.parent?.type === 'call_expression' && this.stopsWaiting(ref.parent.parent)) {
        // Handed to a deadline helper that is awaited (`await withTimeout(p, ms)`): settled, and rejected, through it.
        use = ref.parent.parent;
      }
      let awaitAt: JNode | undefined;
      for (let p = use.parent; p && VALUE_WRAPPERS.has(p.type); p = p.parent) if (p.type === 'await_expression') awaitAt = p;
      if (!awaitAt) continue;
      // Another await before it leaves the promise unwatched meanwhile: a rejection then is unhandled (Node exits).
      if (/\bawait\b/.test(ast.source.slice(call.end, awaitAt.start))) return undefined;
      return use;
    }
    return undefined;
  }

  private calleeLast(call: JNode): string | undefined {
    return calleeLastOf(this.ast, call);
  }

  isWrapper(call: JNode): boolean {
    const wrappers = this.config.fallbackWrappers;
    if (wrappers.length === 0) return false;
    const f = child(call, 'function');
    if (!f) return false;
    const t = calleeText(this.ast, unwrap(f));
    return wrappers.some((w) => t === w || t.endsWith('.' + w));
  }

  /** A function passed to a fallback wrapper, or a method decorated with one. */
  private wrappedFunction(fn: JNode): boolean {
    const cb = callbackCall(fn);
    if (cb && this.isWrapper(cb)) return true;
    if (this.config.fallbackWrappers.length === 0) return false;
    const decorators: JNode[] = fn.children.filter((c) => c.type === 'decorator');
    for (let s = prevSibling(fn); s && s.type === 'decorator'; s = prevSibling(s)) decorators.push(s);
    for (const d of decorators) {
      const e = namedKids(d)[0];
      if (!e) continue;
      const target = e.type === 'call_expression' ? child(e, 'function') : e;
      if (!target) continue;
      const t = calleeText(this.ast, target);
      if (this.config.fallbackWrappers.some((w) => t === w || t.endsWith('.' + w))) return true;
    }
    return false;
  }

  /** `x.then(...).catch(handler)` / `.then(ok, onError)` later in the promise chain, with a handler that does not rethrow. */
  chainCaught(node: JNode): boolean {
    let cur = node;
    for (let i = 0; i < 30; i++) {
      let p = cur.parent;
      while (p && (p.type === 'parenthesized_expression' || p.type === 'non_null_expression' || p.type === 'as_expression')) {
        cur = p;
        p = p.parent;
      }
      if (!p || p.type !== 'member_expression' || cur.field !== 'object') return false;
      const call = p.parent;
      if (!call || call.type !== 'call_expression' || p.field !== 'function') return false;
      const name = propName(this.ast, child(p, 'property'));
      const args = argsOf(call);
      if ((name === 'catch' || name === 'fail') && args[0] && !this.handlerRethrows(args[0])) return true;
      if (name === 'then' && args[1] && !this.handlerRethrows(args[1])) return true;
      // jQuery's jqXHR: `.done(ok)`, `.fail(onError)`, `.always(…)` along the chain.
      if (name !== 'then' && name !== 'catch' && name !== 'finally' && name !== 'done' && name !== 'always') return false;
      cur = call;
    }
    return false;
  }

  private handlerRethrows(h: JNode): boolean {
    const fn = unwrap(h);
    if (fn.type === 'arrow_function' || fn.type === 'function_expression' || fn.type === 'function') {
      const body = child(fn, 'body');
      if (!body) return false;
      if (body.type === 'statement_block') return this.blockRethrows(body);
      return this.isRejectCall(unwrap(body));
    }
    return false;
  }

  private isRejectCall(n: JNode): boolean {
    if (n.type !== 'call_expression') return false;
    const f = child(n, 'function');
    if (!f) return false;
    const t = calleeText(this.ast, unwrap(f));
    return t === 'Promise.reject' || t === 'reject';
  }

  /** jQuery's `error` setting (`$.ajax({ url, error: (xhr) => … })`) with a handler that does not rethrow. */
  private ajaxErrorHandled(call: JNode): boolean {
    if (call.type !== 'call_expression' || !JQUERY_REQUESTS.test(this.calleeLast(call) ?? '')) return false;
    for (const a of argsOf(call)) {
      const o = unwrap(a);
      const v = o.type === 'object' ? this.r.objProp(o, 'error') : undefined;
      if (v && !this.handlerRethrows(v)) return true;
    }
    return false;
  }

  /**
   * A call that answers through an error-first callback (ml5's `detect(video, gotResult)`, Node-style APIs): its last
   * argument is a function of this file whose first parameter (`err`, `error`) its body reads in a test, and the
   * branch taken on an error does not just throw it again.
   */
  private errorFirstHandled(call: JNode): boolean {
    const cb = this.errorFirstCallback(call);
    if (!cb) return false;
    const { fn, error: name } = cb;
    const errName = text(this.ast, name);
    const body = child(fn, 'body');
    if (!body) return false;
    for (const n of subtree(this.ast, body)) {
      if (n.type !== 'if_statement') continue;
      const cond = child(n, 'condition');
      if (!cond || !subtree(this.ast, cond).some((c) => c.type === 'identifier' && text(this.ast, c) === errName)) continue;
      const then = child(n, 'consequence');
      if (then && (then.type === 'statement_block' ? this.blockRethrows(then) : then.type === 'throw_statement')) continue;
      return true;
    }
    return false;
  }

  /**
   * The error-first callback a call answers through: its last argument, a function of this file (inline or by name)
   * whose first parameter is named for the error (`err`, `error`) and whose second holds the results.
   */
  private errorFirstCallback(call: JNode): { fn: JNode; error: JNode; results: JNode } | undefined {
    const args = argsOf(call);
    // The callback may be the only argument (ml5's `classifier.classify(gotResults)`).
    if (args.length === 0) return undefined;
    let fn = unwrap(args[args.length - 1] as JNode);
    if (fn.type === 'identifier') {
      const v = this.r.eval(fn);
      if (v.k !== 'fn') return undefined;
      fn = v.node;
    }
    if (!FUNCTION_TYPES.has(fn.type)) return undefined;
    const params = child(fn, 'parameters');
    const list = params ? namedKids(params) : [];
    // A TypeScript parameter holds its name as `pattern`; a JavaScript one is the name.
    const error = list.length >= 2 ? (child(list[0] as JNode, 'pattern') ?? list[0]) : undefined;
    const results = list.length >= 2 ? (child(list[1] as JNode, 'pattern') ?? list[1]) : undefined;
    if (error?.type !== 'identifier' || !/^(?:err|error|e|ex|exc)$/i.test(text(this.ast, error)) || results?.type !== 'identifier') return undefined;
    return { fn, error, results };
  }

  /** The results parameter of the error-first callback the call answers through (see `errorFirstCallback`). */
  private callbackResults(call: JNode): JNode | undefined {
    return call.type === 'call_expression' ? this.errorFirstCallback(call)?.results : undefined;
  }

  catchRethrows(handler: JNode): boolean {
    const body = child(handler, 'body');
    return body ? this.blockRethrows(body) : false;
  }

  /** A block that always ends by throwing (a rethrow, even after logging) and never returns a value. */
  private blockRethrows(block: JNode): boolean {
    const stmts = namedKids(block);
    const throws = stmts.some((s) => {
      if (s.type === 'throw_statement') return !this.throwsHttpError(s);
      const e = namedKids(s)[0];
      if (s.type === 'return_statement' && e) return this.isRejectCall(unwrap(e));
      if (s.type === 'expression_statement' && e) return this.isRejectCall(unwrap(e));
      return false;
    });
    if (!throws) return false;
    for (const n of subtree(this.ast, block)) {
      if (n.type !== 'return_statement') continue;
      if (enclosingFnWithin(n, block)) continue;
      const e = namedKids(n)[0];
      if (e && this.isRejectCall(unwrap(e))) continue;
      return false;
    }
    return true;
  }

  /**
   * A `throw` that answers with an HTTP error, the way these frameworks do (as FastAPI's `HTTPException`): SvelteKit's
   * `error(500, …)`, h3/Nuxt's `createError(…)`, NestJS's `new …Exception(…)`, Hono's `new HTTPException(…)`,
   * `http-errors`.
   */
  private throwsHttpError(t: JNode): boolean {
    const e = namedKids(t)[0];
    const u = e ? unwrap(e) : undefined;
    const callee = u?.type === 'call_expression' ? child(u, 'function') : u?.type === 'new_expression' ? child(u, 'constructor') : undefined;
    if (!callee) return false;
    const v = this.r.eval(unwrap(callee));
    if (v.k !== 'mod') return false;
    const last = v.path[v.path.length - 1] ?? '';
    if (v.mod === '@sveltejs/kit') return last === 'error';
    if (v.mod === 'h3' || v.mod === '#imports' || v.mod === '#global') return last === 'createError';
    if (v.mod === '@nestjs/common') return /Exception$/.test(last);
    if (/^hono(?:\/|$)/.test(v.mod)) return last === 'HTTPException';
    return v.mod === 'http-errors';
  }

  /** Every in-file caller of `fn` (at least one) is itself guarded. */
  private callersGuarded(fn: JNode, promise: boolean, depth: number): boolean {
    const key = `${fn.idx}:${promise}:${depth}`;
    const known = this.callerMemo.get(key);
    if (known !== undefined) return known;
    this.callerMemo.set(key, false);
    const sites = this.callSites(fn);
    const ok = !!sites && sites.length > 0 && sites.every((s) => this.guarded(s, promise, depth));
    this.callerMemo.set(key, ok);
    return ok;
  }

  /** Calls of `fn` in this file, or undefined when it is also referenced in other ways (passed as a callback…). */
  callSites(fn: JNode): JNode[] | undefined {
    return this.r.callSitesOf(fn);
  }

  // ---------------------------------------------------------------- units

  /** The function whose body a check looks at: the nearest function, through inline callbacks (map/then/wrappers). */
  unitOf(node: JNode): JNode {
    let fn = enclosingFunction(node);
    for (let i = 0; fn && i < 5; i++) {
      const cb = callbackCall(fn);
      const m = cb ? this.calleeLast(cb) : undefined;
      if (!cb || !((m !== undefined && CALLBACK_METHODS.has(m)) || this.isWrapper(cb))) break;
      fn = enclosingFunction(fn);
    }
    return fn ?? this.ast.root;
  }

  unitFacts(unit: JNode): UnitFacts {
    if (unit === this.ast.root) this.programFactsRead = true;
    let f = this.facts.get(unit);
    if (f) return f;
    const ast = this.ast;
    // The unit's subtree read in place (a slice of it, for the program, is the whole node list again).
    const nodes = ast.nodes;
    f = { unit, argmax: [], comparisons: [], flows: [], versionRecorded: false, labelPatterns: [], labelReads: [], answerReads: [], argmaxComparisons: new Set(), idents: [], loopArgmax: [] };
    for (let i = unit.idx, end = unit.last; i <= end; i++) {
      const n = nodes[i] as JNode;
      switch (n.type) {
        case 'identifier':
        case 'shorthand_property_identifier':
          f.idents.push(n);
          break;
        case 'for_statement':
        case 'while_statement':
        case 'do_statement': {
          const la = this.loopArgmaxOf(n);
          if (la) f.loopArgmax.push(la);
          break;
        }
        case 'call_expression': {
          const cf = this.callFacts(n);
          if (cf & CALL_ARGMAX) f.argmax.push(n);
          if (cf & CALL_FLOW) f.flows.push(n);
          if (cf & CALL_RECORDS_VERSION) f.versionRecorded = true;
          break;
        }
        case 'binary_expression': {
          const op = child(n, 'operator');
          if (op && RELATIONAL.has(text(ast, op))) f.comparisons.push(n);
          break;
        }
        case 'variable_declarator':
        case 'assignment_expression':
        case 'augmented_assignment_expression':
          f.flows.push(n);
          break;
        case 'for_in_statement': {
          f.flows.push(n);
          const la = this.loopArgmaxOf(n);
          if (la) f.loopArgmax.push(la);
          break;
        }
        case 'object_pattern':
          if (n.children.some((c) => LABEL_KEY_RE.test(patternKey(ast, c) ?? ''))) f.labelPatterns.push(n);
          break;
        case 'member_expression': {
          const p = propName(ast, child(n, 'property'));
          if (p !== undefined && LABEL_KEY_RE.test(p)) f.labelReads.push(n);
          else if (p !== undefined && ANSWER_KEY_RE.test(p)) f.answerReads.push(n);
          break;
        }
        case 'subscript_expression': {
          const idx = child(n, 'index');
          const s = idx ? stringValue(ast, unwrap(idx)) : undefined;
          if (s !== undefined && LABEL_KEY_RE.test(s)) f.labelReads.push(n);
          else if (s !== undefined && ANSWER_KEY_RE.test(s)) f.answerReads.push(n);
          break;
        }
        default:
          break;
      }
    }
    for (const a of f.argmax) for (const n of subtree(ast, a)) if (n.type === 'binary_expression') f.argmaxComparisons.add(n);
    for (const la of f.loopArgmax) for (const n of subtree(ast, la.condition)) if (n.type === 'binary_expression') f.argmaxComparisons.add(n);
    this.facts.set(unit, f);
    return f;
  }

  /**
   * What a call contributes to the facts of every unit holding it (its function, the functions around it, the
   * program): computed once per call, not once per unit.
   */
  private callFacts(n: JNode): number {
    let cf = this.callMemo.get(n);
    if (cf !== undefined) return cf;
    const ast = this.ast;
    cf = this.isArgmax(n) ? CALL_ARGMAX : 0;
    const fnode = child(n, 'function');
    const fu = fnode ? unwrap(fnode) : undefined;
    if (fu?.type === 'member_expression' && (hasFunctionArgument(n) || MUTATORS.has(propName(ast, child(fu, 'property')) ?? ''))) cf |= CALL_FLOW;
    if (fu && this.recordsVersionCall(n, fu)) cf |= CALL_RECORDS_VERSION;
    this.callMemo.set(n, cf);
    return cf;
  }

  /**
   * A recorder call (`logger.info(…)`, `span.setAttributes(…)`) with a model version among its arguments: a name or
   * property (`modelVersion`, `res.model`) or a key (`"model_version": v`), not a word of a message ("querying model:").
   */
  private recordsVersionCall(n: JNode, callee: JNode): boolean {
    if (!this.isRecorder(callee)) return false;
    const a = child(n, 'arguments');
    if (a === undefined || !VERSION_RE.test(text(this.ast, a))) return false;
    const ast = this.ast;
    const nodes = ast.nodes;
    for (let i = a.idx + 1; i <= a.last; i++) {
      const x = nodes[i] as JNode;
      if (x.type === 'identifier' || x.type === 'property_identifier' || x.type === 'shorthand_property_identifier') {
        // (`process.version` is the runtime's.)
        if (versionName(text(ast, x)) && !(x.type === 'property_identifier' && /^process\./.test(text(ast, x.parent ?? x)))) return true;
      } else if (x.type === 'string' && x.field === 'key') {
        if (versionName(stringValue(ast, x) ?? '')) return true;
      } else if ((x.type === 'string' || x.type === 'template_string') && VERSION_TEXT_RE.test(text(ast, x))) return true;
    }
    return false;
  }

  /**
   * Whether the code of `n` (a top-level statement) records a model version: what it adds to `versionRecorded` of the
   * program.
   */
  recordsVersion(n: JNode): boolean {
    if (!VERSION_RE.test(this.ast.source.slice(n.start, n.end))) return false;
    const nodes = this.ast.nodes;
    for (let i = n.idx; i <= n.last; i++) {
      const x = nodes[i] as JNode;
      if (x.type !== 'call_expression') continue;
      const f = child(x, 'function');
      if (f && this.recordsVersionCall(x, unwrap(f))) return true;
    }
    return false;
  }

  /** `loopArgmax`, once per loop (a loop belongs to several units). */
  private loopArgmaxOf(loop: JNode): LoopArgmax | undefined {
    if (this.loopMemo.has(loop)) return this.loopMemo.get(loop);
    const la = this.loopArgmax(loop);
    this.loopMemo.set(loop, la);
    return la;
  }

  /**
   * The callee's last name is a recorder's (`log`, `track`…), or a name before it an object's (`logger`, `span`…): read
   * from the last name outwards, with no list of the names made (this runs for every call of the program).
   */
  private isRecorder(callee: JNode): boolean {
    let last: string | undefined;
    let recorderObject = false;
    let cur: JNode | undefined = callee;
    for (let i = 0; cur && i < 10; i++) {
      const u: JNode = unwrap(cur);
      let seg: string | undefined;
      if (u.type === 'identifier' || u.type === 'this') seg = text(this.ast, u);
      else if (u.type === 'member_expression') {
        seg = propName(this.ast, child(u, 'property')) ?? '';
        cur = child(u, 'object');
      } else if (u.type === 'call_expression') {
        cur = child(u, 'function');
        continue;
      } else break;
      if (last === undefined) last = seg;
      else if (!recorderObject && RECORDER_OBJ_RE.test(seg)) recorderObject = true;
      if (u.type !== 'member_expression') break;
    }
    if (RECORDER_FN_RE.test(last ?? '')) return true;
    return recorderObject;
  }

  /** argMax()/argmax(), x.indexOf(Math.max(...x)), or a reduce that keeps the index of the largest value. */
  isArgmax(call: JNode): boolean {
    const ast = this.ast;
    const f = child(call, 'function');
    if (!f) return false;
    const u = unwrap(f);
    const name = u.type === 'identifier' ? text(ast, u) : u.type === 'member_expression' ? propName(ast, child(u, 'property')) : undefined;
    if (name === undefined) return false;
    if (/^arg_?max$/i.test(name)) return true;
    // tfjs topk: the indices read out of it (`topK.indices.dataSync()`) are the label.
    if (/^(?:dataSync|data|array|arraySync)$/.test(name) && u.type === 'member_expression') {
      const o = unwrap(child(u, 'object') ?? u);
      if (o.type === 'member_expression' && propName(ast, child(o, 'property')) === 'indices') return true;
    }
    // The arguments matter to two names only (a list made for every call of the program otherwise).
    const args = name === 'indexOf' || name === 'reduce' ? argsOf(call) : NO_ARGS;
    if (name === 'indexOf' && args[0]) {
      // x.indexOf(Math.max(...x)), or with the maximum kept in a variable first.
      let a = unwrap(args[0]);
      if (a.type === 'identifier') {
        const def = this.r.lookup(text(ast, a), a)?.defs.find((x) => x.expr && x.path.length === 0)?.expr;
        if (def) a = unwrap(def);
      }
      if (a.type === 'call_expression') {
        const af = child(a, 'function');
        if (af && /^Math\.max(?:\.apply)?$/.test(calleeText(ast, af))) return true;
      }
    }
    // A helper of this file that takes the output and returns its argmax (`getLabel(out.logits.data)`).
    if (u.type === 'identifier' || (u.type === 'member_expression' && unwrap(child(u, 'object') ?? u).type === 'this')) {
      const v = this.r.eval(u);
      if (v.k === 'fn' && this.helperArgmax(v.node)) return true;
    }
    // A reduce that keeps the larger of two (`Object.keys(p).reduce((a, b) => (p[a] > p[b] ? a : b))`): the top key or item.
    if (name === 'reduce' && args[0] && keepsLarger(ast, unwrap(args[0]))) return true;
    if (name === 'reduce' && args.length >= 2) {
      const cb = unwrap(args[0] as JNode);
      const params = child(cb, 'parameters');
      const init = unwrap(args[1] as JNode);
      if (FUNCTION_TYPES.has(cb.type) && params && namedKids(params).length >= 3 && init.type === 'number' && text(ast, init) === '0') {
        return subtree(ast, cb).some((n) => n.type === 'binary_expression' && RELATIONAL.has(text(ast, child(n, 'operator') ?? n)));
      }
    }
    return false;
  }

  private readonly helperMemo = new Map<JNode, boolean>();

  /** An in-file function that takes a model output and returns its argmax, with no threshold of its own. */
  private helperArgmax(fn: JNode): boolean {
    const known = this.helperMemo.get(fn);
    if (known !== undefined) return known;
    this.helperMemo.set(fn, false);
    const facts = this.unitFacts(fn);
    let ok = false;
    if (facts.argmax.length > 0 || facts.loopArgmax.length > 0) {
      const params = new Set<string>();
      const ps = child(fn, 'parameters') ?? child(fn, 'parameter');
      if (ps) patternNames(this.ast, ps.type === 'formal_parameters' ? ps : ps, params);
      if (ps?.type === 'formal_parameters') for (const p of namedKids(ps)) patternNames(this.ast, p, params);
      ok = !this.hasThreshold(facts, { values: params, indexes: new Set() }, fn.start);
    }
    this.helperMemo.set(fn, ok);
    return ok;
  }

  /** A loop that keeps the index or label of the largest value: `if (x > best) { best = x; bestIndex = i; }`. */
  private loopArgmax(loop: JNode): LoopArgmax | undefined {
    const ast = this.ast;
    const body = child(loop, 'body');
    if (!body) return undefined;
    for (const n of subtree(ast, body)) {
      if (n.type !== 'if_statement' || enclosingFnWithin(n, loop)) continue;
      const cond = child(n, 'condition');
      const cmp = cond ? namedKids(cond)[0] : undefined;
      const cu = cmp ? unwrap(cmp) : undefined;
      if (cu?.type !== 'binary_expression') continue;
      const l = child(cu, 'left');
      const r = child(cu, 'right');
      const op = l && r ? ast.source.slice(l.end, r.start).trim() : '';
      if (!l || !r || !/^[<>]=?$/.test(op)) continue;
      const index: string[] = [];
      const value: string[] = [];
      const cons = child(n, 'consequence');
      if (!cons) continue;
      const sides = [text(ast, l).replace(/\s+/g, ''), text(ast, r).replace(/\s+/g, '')];
      for (const a of subtree(ast, cons)) {
        if (a.type !== 'assignment_expression') continue;
        const left = child(a, 'left');
        const right = child(a, 'right');
        if (!left || !right || unwrap(left).type !== 'identifier') continue;
        const name = text(ast, unwrap(left));
        (sides.includes(text(ast, right).replace(/\s+/g, '')) ? value : index).push(name);
      }
      // Both the winner's value and its index (or label) are kept: an argmax, not a running total.
      if (index.length > 0 && (value.length > 0 || index.some((x) => sides.some((sd) => new RegExp(`\\b${x.replace(/\$/g, '\\$')}\\b`).test(sd))))) return { loop, condition: cu, index, value };
    }
    return undefined;
  }

  // ---------------------------------------------------------------- confidence

  /** Identifier names in a subtree (cached: flows and comparisons are looked at for every call of their unit). */
  private idsOf(n: JNode): string[] {
    let ids = this.ids.get(n);
    if (!ids) {
      ids = [];
      const nodes = this.ast.nodes;
      for (let i = n.idx; i <= n.last; i++) {
        const x = nodes[i] as JNode;
        if (x.type === 'identifier' || x.type === 'shorthand_property_identifier') ids.push(text(this.ast, x));
      }
      this.ids.set(n, ids);
    }
    return ids;
  }

  /** Names a pattern binds (cached). */
  private boundNames(pat: JNode): string[] {
    let names = this.bound.get(pat);
    if (!names) {
      const set = new Set<string>();
      patternNames(this.ast, pat, set);
      names = [...set];
      this.bound.set(pat, names);
    }
    return names;
  }

  /** Flow sites, comparisons, label reads… of a unit that may concern a call: from the call on, at most WINDOW of them. */
  private window(list: JNode[], from: number): JNode[] {
    const lo = lowerBound(list, from);
    return list.slice(lo, lo + WINDOW);
  }

  /** The max-finding loops of a unit that end after the call and compare what comes of it (`values`, see `taint`). */
  argmaxLoops(d: Detected, facts: UnitFacts, values: ReadonlySet<string>): LoopArgmax[] {
    return facts.loopArgmax.filter((la) => la.loop.end >= d.node.start && this.idsOf(la.condition).some((x) => values.has(x)));
  }

  /** Names bound to the call's result and to values derived from it, and which of them are argmax indexes. */
  taint(d: Detected, facts: UnitFacts): { values: Set<string>; indexes: Set<string> } {
    const ast = this.ast;
    const values = new Set<string>();
    const indexes = new Set<string>();
    // The results parameter of an error-first callback stands for the answer (see `check`).
    if (d.node.type === 'identifier' && /^(?:formal_parameters|required_parameter|optional_parameter)$/.test(d.node.parent?.type ?? '')) values.add(text(ast, d.node));
    const outer = outerValue(d.node);
    const p = outer.parent;
    if (p?.type === 'variable_declarator' && outer.field === 'value') patternNames(ast, child(p, 'name'), values);
    else if ((p?.type === 'assignment_expression' || p?.type === 'augmented_assignment_expression') && outer.field === 'right') patternNames(ast, child(p, 'left'), values);
    // x.then((out) => …)
    let cur = d.node;
    for (let i = 0; i < 10; i++) {
      const m = cur.parent;
      if (m?.type !== 'member_expression' || cur.field !== 'object') break;
      const call = m.parent;
      if (call?.type !== 'call_expression') break;
      if (propName(ast, child(m, 'property')) === 'then') {
        const cb = argsOf(call)[0];
        if (cb) addParams(ast, unwrap(cb), values);
      }
      cur = call;
    }
    // Flow sites around the call (declarations it initialises, chains it starts), then the ones after it.
    const flows: JNode[] = [];
    const unitNode = facts.unit;
    for (let a = d.node.parent, i = 0; a && a !== unitNode && i < 200; a = a.parent, i++) if (FLOW_TYPES.has(a.type)) flows.unshift(a);
    flows.push(...this.window(facts.flows, d.node.end));
    // The helpers below are methods rather than closures: taint runs for every call checked.
    const call = d.node;
    for (let round = 0; round < 3; round++) {
      const before = values.size + indexes.size;
      for (const f of flows) {
        if (f.type === 'variable_declarator') {
          const v = child(f, 'value');
          if (v && this.mentions(v, call, values)) this.bind(child(f, 'name'), containsArgmax(facts, v) ? indexes : values);
        } else if (f.type === 'assignment_expression' || f.type === 'augmented_assignment_expression') {
          const v = child(f, 'right');
          const left = child(f, 'left');
          if (v && left && !isDisplayTarget(ast, unwrap(left)) && this.mentions(v, call, values)) this.bind(left, containsArgmax(facts, v) ? indexes : values);
        } else if (f.type === 'for_in_statement') {
          if (this.mentions(child(f, 'right'), call, values)) this.bind(child(f, 'left'), values);
        } else if (f.type === 'call_expression') {
          const fn = child(f, 'function');
          const recv = fn && unwrap(fn).type === 'member_expression' ? child(unwrap(fn), 'object') : undefined;
          if (recv && this.mentions(recv, call, values)) for (const a of argsOf(f)) addParams(ast, unwrap(a), values);
          // results.push(prediction): the collection now holds it.
          const method = fn && unwrap(fn).type === 'member_expression' ? propName(ast, child(unwrap(fn), 'property')) : undefined;
          if (recv && unwrap(recv).type === 'identifier' && method && MUTATORS.has(method) && (this.mentionsAny(argsOf(f), call, values) || this.underCondition(f, unitNode, call, values))) values.add(text(ast, unwrap(recv)));
        }
      }
      for (const la of facts.loopArgmax) {
        if (la.loop.end < d.node.start) continue;
        if (this.idsOf(la.condition).some((x) => values.has(x))) {
          for (const x of la.index) indexes.add(x);
          for (const x of la.value) values.add(x);
        }
      }
      for (const i of indexes) values.delete(i);
      if (values.size + indexes.size === before) break;
    }
    return { values, indexes };
  }

  /** Whether `n` runs only when a condition about the value holds (`if (p[i] > 0.15) picked.push(i)`). */
  private underCondition(n: JNode, top: JNode | undefined, call: JNode, values: ReadonlySet<string>): boolean {
    for (let p = n.parent; p && p !== top; p = p.parent) {
      if (FUNCTION_TYPES.has(p.type)) return false;
      if ((p.type === 'if_statement' || p.type === 'ternary_expression') && this.mentions(child(p, 'condition'), call, values)) return true;
    }
    return false;
  }

  /** Whether `n` holds the call or names one of `values` (see `taint`). */
  private mentions(n: JNode | undefined, call: JNode, values: ReadonlySet<string>): boolean {
    if (!n) return false;
    if (within(call, n)) return true;
    const ids = this.idsOf(n);
    for (let i = 0; i < ids.length; i++) if (values.has(ids[i] as string)) return true;
    return false;
  }

  private mentionsAny(list: readonly JNode[], call: JNode, values: ReadonlySet<string>): boolean {
    for (let i = 0; i < list.length; i++) if (this.mentions(list[i], call, values)) return true;
    return false;
  }

  /** Adds the names a pattern binds to `target`. */
  private bind(pat: JNode | undefined, target: Set<string>): void {
    if (pat) for (const x of this.boundNames(pat)) target.add(x);
  }

  /**
   * no-confidence, one definition: a hard label (an argmax in any form, a label read from a classifier's result) that
   * decides something here — a branch, a returned, sent, stored or displayed decision — with no score compared to a
   * threshold fails; the label travelling with its score (returned, sent, shown, logged) passes; a label that is only
   * printed decides nothing (n/a), and so does a greedy argmax that picks the next token of a generation loop.
   */
  private confidence(d: Detected): { state: CheckState; reason: string | undefined } {
    const ast = this.ast;
    const unit = this.unitOf(d.node);
    const facts = this.unitFacts(unit);
    const from = statementStart(d.node);
    const t = this.taint(d, facts);
    const mentionsCall = (n: JNode | undefined): boolean => !!n && (within(d.node, n) || this.idsOf(n).some((x) => t.values.has(x)));
    const argmax = this.window(facts.argmax, from).filter((a) => mentionsCall(a) || within(a, d.node) || within(d.node, a));
    // A workspace function that hands back a bare label: its answer is the label itself.
    // So does a library call that answers with the class label alone.
    if (d.wrapped?.returnsLabel || d.hardLabel) argmax.push(outerValue(d.node));
    const loops = this.argmaxLoops(d, facts, t.values);
    const labels = d.labels !== false && (d.labels === true || d.kind === 'hf-pipeline' || d.kind === 'onnxruntime');
    // Scores ranked with a descending sort and then read by label (`ranked[0].label`) are a top-1 pick, whatever the model.
    const ranked = new Set<string>();
    for (const f of this.window(facts.flows, from)) {
      const v = f.type === 'variable_declarator' ? child(f, 'value') : undefined;
      if (v && mentionsCall(v) && subtree(ast, v).some((n) => n.type === 'call_expression' && this.calleeLast(n) === 'sort' && isDescendingComparator(ast, unwrap(argsOf(n)[0] ?? n)))) this.boundNames(child(f, 'name') ?? f).forEach((x) => ranked.add(x));
    }
    // A model server's answer read by one field and nothing else: `setResult(res.data.prediction)` is the hard label.
    const http = d.kind === 'remote' && d.client !== 'sdk' && d.labels === undefined;
    const reads = [
      ...this.window(facts.labelReads, from).filter((m) => (labels || http ? mentionsCall(child(m, 'object')) : this.idsOf(child(m, 'object') ?? m).some((x) => ranked.has(x)))),
      ...(http ? this.window(facts.answerReads, from).filter((m) => mentionsCall(child(m, 'object'))) : []),
      // An element of a classifier's or detector's answer compared with a class name (`results[0] != "person"`) is
      // read as its label.
      ...(labels ? this.elementsComparedWithString(facts, t.values, from) : []),
    ];
    const patterns = labels
      ? this.window(facts.labelPatterns, from).filter((pat) => {
          const decl = pat.parent;
          if (decl?.type === 'variable_declarator' && pat.field === 'name') return mentionsCall(child(decl, 'value'));
          return patternInCallbackOf(pat, (recv) => mentionsCall(recv));
        })
      : [];
    const unitFn = unit.type === 'program' ? undefined : unit;
    if (argmax.length === 0 && loops.length === 0 && reads.length === 0 && patterns.length === 0) {
      // The output read as one-hot: an element branched on by its truth answers with a constant label.
      let pick: JNode | undefined;
      for (const id of this.window(facts.idents, d.node.end)) {
        if (!t.values.has(text(ast, id)) || isBindingSite(id)) continue;
        const sink = sinkOf(ast, id, unitFn);
        pick = sink?.kind === 'branch' ? truthPick(ast, sink.carrier, unitFn) : undefined;
        if (pick) break;
      }
      const cond = pick ? child(pick, 'condition') : undefined;
      if (!cond) return { state: 'n/a', reason: noLabelReason(d) };
      if (this.hasThreshold(facts, t, from)) return { state: 'pass', reason: 'a score is compared to a threshold before the label is used' };
      const answers = pickedReturns(ast, cond, unitFn);
      if (answers.some((a) => this.idsOf(a).some((x) => t.values.has(x)))) return { state: 'pass', reason: 'the label is returned together with its score, so the caller can act on it' };
      return { state: 'fail', reason: `an element of the output picks a label by its truth (\`if ${snippet(ast, cond)}\`): a hard label with no score compared to a threshold` };
    }
    const threshold = this.modelThreshold(d);
    if (threshold) return { state: 'pass', reason: `the model applies its own threshold (${threshold})` };
    if (this.hasThreshold(facts, t, from)) return { state: 'pass', reason: 'a score is compared to a threshold before the label is used' };

    // The names that hold the label: argmax indexes, and what label reads (and values derived from them) are bound to.
    const label = new Set(t.indexes);
    for (const pat of patterns) for (const c of pat.children) if (LABEL_KEY_RE.test(patternKey(ast, c) ?? '')) patternNames(ast, c.type === 'pair_pattern' ? child(c, 'value') : c, label);
    const sources = [...argmax, ...reads];
    const flows = this.window(facts.flows, from);
    // Where each use goes, asked once: the rounds below and the final pass ask it of the same uses.
    const sinks = new Map<JNode, Sink | undefined>();
    const sinkAt = (use: JNode): Sink | undefined => {
      if (!sinks.has(use)) sinks.set(use, sinkOf(ast, use, unitFn));
      return sinks.get(use);
    };
    const labelUses = (): JNode[] => [...sources, ...this.window(facts.idents, d.node.end).filter((id) => label.has(text(ast, id)) && !isBindingSite(id))];
    for (let round = 0; round < 3; round++) {
      const before = label.size;
      for (const f of flows) {
        const v = f.type === 'variable_declarator' ? child(f, 'value') : f.type === 'assignment_expression' ? child(f, 'right') : undefined;
        const target = f.type === 'variable_declarator' ? child(f, 'name') : f.type === 'assignment_expression' ? child(f, 'left') : undefined;
        if (!v || !target || isDisplayTarget(ast, unwrap(target))) continue;
        if (sources.some((x) => within(x, v)) || this.idsOf(v).some((x) => label.has(x))) for (const x of this.boundNames(target)) label.add(x);
      }
      // A branch that only maps the label to other values passes it on to the names it assigns.
      for (const use of labelUses()) {
        const sink = sinkAt(use);
        const m = sink?.kind === 'branch' ? mappingOf(ast, sink.carrier) : undefined;
        // What an arm assigns from the output itself (`p = probs[0]`) is the score, not the label.
        if (m && 'names' in m) m.names.forEach((x, k) => !this.idsOf(m.values[k] as JNode).some((id) => t.values.has(id)) && label.add(x));
      }
      if (label.size === before) break;
    }
    for (const x of label) t.values.delete(x);

    // Generation: the argmax picks the next input of a decoding loop.
    if (this.generationLoop(d, facts, label)) return { state: 'n/a', reason: 'greedy decoding: the argmax picks the next token of a generation loop (not a class decision)' };

    // Where the label goes.
    const uses = labelUses();
    const hidden = [...argmax, ...reads];
    const scoreIn = (carrier: JNode): boolean => this.carriesScore(carrier, t.values, hidden, label);
    let decision: Sink | undefined;
    let surfaced: Sink | undefined;
    let logged = false;
    // Shown on a page or logged in several places (a table row per class): the score may be shown beside it.
    const scoreShown = new Map<SinkKind, boolean>();
    const shownWithScore = (kind: SinkKind): boolean => {
      if (kind !== 'display' && kind !== 'log') return false;
      let known = scoreShown.get(kind);
      if (known === undefined) {
        known = this.window(facts.idents, d.node.end).some((id) => {
          if (!t.values.has(text(ast, id)) || isBindingSite(id)) return false;
          const sk = sinkOf(ast, id, unitFn);
          return sk?.kind === kind && scoreIn(sk.carrier);
        });
        scoreShown.set(kind, known);
      }
      return known;
    };
    for (const use of uses) {
      let sink = sinkAt(use);
      // A mapping decides nothing itself; a mapped value (a ternary's) goes on to its own sink.
      const m = sink?.kind === 'branch' ? mappingOf(ast, sink.carrier) : undefined;
      if (m) sink = 'value' in m ? sinkOf(ast, m.value, unitFn) : undefined;
      if (!sink) continue;
      const withScore = sink.kind !== 'branch' && (scoreIn(sink.carrier) || shownWithScore(sink.kind));
      if (sink.kind === 'log') {
        if (withScore) surfaced ??= sink;
        else logged = true;
      } else if (!withScore) decision ??= sink;
      else surfaced ??= sink;
    }
    if (decision) {
      const why = `the label ${DECIDES[decision.kind]} (\`${snippet(ast, decision.carrier)}\`) with no score compared to a threshold`;
      return { state: 'fail', reason: http && argmax.length === 0 && !d.hosted ? `${why}; the model server's answer is read without a score: have it return the probability with the label` : why };
    }
    if (surfaced) return { state: 'pass', reason: `the label is ${SURFACED[surfaced.kind]} together with its score, so the caller can act on it` };
    return { state: 'n/a', reason: logged ? 'the label is only printed: it decides nothing here' : 'the label is not used for a decision here' };
  }

  /** Elements of the answer (`results[0]`, held in `values`) compared with a string literal after `from`. */
  private elementsComparedWithString(facts: UnitFacts, values: ReadonlySet<string>, from: number): JNode[] {
    const ast = this.ast;
    const out: JNode[] = [];
    for (const id of this.window(facts.idents, from)) {
      const sub = id.parent;
      if (sub?.type === 'subscript_expression' && id.field === 'object' && values.has(text(ast, id)) && comparedWithString(ast, sub)) out.push(sub);
    }
    return out;
  }

  /** Whether a carrier (the arguments of a response, a returned object…) also carries a score or the raw output. */
  private carriesScore(carrier: JNode, values: Set<string>, hidden: JNode[], label: Set<string>): boolean {
    const ast = this.ast;
    for (const n of subtree(ast, carrier)) {
      if (n.type !== 'identifier' && n.type !== 'property_identifier' && n.type !== 'shorthand_property_identifier') continue;
      const name = text(ast, n);
      if (label.has(name) || hidden.some((h) => within(n, h)) || inIndex(n, carrier)) continue;
      if (SCORE_RE.test(name) || /^(?:probability|probabilities|confidences|scores)$/.test(name)) return true;
      if (n.type !== 'property_identifier' && values.has(name)) return true;
    }
    return false;
  }

  /** A threshold the model applies itself: `toxicity.load(0.9)`, `detect(img, 20, minScore)`, `{ minConfidence }` options. */
  private modelThreshold(d: Detected): string | undefined {
    const ast = this.ast;
    const via = d.via;
    const args = [...argsOf(d.node).slice(1), ...(via?.k === 'obj' && via.what === 'tf-model' ? (via.loadArgs ?? []) : [])];
    for (const a of args) {
      let u = unwrap(a);
      if (u.type === 'number' && via?.k === 'obj' && via.loadArgs?.includes(a) && /toxicity/.test(via.pkg ?? '')) return `${text(ast, u)} at load`;
      // Options kept in a name first (`const options = { probabilityThreshold: 0.95 }`).
      if (u.type === 'identifier') {
        const v = this.r.eval(u);
        if (v.k === 'objlit') u = v.node;
      }
      for (const n of subtree(ast, u)) {
        if ((n.type === 'identifier' || n.type === 'property_identifier' || n.type === 'shorthand_property_identifier') && /thresh|minScore|min_score|minConfidence|scoreThreshold|min_confidence/i.test(text(ast, n))) return text(ast, n);
      }
    }
    if (d.method === 'detect' && args.length >= 2 && argsOf(d.node)[2]) return `detect(…, ${text(ast, argsOf(d.node)[2] as JNode)})`;
    return undefined;
  }

  /** The call runs in a loop whose argmax feeds the next call's input (`feed.input_ids = … lastToken …`). */
  private generationLoop(d: Detected, facts: UnitFacts, label: Set<string>): boolean {
    if (label.size === 0) return false;
    const ast = this.ast;
    let loop: JNode | undefined;
    for (let p = d.node.parent; p && p !== facts.unit; p = p.parent) {
      if (FUNCTION_TYPES.has(p.type)) break;
      if (LOOP_TYPES.has(p.type)) {
        loop = p;
        break;
      }
    }
    if (!loop) return false;
    const inputs = new Set(argsOf(d.node).flatMap((a) => this.idsOf(a)));
    for (const f of facts.flows) {
      if (!within(f, loop) || f.start < d.node.end) continue;
      const ids = this.idsOf(f);
      if (!ids.some((x) => label.has(x))) continue;
      if (ids.some((x) => inputs.has(x)) || /token/i.test(text(ast, f))) return true;
    }
    for (const m of facts.idents) {
      if (!within(m, loop) || m.start < d.node.end || !label.has(text(ast, m))) continue;
      const stmt = statementOf(m);
      if (stmt && this.idsOf(stmt).some((x) => inputs.has(x) && !label.has(x))) return true;
    }
    return false;
  }

  hasThreshold(facts: UnitFacts, t: { values: Set<string>; indexes: Set<string> }, from: number): boolean {
    for (const cmp of this.window(facts.comparisons, from)) {
      if (facts.argmaxComparisons.has(cmp)) continue;
      const l = child(cmp, 'left');
      const r = child(cmp, 'right');
      if (!l || !r) continue;
      const ls = this.side(l, t);
      const rs = this.side(r, t);
      if ((ls === 'score' && rs === 'threshold') || (ls === 'threshold' && rs === 'score')) return true;
    }
    return false;
  }

  /** What one side of a comparison is made of, independent of the call (cached). */
  private sideInfo(n: JNode): SideInfo {
    let info = this.sides.get(n);
    if (info) return info;
    const ast = this.ast;
    const u = unwrap(n);
    info = { number: u.type === 'number' || (u.type === 'unary_expression' && namedKids(u)[0]?.type === 'number'), length: false, thresh: false, score: false, names: [], simple: u.type === 'identifier' || u.type === 'member_expression' };
    // Where a box sits (`p.bbox[1] > 10`) is not a score, unless a score is read there too (`kp.keypoints[i].score`).
    let geometry = false;
    if (!info.number) {
      for (const x of subtree(ast, u)) {
        if (x.type !== 'identifier' && x.type !== 'property_identifier' && x.type !== 'shorthand_property_identifier') continue;
        const name = text(ast, x);
        if (name === 'length' || name === 'size') info.length = true;
        else if (x.type === 'property_identifier' && GEOMETRY.has(name)) geometry = true;
        else if (THRESH_RE.test(name)) info.thresh = true;
        else if (SCORE_RE.test(name) || (name === 'max' && x.type === 'property_identifier')) info.score = true;
        else info.names.push(name);
        if (info.names.length > 50) break;
      }
    }
    if (geometry && !info.score) info.length = true;
    this.sides.set(n, info);
    return info;
  }

  /** Classifies one side of a comparison: a score/probability, a threshold, or neither. */
  private side(n: JNode, t: { values: Set<string>; indexes: Set<string> }): 'score' | 'threshold' | 'other' {
    const info = this.sideInfo(n);
    if (info.number) return 'threshold';
    if (info.length) return 'other';
    if (info.thresh) return 'threshold';
    if (info.score || info.names.some((x) => t.values.has(x))) return 'score';
    if (info.names.some((x) => t.indexes.has(x))) return 'other';
    return info.simple ? 'threshold' : 'other';
  }

  // ---------------------------------------------------------------- timeout

  private timeout(d: Detected): CheckState {
    if (d.kind !== 'remote' && d.kind !== 'sagemaker' && d.kind !== 'vertex' && !(d.kind === 'custom' && d.pattern?.kind === 'remote')) return 'n/a';
    if (this.inRace(d.node)) return 'pass';
    const later = d.promise ? this.awaitedLater(d.node) : undefined;
    if (later?.type === 'call_expression' && this.stopsWaiting(later)) return 'pass';
    const args = argsOf(d.node);
    const yes = (v: Tri): CheckState => (v === 'no' ? 'fail' : 'pass');
    switch (d.client) {
      case 'fetch':
        return args[1] ? yes(this.hasKeys(args[1], ['signal'], false)) : 'fail';
      case 'ofetch':
        return args[1] ? yes(this.hasKeys(args[1], ['timeout', 'signal'], false)) : 'fail';
      case 'axios': {
        const cfg = this.axiosConfig(d, args);
        const own = cfg ? this.hasKeys(cfg, ['timeout', 'signal'], false) : 'no';
        if (own !== 'no') return 'pass';
        if (d.via?.k === 'obj') {
          if (d.via.typed) return 'pass';
          if (d.via.ext) return d.via.ext.timeout === false && !this.defaultsTimeout ? 'fail' : 'pass';
          if (d.via.cfg.some((c) => this.hasKeys(c, ['timeout'], false) !== 'no')) return 'pass';
        }
        return this.defaultsTimeout ? 'pass' : 'fail';
      }
      case 'got': {
        const opts = this.optionsObject(args);
        if (opts && this.hasKeys(opts, ['timeout', 'signal'], false) !== 'no') return 'pass';
        if (d.via?.k === 'obj' && d.via.cfg.some((c) => this.hasKeys(c, ['timeout'], false) !== 'no')) return 'pass';
        return 'fail';
      }
      case 'request-promise': {
        // `timeout` (milliseconds) in the options.
        const opts = this.optionsObject(args);
        return opts && this.hasKeys(opts, ['timeout'], false) !== 'no' ? 'pass' : 'fail';
      }
      case 'jquery': {
        // `timeout` (milliseconds) in the settings, or for every request of the page (`$.ajaxSetup({ timeout })`).
        const settings = jquerySettings(this.r, d, args);
        if (settings && this.hasKeys(settings, ['timeout'], false) !== 'no') return 'pass';
        return this.ajaxSetupTimeout ? 'pass' : 'fail';
      }
      case 'undici-request':
        return args[1] ? yes(this.hasKeys(args[1], ['headersTimeout', 'bodyTimeout', 'signal'], false)) : 'fail';
      case 'sagemaker':
      case 'sagemaker-v2': {
        if (args[1] && this.hasKeys(args[1], ['abortSignal'], false) === 'yes') return 'pass';
        const via = d.via;
        if (!via || via.k !== 'obj' || via.typed || (via.what !== 'sm-client' && via.what !== 'sm-runtime' && via.what !== 'sm-v2')) return 'pass';
        const cfg = via.cfg[0];
        if (!cfg) return 'fail';
        return yes(this.hasKeys(cfg, d.client === 'sagemaker-v2' ? ['timeout'] : ['requestTimeout'], true));
      }
      case 'sdk': {
        // A request option on the call (`create(params, { timeout })`, `run(model, { input, signal })`), or one on the client.
        // Not one in the request body: `create({ model, messages, timeout })` sends `timeout` to the API as a parameter.
        if (args.slice(Math.max(0, sdkOptionsIndex(d, args))).some((a) => this.hasKeys(a, TIMEOUT_KEYS, false) === 'yes')) return 'pass';
        const via = d.via;
        // A client this file cannot see (imported from an unresolved module, injected): its options are unknown.
        if (via && via.k !== 'obj') return 'pass';
        if (!via || via.what !== 'llm-client') return 'fail';
        if (via.typed) return 'pass';
        if (via.ext) return via.ext.timeout === false ? 'fail' : 'pass';
        const opts = via.cfg[(d.sdk ? SDKS[d.sdk].ctorOptions : undefined) ?? 0];
        return opts ? yes(this.hasKeys(opts, TIMEOUT_KEYS, true)) : 'fail';
      }
      case 'custom':
        return args.some((a) => this.hasKeys(a, ['timeout', 'signal', 'abortSignal'], false) === 'yes') ? 'pass' : 'fail';
      default:
        return 'n/a';
    }
  }

  /** `Promise.race([call, timeout(ms)])`, `withTimeout(call, ms)`: the caller stops waiting after a timer. */
  private inRace(call: JNode): boolean {
    let cur = call;
    for (let i = 0; i < 12 && cur.parent; i++) {
      const p: JNode = cur.parent;
      if (p.type === 'call_expression' && cur.type === 'arguments') return this.stopsWaiting(p);
      // The body of an arrow function handed to a helper (`withTimeout(() => client.create(…), ms)`).
      if (p.type === 'arrow_function' && cur.field === 'body') {
        cur = p;
        continue;
      }
      if (!['arguments', 'array', 'await_expression', 'parenthesized_expression', 'member_expression', 'call_expression', 'as_expression', 'non_null_expression'].includes(p.type)) return false;
      if (p.type === 'member_expression' && cur.field !== 'object') return false;
      cur = p;
    }
    return false;
  }

  /**
   * A call that stops waiting for the promise handed to it after a deadline: `Promise.race` (against a timer), or a
   * helper named for it (`withTimeout(p, ms)`, p-timeout's `pTimeout(p, { milliseconds })`, `promiseWithDeadline`).
   */
  private stopsWaiting(call: JNode): boolean {
    const f = child(call, 'function');
    if (!f) return false;
    if (calleeText(this.ast, f) === 'Promise.race') return true;
    const last = this.calleeLast(call);
    return last !== undefined && DEADLINE_HELPER_RE.test(last) && !/^(?:set|clear)Timeout$/.test(last);
  }

  /** The options of a client called as `f(options)` or `f(url, options)` (got, request-promise). */
  private optionsObject(args: JNode[]): JNode | undefined {
    const first = args[0] ? unwrap(args[0]) : undefined;
    return first && this.r.eval(first).k === 'objlit' ? first : args[1];
  }

  axiosConfig(d: Detected, args: JNode[]): JNode | undefined {
    const m = d.method ?? '';
    if (m === '') {
      const first = args[0] ? this.r.eval(args[0]) : undefined;
      return first?.k === 'str' ? args[1] : args[0];
    }
    if (m === 'request') return args[0];
    if (/^(post|put|patch)(Form)?$/.test(m)) return args[2];
    return args[1];
  }

  /** Whether an options object has one of `keys` (spreads and identifiers followed; `deep` looks into nested objects and `new X({...})`). */
  hasKeys(n: JNode, keys: string[], deep: boolean, depth = 0): Tri {
    if (depth > 6) return 'unknown';
    const ast = this.ast;
    const u = unwrap(n);
    if (u.type === 'object') {
      let unknown = false;
      for (const c of u.children) {
        if (c.type === 'pair') {
          const k = propName(ast, child(c, 'key'));
          if (k !== undefined && keys.includes(k)) return 'yes';
          const v = child(c, 'value');
          if (deep && v) {
            const r = this.hasKeys(v, keys, deep, depth + 1);
            if (r === 'yes') return 'yes';
          }
        } else if (c.type === 'shorthand_property_identifier') {
          if (keys.includes(text(ast, c))) return 'yes';
          if (deep && this.hasKeys(c, keys, deep, depth + 1) === 'yes') return 'yes';
        } else if (c.type === 'spread_element') {
          const inner = namedKids(c)[0];
          const r = inner ? this.hasKeys(inner, keys, deep, depth + 1) : 'unknown';
          if (r === 'yes') return 'yes';
          if (r === 'unknown') unknown = true;
        }
      }
      return unknown ? 'unknown' : 'no';
    }
    if (u.type === 'new_expression' || u.type === 'call_expression') {
      if (!deep) return 'unknown';
      let unknown = false;
      for (const a of argsOf(u)) {
        const r = this.hasKeys(a, keys, deep, depth + 1);
        if (r === 'yes') return 'yes';
        if (r === 'unknown') unknown = true;
      }
      return unknown ? 'unknown' : 'no';
    }
    if (u.type === 'identifier' || u.type === 'member_expression' || u.type === 'shorthand_property_identifier') {
      const v = this.r.eval(u);
      if (v.k === 'objlit') return this.hasKeys(v.node, keys, deep, depth + 1);
      if (v.k === 'str') return 'no';
      if (deep && u.type !== 'member_expression') {
        const b = this.r.lookup(text(ast, u), u);
        const e = b?.defs.find((x) => x.expr && x.path.length === 0)?.expr;
        if (e) return this.hasKeys(e, keys, deep, depth + 1);
      }
      return 'unknown';
    }
    if (u.type === 'undefined' || u.type === 'null' || u.type === 'string' || u.type === 'template_string' || u.type === 'number') return 'no';
    return 'unknown';
  }

  // ---------------------------------------------------------------- trace

  /**
   * untraced-prediction: the prediction leaves the function — returned, sent in a response or to another thread,
   * stored — with no model version recorded on that path. Values that are only printed, logged or shown are n/a,
   * and so is a result returned only to in-file callers that do not let it leave either (print-only scripts).
   */
  private trace(d: Detected): CheckState {
    if (!resultUsed(this.ast, d.node)) return 'n/a';
    let node = d.node;
    let exits = this.exits(node, d);
    if (exits.length === 0) return 'n/a';
    // The workspace function it calls records the version, or hands it back with the prediction.
    if (d.wrapped?.traced) return 'pass';
    // Returned from a function handed to a helper whose promise is awaited (`await retry(async () => client.create(…))`):
    // the prediction goes where that call's value goes.
    const handed = exits.every((e) => e.kind === 'return') ? handedOnCall(this.ast, this.unitOf(node)) : undefined;
    // Whether the answer the helper hands on is the whole answer (not `r.choices[0].message.content`).
    let whole = true;
    if (handed && resultUsed(this.ast, handed)) {
      const inner = this.answerNames(d, node);
      whole = exits.every((e) => this.wholeAnswer(e, node, inner));
      node = handed;
      exits = this.exits(node);
      if (exits.length === 0) return 'n/a';
    }
    // A hosted model's answer handed on whole names the model that made it (`model`, Vertex's `deployedModelId`).
    if (whole && (carriesModel(d) || d.wrapped?.answer)) {
      const names = this.answerNames(d, node);
      // An error answer that reads only the answer's error or status (`res.status(r.status).json({ error: data.error })`)
      // hands on no prediction.
      const answers = exits.filter((e) => !this.errorOnly(e, names));
      if (answers.length > 0 && answers.every((e) => this.wholeAnswer(e, node, names))) {
        d.wholeAnswer = true;
        return 'pass';
      }
    }
    const unit = this.unitOf(node);
    if (this.unitFacts(unit).versionRecorded || exits.some((e) => this.carriesVersion(e, unit))) return 'pass';
    if (exits.every((e) => e.kind === 'return') && unit.type !== 'program' && !this.exported(unit)) {
      const sites = this.callSites(unit);
      if (sites && sites.length > 0 && !sites.some((s) => this.leaves(s, 1))) return 'n/a';
    }
    return 'fail';
  }

  /**
   * The names that hold a hosted model's whole answer: the call's value (`const res = await client…create(…)`) and, for
   * a request, its body read whole (`const data = await res.json()`).
   */
  private answerNames(d: Detected, node: JNode): Set<string> {
    const ast = this.ast;
    const out = new Set<string>();
    const decl = outerValue(node).parent;
    const name = decl?.type === 'variable_declarator' ? child(decl, 'name') : undefined;
    if (!name || name.type !== 'identifier') return out;
    const facts = this.unitFacts(this.unitOf(node));
    // A name assigned again later (`res = res.choices[0].message.content`) holds something else by then.
    const reassigned = (n: string): boolean => this.window(facts.flows, node.end).some((f) => f.type === 'assignment_expression' && text(ast, child(f, 'left') ?? f) === n);
    if (reassigned(text(ast, name))) return out;
    out.add(text(ast, name));
    // The answer of a promise kept in the name and awaited later (`const r = await Promise.race([p, timer])`).
    const later = d.promise ? this.awaitedLater(node) : undefined;
    const laterDecl = later && !/^Promise\.all$/.test(later.type === 'call_expression' ? calleeText(ast, child(later, 'function') ?? later) : '') ? outerValue(later).parent : undefined;
    const laterName = laterDecl?.type === 'variable_declarator' ? child(laterDecl, 'name') : undefined;
    if (laterName?.type === 'identifier' && !reassigned(text(ast, laterName))) out.add(text(ast, laterName));
    // The OpenAI v3 SDK (`OpenAIApi`) answers with the axios response: its `data` is the answer.
    const v3 = d.client === 'sdk' && d.sdk === 'openai' && /\bcreate(?:Chat)?Completion$/.test(d.label);
    if ((d.kind !== 'remote' || d.client === 'sdk' || d.wrapped) && !v3) return out;
    for (const f of this.window(facts.flows, node.end)) {
      if (f.type !== 'variable_declarator') continue;
      const v = child(f, 'value');
      const target = child(f, 'name');
      const call = v ? unwrap(v) : undefined;
      const fn = call?.type === 'call_expression' ? child(call, 'function') : undefined;
      const fu = fn ? unwrap(fn) : undefined;
      if (v3) {
        if (target?.type === 'identifier' && call?.type === 'member_expression' && propName(ast, child(call, 'property')) === 'data' && text(ast, child(call, 'object') ?? call) === text(ast, name) && !reassigned(text(ast, target))) out.add(text(ast, target));
        continue;
      }
      if (target?.type === 'identifier' && fu?.type === 'member_expression' && propName(ast, child(fu, 'property')) === 'json' && text(ast, child(fu, 'object') ?? fu) === text(ast, name) && !reassigned(text(ast, target))) out.add(text(ast, target));
    }
    return out;
  }

  /** The exit reads the answer only for its error or HTTP status (`data.error`, `json.detail`, `r.status`), as an error response does. */
  private errorOnly(e: Sink, names: ReadonlySet<string>): boolean {
    const ast = this.ast;
    let read = false;
    for (const n of subtree(ast, e.carrier)) {
      if (n.type !== 'identifier' || !names.has(text(ast, n))) continue;
      const p = n.parent;
      if (p?.type !== 'member_expression' || child(p, 'object') !== n || !/^(?:error|errors|detail|message|status|statusText|ok)$/.test(propName(ast, child(p, 'property')) ?? '')) return false;
      read = true;
    }
    return read;
  }

  /** The exit hands on the answer itself (or its JSON text), not something read from it. */
  private wholeAnswer(e: Sink, node: JNode, names: ReadonlySet<string>): boolean {
    const ast = this.ast;
    let n: JNode | undefined = e.carrier.type === 'arguments' ? namedKids(e.carrier)[0] : e.carrier;
    // Through `JSON.stringify(x)` and a responder's `json(x)` (SvelteKit, Hono) to what they are given.
    for (let i = 0; n && i < 3; i++) {
      const u: JNode = unwrap(n);
      const fn = u.type === 'call_expression' ? child(u, 'function') : undefined;
      const callee = fn ? text(ast, unwrap(fn)).replace(/\s+/g, '') : '';
      if (callee !== 'JSON.stringify' && callee !== 'json' && !/^(?:c|ctx)\.json$/.test(callee)) break;
      n = argsOf(u)[0];
    }
    if (!n) return false;
    let u = unwrap(n);
    // `Promise.race([pending, timer])` / `Promise.any([…])` gives the answer of the promise that settles first.
    const rf = u.type === 'call_expression' ? child(u, 'function') : undefined;
    const list = rf && /^Promise\.(?:race|any)$/.test(calleeText(ast, unwrap(rf))) ? argsOf(u)[0] : undefined;
    if (list && unwrap(list).type === 'array') {
      const hit = namedKids(unwrap(list)).find((x) => { const v = unwrap(x); return v === node || (v.type === 'identifier' && names.has(text(ast, v))); });
      if (hit) u = unwrap(hit);
    }
    return u === node || (u.type === 'identifier' && names.has(text(ast, u)));
  }

  /** Where the value of `call` (or what is derived from it) leaves its function: returns, responses, stores, messages. */
  exits(call: JNode, d?: Detected): Sink[] {
    const ast = this.ast;
    const unit = this.unitOf(call);
    const facts = this.unitFacts(unit);
    const t = this.taint(d ?? ({ node: call } as Detected), facts);
    const names = new Set([...t.values, ...t.indexes]);
    const unitFn = unit.type === 'program' ? undefined : unit;
    const idents = this.window(facts.idents, call.end);
    const uses = [outerValue(call), ...idents.filter((id) => names.has(text(ast, id)) && !isBindingSite(id))];
    const out: Sink[] = [];
    for (let i = 0; i < uses.length; i++) {
      let sink = sinkOf(ast, uses[i] as JNode, unitFn);
      // A branch that maps the prediction to other values (`bin = 'red'`, `x ? 'a' : 'b'`): those values go on.
      const m = sink?.kind === 'branch' ? mappingOf(ast, sink.carrier) : undefined;
      if (m && 'value' in m) sink = sinkOf(ast, m.value, unitFn);
      else if (sink?.kind === 'branch' && !m) for (const v of pickedReturns(ast, sink.carrier, unitFn)) out.push({ kind: 'return', carrier: v });
      else if (m) {
        const fresh = m.names.filter((x) => !names.has(x));
        for (const x of fresh) names.add(x);
        if (fresh.length > 0) uses.push(...idents.filter((id) => fresh.includes(text(ast, id)) && !isBindingSite(id)));
      }
      if (sink && (sink.kind === 'return' || sink.kind === 'response' || sink.kind === 'store' || sink.kind === 'send')) out.push(sink);
    }
    return out;
  }

  /**
   * Whether a model version travels with what leaves: named in the expression (`res.json({ label, modelVersion })`),
   * or in the value of the variable it names, declared in the same function (`const answer = { …, modelVersion }`).
   */
  private carriesVersion(e: Sink, unit: JNode): boolean {
    const ast = this.ast;
    if (VERSION_RE.test(text(ast, e.carrier))) return true;
    if (e.carrier.type !== 'identifier') return false;
    return (this.r.idents.get(text(ast, e.carrier)) ?? []).some((ref) => {
      const decl = ref.parent;
      if (decl?.type !== 'variable_declarator' || child(decl, 'name') !== ref || this.unitOf(ref) !== unit) return false;
      const value = child(decl, 'value');
      return value !== undefined && value.type === 'object' && VERSION_RE.test(text(ast, value));
    });
  }

  /** Whether the value a call site of a wrapper returns leaves its own function untraced (depth-limited). */
  private leaves(site: JNode, depth: number): boolean {
    const exits = this.exits(site);
    if (exits.length === 0) return false;
    const unit = this.unitOf(site);
    if (this.unitFacts(unit).versionRecorded || exits.some((e) => this.carriesVersion(e, unit))) return false;
    if (!exits.every((e) => e.kind === 'return') || unit.type === 'program' || this.exported(unit) || depth >= 3) return true;
    const sites = this.callSites(unit);
    return !sites || sites.length === 0 || sites.some((s) => this.leaves(s, depth + 1));
  }

  /** A function other modules (or a framework) can call: exported, a method, a callback or a handler. */
  private exported(fn: JNode): boolean {
    const ast = this.ast;
    if (fn.type === 'method_definition' || callbackCall(fn)) return true;
    let top: JNode = fn;
    while (top.parent && top.parent.type !== 'program') top = top.parent;
    if (top.type === 'export_statement') return true;
    const nameNode = child(fn, 'name') ?? (fn.parent?.type === 'variable_declarator' ? child(fn.parent, 'name') : undefined);
    if (!nameNode) return true;
    const name = text(ast, nameNode);
    // export { name }, module.exports = { name } / = name, exports.name = …
    return (this.r.idents.get(name) ?? []).some((ref) => ref.parent?.type === 'export_specifier' || /\bexports\b/.test(text(ast, statementOf(ref) ?? ref).slice(0, 200)));
  }
}

type Tri = 'yes' | 'no' | 'unknown';

interface SideInfo {
  number: boolean;
  length: boolean;
  thresh: boolean;
  score: boolean;
  /** Other identifiers (compared with the call's derived values and argmax indexes). */
  names: string[];
  simple: boolean;
}

/** Properties that hold a classifier's label: pipelines, ONNX label outputs, tfjs-models (mobilenet className, coco-ssd class). */
const LABEL_KEY_RE = /^(?:label|output_label|className|class|predictedLabel|predicted_label|predicted_class|prediction|categoryName|expression|flagged|categories)$/;
/** Other spellings of a model server's answer field (`Prediction`, `result`, `predicted_species`): labels only in an HTTP response. */
const ANSWER_KEY_RE = /^(?:label|class|class_?name|prediction|predicted(?:_?[a-z]+)?|result|category|outcome|verdict)$/i;
/** A version or model id travelling with the value (or recorded next to it). */
const VERSION_RE = /version|model_?id|modelId|model_name|modelName|\bmodel\s*:|\bmodel\b\s*[,}]/i;
/** A name or key that holds a model version or id (`modelVersion`, `MODEL_VERSION`, `model_id`, `res.model`). */
const VERSION_NAME_RE = /version$|^model_?id$|^modelId$|^model_?name$|^modelName$|^model$/i;
/**
 * A model version named in a string: an attribute or field name (`span.setAttribute('model.version', v)`,
 * `'model_version=%s'`, `` `modelVersion=${v}` ``), not a word of a message (`'querying model:'`).
 */
const VERSION_TEXT_RE = /model[_.\- ]?(?:version|id|name)\b|modelVersion|modelId|\bversion\s*[=:]/i;

function versionName(name: string): boolean {
  return VERSION_NAME_RE.test(name) && !OTHER_VERSION_RE.test(name);
}
/** Methods that put a value into a collection. */
/** `callFacts` bits: an argmax; a flow site (a member call with a callback, a mutator); a recorder given a version. */
const REGISTRATIONS = /^(?:on|once|off|addListener|addEventListener|prependListener|subscribe|psubscribe|consume|listen|register|handle|use|process|route|command|action|hears|event|get|post|put|patch|delete|all|setTimeout|setInterval|setImmediate|nextTick|queueMicrotask|requestAnimationFrame|worker|define|every|cron)$/;
const GEOMETRY = new Set(['bbox', 'box', 'boundingBox', 'x', 'y', 'width', 'height', 'top', 'left', 'right', 'bottom', 'area', 'keypoints', 'landmarks']);
const CALL_ARGMAX = 1;
const CALL_FLOW = 2;
const CALL_RECORDS_VERSION = 4;
const NO_ARGS: readonly JNode[] = [];
const MUTATORS = new Set(['push', 'unshift', 'add', 'set', 'append', 'splice']);
const LOOP_TYPES = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);

const DECIDES: Record<SinkKind, string> = {
  branch: 'decides a branch',
  return: 'is returned as the decision',
  response: 'is sent in the response as the decision',
  store: 'is stored as the decision',
  send: 'is sent on as the decision',
  display: 'is shown as the answer',
  log: 'is logged',
};
const SURFACED: Record<SinkKind, string> = {
  branch: 'compared',
  return: 'returned',
  response: 'sent in the response',
  store: 'stored',
  send: 'sent on',
  display: 'shown',
  log: 'logged',
};

/** A short one-line excerpt of an expression, for messages. */
function snippet(ast: Ast, n: JNode): string {
  const t = text(ast, n).replace(/\s+/g, ' ').trim().replace(/^\((.*)\)$/s, n.type === 'arguments' ? '$1' : '$&');
  return t.length > 40 ? `${t.slice(0, 37)}…` : t;
}

/** Why the confidence check does not apply to a call with no hard label. */
function noLabelReason(d: Detected): string {
  if (d.sdk || (d.kind === 'remote' && d.labels !== true)) return 'generated or raw remote output: no class label is taken from it here';
  if (d.labels === false || d.method === 'infer' || d.method === 'embed') return 'no class label: embeddings, boxes, keypoints or generated output';
  return 'no class label is taken from this prediction (regression, raw scores or probabilities)';
}

/** An identifier that declares or receives a value rather than reading it. */
function isBindingSite(id: JNode): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === 'variable_declarator' && id.field === 'name') return true;
  if ((p.type === 'assignment_expression' || p.type === 'augmented_assignment_expression') && id.field === 'left') return true;
  if (p.type === 'array_pattern' || p.type === 'object_pattern' || p.type === 'pair_pattern' || p.type === 'required_parameter' || p.type === 'formal_parameters') return true;
  if (p.type === 'arrow_function' && id.field === 'parameter') return true;
  return false;
}

/** Inside the index of a subscript (`labels[idx]`): the index picks, it is not carried. */
function inIndex(n: JNode, top: JNode): boolean {
  for (let p = n.parent, prev = n; p && prev !== top; prev = p, p = p.parent) if (p.type === 'subscript_expression' && prev.field === 'index') return true;
  return false;
}

/** The simple statement holding `n` (not a compound statement around it). */
function statementOf(n: JNode): JNode | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'expression_statement' || p.type === 'lexical_declaration' || p.type === 'variable_declaration' || p.type === 'return_statement') return p;
    if (p.type.endsWith('_statement') || FUNCTION_TYPES.has(p.type) || p.type === 'program') return undefined;
  }
  return undefined;
}

/** `(a, b) => b.score - a.score` / `(a, b) => b - a`: a comparator that sorts the largest first. */
function isDescendingComparator(ast: Ast, fn: JNode): boolean {
  if (!FUNCTION_TYPES.has(fn.type)) return false;
  const params = child(fn, 'parameters');
  const names = params ? namedKids(params).map((p) => text(ast, child(p, 'pattern') ?? p)) : [];
  if (names.length !== 2) return false;
  let body = child(fn, 'body');
  if (body?.type === 'statement_block') {
    const ret = namedKids(body).find((x) => x.type === 'return_statement');
    body = ret ? namedKids(ret)[0] : undefined;
  }
  const b = body ? unwrap(body) : undefined;
  if (b?.type !== 'binary_expression') return false;
  const l = child(b, 'left');
  const r = child(b, 'right');
  if (!l || !r || ast.source.slice(l.end, r.start).trim() !== '-') return false;
  const root = (x: JNode): string => {
    let u = unwrap(x);
    while (u.type === 'member_expression' || u.type === 'subscript_expression') u = unwrap(child(u, 'object') ?? u);
    return text(ast, u);
  };
  return root(l) === names[1] && root(r) === names[0];
}

/** How many flow sites, comparisons and label reads after a call its checks look at. */
const WINDOW = 150;
const FLOW_TYPES = new Set(['variable_declarator', 'assignment_expression', 'for_in_statement', 'call_expression']);

/** Whether a call has a function among its arguments (`argsOf(call)`, read in place: this runs for every call). */
function hasFunctionArgument(call: JNode): boolean {
  const a = child(call, 'arguments');
  if (!a || a.type !== 'arguments') return false;
  const cs = a.children;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as JNode;
    if (c.named && c.type !== 'comment' && FUNCTION_TYPES.has(unwrap(c).type)) return true;
  }
  return false;
}

/** Whether `n` holds one of the unit's argmax calls. */
function containsArgmax(facts: UnitFacts, n: JNode): boolean {
  const first = facts.argmax[lowerBound(facts.argmax, n.start)];
  return first !== undefined && within(first, n);
}

/** Index of the first node of a document-ordered list that starts at or after `from`. */
function lowerBound(list: JNode[], from: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as JNode).start < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Start of the statement (or declaration) holding `n`, within its function. */
function statementStart(n: JNode): number {
  for (let p = n.parent; p; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return n.start;
    if (p.type.endsWith('_statement') || p.type === 'lexical_declaration' || p.type === 'variable_declaration') return p.start;
  }
  return n.start;
}

function enclosingFnWithin(n: JNode, block: JNode): boolean {
  for (let p = n.parent; p && p !== block; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return true;
  return false;
}

function prevSibling(n: JNode): JNode | undefined {
  const p = n.parent;
  if (!p) return undefined;
  const i = p.children.indexOf(n);
  for (let j = i - 1; j >= 0; j--) {
    const s = p.children[j] as JNode;
    if (s.type !== 'comment') return s;
  }
  return undefined;
}

/** The call a function literal is passed to as an argument. */
export function callbackCall(fn: JNode): JNode | undefined {
  let cur = fn;
  while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
  const args = cur.parent;
  if (args?.type !== 'arguments') return undefined;
  const call = args.parent;
  return call?.type === 'call_expression' || call?.type === 'new_expression' ? call : undefined;
}

/**
 * The call an async function (or an arrow handing back the promise of its expression) is handed to when that call is
 * not a known callback method and its promise is awaited (`await retry(async () => model.run(x))`, `await
 * withTimeout(() => client.create(…), ms)`): the function's rejection is that call's, in the function around it.
 */
export function handedOnCall(ast: Ast, fn: JNode): JNode | undefined {
  // An async function, or an arrow that hands back the promise of its one expression (`() => client.create(…)`).
  if (!isAsyncFn(ast, fn) && !(fn.type === 'arrow_function' && child(fn, 'body')?.type !== 'statement_block')) return undefined;
  const cb = callbackCall(fn);
  const name = cb?.type === 'call_expression' ? calleeLastOf(ast, cb) : undefined;
  // Registrations await the subscription, not the handler: its rejection never reaches them.
  if (!cb || name === undefined || CALLBACK_METHODS.has(name) || REGISTRATIONS.test(name)) return undefined;
  let p = cb.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'as_expression' || p.type === 'non_null_expression')) p = p.parent;
  return p?.type === 'await_expression' ? cb : undefined;
}

/** A two-parameter callback that answers the one of its parameters a comparison prefers: `(a, b) => (x[a] > x[b] ? a : b)`. */
function keepsLarger(ast: Ast, cb: JNode): boolean {
  if (!FUNCTION_TYPES.has(cb.type)) return false;
  const params = child(cb, 'parameters');
  const names = params ? namedKids(params).map((p) => (p.type === 'identifier' ? text(ast, p) : p.type === 'required_parameter' ? text(ast, child(p, 'pattern') ?? p) : '')) : cb.type === 'arrow_function' && child(cb, 'parameter') ? [text(ast, child(cb, 'parameter') as JNode)] : [];
  if (names.length < 2 || !names[0] || !names[1]) return false;
  let body = child(cb, 'body');
  if (body?.type === 'statement_block') {
    const stmts = namedKids(body).filter((x) => x.type !== 'comment');
    body = stmts.length === 1 && stmts[0]?.type === 'return_statement' ? namedKids(stmts[0]).find((x) => x.type !== 'comment') : undefined;
  }
  const t = body ? unwrap(body) : undefined;
  if (t?.type !== 'ternary_expression') return false;
  const cond = child(t, 'condition');
  const c = cond ? unwrap(cond) : undefined;
  if (c?.type !== 'binary_expression' || !RELATIONAL.has(text(ast, child(c, 'operator') ?? c))) return false;
  // Values compared through the parameters (`p[a]`, `a.score`): comparing the parameters themselves is a maximum.
  const side = (x: JNode | undefined): boolean => !!x && /^(?:subscript_expression|member_expression)$/.test(unwrap(x).type);
  if (!side(child(c, 'left')) || !side(child(c, 'right'))) return false;
  const arms = [child(t, 'consequence'), child(t, 'alternative')].map((a) => (a ? text(ast, unwrap(a)) : ''));
  return arms.includes(names[0]) && arms.includes(names[1]);
}

/** The last name of a call's callee: `f` of `f(x)`, `post` of `client.post(x)`. */
function calleeLastOf(ast: Ast, call: JNode): string | undefined {
  const f = child(call, 'function');
  if (!f) return undefined;
  const u = unwrap(f);
  if (u.type === 'identifier') return text(ast, u);
  if (u.type === 'member_expression') return propName(ast, child(u, 'property'));
  return undefined;
}

export function isAsyncFn(ast: Ast, fn: JNode): boolean {
  return fn.children.some((c) => !c.named && text(ast, c) === 'async');
}


/** Whether the call's value is used (assigned, returned, passed, chained with .then) rather than discarded. */
export function resultUsed(ast: Ast, call: JNode): boolean {
  let cur = call;
  for (let i = 0; i < 20; i++) {
    const o = outerValue(cur);
    const m = o.parent;
    if (m?.type === 'member_expression' && o.field === 'object') {
      const c = m.parent;
      const name = propName(ast, child(m, 'property'));
      if (c?.type === 'call_expression' && (name === 'then' || name === 'catch' || name === 'finally')) {
        if (name === 'then') return true;
        cur = c;
        continue;
      }
      return true;
    }
    if (!m) return false;
    if (m.type === 'expression_statement') return false;
    if (m.type === 'unary_expression' && text(ast, m).startsWith('void')) return false;
    return true;
  }
  return true;
}

function patternKey(ast: Ast, c: JNode): string | undefined {
  if (c.type === 'shorthand_property_identifier_pattern') return text(ast, c);
  if (c.type === 'pair_pattern') return propName(ast, child(c, 'key'));
  if (c.type === 'object_assignment_pattern') {
    const l = child(c, 'left');
    return l?.type === 'shorthand_property_identifier_pattern' ? text(ast, l) : undefined;
  }
  return undefined;
}

export function patternNames(ast: Ast, pat: JNode | undefined, out: Set<string>, depth = 0): void {
  if (!pat || depth > 20) return;
  const u = pat;
  switch (u.type) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      out.add(text(ast, u));
      return;
    case 'object_pattern':
    case 'array_pattern':
    case 'rest_pattern':
      for (const c of namedKids(u)) patternNames(ast, c, out, depth + 1);
      return;
    case 'pair_pattern':
      patternNames(ast, child(u, 'value'), out, depth + 1);
      return;
    case 'object_assignment_pattern':
    case 'assignment_pattern':
      patternNames(ast, child(u, 'left'), out, depth + 1);
      return;
    case 'required_parameter':
    case 'optional_parameter':
      patternNames(ast, child(u, 'pattern'), out, depth + 1);
      return;
    // `scores[i] = …` / `result.label = …`: the object now holds the value.
    case 'member_expression':
    case 'subscript_expression':
      patternNames(ast, child(u, 'object'), out, depth + 1);
      return;
    default:
      return;
  }
}

function addParams(ast: Ast, fn: JNode, out: Set<string>): void {
  if (!FUNCTION_TYPES.has(fn.type)) return;
  const single = child(fn, 'parameter');
  if (single) {
    out.add(text(ast, single));
    return;
  }
  const params = child(fn, 'parameters');
  const first = params ? namedKids(params)[0] : undefined;
  patternNames(ast, first, out);
}

/** A destructuring parameter of a callback passed to `recv.method(...)`: tests the receiver. */
function patternInCallbackOf(pat: JNode, test: (recv: JNode | undefined) => boolean): boolean {
  let p: JNode | null = pat.parent;
  while (p && (p.type === 'required_parameter' || p.type === 'optional_parameter' || p.type === 'assignment_pattern')) p = p.parent;
  if (p?.type !== 'formal_parameters' || !p.parent) return false;
  const call = callbackCall(p.parent);
  const f = call ? child(call, 'function') : undefined;
  if (!f) return false;
  const u = unwrap(f);
  return u.type === 'member_expression' && test(child(u, 'object'));
}


/** Hosted chat and completion answers name their model (`model`); Vertex AI predictions their `deployedModelId`. */
function carriesModel(d: Detected): boolean {
  if (d.kind === 'vertex') return true;
  if (d.kind !== 'remote') return false;
  // A Replicate prediction object names the model version it ran.
  if (d.client === 'sdk' && d.sdk === 'replicate') return /predictions\.(?:create|get)$/.test(d.label);
  if (d.client === 'sdk') return /^(?:openai|anthropic|mistral|gemini)$/.test(d.sdk ?? '') && /(?:completions\.(?:create|parse)|messages\.create|responses\.(?:create|parse)|createCompletion|createChatCompletion|chat\.complete|generateContent)$/.test(d.label);
  // Replicate's REST API answers with the prediction object too (`/v1/predictions`, a model's or deployment's).
  return d.hosted === true && /\/v1\/(?:chat\/)?completions|\/v1\/messages|\/v1\/responses|:generateContent|\/v1\/(?:(?:models|deployments)\/.*\/)?predictions\b/.test(d.label);
}
