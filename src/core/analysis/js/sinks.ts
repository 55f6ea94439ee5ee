// Where a value goes within its statement: a branch that decides on it, the function's return value, an HTTP
// response, a store (database, file, queue, cache, localStorage), a message to another thread or process, the page
// (DOM, React state, alert), or a log. The confidence check asks this of a predicted label, the trace check of the
// prediction itself.
import { type Ast, child, FUNCTION_TYPES, type JNode, propName, text, unwrap } from './ast';

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
        const op = text(ast, p).slice((child(p, 'left') ?? p).end - p.start, (child(p, 'right') ?? p).start - p.start).trim();
        // `label === 'spam'` decides; `a && b` passes the decision up.
        if (/^(?:===|!==|==|!=)$/.test(op)) return sinkOf(ast, p, unitFn) ?? { kind: 'branch', carrier: p };
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
        cur = call;
        continue;
      }
      case 'assignment_expression': {
        if (cur.field !== 'right') return undefined;
        const left = child(p, 'left');
        const lu = left ? unwrap(left) : undefined;
        if (lu?.type === 'member_expression') {
          const prop = propName(ast, child(lu, 'property')) ?? '';
          if (DOM_PROPS.test(prop)) return { kind: 'display', carrier: cur };
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

function argsOfCall(call: JNode): JNode[] {
  const a = child(call, 'arguments');
  return a ? a.children.filter((c) => c.named && c.type !== 'comment') : [];
}

function enclosing(n: JNode): JNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return undefined;
}

function callbackCallOf(fn: JNode): JNode | undefined {
  let cur = fn;
  while (cur.parent?.type === 'parenthesized_expression') cur = cur.parent;
  const args = cur.parent;
  if (args?.type !== 'arguments') return undefined;
  const call = args.parent;
  return call?.type === 'call_expression' ? call : undefined;
}
