// Where a value goes within its statement: a branch that decides on it, the function's return value, an HTTP
// response, a store (database, file, queue, cache, localStorage), a message to another thread or process, the page
// (DOM, React state, alert), or a log. The confidence check asks this of a predicted label, the trace check of the
// prediction itself.
import { type Ast, child, enclosingFunction, errorFirstAnswer, FUNCTION_TYPES, type JNode, paramNames, propName, stringValue, text, unwrap } from './ast';

export type SinkKind = 'branch' | 'return' | 'response' | 'store' | 'send' | 'display' | 'log';

export interface Sink {
  kind: SinkKind;
  /** The expression that carries the value there (the call's arguments, the returned expression, the condition). */
  carrier: JNode;
}

const LOGGERS = /^(?:console|logger|log|logging|winston|pino|debug|Logger)$|logger$/i;
const LOG_METHODS = /^(?:log|info|warn|error|debug|trace|dir|table|verbose|silly|fatal|print|println)$/;
/** Receivers of HTTP responses: Express/Koa/Fastify/Hapi/Next.js pages API. */
const RESPONDERS = /^(?:res|response|resp|reply|ctx|c|h|event|rep)$/;
const RESPONSE_METHODS = /^(?:json|send|end|write|jsonp|render|sendFile|body|response|status)$/;
/** Methods that store or persist (their receiver says where). */
const STORE_METHODS = /^(?:insert\w*|save\w*|create\w*|update\w*|upsert\w*|replace\w*|findOneAndUpdate|put\w*|persist|store|set|setItem|setex|hset|hmset|add|addDoc|setDoc|updateDoc|push|[lr]push|xadd|enqueue|publish|writeFile\w*|appendFile\w*|write|mutation|runMutation|mutate|execute|query|exec)$/;
const STORE_RECEIVERS = /(?:db|database|prisma|knex|pool|client|conn|connection|collection|repo|repository|model|table|store|storage|cache|redis|kv|bucket|queue|producer|channel|fs|file|firestore|supabase|mongo|sql|doc|ref|session|localStorage|sessionStorage|indexedDB|dataset|memory|history|log)s?$/i;
/** Functions (not methods) that persist their argument. */
const BARE_STORES = /^(?:fetchMutation|runMutation|writeFile\w*|appendFile\w*|saveTo\w*|insertInto\w*|persist\w*|setDoc|addDoc|updateDoc|set|push|update)$/;
/** Sending to another thread, page or process. */
const SEND_METHODS = /^(?:postMessage|emit|send|broadcast|publish|dispatchEvent)$/;
/** Chat bots answering (Telegraf/grammY `ctx.reply`, discord.js `message.reply`, `interaction.editReply`, `bot.telegram.sendMessage`). */
const BOT_REPLIES = /^(?:reply|replyWith\w+|editReply|followUp|sendMessage|sendPhoto|editMessageText)$/;
const BOT_RECEIVERS = /^(?:ctx|context|message|msg|interaction|bot|telegram|api|channel|thread)$/;
const SENDERS = /^(?:self|globalThis|window|parent|port|parentPort|worker|ws|socket|io|channel|conn|client|peer|bc|broadcast\w*|sse|stream)$/i;
const DOM_PROPS = /^(?:textContent|innerText|innerHTML|outerHTML|value|src|title|placeholder|nodeValue|data)$/;
const DOM_METHODS = /^(?:alert|confirm|append|appendChild|prepend|insertAdjacentHTML|insertAdjacentText|createTextNode|html|text|write|writeln|setText|setState|setAttribute|replaceChildren|fillText|strokeText|render|speak|toast|notify|showMessage|showInformationMessage|showWarningMessage|showErrorMessage)$/;

