// The brackets of a statement's text that parses (strings, template literals, comments and regular expressions
// skipped), for the pre-scan's guess at which declaration a name in the statement refers to: the function, block or
// parameter list around a declaration is where its name is local (see `scopeHolds`).

/** The bracket pairs of a text, in the order they open. */
export interface Brackets {
  /** Offset of each pair's opening `(`, `[`, `{` or `${`. */
  open: number[];
  /** Offset of its closing bracket. */
  close: number[];
  /** The pair that holds it, or -1. */
  parent: number[];
  /** The opening character's code. */
  kind: number[];
  /** Offsets of the `,` and `;` outside any nested pair, and the pair they lie directly in (-1: the text itself). */
  separators: number[];
  separatorPair: number[];
}

const OPEN_PAREN = 40;
const OPEN_BRACKET = 91;
const OPEN_BRACE = 123;
/** Characters after which a `/` starts a regular expression rather than a division. */
const BEFORE_REGEX = new Set([...'(,=:[!&|?{};+-*%<>~^'].map((c) => c.charCodeAt(0)));
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

/** The end of a quoted string opened at `i` (the offset after its closing quote), or -1 (unclosed on its line). */
function stringEnd(text: string, i: number): number {
  const q = text.charCodeAt(i);
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === q) return j + 1;
    else if (c === 10) return -1;
  }
  return -1;
}

/** The end of a regular expression opened at `i` (after its flags), or -1 when none is closed on the line. */
function regexEnd(text: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 10) return -1;
    else if (inClass) inClass = c !== 93;
    else if (c === 91) inClass = true;
    else if (c === 47) {
      let k = j + 1;
      while (k < text.length && /[a-z]/i.test(text.charAt(k))) k++;
      return k;
    }
  }
  return -1;
}

/** Whether a `/` at `i` starts a regular expression: after an operator, an opening bracket, a keyword, or at the start. */
function startsRegex(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && /\s/.test(text.charAt(j))) j--;
  if (j < 0) return true;
  const c = text.charCodeAt(j);
  if (BEFORE_REGEX.has(c)) return true;
  let k = j;
  while (k >= 0 && /[\w$]/.test(text.charAt(k))) k--;
  return k < j && REGEX_KEYWORDS.has(text.slice(k + 1, j + 1));
}

/**
 * The bracket pairs of `text`, or undefined when they do not match (a text that does not parse, or a construct the
 * scan misreads): the caller then assumes nothing about scopes.
 */
export function bracketPairs(text: string): Brackets | undefined {
  const b: Brackets = { open: [], close: [], parent: [], kind: [], separators: [], separatorPair: [] };
  /** The pairs open at `i`, innermost last. */
  const stack: number[] = [];
  /** For each open pair: whether it is a template literal's `${…}` (its `}` goes back into the template). */
  const inTemplate: boolean[] = [];
  const openPair = (at: number, kind: number, template: boolean): void => {
    b.open.push(at);
    b.close.push(-1);
    b.parent.push(stack.length > 0 ? (stack[stack.length - 1] as number) : -1);
    b.kind.push(kind);
    stack.push(b.open.length - 1);
    inTemplate.push(template);
  };
  /** Scans a template literal's text from `i` (after its backtick or a `}` that closed an expression in it). */
  const template = (i: number): number => {
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 92) j++;
      else if (c === 96) return j + 1;
      else if (c === 36 && text.charCodeAt(j + 1) === OPEN_BRACE) {
        openPair(j, OPEN_BRACE, true);
        return j + 2;
      }
    }
    return -1;
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 39 || c === 34) {
      i = stringEnd(text, i);
      if (i < 0) return undefined;
    } else if (c === 96) {
      i = template(i + 1);
      if (i < 0) return undefined;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const endAt = text.indexOf('*/', i + 2);
      if (endAt < 0) return undefined;
      i = endAt + 2;
    } else if (c === 47 && startsRegex(text, i)) {
      const endAt = regexEnd(text, i);
      i = endAt < 0 ? i + 1 : endAt;
    } else if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) {
      openPair(i, c, false);
      i++;
    } else if (c === 41 || c === 93 || c === 125) {
      const top = stack.pop();
      const wasTemplate = inTemplate.pop();
      if (top === undefined || b.kind[top] !== (c === 41 ? OPEN_PAREN : c === 93 ? OPEN_BRACKET : OPEN_BRACE)) return undefined;
      b.close[top] = i;
      i = wasTemplate ? template(i + 1) : i + 1;
      if (i < 0) return undefined;
    } else {
      if (c === 44 || c === 59) {
        b.separators.push(i);
        b.separatorPair.push(stack.length > 0 ? (stack[stack.length - 1] as number) : -1);
      }
      i++;
    }
  }
  return stack.length === 0 ? b : undefined;
}

/** The innermost pair that holds offset `at` (strictly between its brackets), or -1. */
export function pairAt(b: Brackets, at: number): number {
  let lo = 0;
  let hi = b.open.length - 1;
  let k = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((b.open[mid] as number) < at) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  while (k >= 0 && (b.close[k] as number) <= at) k = b.parent[k] as number;
  return k;
}

/** The pair whose opening bracket is at `at`, or -1. */
function pairOpeningAt(b: Brackets, at: number): number {
  let lo = 0;
  let hi = b.open.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = b.open[mid] as number;
    if (o === at) return mid;
    if (o < at) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The first offset from `i` on that is not white space. */
function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  return i;
}

/**
 * Where a name declared at `at` is local: the block, parameter list or brackets around the declaration (a `for (…)`
 * or `catch (…)` head with the block after it), or the whole text when none is around it.
 */
export function declarationScope(text: string, b: Brackets, at: number): [number, number] {
  const k = pairAt(b, at);
  if (k < 0) return [0, text.length];
  const close = b.close[k] as number;
  if (b.kind[k] === OPEN_PAREN) {
    const body = pairOpeningAt(b, skipSpace(text, close + 1));
    if (body >= 0 && b.kind[body] === OPEN_BRACE) return [b.open[k] as number, b.close[body] as number];
  }
  return [b.open[k] as number, close];
}

/**
 * Where the parameters of a function are local, its body starting at `at` (after `=>` or a parameter list): the block
 * opening there, or an arrow function's expression up to the `,` or `;` after it or the bracket that closes around it.
 */
export function bodyScope(text: string, b: Brackets, at: number): [number, number] {
  const from = skipSpace(text, at);
  const block = pairOpeningAt(b, from);
  if (block >= 0) return [from, b.close[block] as number];
  const k = pairAt(b, from);
  const end = k >= 0 ? (b.close[k] as number) : text.length;
  for (let s = 0; s < b.separators.length; s++) {
    const sep = b.separators[s] as number;
    if (sep >= from && sep < end && b.separatorPair[s] === k) return [from, sep];
  }
  return [from, end];
}
