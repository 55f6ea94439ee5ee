// flagd flag definition files as text: parsed with positions, validated by @openfeature/flagd-core in strict mode plus
// MLShip's own checks for what flagd-core lets through, and changed by minimal text edits that keep the file's
// formatting and every other flag as they are. Parsing never throws; edits throw FlagFileError and change nothing.
//
// The rollout flag MLShip writes and edits (README "Rollout flags (flagd)"):
//   "credit-risk-model": {
//     "state": "ENABLED",
//     "variants": { "on": true, "off": false },
//     "defaultVariant": "off",
//     "targeting": { "fractional": [["on", 5], ["off", 95]] }
//   }
// Weights are whole percentages adding up to 100, "on" first. The kill switch sets "state" to "DISABLED" (every
// evaluator then returns the caller's default, false) and keeps the weights, so releasing it restores the percentage.
import { MemoryStorage } from '@openfeature/flagd-core';
import { applyEdits, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { MAX_TOTAL_WEIGHT, unsupportedOperations, type FlagdDefinition, type FlagdFlag, type JsonObject, type JsonValue } from './flagd';

export const FLAGD_SCHEMA_URL = 'https://flagd.dev/schema/v0/flags.json';
/** Where the flag file is when mlship.yaml does not say (`flags:`). */
export const DEFAULT_FLAG_FILE = 'flags/flags.flagd.json';

const TOP_LEVEL_KEYS = ['$schema', 'flags', '$evaluators', 'metadata'];
const FLAG_KEYS = ['state', 'variants', 'defaultVariant', 'targeting', 'metadata'];

/** A place in the file: 1-based line and column, and the 0-based offset. */
export interface FilePosition {
  line: number;
  column: number;
  offset: number;
}

export interface FileRange {
  start: FilePosition;
  end: FilePosition;
}

export interface FlagFileIssue {
  severity: 'error' | 'warning';
  /** What is wrong and what to do. */
  message: string;
  range: FileRange;
}

export interface FlagEntry {
  key: string;
  /** The flag's key string in the file. */
  keyRange: FileRange;
  /** The whole `"key": { … }` property. */
  range: FileRange;
  flag: FlagdFlag;
}

export interface ParsedFlagFile {
  text: string;
  /** The definition when the file has no errors. */
  definition?: FlagdDefinition;
  flags: FlagEntry[];
  issues: FlagFileIssue[];
}

/** A flag file that cannot be used or changed; `issues` say where and what to do. Nothing was written. */
export class FlagFileError extends Error {
  constructor(
    message: string,
    readonly issues: FlagFileIssue[] = [],
  ) {
    super(message);
    this.name = 'FlagFileError';
  }
}

export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

/** A change to a flag file: the new text and the minimal edits that make it from the old one. */
export interface FlagFileChange {
  text: string;
  edits: TextEdit[];
}

// ---------------------------------------------------------------------------------------------------------------------
// positions

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function positionAt(starts: number[], offset: number): FilePosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1, offset };
}