/** The name a callee ends with and the name of its receiver (`res.status(500).json` → json, res). */
function calleeParts(ast: Ast, call: JNode): { name: string; recv: string; recvNode: JNode | undefined } {
  const f = child(call, 'function');
  const u = f ? unwrap(f) : undefined;
  if (!u) return { name: '', recv: '', recvNode: undefined };
  if (u.type === 'identifier') return { name: text(ast, u), recv: '', recvNode: undefined };
  if (u.type !== 'member_expression') return { name: '', recv: '', recvNode: undefined };
  const name = propName(ast, child(u, 'property')) ?? '';
  let o = child(u, 'object');
  // res.status(200).json(…): the receiver of the chain.
  for (let i = 0; o && i < 5; i++) {
    const ou = unwrap(o);
    if (ou.type === 'call_expression') {
      const g = child(ou, 'function');
      const gu = g ? unwrap(g) : undefined;
      o = gu?.type === 'member_expression' ? child(gu, 'object') : undefined;
      continue;
    }
    break;
  }
  const ou = o ? unwrap(o) : undefined;
  const recv = ou?.type === 'identifier' || ou?.type === 'this' ? text(ast, ou) : ou?.type === 'member_expression' ? (propName(ast, child(ou, 'property')) ?? '') : '';
  return { name, recv, recvNode: ou };
}

/** What a call that receives the value as an argument does with it, or undefined for an ordinary helper. */
export function callSink(ast: Ast, call: JNode): SinkKind | undefined {
  const { name, recv } = calleeParts(ast, call);
  const f = child(call, 'function');
  const full = f ? text(ast, unwrap(f)).replace(/\s+/g, '') : '';
  if (LOG_METHODS.test(name) && (LOGGERS.test(recv) || recv === '')) return recv === '' && name !== 'print' && name !== 'log' ? undefined : 'log';
  if (/^(?:NextResponse|Response|HttpResponse)\.(?:json|redirect)$/.test(full) || (RESPONDERS.test(recv) && RESPONSE_METHODS.test(name) && name !== 'status')) return 'response';
  if (name === 'jsonify' || (name === 'json' && recv === 'c')) return 'response';
  // A Promise executor's resolve(): the value is what the returned promise gives.
  if (recv === '' && name === 'resolve') return 'return';
  if (recv === '' && BARE_STORES.test(name)) return 'store';
  // AWS SDK v3: client.send(new PutItemCommand(…)), DynamoDB DocumentClient commands, SQS/SNS/Kinesis/S3 writes.
  if (name === 'send' && recv !== '' && /^new\s+(?:Put|Update|BatchWrite|TransactWrite|Insert|Create|SendMessage|Publish|PutRecords?|Upload)\w*Command\b/.test(text(ast, argsOfCall(call)[0] ?? call))) return 'store';
  if (SEND_METHODS.test(name) && (recv === '' ? name === 'postMessage' : SENDERS.test(recv))) return 'send';
  if (BOT_REPLIES.test(name) && BOT_RECEIVERS.test(recv)) return 'send';
  // A ReadableStream's controller (`new ReadableStream({ start(controller) {…} })`): what it enqueues is what the
  // stream's reader gets, such as the body of a streamed HTTP response.
  if (name === 'enqueue' && /^(?:controller|ctrl|streamController)$/.test(recv)) return 'send';
  if (DOM_METHODS.test(name) || (recv === '' && /^set[A-Z]/.test(name))) return 'display';
  if (STORE_METHODS.test(name) && recv !== '' && (STORE_RECEIVERS.test(recv) || /^[A-Z]/.test(recv) || /^(?:insert|save|create|update|upsert|persist|store|writeFile|appendFile|runMutation|mutation)/.test(name))) {
    // In-memory collections and DOM factories are not stores.
    if (/^(?:document|Object|Array|Math|URL|JSON|Promise|Reflect|React|tf|ort|Date|Symbol|Buffer|crypto|performance)$/.test(recv)) return undefined;
    if (/^(?:set|add|push)$/.test(name) && !STORE_RECEIVERS.test(recv)) return undefined;
    return 'store';
  }
  return undefined;
}

/**
 * Whether an assignment's target writes to the page (`el.innerText = …`, `img.src = …`): the element shows the value;
 * it does not hold it for later code (`if (el.current)` tests the element, not the value).
 */
export function isDisplayTarget(ast: Ast, left: JNode): boolean {
  return left.type === 'member_expression' && DOM_PROPS.test(propName(ast, child(left, 'property')) ?? '');
}

/**
 * The sink `use` reaches within its statement: climbing through expressions that carry it (objects, arrays,
 * templates, helper calls, await), to a branch, a return, a sink call or a display assignment. `unitFn` is the
 * function whose return counts (returns of callbacks inside it flow into the callback's call).
 */
