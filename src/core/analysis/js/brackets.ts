// The brackets of a statement's text that parses (strings, template literals, comments and regular expressions
// skipped), for the pre-scan's guess at which declaration a name in the statement refers to: the function, block or
// parameter list around a declaration is where its name is local (see prescan.ts, `resolvePending`).

import { isAsciiSpace, isIdentPart } from './chars';

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
  /**
   * Where an expression may end directly in each pair (index: the pair + 1, 0 for the text itself): its `,` and `;`
   * and line breaks outside any pair nested in it, in order.
   */
  ends: number[][];
  /** The strings, comments, regular expressions and template literals' text, as [start, end) offsets in order. */
  inert: number[];
}

const OPEN_PAREN = 40;
const OPEN_BRACKET = 91;
const OPEN_BRACE = 123;
const NEWLINE = 10;

/** Characters after which a `/` starts a regular expression rather than a division (not `<`: `</p>` closes a tag). */
const BEFORE_REGEX = new Set([...'(,=:[!&|?{};+-*%>~^'].map((c) => c.charCodeAt(0)));
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

/** The end of a quoted string opened at `i` (the offset after its closing quote), or -1 (unclosed on its line). */
function stringEnd(text: string, i: number): number {
  const q = text.charCodeAt(i);
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === q) return j + 1;
    else if (c === NEWLINE) return -1;
  }
  return -1;
}

/** The end of a regular expression opened at `i` (after its flags), or -1 when none is closed on the line. */
function regexEnd(text: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === NEWLINE) return -1;
    else if (inClass) inClass = c !== 93;
    else if (c === 91) inClass = true;
    else if (c === 47) {
      let k = j + 1;
      while (k < text.length && isIdentPart(text.charCodeAt(k))) k++;
      return k;
    }
  }
  return -1;
}

/** Whether a `/` at `i` starts a regular expression: after an operator, an opening bracket, a keyword, or at the start. */
function startsRegex(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && isAsciiSpace(text.charCodeAt(j))) j--;
  if (j < 0) return true;
  if (BEFORE_REGEX.has(text.charCodeAt(j))) return true;
  let k = j;
  while (k >= 0 && isIdentPart(text.charCodeAt(k))) k--;
  return k < j && REGEX_KEYWORDS.has(text.slice(k + 1, j + 1));
}

/**
 * The bracket pairs of `text`, or undefined when they do not match (a text that does not parse, or a construct the
 * scan misreads) or the text holds JSX (whose text may hold quotes and brackets of its own): the caller then assumes
 * nothing about scopes.
 */
export function bracketPairs(text: string): Brackets | undefined {
  if (text.includes('</') || text.includes('/>')) return undefined;
  const b: Brackets = { open: [], close: [], parent: [], kind: [], ends: [[]], inert: [] };
  /** The pairs open at `i`, innermost last. */
  const stack: number[] = [];
  /** For each open pair: whether it is a template literal's `${…}` (its `}` goes back into the template). */
  const inTemplate: boolean[] = [];
  const innermost = (): number => (stack.length > 0 ? (stack[stack.length - 1] as number) : -1);
  const openPair = (at: number, kind: number, template: boolean): void => {
    b.open.push(at);
    b.close.push(-1);
    b.parent.push(innermost());
    b.kind.push(kind);
    b.ends.push([]);
    stack.push(b.open.length - 1);
    inTemplate.push(template);
  };
  const inert = (from: number, to: number): void => {
    b.inert.push(from, to);
  };
  /** Scans a template literal's text from `i` (after its backtick or a `}` that closed an expression in it). */
  const template = (i: number): number => {
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 92) j++;
      else if (c === 96) {
        inert(i, j + 1);
        return j + 1;
      } else if (c === 36 && text.charCodeAt(j + 1) === OPEN_BRACE) {
        inert(i, j);
        openPair(j, OPEN_BRACE, true);
        return j + 2;
      }
    }
    return -1;
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 39 || c === 34) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      inert(i, end);
      i = end;
    } else if (c === 96) {
      i = template(i + 1);
      if (i < 0) return undefined;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      inert(i, end);
      i = end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      inert(i, end + 2);
      i = end + 2;
    } else if (c === 47 && startsRegex(text, i)) {
      const end = regexEnd(text, i);
      if (end >= 0) inert(i, end);
      i = end < 0 ? i + 1 : end;
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
      if (c === 44 || c === 59 || c === NEWLINE) (b.ends[innermost() + 1] as number[]).push(i);
      i++;
    }
  }
  return stack.length === 0 ? b : undefined;
}