/** "line 12, column 5" style location of an issue, for messages and the CLI. */
export function formatIssue(file: string, issue: FlagFileIssue): string {
  return `${file}:${issue.range.start.line}:${issue.range.start.column}: ${issue.severity}: ${issue.message}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// parsing and validation

function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diag = row[0] as number;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const up = row[j] as number;
        row[j] = Math.min(up + 1, (row[j - 1] as number) + 1, diag + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
        diag = up;
      }
    }
    return row[b.length] as number;
  };
  const best = candidates.map((c) => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

function syntaxMessage(text: string, err: ParseError): string {
  const code = printParseErrorCode(err.error);
  const at = text[err.offset] ?? '';
  let before = err.offset - 1;
  while (before >= 0 && /\s/.test(text[before] ?? '')) before--;
  if ((at === '}' || at === ']') && text[before] === ',') return `Trailing comma before "${at}": remove the comma (flag files are plain JSON).`;
  if (text.startsWith('//', err.offset) || text.startsWith('/*', err.offset)) return 'Comments are not allowed in a flag file (plain JSON): remove the comment.';
  if (at === '\uFEFF') return 'The file starts with a byte order mark (BOM), which flagd, flagd-core and Python\'s json reject: save it as UTF-8 without BOM.';
  const what: Record<string, string> = {
    InvalidSymbol: `Unexpected "${at}"`,
    InvalidNumberFormat: 'Invalid number',
    PropertyNameExpected: 'A property name in double quotes is expected here',
    ValueExpected: 'A value is expected here',
    ColonExpected: 'A ":" is expected after the property name',
    CommaExpected: 'A "," is expected between the items',
    CloseBraceExpected: 'A "}" is missing',
    CloseBracketExpected: 'A "]" is missing',
    EndOfFileExpected: 'Unexpected text after the end of the JSON document',
    UnexpectedEndOfString: 'A string is not closed',
    InvalidEscapeCharacter: 'Invalid escape sequence in a string',
    InvalidCharacter: 'Invalid character in a string',
    InvalidUnicode: 'Invalid \\u escape in a string',
  };
  return `JSON syntax error: ${what[code] ?? code}. Fix the JSON; nothing is read from this file until it parses.`;
}

function nodeValue(node: Node | undefined): JsonValue | undefined {
  return node === undefined ? undefined : (getNodeValue(node) as JsonValue);
}

function propertyValue(node: Node | undefined, key: string): Node | undefined {
  return node?.type === 'object' ? node.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1] : undefined;
}

function typeName(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

class Checker {
  readonly issues: FlagFileIssue[] = [];
  private readonly starts: number[];

  constructor(readonly text: string) {
    this.starts = lineStarts(text);
  }

  range(offset: number, length: number): FileRange {
    return { start: positionAt(this.starts, offset), end: positionAt(this.starts, offset + length) };
  }

  add(node: Node | undefined, message: string, severity: FlagFileIssue['severity'] = 'error'): void {
    this.issues.push({ severity, message, range: node ? this.range(node.offset, node.length) : this.range(0, 0) });
  }

  /** Duplicate keys anywhere: JSON keeps the last one, which is rarely what was meant. */
  duplicates(node: Node): void {
    if (node.type === 'object') {
      const seen = new Map<string, Node>();
      for (const prop of node.children ?? []) {
        const keyNode = prop.children?.[0];
        const key = String(keyNode?.value);
        const first = seen.get(key);
        if (first && keyNode) {
          const line = positionAt(this.starts, first.offset).line;
          this.add(keyNode, `Duplicate key "${key}" (first on line ${line}): JSON keeps only the last one. Remove or rename one of them.`);
        } else if (keyNode) seen.set(key, keyNode);
      }
    }
    for (const child of node.children ?? []) this.duplicates(child);
  }

  unknownKeys(node: Node, allowed: readonly string[], where: string): void {
    for (const prop of node.children ?? []) {
      const keyNode = prop.children?.[0];
      const key = String(keyNode?.value);
      if (allowed.includes(key)) continue;
      const guess = closest(key, allowed);
      this.add(keyNode, `Unknown property "${key}" ${where}: flagd ignores it.${guess ? ` Did you mean "${guess}"?` : ''} Allowed: ${allowed.join(', ')}.`);
    }
  }

  flag(key: string, keyNode: Node, node: Node, evaluators: JsonObject): void {
    if (node.type !== 'object') {
      this.add(node, `Flag "${key}" must be an object with state, variants and defaultVariant.`);
      return;
    }
    this.unknownKeys(node, FLAG_KEYS, `in flag "${key}"`);
    const state = propertyValue(node, 'state');
    if (!state) this.add(keyNode, `Flag "${key}" has no "state": add "state": "ENABLED" (or "DISABLED").`);
    else if (state.value !== 'ENABLED' && state.value !== 'DISABLED') this.add(state, `"state" of flag "${key}" must be "ENABLED" or "DISABLED", not ${JSON.stringify(nodeValue(state))}.`);

    const variantsNode = propertyValue(node, 'variants');
    const variants = nodeValue(variantsNode);
    const names: string[] = [];
    if (!variantsNode) this.add(keyNode, `Flag "${key}" has no "variants": add them, e.g. "variants": { "on": true, "off": false }.`);
    else if (typeName(variants) !== 'object') this.add(variantsNode, `"variants" of flag "${key}" must be an object of variant name → value.`);
    else {
      names.push(...Object.keys(variants as JsonObject));
      const types = new Set(Object.values(variants as JsonObject).map(typeName));
      if (names.length === 0) this.add(variantsNode, `Flag "${key}" has no variants: add at least one, e.g. "on": true.`);
      if (types.size > 1) this.add(variantsNode, `Variants of flag "${key}" mix ${[...types].join(' and ')} values: flagd requires one type per flag.`);
      if (types.has('null') || types.has('array')) this.add(variantsNode, `Variants of flag "${key}" must be booleans, strings, numbers or objects.`);
    }

    const defaultNode = propertyValue(node, 'defaultVariant');
    const defaultVariant = nodeValue(defaultNode);
    if (defaultNode && defaultVariant !== null && typeof defaultVariant !== 'string') {
      this.add(defaultNode, `"defaultVariant" of flag "${key}" must be a variant name (a string) or null.`);
    } else if (typeof defaultVariant === 'string' && variantsNode && typeName(variants) === 'object' && !names.includes(defaultVariant)) {
      this.add(defaultNode, `"defaultVariant" "${defaultVariant}" of flag "${key}" is not one of its variants (${names.join(', ')}): flagd rejects the whole file. Use one of them.`);
    }

    const targeting = propertyValue(node, 'targeting');
    if (targeting) this.targeting(key, targeting, names, evaluators);

    const metadata = propertyValue(node, 'metadata');
    if (metadata) this.metadata(metadata, `of flag "${key}"`);
  }

  metadata(node: Node, where: string): void {
    if (node.type !== 'object') {
      this.add(node, `"metadata" ${where} must be an object.`);
      return;
    }
    for (const prop of node.children ?? []) {
      const v = prop.children?.[1];
      if (v && !['string', 'number', 'boolean'].includes(v.type)) this.add(v, `Metadata values ${where} must be strings, numbers or booleans.`);
    }
  }

  targeting(key: string, node: Node, variants: string[], evaluators: JsonObject): void {
    if (node.type !== 'object') {
      this.add(node, `"targeting" of flag "${key}" must be a JSON Logic object (or {} for none).`);
      return;
    }
    const walk = (n: Node): void => {
      if (n.type === 'object' && n.children?.length === 1) {
        const [opNode, argNode] = n.children[0]?.children ?? [];
        const op = String(opNode?.value);
        if (op === '$ref' && argNode) {
          const ref = nodeValue(argNode);
          if (typeof ref !== 'string' || !Object.hasOwn(evaluators, ref)) {
            const defined = Object.keys(evaluators);
            this.add(argNode, `$ref ${JSON.stringify(ref)} names no evaluator in "$evaluators"${defined.length ? ` (defined: ${defined.join(', ')})` : ''}: flagd cannot use this flag's targeting. Add it under "$evaluators" or fix the name.`);
          }
        }
        if (op === 'fractional' && argNode) this.fractional(key, argNode, variants);
      }
      for (const child of n.children ?? []) walk(child);
    };
    walk(node);
    for (const problem of unsupportedOperations(nodeValue(node) ?? null)) {
      if (problem.message.startsWith('$ref')) continue;
      this.add(node, `${problem.message} Previews and the generated Python evaluator resolve flag "${key}" to the caller's default.`, 'warning');
    }
  }

  fractional(key: string, node: Node, variants: string[]): void {
    if (node.type !== 'array') {
      this.add(node, `"fractional" of flag "${key}" takes a list of ["variant", weight] buckets.`);
      return;
    }
    let total = 0;
    for (const entry of node.children ?? []) {
      if (entry.type !== 'array') continue; // the optional bucketing expression
      const [variantNode, weightNode] = entry.children ?? [];
      const variant = nodeValue(variantNode);
      const label = JSON.stringify(variant ?? null);
      if (entry.children?.length === 0 || (entry.children?.length ?? 0) > 2) {
        this.add(entry, `A "fractional" bucket of flag "${key}" is ["variant", weight]; flagd ignores the whole rule otherwise.`);
        continue;
      }
      if (typeof variant === 'string' && variants.length > 0 && !variants.includes(variant)) {
        this.add(variantNode, `Fractional variant "${variant}" is not a variant of flag "${key}" (${variants.join(', ')}): users bucketed there get an error and the caller's default. Add the variant or fix the name.`);
      }
      if (!weightNode) {
        total += 1;
        continue;
      }
      const weight = nodeValue(weightNode);
      if (typeof weight !== 'number') {
        if (weightNode.type !== 'object') this.add(weightNode, `The weight of ${label} in flag "${key}" must be a whole number.`);
      } else if (!Number.isInteger(weight)) {
        this.add(weightNode, `The weight ${weight} of ${label} in flag "${key}" is not a whole number: flagd then ignores the whole rule and serves the default variant. Use whole numbers (scale all weights, e.g. 55 and 945 for 5.5 %).`);
      } else if (weight < 0) {
        this.add(weightNode, `The weight ${weight} of ${label} in flag "${key}" is negative: flagd counts it as 0. Use 0 or a positive whole number.`);
      } else total += weight;
    }
    if (total > MAX_TOTAL_WEIGHT) this.add(node, `The weights of flag "${key}" add up to ${total}, more than ${MAX_TOTAL_WEIGHT}: flagd then serves the default variant. Use smaller weights.`);
  }

  /** flagd-core's strict validation, reported at the most specific place it names. */
  flagdCore(root: Node): void {
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    try {
      new MemoryStorage(silent).setConfigurations(this.text, true);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const json = message.indexOf('[');
      let details: { instancePath: string; keyword: string; message: string; params?: Record<string, unknown> }[] = [];
      try {
        if (json >= 0) details = JSON.parse(message.slice(json)) as typeof details;
      } catch {
        details = [];
      }
      const specific = details.filter((d) => !['anyOf', 'oneOf', 'type', 'additionalProperties'].includes(d.keyword));
      const pool = specific.length > 0 ? specific : details;
      const deepest = pool.sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0];
      if (!deepest) {
        const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
        this.add(root, `flagd rejects this file (${message}${cause}). Check it against ${FLAGD_SCHEMA_URL}.`);
        return;
      }
      const path = deepest.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const node = findNodeAtLocation(root, path.map((s) => (/^\d+$/.test(s) ? Number(s) : s))) ?? root;
      const params = deepest.params && Object.keys(deepest.params).length > 0 ? ` ${JSON.stringify(deepest.params)}` : '';
      this.add(node, `flagd's schema rejects ${path.length > 0 ? `/${path.join('/')}` : 'the file'}: ${deepest.message}${params}. See ${FLAGD_SCHEMA_URL}.`);
    }
  }
}

