// The production idioms MLShip writes, in one place: the quick fixes of the diagnostics and the Scaffold ML Feature
// templates both take their names, messages and placeholder values from here, so what a fix writes and what the
// scaffold writes read the same (a named fallback function marked as a stub until the team writes its rule, a
// named timeout constant, a named confidence threshold, one log message).

/** Text of the comment that marks a generated fallback as a placeholder; `mlship/fallback-stub` reports it. */
export const FALLBACK_STUB_TAG = 'TODO(mlship: fallback-stub)';
export const FALLBACK_STUB_HINT = "placeholder values; replace with the team's rule, then delete this line";

/** The comment line in a language's syntax. */
export function fallbackStubComment(lang: 'python' | 'ts'): string {
  return `${lang === 'python' ? '#' : '//'} ${FALLBACK_STUB_TAG}: ${FALLBACK_STUB_HINT}.`;
}

/** Finds the stub comments of a source text (either syntax): offsets of the comment starts. */
export function findFallbackStubs(source: string): number[] {
  const out: number[] = [];
  for (let at = source.indexOf(FALLBACK_STUB_TAG); at >= 0; at = source.indexOf(FALLBACK_STUB_TAG, at + FALLBACK_STUB_TAG.length)) {
    const lineStart = source.lastIndexOf('\n', at - 1) + 1;
    const lead = source.slice(lineStart, at);
    const m = /^[ \t]*(#|\/\/|\*|\/\*)[ \t]*$/.exec(lead);
    if (m) out.push(lineStart + lead.indexOf(m[1] as string));
  }
  return out;
}

export const FALLBACK_LOG_MESSAGE = 'Prediction failed; using fallback';
export const LOW_CONFIDENCE_LOG_MESSAGE = 'Prediction below the confidence threshold; using fallback';

export const CONFIDENCE_THRESHOLD_NAME = 'CONFIDENCE_THRESHOLD';
/** Python timeouts are in seconds (requests, httpx, aiohttp, botocore), JavaScript ones in milliseconds. */
export const PY_TIMEOUT_NAME = 'INFERENCE_TIMEOUT_S';
export const JS_TIMEOUT_NAME = 'INFERENCE_TIMEOUT_MS';
/** The timeout of calls to hosted model APIs and LLM servers, whose answers take seconds (mlship.diagnostics.hostedModelTimeoutMs). */
const PY_HOSTED_TIMEOUT_NAME = 'HOSTED_MODEL_TIMEOUT_S';
const JS_HOSTED_TIMEOUT_NAME = 'HOSTED_MODEL_TIMEOUT_MS';

/**
 * The named constant a timeout fix writes: `HOSTED_MODEL_TIMEOUT_*` from `hostedModelTimeoutMs` for a hosted model API
 * or an LLM server (`hosted`), else `INFERENCE_TIMEOUT_*` from `timeoutMs` (by default the latency budget); `ms` is its
 * value, `setting` the setting the comment beside it names, short so that the line stays within the usual line lengths
 * (black's 88, pylint's 100).
 */
export function timeoutConstant(lang: 'python' | 'js', hosted: boolean, config: { timeoutMs: number; hostedModelTimeoutMs: number }): { name: string; ms: number; setting: string } {
  return hosted
    ? { name: lang === 'python' ? PY_HOSTED_TIMEOUT_NAME : JS_HOSTED_TIMEOUT_NAME, ms: config.hostedModelTimeoutMs, setting: 'mlship.diagnostics.hostedModelTimeoutMs' }
    : { name: lang === 'python' ? PY_TIMEOUT_NAME : JS_TIMEOUT_NAME, ms: config.timeoutMs, setting: 'mlship.diagnostics.timeoutMs' };
}

/** Seconds as Python writes them: 0.05, 1.5, 2.0. */
export function pySeconds(ms: number): string {
  const s = Math.round(Math.max(0, ms)) / 1000;
  return Number.isInteger(s) ? `${s}.0` : String(s);
}

/** `fallback_<fn>` / `<fn>Fallback`: the fallback of one function. */
export function pyFallbackName(fn: string): string {
  return `fallback_${fn.replace(/^_+|_+$/g, '') || 'prediction'}`;
}

export function jsFallbackName(fn: string): string {
  const base = fn.replace(/^[_$]+/, '') || 'prediction';
  return `${base}Fallback`;
}

// ------------------------------------------------------------------------------------------------------------------
// Placeholder values: a value of the type the caller expects, so the failure path never crashes on it.

/** A Python expression of the type an annotation names, or undefined when the annotation says nothing usable. */
export function pyDefaultForAnnotation(annotation: string, classFields: (name: string) => string | undefined): string | undefined {
  const t = annotation.replace(/\s+/g, ' ').trim().replace(/^["']|["']$/g, '');
  if (!t) return undefined;
  if (t === 'None' || /^(?:typing\.)?Optional\[/.test(t) || /(?:^|\|)\s*None\s*(?:\||$)/.test(t) || /^(?:typing\.)?Union\[.*\bNone\b.*\]$/.test(t)) return 'None';
  const bare = t.replace(/^typing\./, '');
  const generic = /^([\w.]+)\s*\[(.*)\]$/s.exec(bare);
  const head = generic ? (generic[1] as string) : bare;
  const last = head.split('.').pop() as string;
  switch (last) {
    case 'bool':
      return 'False';
    case 'int':
      return '0';
    case 'float':
      return '0.0';
    case 'str':
      return '""';
    case 'bytes':
      return 'b""';
    case 'list':
    case 'List':
    case 'Sequence':
    case 'Iterable':
    case 'MutableSequence':
      return '[]';
    case 'dict':
    case 'Dict':
    case 'Mapping':
    case 'MutableMapping':
      return '{}';
    case 'set':
    case 'Set':
      return 'set()';
    case 'frozenset':
    case 'FrozenSet':
      return 'frozenset()';
    case 'tuple':
    case 'Tuple': {
      if (!generic) return '()';
      const parts = splitTopLevel(generic[2] as string, ',', true);
      if (parts.length === 2 && parts[1]?.trim() === '...') return '()';
      const values = parts.map((p) => pyDefaultForAnnotation(p, classFields) ?? 'None');
      return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
    }
    case 'Any':
    case 'object':
      return undefined;
    default:
      break;
  }
  const mod = head.includes('.') ? head.slice(0, head.lastIndexOf('.')) : '';
  if (last === 'ndarray' && mod) return `${mod}.array([])`;
  if (last === 'DataFrame' && mod) return `${mod}.DataFrame()`;
  if (last === 'Series' && mod) return `${mod}.Series(dtype=float)`;
  if (!mod) return classFields(last);
  return undefined;
}

/** A Python placeholder for the value of an expression, from its shape (`bool(x)` → False, `{…}` → the same keys). */
export function pyDefaultForExpression(expr: string): string | undefined {
  const e = expr.trim();
  if (!e) return undefined;
  // Literals are part of the answer's shape (a status code, a fixed queue name): kept as they are.
  if (isPyLiteral(e)) return e;
  if (/^\(.*\)$/s.test(e) && splitTopLevel(e.slice(1, -1), ',').length > 1) return pyTupleDefaults(e.slice(1, -1));
  if (splitTopLevel(e, ',').length > 1) return pyTupleDefaults(e);
  if (/(?:==|!=|<=|>=|<|>|\bin\b|\bis\b)/.test(stripBrackets(e).replace(/^lambda\b.*/, ''))) return 'False';
  if (/^not\b/.test(e) || /^bool\s*\(/.test(e)) return 'False';
  if (/^json\.dumps\s*\(/.test(e)) return '"{}"';
  if (/^[rRbBuU]?[fF][rR]?["']/.test(e) || /^str\s*\(/.test(e) || /\.(?:format|join|upper|lower|strip)\s*\([^()]*\)$/.test(e)) return '""';
  if (/^(?:int|len|round)\s*\(/.test(e)) return '0';
  if (/^float\s*\(/.test(e)) return '0.0';
  if (e === 'None') return 'None';
  if (/^\[/.test(e) || /^list\s*\(/.test(e) || /\.tolist$/.test(stripBrackets(e))) return '[]';
  if (/^\{\s*\}$/.test(e) || /^dict\s*\(/.test(e)) return '{}';
  if (/^\{/.test(e)) return pyDictDefaults(e);
  const response = /^([\w.]*(?:jsonify|JSONResponse|ORJSONResponse|UJSONResponse|JsonResponse))\s*\(\s*(?:content\s*=\s*)?(\{.*\})\s*\)$/s.exec(e);
  if (response) {
    const body = pyDictDefaults(response[2] as string);
    return body ? `${response[1]}(${body})` : undefined;
  }
  return undefined;
}

function isPyLiteral(e: string): boolean {
  return /^(?:True|False|None|-?\d+|-?\d*\.\d+(?:[eE]-?\d+)?|[rRbBuU]?'[^'\\\n{}]*'|[rRbBuU]?"[^"\\\n{}]*")$/.test(e);
}

function pyDictDefaults(e: string): string | undefined {
  if (!e.endsWith('}')) return undefined;
  const items = splitTopLevel(e.slice(1, -1), ',').map((s) => s.trim()).filter(Boolean);
  const out: string[] = [];
  for (const item of items) {
    if (item.startsWith('**')) return undefined;
    if (/\bfor\b/.test(stripBrackets(item))) return '{}';
    const kv = splitTopLevel(item, ':');
    if (kv.length < 2) return undefined;
    const key = (kv[0] as string).trim();
    // Only literal keys: a key read from a variable means nothing in the fallback's scope.
    if (!/^(?:[rRbBuU]?["'][^"']*["']|-?\d+)$/.test(key)) return '{}';
    const value = kv.slice(1).join(':');
    out.push(`${key}: ${pyDefaultForExpression(value) ?? 'None'}`);
  }
  return `{${out.join(', ')}}`;
}

function pyTupleDefaults(inner: string): string {
  const parts = splitTopLevel(inner, ',').map((s) => s.trim()).filter(Boolean);
  return `(${parts.map((p) => pyDefaultForExpression(p) ?? 'None').join(', ')}${parts.length === 1 ? ',' : ''})`;
}

/** A TypeScript/JavaScript expression of a declared type, or undefined. */
export function jsDefaultForType(type: string, typeFields: (name: string) => string | undefined): string | undefined {
  let t = type.replace(/\s+/g, ' ').trim();
  const promise = /^Promise\s*<(.*)>$/s.exec(t);
  if (promise) t = (promise[1] as string).trim();
  if (!t) return undefined;
  const union = splitTopLevel(t, '|', true).map((s) => s.trim()).filter(Boolean);
  if (union.length > 1) {
    if (union.includes('null')) return 'null';
    if (union.includes('undefined')) return 'undefined';
    return jsDefaultForType(union[0] as string, typeFields);
  }
  if (t === 'void' || t === 'undefined') return 'undefined';
  if (t === 'null') return 'null';
  if (t === 'number') return '0';
  if (t === 'string') return "''";
  if (t === 'boolean') return 'false';
  if (t === 'bigint') return '0n';
  if (/\[\]$/.test(t) || /^(?:Array|ReadonlyArray)\s*</.test(t)) return '[]';
  if (/^(?:Float32Array|Float64Array|Int32Array|Uint8Array)$/.test(t)) return `new ${t}(0)`;
  if (/^(?:Record|Map)\s*</.test(t)) return /^Map/.test(t) ? 'new Map()' : '{}';
  if (/^\[.*\]$/s.test(t)) {
    const parts = splitTopLevel(t.slice(1, -1), ',', true).map((s) => s.trim()).filter(Boolean);
    return `[${parts.map((p) => jsDefaultForType(p.replace(/^\w+\??:\s*/, ''), typeFields) ?? 'null').join(', ')}]`;
  }
  if (/^\{.*\}$/s.test(t)) return jsObjectTypeDefaults(t.slice(1, -1), typeFields);
  if (/^['"`]/.test(t)) return t;
  if (/^-?\d/.test(t)) return t;
  if (/^(?:true|false)$/.test(t)) return t;
  if (/^[A-Z][\w]*$/.test(t)) return typeFields(t);
  return undefined;
}

/** Defaults for the members of an object type body (`a: number; b?: string`): optional members are left out. */
export function jsObjectTypeDefaults(body: string, typeFields: (name: string) => string | undefined): string | undefined {
  const members = splitTopLevel(body.replace(/;/g, ','), ',', true).map((s) => s.trim()).filter(Boolean);
  const out: string[] = [];
  for (const m of members) {
    const mm = /^(readonly\s+)?([A-Za-z_$][\w$]*|'[^']*'|"[^"]*")(\?)?\s*:\s*(.+)$/s.exec(m);
    if (!mm) {
      if (/^\[/.test(m)) continue; // index signature
      return undefined;
    }
    if (mm[3]) continue;
    out.push(`${mm[2]}: ${jsDefaultForType(mm[4] as string, typeFields) ?? 'null'}`);
  }
  return `{ ${out.join(', ')} }`.replace('{  }', '{}');
}

/** A JavaScript placeholder for the value of an expression, from its shape. */
export function jsDefaultForExpression(expr: string): string | undefined {
  const e = expr.trim();
  if (!e) return undefined;
  if (/^(?:true|false|-?\d+(?:\.\d+)?|'[^'\\\n]*'|"[^"\\\n]*")$/.test(e)) return e;
  if (/(?:===|!==|==|!=|<=|>=|<|>)/.test(stripBrackets(e).replace(/=>/g, ''))) return 'false';
  if (/^!/.test(e) || /^Boolean\s*\(/.test(e)) return 'false';
  if (/^JSON\.stringify\s*\(/.test(e)) return "'{}'";
  if (/^['"`]/.test(e) || /^String\s*\(/.test(e) || /\.(?:toFixed|toString|join|toUpperCase|toLowerCase|trim)\s*\([^()]*\)$/.test(e)) return "''";
  if (/^(?:Number|parseFloat|parseInt|Math\.\w+)\s*\(/.test(e) || /\.length$/.test(e)) return '0';
  if (e === 'null' || e === 'undefined') return e;
  if (/^\[/.test(e) || /^Array\.from\s*\(/.test(e) || /\.(?:map|filter|slice)$/.test(stripBrackets(e))) return '[]';
  if (/^\{\s*\}$/.test(e)) return '{}';
  if (/^\{/.test(e)) return jsObjectDefaults(e);
  const response = /^((?:NextResponse|Response)\.json|[A-Za-z_$][\w$]*(?:\.status\([^()]*\))?\.(?:json|send))\s*\(\s*(\{.*\})\s*(?:,\s*(\{[^{}]*\}))?\s*\)$/s.exec(e);
  if (response) {
    const body = jsObjectDefaults(response[2] as string);
    return body ? `${response[1]}(${body}${response[3] ? `, ${response[3]}` : ''})` : undefined;
  }
  return undefined;
}

function jsObjectDefaults(e: string): string | undefined {
  if (!e.endsWith('}')) return undefined;
  const items = splitTopLevel(e.slice(1, -1), ',').map((s) => s.trim()).filter(Boolean);
  const out: string[] = [];
  for (const item of items) {
    if (item.startsWith('...')) return undefined;
    const kv = splitTopLevel(item, ':');
    if (kv.length < 2) {
      if (/^[A-Za-z_$][\w$]*$/.test(item)) {
        out.push(`${item}: null`);
        continue;
      }
      return undefined;
    }
    const key = (kv[0] as string).trim();
    if (!/^(?:[A-Za-z_$][\w$]*|'[^']*'|"[^"]*"|\d+)$/.test(key)) return '{}';
    out.push(`${key}: ${jsDefaultForExpression(kv.slice(1).join(':')) ?? 'null'}`);
  }
  return `{ ${out.join(', ')} }`.replace('{  }', '{}');
}

/** Splits at `sep` outside brackets and string literals; `angles` counts `<…>` as brackets (TypeScript types). */
export function splitTopLevel(text: string, sep: string, angles = false): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{' || (angles && c === '<')) depth++;
    else if (c === ')' || c === ']' || c === '}' || (angles && c === '>' && text[i - 1] !== '=')) depth = Math.max(0, depth - 1);
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(from, i));
      from = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

function stripBrackets(e: string): string {
  let out = '';
  let depth = 0;
  for (const c of e) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += c;
  }
  return out;
}