export function sinkOf(ast: Ast, use: JNode, unitFn: JNode | undefined): Sink | undefined {
  let cur = use;
  for (let i = 0; i < 40; i++) {
    const p = cur.parent;
    if (!p) return undefined;
    switch (p.type) {
      case 'if_statement':
      case 'while_statement':
      case 'do_statement':
      case 'for_statement':
        return cur.field === 'condition' ? { kind: 'branch', carrier: cur } : undefined;
      case 'switch_statement':
        return cur.field === 'value' ? { kind: 'branch', carrier: cur } : undefined;
      case 'switch_case':
        return cur.field === 'value' ? { kind: 'branch', carrier: cur } : undefined;
      case 'ternary_expression':
        if (cur.field === 'condition') return { kind: 'branch', carrier: cur };
        break;
      case 'binary_expression': {
        const op = binaryOp(ast, p);
        // `label === 'spam'` decides; `a && b` passes the decision up.
        // A lookup's predicate (`glyphs.find((g) => g.id === label)`) maps the label to a record: not a decision.
        if (/^(?:===|!==|==|!=)$/.test(op)) return sinkOf(ast, p, unitFn) ?? (lookupPredicate(ast, p) ? undefined : { kind: 'branch', carrier: p });
        break;
      }
      case 'return_statement': {
        const fn = enclosing(p);
        if (!fn || fn === unitFn) return { kind: 'return', carrier: cur };
        // A callback's return flows into the call that runs it (`.map(x => …)`, `.then(…)`).
        const cb = callbackCallOf(fn);
        if (!cb) return { kind: 'return', carrier: cur };
        cur = cb;
        continue;
      }
      case 'arrow_function':
        if (cur.field === 'body') {
          if (p === unitFn) return { kind: 'return', carrier: cur };
          const cb = callbackCallOf(p);
          if (!cb) return { kind: 'return', carrier: cur };
          cur = cb;
          continue;
        }
        return undefined;
      case 'arguments': {
        const call = p.parent;
        if (!call) return undefined;
        if (call.type === 'new_expression') {
          const ctor = child(call, 'constructor');
          if (ctor && /^(?:Response|NextResponse|HttpResponse)$/.test(text(ast, ctor))) return { kind: 'response', carrier: p };
          cur = call;
          continue;
        }
        const kind = callSink(ast, call);
        if (kind) return { kind, carrier: p };
        // `done(null, answer)`: the answer leaves through the continuation the caller handed in, as a return would.
        if (answersThroughContinuation(ast, call, cur)) return { kind: 'return', carrier: cur };
        cur = call;
        continue;
      }
      case 'assignment_expression': {
        if (cur.field !== 'right') return undefined;
        const left = child(p, 'left');
        const lu = left ? unwrap(left) : undefined;
        if (lu && isDisplayTarget(ast, lu)) return { kind: 'display', carrier: cur };
        if (lu?.type === 'member_expression') {
          const prop = propName(ast, child(lu, 'property')) ?? '';
          if (prop === 'body' && /^(?:ctx|context|res|response)$/.test(text(ast, child(lu, 'object') ?? lu))) return { kind: 'response', carrier: cur };
          if (prop === 'onmessage' || prop === 'state') return { kind: 'display', carrier: cur };
        }
        return undefined;
      }
      case 'jsx_expression':
      case 'jsx_attribute':
        return { kind: 'display', carrier: cur };
      case 'call_expression':
        // The value is the callee's receiver (`label.toUpperCase()`): the call's result carries it.
        if (cur.field === 'function') {
          cur = p;
          continue;
        }
        return undefined;
      case 'member_expression':
      case 'subscript_expression':
      case 'parenthesized_expression':
      case 'await_expression':
      case 'as_expression':
      case 'satisfies_expression':
      case 'non_null_expression':
      case 'template_substitution':
      case 'template_string':
      case 'pair':
      case 'object':
      case 'array':
      case 'spread_element':
      case 'unary_expression':
      case 'sequence_expression':
        cur = p;
        continue;
      default:
        if (FUNCTION_TYPES.has(p.type)) return undefined;
        return undefined;
    }
    cur = p;
  }
  return undefined;
}