/** Parses and validates a flagd flag definition file. Never throws. */
export function parseFlagFile(text: string): ParsedFlagFile {
  const c = new Checker(text);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const reported = new Set<number>();
  for (const e of errors) {
    if (reported.has(e.offset)) continue; // one message per place: the first says what is wrong
    reported.add(e.offset);
    c.issues.push({ severity: 'error', message: syntaxMessage(text, e), range: c.range(e.offset, e.length) });
  }
  if (text.trim() === '') {
    c.issues.length = 0;
    c.add(undefined, 'The flag file is empty: it needs { "flags": { … } }.');
    return { text, flags: [], issues: c.issues };
  }
  if (errors.length > 0 || !root) return { text, flags: [], issues: c.issues };
  if (root.type !== 'object') {
    c.add(root, 'A flag file is a JSON object: { "flags": { … } }.');
    return { text, flags: [], issues: c.issues };
  }
  c.duplicates(root);
  c.unknownKeys(root, TOP_LEVEL_KEYS, 'at the top level');
  const evaluatorsNode = propertyValue(root, '$evaluators');
  const evaluators = nodeValue(evaluatorsNode);
  if (evaluatorsNode && typeName(evaluators) !== 'object') c.add(evaluatorsNode, '"$evaluators" must be an object of name → JSON Logic rule.');
  const metadata = propertyValue(root, 'metadata');
  if (metadata) c.metadata(metadata, 'of the flag set');
  const flagsNode = propertyValue(root, 'flags');
  const flags: FlagEntry[] = [];
  if (!flagsNode) c.add(root, 'The flag file has no "flags" object: add "flags": { … }.');
  else if (flagsNode.type !== 'object') c.add(flagsNode, '"flags" must be an object of flag key → flag.');
  else {
    for (const prop of flagsNode.children ?? []) {
      const [keyNode, valueNode] = prop.children ?? [];
      if (!keyNode || !valueNode) continue;
      const key = String(keyNode.value);
      c.flag(key, keyNode, valueNode, typeName(evaluators) === 'object' ? (evaluators as JsonObject) : {});
      flags.push({ key, keyRange: c.range(keyNode.offset, keyNode.length), range: c.range(prop.offset, prop.length), flag: nodeValue(valueNode) as unknown as FlagdFlag });
    }
  }
  if (!c.issues.some((i) => i.severity === 'error')) c.flagdCore(root);
  const ok = !c.issues.some((i) => i.severity === 'error');
  return { text, flags, issues: c.issues, ...(ok ? { definition: nodeValue(root) as unknown as FlagdDefinition } : {}) };
}