/** The index of the last entry of the ascending `xs` below `at` (-1: none). */
function lastBelow(xs: readonly number[], at: number, step = 1): number {
  let lo = 0;
  let hi = xs.length / step - 1;
  let k = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid * step] as number) < at) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return k;
}

/** The innermost pair that holds offset `at` (strictly between its brackets), or -1. */
export function pairAt(b: Brackets, at: number): number {
  let k = lastBelow(b.open, at);
  while (k >= 0 && (b.close[k] as number) <= at) k = b.parent[k] as number;
  return k;
}

/** The pair whose opening bracket is at `at`, or -1. */
function pairOpeningAt(b: Brackets, at: number): number {
  const k = lastBelow(b.open, at + 1);
  return k >= 0 && b.open[k] === at ? k : -1;
}

/** Where the expression around offset `at` starts: after the last `,`, `;` or line break before it in its pair. */
export function expressionStart(b: Brackets, at: number): number {
  const k = pairAt(b, at);
  const ends = b.ends[k + 1] as number[];
  const last = lastBelow(ends, at);
  const open = k >= 0 ? (b.open[k] as number) + 1 : 0;
  return last >= 0 ? Math.max(open, (ends[last] as number) + 1) : open;
}

/** Whether offset `at` lies in a string, comment, regular expression or template literal's text. */
export function isInert(b: Brackets, at: number): boolean {
  const k = lastBelow(b.inert, at + 1, 2);
  return k >= 0 && at < (b.inert[2 * k + 1] as number);
}

/** The first offset from `i` on that is not white space. */
function skipSpace(text: string, i: number): number {
  while (i < text.length && isAsciiSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The word that ends right before offset `i` (white space skipped; '' when none does), and where it starts. */
export function wordEndingBefore(text: string, i: number): { word: string; start: number } {
  let j = i - 1;
  while (j >= 0 && isAsciiSpace(text.charCodeAt(j))) j--;
  let k = j;
  while (k >= 0 && isIdentPart(text.charCodeAt(k))) k--;
  return { word: text.slice(k + 1, j + 1), start: k + 1 };
}

/** The word that ends right before offset `i` (white space skipped), or ''. */
export function wordBefore(text: string, i: number): string {
  return wordEndingBefore(text, i).word;
}

/** Blocks whose declarations the resolver gives to the program: a namespace's or module's, a class's `static` block. */
function programBlock(text: string, open: number): boolean {
  const last = wordEndingBefore(text, open);
  if (last.word === 'static') return true;
  const before = last.word === '' ? '' : wordBefore(text, last.start);
  return before === 'namespace' || before === 'module';
}

/**
 * Where a name declared at `at` is local: the block, parameter list or brackets around the declaration (a `for (…)`
 * or `catch (…)` head with the block after it), or the whole text when none is around it; undefined in a block whose
 * declarations are the program's.
 */
export function declarationScope(text: string, b: Brackets, at: number): [number, number] | undefined {
  const k = pairAt(b, at);
  if (k < 0) return [0, text.length];
  const close = b.close[k] as number;
  if (b.kind[k] === OPEN_PAREN) {
    const body = pairOpeningAt(b, skipSpace(text, close + 1));
    if (body >= 0 && b.kind[body] === OPEN_BRACE) return [b.open[k] as number, b.close[body] as number];
  }
  if (b.kind[k] === OPEN_BRACE && programBlock(text, b.open[k] as number)) return undefined;
  return [b.open[k] as number, close];
}

/**
 * The end of a function's body starting at `at` (after `=>` or a parameter list): the block opening there, or an
 * arrow function's expression up to the `,`, `;` or line break after it, or the bracket that closes around it.
 */
export function bodyEnd(text: string, b: Brackets, at: number): number {
  const from = skipSpace(text, at);
  const block = pairOpeningAt(b, from);
  if (block >= 0) return b.close[block] as number;
  const k = pairAt(b, from);
  const ends = b.ends[k + 1] as number[];
  const next = lastBelow(ends, from) + 1;
  const close = k >= 0 ? (b.close[k] as number) : text.length;
  return next < ends.length ? Math.min(ends[next] as number, close) : close;
}
