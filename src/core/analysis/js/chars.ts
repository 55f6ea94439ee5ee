// Character classes of the JavaScript/TypeScript text scans (the pre-scan, the bracket scan), by UTF-16 code unit.

/** [A-Za-z_$] */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

/** [\w$] */
export function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** An ASCII white-space character (what `\s` matches below U+0080). */
export function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