/** The parsed file, or FlagFileError listing its errors (with lines) when it has any. */
export function requireValidFlagFile(text: string, file: string): ParsedFlagFile & { definition: FlagdDefinition } {
  const parsed = parseFlagFile(text);
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  if (!parsed.definition || errors.length > 0) {
    throw new FlagFileError(`${file} is not a valid flag file; nothing was changed:\n${errors.map((i) => `  ${formatIssue(file, i)}`).join('\n')}`, errors);
  }
  return parsed as ParsedFlagFile & { definition: FlagdDefinition };
}

// ---------------------------------------------------------------------------------------------------------------------
// rollout flags

/** The flag MLShip writes for a rollout at `percent` (a whole number from 0 to 100). */
export function rolloutFlag(percent: number): FlagdFlag {
  checkPercent(percent);
  return { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { fractional: [['on', percent], ['off', 100 - percent]] } };
}

export function checkPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new FlagFileError(`The rollout percentage must be a whole number from 0 to 100 (got ${percent}).`);
}

export interface RolloutState {
  flagKey: string;
  state: 'ENABLED' | 'DISABLED';
  /** The share of "on" the weights give, 0–100 (kept while the kill switch is on). */
  percent: number;
  /** What users get now: 0 while the kill switch is on. */
  effectivePercent: number;
  killSwitch: boolean;
}