/**
 * A branch on a value that only maps it to another value decides nothing by itself: `if (organik.includes(label))
 * bin = 'green'; else bin = 'yellow'` (arms that assign plain values to local names, a `switch` of such cases) passes
 * the label on to the names it assigns, and `label === 'cat' ? 'Cat' : 'Dog'` is a value that goes where the
 * ternary goes. `carrier` is the branch's condition as `sinkOf` gives it; undefined when the branch does more.
 */
export function mappingOf(ast: Ast, carrier: JNode): { names: string[]; values: JNode[] } | { value: JNode } | undefined {
  const cond = wholeCondition(ast, carrier, true);
  const p = cond.parent;
  if (!p) return undefined;
  if (p.type === 'ternary_expression' && cond.field === 'condition') {
    const arms = [child(p, 'consequence'), child(p, 'alternative')];
    return arms.every((a) => a && !hasEffects(ast, a)) ? { value: p } : undefined;
  }
  const names: string[] = [];
  const values: JNode[] = [];
  if (p.type === 'if_statement' && cond.field === 'condition') return mappingArm(ast, child(p, 'consequence'), names, values) && mappingArm(ast, child(p, 'alternative'), names, values) && names.length > 0 ? { names, values } : undefined;
  const sw = p.type === 'switch_statement' ? p : p.type === 'switch_case' ? p.parent?.parent : undefined;
  const body = sw?.type === 'switch_statement' ? child(sw, 'body') : undefined;
  if (!body) return undefined;
  for (const c of body.children) {
    if (c.type !== 'switch_case' && c.type !== 'switch_default') continue;
    for (const st of c.children) if (st.named && st.field !== 'value' && !mappingArm(ast, st, names, values)) return undefined;
  }
  return names.length > 0 ? { names, values } : undefined;
}

/**
 * The answers a branch on a label picks: the values its arms return from `unitFn` when the branch compares the value
 * with a literal (`switch (label)` with literal cases, `label === 'spam'`, `HAZARDOUS.includes(label)`). A check of
 * some other kind (`if (!out) return null`) picks no answer.
 */
