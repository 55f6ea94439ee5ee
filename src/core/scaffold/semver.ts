// The `sem_ver` operator of flagd targeting, as @openfeature/flagd-core 4.x evaluates it: versions are parsed like
// node-semver's strict parser after dropping one leading v/V; "1" and "1.2" are accepted as 1.0.0 and 1.2.0; build
// metadata is ignored when comparing.

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers; numeric ones as numbers. */
  prerelease: (string | number)[];
}

const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const FULL = new RegExp(`^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`);
const PARTIAL = /^(\d{1,16})(?:\.(\d{1,16}))?$/;
const MAX_LENGTH = 256;

function strictParse(text: string): SemVer | null {
  const trimmed = text.trim();
  if (trimmed.length > MAX_LENGTH) return null;
  const m = FULL.exec(trimmed);
  if (!m) return null;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (![major, minor, patch].every(Number.isSafeInteger)) return null;
  const prerelease = m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id)) : [];
  return { major, minor, patch, prerelease };
}

/** Parses a version as flagd-core's sem_ver does; null when it is not a version. */
export function parseSemVer(raw: string): SemVer | null {
  const text = raw.replace(/^[vV]/, '');
  const strict = strictParse(text);
  if (strict) return strict;
  const m = PARTIAL.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: m[2] === undefined ? 0 : Number(m[2]), patch: 0, prerelease: [] };
}

function compareIdentifiers(a: string | number, b: string | number): number {
  const an = typeof a === 'number';
  const bn = typeof b === 'number';
  if (an && bn) return a === b ? 0 : a < b ? -1 : 1;
  if (an) return -1;
  if (bn) return 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** -1, 0 or 1, by semantic-version precedence. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return a.prerelease.length === b.prerelease.length ? 0 : a.prerelease.length === 0 ? 1 : -1;
  }
  for (let i = 0; ; i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined && y === undefined) return 0;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c !== 0) return c;
  }
}

export const SEMVER_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', '^', '~'] as const;

/** `{"sem_ver": [version, operator, version]}`: true/false, or null when an argument is not a version or the operator is unknown. */
export function semVerMatches(left: string, operator: string, right: string): boolean | null {
  const a = parseSemVer(left);
  const b = parseSemVer(right);
  if (!a || !b) return null;
  const c = compareSemVer(a, b);
  switch (operator) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '^':
      return a.major === b.major;
    case '~':
      return a.major === b.major && a.minor === b.minor;
    default:
      return null;
  }
}