interface RolloutNodes {
  state: Node;
  on: Node;
  off: Node;
}

/** Why a flag is not a rollout flag MLShip can change, or its nodes. */
function rolloutNodes(flagNode: Node, key: string): RolloutNodes | string {
  const shape = 'variants "on": true and "off": false, and targeting {"fractional": [["on", p], ["off", 100 - p]]}';
  const state = propertyValue(flagNode, 'state');
  const variants = nodeValue(propertyValue(flagNode, 'variants'));
  if (!state || typeName(variants) !== 'object' || (variants as JsonObject)['on'] !== true || (variants as JsonObject)['off'] !== false) {
    return `Flag "${key}" is not a rollout flag: it needs ${shape}.`;
  }
  const targeting = propertyValue(flagNode, 'targeting');
  const fractional = propertyValue(targeting, 'fractional');
  if (!targeting || targeting.children?.length !== 1 || fractional?.type !== 'array') return `Flag "${key}" is not a rollout flag: its targeting is not a single "fractional" rule (${shape}).`;
  const buckets = (fractional.children ?? []).filter((n) => n.type === 'array');
  const weightOf = (name: string) => buckets.find((b) => b.children?.[0]?.value === name)?.children?.[1];
  const on = weightOf('on');
  const off = weightOf('off');
  if (buckets.length !== 2 || !on || !off || on.type !== 'number' || off.type !== 'number') {
    return `Flag "${key}" is not a rollout flag: its "fractional" rule must have exactly the buckets ["on", weight] and ["off", weight].`;
  }
  return { state, on, off };
}

function findFlagNode(root: Node, key: string): Node | undefined {
  return propertyValue(propertyValue(root, 'flags'), key);
}

function rolloutFromNodes(key: string, nodes: RolloutNodes): RolloutState {
  // flagd counts a negative weight as 0 (validation reports it as an error).
  const on = Math.max(0, Number(nodes.on.value));
  const off = Math.max(0, Number(nodes.off.value));
  const percent = on + off > 0 ? (100 * on) / (on + off) : 0;
  const killSwitch = nodes.state.value === 'DISABLED';
  return { flagKey: key, state: killSwitch ? 'DISABLED' : 'ENABLED', percent, effectivePercent: killSwitch ? 0 : percent, killSwitch };
}

