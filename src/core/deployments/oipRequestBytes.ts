// The common inference request read straight from its bytes: `{"inputs":[{"name":…,"shape":[…],"datatype":"FP32",
// "data":[…]}]}` (an optional "id", any key order, any JSON whitespace) with flat float data. The local server gets
// this request over and over; reading it here skips the body's text, JSON.parse's objects and the array of numbers
// that parseInferenceRequest() would then check and copy into a typed array.
//
// Anything else is not this reader's to judge: other keys ("parameters", "outputs"), other datatypes, nested data,
// escapes or non-ASCII characters in strings, numbers that take more than a double's exact digits to read, data whose
// length does not match the shape, and every malformed body. For those it answers undefined, and the server takes
// the general path (JSON.parse and parseInferenceRequest), which also writes the error messages.
import { dtypeOfOip, type DecodedTensor, type InferenceRequest } from './oipTensor';

/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** The most decimal digits read as an exact integer (below 2^53). */
const MAX_DIGITS = 15;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const BACKSLASH = 0x5c;

/** The float datatypes read here, and their typed arrays. */
const FLOAT_ARRAYS = { FP32: Float32Array, FP64: Float64Array } as const;

/** Thrown inside the reader when the body is not in the form it reads; never leaves it. */
const NOT_SIMPLE = new Error('not a simple inference request');

class Reader {
  bytes: Uint8Array = new Uint8Array(0);
  at = 0;
  /** Strings read lately, newest first (the keys are always there). */
  private readonly known: string[] = ['inputs', 'name', 'shape', 'datatype', 'data', 'FP32', 'id'];
  /** Numbers read by readNumbers(), reused from request to request (grown when a request has more). */
  private numbers = new Float64Array(256);

  skipSpace(): void {
    const b = this.bytes;
    let at = this.at;
    while (at < b.length) {
      const c = b[at] as number;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      at++;
    }
    this.at = at;
  }

  /** Skips whitespace, then takes `c` or gives up on the body. */
  expect(c: number): void {
    this.skipSpace();
    if (this.bytes[this.at] !== c) throw NOT_SIMPLE;
    this.at++;
  }

  /** Skips whitespace; takes `c` and says true when it is next. */
  take(c: number): boolean {
    this.skipSpace();
    if (this.bytes[this.at] !== c) return false;
    this.at++;
    return true;
  }

  /** A string of printable ASCII without escapes. */
  readString(): string {
    this.expect(QUOTE);
    const b = this.bytes;
    const start = this.at;
    let at = start;
    for (;;) {
      const c = b[at];
      if (c === undefined || c < 0x20 || c > 0x7e || c === BACKSLASH) throw NOT_SIMPLE;
      if (c === QUOTE) break;
      at++;
    }
    this.at = at + 1;
    // Keys, names and datatypes repeat from request to request: a string read before is given again.
    for (const known of this.known) if (sameText(known, b, start, at)) return known;
    let text = '';
    for (let i = start; i < at; i++) text += String.fromCharCode(b[i] as number);
    if (this.known.length === MAX_KNOWN) this.known.pop();
    this.known.unshift(text);
    return text;
  }