export function pickedReturns(ast: Ast, carrier: JNode, unitFn: JNode | undefined): JNode[] {
  const cond = wholeCondition(ast, carrier, false);
  const p = cond.parent;
  if (!p || !unitFn) return [];
  let arms: JNode[];
  if (p.type === 'if_statement' && cond.field === 'condition') {
    if (truthPick(ast, carrier, unitFn)) return constantReturns(ast, child(p, 'consequence'), unitFn);
    const nodes = ast.nodes.slice(cond.idx, cond.last + 1);
    const literal = nodes.some((x) => (x.type === 'string' || x.type === 'number') && x.parent?.type === 'binary_expression') || /\.includes\s*\(/.test(text(ast, cond));
    // A check of the output's size (`if (out.length === 0) return []`) picks no answer.
    if (!literal || nodes.some((x) => x.type === 'property_identifier' && (text(ast, x) === 'length' || text(ast, x) === 'size'))) return [];
    arms = [child(p, 'consequence'), child(p, 'alternative')].filter((a): a is JNode => !!a);
  } else if (p.type === 'switch_statement' && cond.field === 'value') {
    const body = child(p, 'body');
    arms = body ? body.children.filter((c) => c.type === 'switch_case' || c.type === 'switch_default') : [];
  } else return [];
  return arms.flatMap((arm) => returnedValues(ast, arm, unitFn)).filter((v) => !/^(?:null|undefined)$/.test(v.type) && !/^(?:undefined|\[\s*\]|\{\s*\})$/.test(text(ast, v)));
}

/** The values `unitFn` returns in `arm` (its `return` statements there, not those of functions inside it). */
function returnedValues(ast: Ast, arm: JNode, unitFn: JNode | undefined): JNode[] {
  const out: JNode[] = [];
  for (let i = arm.idx; i <= arm.last; i++) {
    const r = ast.nodes[i] as JNode;
    if (r.type !== 'return_statement' || enclosing(r) !== unitFn) continue;
    const v = r.children.find((c) => c.named && c.type !== 'comment');
    if (v) out.push(v);
  }
  return out;
}

/**
 * A branch on one element of a model's output by its truth (`const [paper, rock] = scores; if (paper) return { result:
 * 'paper' }`, `if (out[1]) …`) whose arm answers with a constant label: the output read as one-hot, the element's
 * class picked with no score compared to anything. The `if` statement, or undefined. A check of the whole output
 * (`if (!out) return null`) or one that answers with something else is not one.
 */
export function truthPick(ast: Ast, carrier: JNode, unitFn: JNode | undefined): JNode | undefined {
  // `carrier` is a branch's condition as `sinkOf` gives it: the `if`'s own condition node.
  const p = carrier.parent;
  if (p?.type !== 'if_statement' || carrier.field !== 'condition' || !unitFn) return undefined;
  // The carrier is an element: a name an array pattern bound, or a subscript with a number.
  const u = unwrap(carrier);
  const element = u.type === 'subscript_expression' ? child(u, 'index')?.type === 'number' : u.type === 'identifier' && elementBinding(ast, u, unitFn);
  if (!element) return undefined;
  return constantReturns(ast, child(p, 'consequence'), unitFn).length > 0 ? p : undefined;
}

/** Whether a name is bound in `unitFn` to one element: by an array pattern (`const [paper, rock] = …`) or `= out[0]`. */
function elementBinding(ast: Ast, id: JNode, unitFn: JNode): boolean {
  const name = text(ast, id);
  for (let i = unitFn.idx; i <= unitFn.last; i++) {
    const n = ast.nodes[i] as JNode;
    if (n.type !== 'identifier' || text(ast, n) !== name) continue;
    if (n.parent?.type === 'array_pattern') return true;
    const value = n.parent?.type === 'variable_declarator' && n.field === 'name' ? child(n.parent, 'value') : undefined;
    if (value && unwrap(value).type === 'subscript_expression' && child(unwrap(value), 'index')?.type === 'number') return true;
  }
  return false;
}

/**
 * The values `unitFn` returns in `arm` that answer with a constant label: a string, or an object with a string among
 * plain values (literals, names, `config.version`).
 */
function constantReturns(ast: Ast, arm: JNode | undefined, unitFn: JNode | undefined): JNode[] {
  if (!arm) return [];
  const plain = (c: JNode): boolean => (c.type === 'pair' && /^(?:string|number|identifier|member_expression|null|true|false)$/.test(child(c, 'value')?.type ?? '')) || c.type === 'shorthand_property_identifier';
  return returnedValues(ast, arm, unitFn).filter((v) => {
    const u = unwrap(v);
    if (u.type === 'string') return true;
    if (u.type !== 'object') return false;
    const pairs = u.children.filter((c) => c.named && c.type !== 'comment');
    return pairs.length > 0 && pairs.every(plain) && pairs.some((c) => child(c, 'value')?.type === 'string');
  });
}

/** The whole condition around `carrier`: through parentheses, comparisons, `&&`/`||` and, with `negations`, `!`. */
function wholeCondition(ast: Ast, carrier: JNode, negations: boolean): JNode {
  let cond = carrier;
  for (let p = cond.parent; p; p = cond.parent) {
    if (p.type === 'parenthesized_expression' || (negations && p.type === 'unary_expression') || (p.type === 'binary_expression' && /^(?:&&|\|\||===|!==|==|!=)$/.test(binaryOp(ast, p)))) cond = p;
    else break;
  }
  return cond;
}

/** An arm of a mapping branch: assignments of plain values to names, nested mapping branches, `break`. */
function mappingArm(ast: Ast, st: JNode | undefined, names: string[], values: JNode[]): boolean {
  if (!st) return true;
  switch (st.type) {
    case 'comment':
    case 'empty_statement':
    case 'break_statement':
      return true;
    case 'statement_block':
    case 'else_clause':
      return st.children.every((c) => !c.named || mappingArm(ast, c, names, values));
    case 'if_statement': {
      const c = child(st, 'condition');
      return !!c && !hasEffects(ast, c) && mappingArm(ast, child(st, 'consequence'), names, values) && mappingArm(ast, child(st, 'alternative'), names, values);
    }
    case 'expression_statement': {
      const e = st.children.find((c) => c.named);
      const left = e?.type === 'assignment_expression' ? child(e, 'left') : undefined;
      const right = e ? child(e, 'right') : undefined;
      if (left?.type !== 'identifier' || !right || hasEffects(ast, right)) return false;
      names.push(text(ast, left));
      values.push(right);
      return true;
    }
    default:
      return false;
  }
}

/** Calls that only read: a mapping's conditions may use them (`organik.includes(label)`). */
const READ_ONLY_CALLS = /^(?:includes|has|get|startsWith|endsWith|indexOf|test|match|toLowerCase|toUpperCase|trim|toString|toFixed|String|Number|Boolean|isArray|round|floor|ceil|abs|min|max)$/;

/** Whether building a value calls, assigns, awaits or defines a function (anything a plain mapping does not do). */
function hasEffects(ast: Ast, n: JNode): boolean {
  for (let i = n.idx; i <= n.last; i++) {
    const x = ast.nodes[i] as JNode;
    if (FUNCTION_TYPES.has(x.type) || EFFECTS.has(x.type)) return true;
    if (x.type === 'call_expression' && !READ_ONLY_CALLS.test(calleeParts(ast, x).name)) return true;
  }
  return false;
}

const EFFECTS = new Set(['assignment_expression', 'augmented_assignment_expression', 'update_expression', 'await_expression', 'new_expression', 'yield_expression']);

const LOOKUPS = /^(?:find|findIndex|findLast|findLastIndex|filter)$/;

/** Whether a comparison is what a lookup's callback returns (through `&&`, `||` and parentheses). */
function lookupPredicate(ast: Ast, cmp: JNode): boolean {
  let cur = cmp;
  while (cur.parent && (cur.parent.type === 'parenthesized_expression' || (cur.parent.type === 'binary_expression' && /^(?:&&|\|\|)$/.test(binaryOp(ast, cur.parent))))) cur = cur.parent;
  let fn: JNode | undefined = cur.parent ?? undefined;
  if (fn?.type === 'return_statement') fn = enclosing(fn);
  else if (!(fn?.type === 'arrow_function' && cur.field === 'body')) return false;
  const call = fn ? callbackCallOf(fn) : undefined;
  if (!call || argsOfCall(call)[0] !== outermost(fn as JNode)) return false;
  return LOOKUPS.test(calleeParts(ast, call).name);
}

/** Whether `n` is one side of an equality test whose other side is a non-empty string literal (`x == "person"`). */
export function comparedWithString(ast: Ast, n: JNode): boolean {
  const b = n.parent;
  if (b?.type !== 'binary_expression' || !/^(?:===|!==|==|!=)$/.test(binaryOp(ast, b))) return false;
  const other = child(b, n.field === 'left' ? 'right' : 'left');
  const value = other ? stringValue(ast, unwrap(other)) : undefined;
  return value !== undefined && value !== '';
}

/** The operator of a binary expression (`>`, `+`, `??`), or '' when a side is missing. */
export function binaryOp(ast: Ast, b: JNode): string {
  const l = child(b, 'left');
  const r = child(b, 'right');
  return l && r ? ast.source.slice(l.end, r.start).trim() : '';
}

function outermost(fn: JNode): JNode {
  let cur = fn;
  while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
  return cur;
}

function argsOfCall(call: JNode): JNode[] {
  const a = child(call, 'arguments');
  return a ? a.children.filter((c) => c.named && c.type !== 'comment') : [];
}

/**
 * Whether `call` answers through an error-first continuation with `arg`: `k(null, arg)`, where `k` is a parameter of a
 * function around the call (the nearest one that declares the name).
 */
function answersThroughContinuation(ast: Ast, call: JNode, arg: JNode): boolean {
  const answer = errorFirstAnswer(ast, call);
  if (!answer || answer.error === arg) return false;
  for (let fn = enclosingFunction(call); fn; fn = enclosingFunction(fn)) if (paramNames(ast, fn).includes(answer.param)) return true;
  return false;
}

function enclosing(n: JNode): JNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return undefined;
}

function callbackCallOf(fn: JNode): JNode | undefined {
  const args = outermost(fn).parent;
  if (args?.type !== 'arguments') return undefined;
  const call = args.parent;
  return call?.type === 'call_expression' ? call : undefined;
}