/** The current rollout of a flag. Throws FlagFileError when the file is invalid, the flag is missing or not a rollout flag. */
export function readRollout(text: string, file: string, flagKey: string): RolloutState {
  const { flagNode } = locateFlag(text, file, flagKey);
  const nodes = rolloutNodes(flagNode, flagKey);
  if (typeof nodes === 'string') throw new FlagFileError(nodes);
  return rolloutFromNodes(flagKey, nodes);
}

function locateFlag(text: string, file: string, flagKey: string): { flagNode: Node } {
  const parsed = requireValidFlagFile(text, file);
  const root = parseTree(parsed.text) as Node;
  const flagNode = findFlagNode(root, flagKey);
  if (!flagNode) {
    const known = parsed.flags.map((f) => f.key);
    const guess = closest(flagKey, known);
    throw new FlagFileError(`Flag "${flagKey}" is not in ${file}.${guess ? ` Did you mean "${guess}"?` : known.length ? ` Flags: ${known.join(', ')}.` : ''}`);
  }
  return { flagNode };
}

function change(text: string, edits: TextEdit[]): FlagFileChange {
  return { text: applyEdits(text, edits), edits };
}

/**
 * Sets a rollout flag to `percent` (whole, 0–100) and turns its kill switch off: only the two weights (and "state" if
 * it was DISABLED) change, in place. Unchanged values are not rewritten.
 */
export function setRolloutPercent(text: string, file: string, flagKey: string, percent: number): FlagFileChange {
  checkPercent(percent);
  const { flagNode } = locateFlag(text, file, flagKey);
  const nodes = rolloutNodes(flagNode, flagKey);
  if (typeof nodes === 'string') throw new FlagFileError(nodes);
  const edits: TextEdit[] = [];
  const replace = (node: Node, value: JsonValue) => {
    if (node.value !== value) edits.push({ offset: node.offset, length: node.length, content: JSON.stringify(value) });
  };
  replace(nodes.state, 'ENABLED');
  replace(nodes.on, percent);
  replace(nodes.off, 100 - percent);
  return change(text, edits);
}

/** Turns a rollout flag's kill switch on ("state": "DISABLED", weights kept) or off ("ENABLED" at its percentage). */
export function setKillSwitch(text: string, file: string, flagKey: string, on: boolean): FlagFileChange {
  const { flagNode } = locateFlag(text, file, flagKey);
  const nodes = rolloutNodes(flagNode, flagKey);
  if (typeof nodes === 'string') throw new FlagFileError(nodes);
  const state = on ? 'DISABLED' : 'ENABLED';
  return change(text, nodes.state.value === state ? [] : [{ offset: nodes.state.offset, length: nodes.state.length, content: JSON.stringify(state) }]);
}

// ---------------------------------------------------------------------------------------------------------------------
// creating files and adding flags

interface Layout {
  indent: string;
  eol: string;
}

function detectLayout(text: string): Layout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indents = text
    .split(/\r?\n/)
    .map((l) => /^([ \t]+)"/.exec(l)?.[1])
    .filter((s): s is string => !!s);
  if (indents.some((s) => s.startsWith('\t'))) return { indent: '\t', eol };
  const smallest = Math.min(...indents.map((s) => s.length));
  return { indent: ' '.repeat(Number.isFinite(smallest) && smallest > 0 ? smallest : 2), eol };
}