  /**
   * One JSON number as JSON.parse reads it, when its digits fit an exact integer and its power of ten is one a double
   * holds exactly: then one multiplication or division, rounded once, gives the nearest double, as JSON.parse does.
   * Stored as `numbers[index]` rather than returned: a double returned from a call is boxed on the heap, one
   * allocation per number of the request.
   */
  readNumberInto(numbers: Float64Array, index: number): void {
    this.skipSpace();
    const b = this.bytes;
    let at = this.at;
    const negative = b[at] === MINUS;
    if (negative) at++;
    let mantissa = 0;
    let digits = 0;
    let c = b[at];
    if (c === ZERO) {
      at++;
    } else if (c !== undefined && c > ZERO && c <= NINE) {
      while (c !== undefined && c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = b[++at];
      }
    } else {
      throw NOT_SIMPLE;
    }
    let exponent = 0;
    if (b[at] === DOT) {
      c = b[++at];
      if (c === undefined || c < ZERO || c > NINE) throw NOT_SIMPLE;
      while (c !== undefined && c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa !== 0) digits++;
        exponent--;
        c = b[++at];
      }
    }
    c = b[at];
    if (c === 0x65 || c === 0x45) {
      c = b[++at];
      const negativeExponent = c === MINUS;
      if (c === MINUS || c === PLUS) c = b[++at];
      if (c === undefined || c < ZERO || c > NINE) throw NOT_SIMPLE;
      let e = 0;
      while (c !== undefined && c >= ZERO && c <= NINE) {
        e = e * 10 + (c - ZERO);
        if (e > 1000) throw NOT_SIMPLE;
        c = b[++at];
      }
      exponent += negativeExponent ? -e : e;
    }
    if (digits > MAX_DIGITS) throw NOT_SIMPLE;
    this.at = at;
    let value: number;
    if (mantissa === 0) value = 0;
    else if (exponent >= 0 && exponent <= 22) value = mantissa * (POW10[exponent] as number);
    else if (exponent < 0 && exponent >= -22) value = mantissa / (POW10[-exponent] as number);
    else throw NOT_SIMPLE;
    numbers[index] = negative ? -value : value;
  }

  /** A flat array of numbers, into the reused scratch array; returns how many. */
  readNumbers(): number {
    this.expect(OPEN_ARRAY);
    let n = 0;
    if (this.take(CLOSE_ARRAY)) return 0;
    do {
      if (n === this.numbers.length) {
        const grown = new Float64Array(n * 2);
        grown.set(this.numbers);
        this.numbers = grown;
      }
      this.readNumberInto(this.numbers, n++);
    } while (this.take(COMMA));
    this.expect(CLOSE_ARRAY);
    return n;
  }

  /** The first `n` numbers of the last readNumbers() in a typed array of their datatype. */
  numbersAs(Typed: (typeof FLOAT_ARRAYS)[keyof typeof FLOAT_ARRAYS], n: number): Float32Array | Float64Array {
    const out = new Typed(n);
    for (let i = 0; i < n; i++) out[i] = this.numbers[i] as number;
    return out;
  }

  /** An array of whole numbers ≥ 0 written as plain digits. */
  readShape(): number[] {
    this.expect(OPEN_ARRAY);
    const shape: number[] = [];
    if (this.take(CLOSE_ARRAY)) return shape;
    const b = this.bytes;
    do {
      this.skipSpace();
      let at = this.at;
      let c = b[at];
      if (c === undefined || c < ZERO || c > NINE || (c === ZERO && b[at + 1] !== undefined && (b[at + 1] as number) >= ZERO && (b[at + 1] as number) <= NINE)) throw NOT_SIMPLE;
      let d = 0;
      while (c !== undefined && c >= ZERO && c <= NINE) {
        d = d * 10 + (c - ZERO);
        c = b[++at];
      }
      if (c === DOT || c === 0x65 || c === 0x45 || d > Number.MAX_SAFE_INTEGER) throw NOT_SIMPLE;
      this.at = at;
      shape.push(d);
    } while (this.take(COMMA));
    this.expect(CLOSE_ARRAY);
    return shape;
  }

  readTensor(): DecodedTensor {
    this.expect(OPEN_OBJECT);
    let name: string | undefined;
    let shape: number[] | undefined;
    let datatype: string | undefined;
    let count = -1;
    do {
      const key = this.readString();
      this.expect(COLON);
      if (key === 'name' && name === undefined) name = this.readString();
      else if (key === 'shape' && shape === undefined) shape = this.readShape();
      else if (key === 'datatype' && datatype === undefined) datatype = this.readString();
      else if (key === 'data' && count < 0) count = this.readNumbers();
      else throw NOT_SIMPLE;
    } while (this.take(COMMA));
    this.expect(CLOSE_OBJECT);
    if (name === undefined || name === '' || shape === undefined || count < 0 || (datatype !== 'FP32' && datatype !== 'FP64')) throw NOT_SIMPLE;
    let size = 1;
    for (const d of shape) size *= d;
    if (size !== count) throw NOT_SIMPLE;
    // The numbers are still those of this tensor's "data": it has one, and nothing else is read into them.
    return { name, datatype, dtype: dtypeOfOip(datatype), dims: shape, data: this.numbersAs(FLOAT_ARRAYS[datatype], count) };
  }

  readRequest(): InferenceRequest {
    this.expect(OPEN_OBJECT);
    let id: string | undefined;
    let inputs: DecodedTensor[] | undefined;
    do {
      const key = this.readString();
      this.expect(COLON);
      if (key === 'id' && id === undefined) {
        id = this.readString();
      } else if (key === 'inputs' && inputs === undefined) {
        this.expect(OPEN_ARRAY);
        inputs = [];
        do inputs.push(this.readTensor());
        while (this.take(COMMA));
        this.expect(CLOSE_ARRAY);
      } else {
        throw NOT_SIMPLE;
      }
    } while (this.take(COMMA));
    this.expect(CLOSE_OBJECT);
    this.skipSpace();
    if (this.at !== this.bytes.length || !inputs) throw NOT_SIMPLE;
    for (let i = 1; i < inputs.length; i++) for (let j = 0; j < i; j++) if ((inputs[i] as DecodedTensor).name === (inputs[j] as DecodedTensor).name) throw NOT_SIMPLE;
    return id !== undefined ? { id, inputs } : { inputs };
  }
}

/** The most strings a reader keeps to give again. */
const MAX_KNOWN = 16;

/** Whether `text` is the ASCII in `bytes[start, end)`. */
function sameText(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

let reader: Reader | undefined;

/**
 * The request parseInferenceRequest(JSON.parse(body)) reads, when the body is a simple one (see above); otherwise
 * undefined, and the caller takes the general path.
 */
export function readSimpleInferenceRequest(body: Uint8Array): InferenceRequest | undefined {
  const r = (reader ??= new Reader());
  r.bytes = body;
  r.at = 0;
  try {
    return r.readRequest();
  } catch (err) {
    if (err === NOT_SIMPLE) return undefined;
    throw err;
  } finally {
    r.bytes = EMPTY;
  }
}
const EMPTY = new Uint8Array(0);