/** JSON with objects on several lines and lists of plain values on one (["on", 5]). */
function formatJson(value: JsonValue, layout: Layout, depth: number): string {
  const pad = (d: number) => layout.indent.repeat(d);
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[${layout.eol}${value.map((v) => pad(depth + 1) + formatJson(v, layout, depth + 1)).join(`,${layout.eol}`)}${layout.eol}${pad(depth)}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{${layout.eol}${entries.map(([k, v]) => `${pad(depth + 1)}${JSON.stringify(k)}: ${formatJson(v, layout, depth + 1)}`).join(`,${layout.eol}`)}${layout.eol}${pad(depth)}}`;
  }
  return JSON.stringify(value);
}

function checkFlagKey(flagKey: string): void {
  if (flagKey.length === 0 || [...flagKey].some((ch) => ch.charCodeAt(0) < 0x20)) throw new FlagFileError(`"${flagKey}" cannot be a flag key: use a non-empty name without control characters.`);
}

/** The text of a new flag file holding one rollout flag at `percent`. */
export function createFlagFile(flagKey: string, percent: number): string {
  checkFlagKey(flagKey);
  const doc = { $schema: FLAGD_SCHEMA_URL, flags: { [flagKey]: rolloutFlag(percent) } } as unknown as JsonValue;
  return `${formatJson(doc, { indent: '  ', eol: '\n' }, 0)}\n`;
}

/** Adds a rollout flag at the end of "flags", in the file's own indentation. Refuses a key that exists. */
export function addRolloutFlag(text: string, file: string, flagKey: string, percent: number): FlagFileChange {
  checkFlagKey(flagKey);
  const flag = rolloutFlag(percent) as unknown as JsonValue;
  const parsed = requireValidFlagFile(text, file);
  const existing = parsed.flags.find((f) => f.key === flagKey);
  if (existing) {
    throw new FlagFileError(`Flag "${flagKey}" already exists in ${file} (line ${existing.keyRange.start.line}); nothing was changed. Choose another name, or change its rollout with \`mlship rollout ${flagKey} <percent>\`.`);
  }
  const root = parseTree(text) as Node;
  const flagsNode = propertyValue(root, 'flags') as Node;
  const layout = detectLayout(text);
  const lineIndent = (offset: number) => /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', offset - 1) + 1))?.[0] ?? '';
  const flagsIndent = lineIndent(flagsNode.parent?.offset ?? flagsNode.offset);
  const last = flagsNode.children?.[flagsNode.children.length - 1];
  const depthOf = (indent: string) => (layout.indent === '\t' ? indent.length : Math.round(indent.length / layout.indent.length));
  if (last) {
    const propIndent = lineIndent(last.offset);
    const body = `${JSON.stringify(flagKey)}: ${formatJson(flag, layout, depthOf(propIndent))}`;
    return change(text, [{ offset: last.offset + last.length, length: 0, content: `,${layout.eol}${propIndent}${body}` }]);
  }
  const propIndent = flagsIndent + layout.indent;
  const body = `${JSON.stringify(flagKey)}: ${formatJson(flag, layout, depthOf(propIndent))}`;
  return change(text, [{ offset: flagsNode.offset, length: flagsNode.length, content: `{${layout.eol}${propIndent}${body}${layout.eol}${flagsIndent}}` }]);
}

// ---------------------------------------------------------------------------------------------------------------------
// CodeLens data

export interface FlagLens {
  flagKey: string;
  /** The flag's key in the file (1-based lines and columns). */
  range: FileRange;
  /** Null when the flag is not a rollout flag MLShip can change. */
  rollout: RolloutState | null;
  /** "5 % on", "kill switch on (25 % when released)", "not a rollout flag". */
  title: string;
}

export function formatPercent(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)} %`;
}

/** "5 % on", or "kill switch on (25 % when released)". */
export function describeRollout(state: RolloutState): string {
  return state.killSwitch ? `kill switch on (${formatPercent(state.percent)} when released)` : `${formatPercent(state.percent)} on`;
}

/** One lens per flag of a flag file: where its key is and its current rollout. Empty for a file with syntax errors. */
export function flagLenses(text: string): FlagLens[] {
  const parsed = parseFlagFile(text);
  const root = parseTree(text);
  if (!root) return [];
  return parsed.flags.map((entry) => {
    const flagNode = findFlagNode(root, entry.key);
    const nodes = flagNode ? rolloutNodes(flagNode, entry.key) : 'missing';
    const rollout = typeof nodes === 'string' ? null : rolloutFromNodes(entry.key, nodes);
    const title = rollout ? describeRollout(rollout) : 'not a rollout flag';
    return { flagKey: entry.key, range: entry.keyRange, rollout, title };
  });
}

/**
 * The rollout flags of a flag file, to choose the one to change. Throws FlagFileError with the file's errors (file,
 * line, what to do) when it is not valid — no rollout can be changed in it then — or when it has no rollout flag.
 */
export function rolloutFlagsOf(text: string, file: string): FlagLens[] {
  requireValidFlagFile(text, file);
  const flags = flagLenses(text).filter((l) => l.rollout);
  if (flags.length === 0) throw new FlagFileError(`${file} has no rollout flag (variants "on": true and "off": false with a "fractional" rule). Add one with \`mlship rollout <flag> <percent> --create\`.`);
  return flags;
}
