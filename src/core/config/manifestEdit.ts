// Edits of mlship.yaml as text that leave the rest of the file exactly as it was (comments, order, spacing, quoting,
// flow style): a new value replaces the old one in place, a line is inserted into the block that should hold it, a
// deployment entry goes after the last entry of `deployments:`, or a block is appended. Only a flow-style
// `drift: { … }` is rewritten by the YAML library. A deployment edit is parsed and validated again before it is returned.
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { LocatedFormatError } from '../formats/types';
import { parseManifest, type DeploymentConfig } from './manifest';

export interface BaselineEdit {
  text: string;
  /** The baseline this replaces, when there was one. */
  previous?: string;
}

/** A YAML plain scalar when that reads back as the same string, else a double-quoted one. */
function scalar(v: string): string {
  return /^[A-Za-z0-9_./@~][A-Za-z0-9_./@~ -]*$/.test(v) && !/ $/.test(v) && !/^(?:true|false|null|yes|no|on|off|~|[-+]?\d[\d._]*)$/i.test(v) ? v : JSON.stringify(v);
}

function mapItem(map: YAMLMap, key: string): { key: Node; value: Node | null } | undefined {
  for (const pair of map.items) {
    if (isScalar(pair.key) && pair.key.value === key) return { key: pair.key, value: (pair.value as Node | null) ?? null };
  }
  return undefined;
}

/** Where the last value of a block map ends (comments after it are not part of it). */
function lastValueEnd(node: Node, fallback: number): number {
  if (isMap(node) && !node.flow && node.items.length) {
    const last = node.items[node.items.length - 1];
    const inner = (last?.value ?? last?.key) as Node | null | undefined;
    if (inner) return lastValueEnd(inner, fallback);
  }
  return node.range?.[1] ?? fallback;
}

/** Inserts `lines` (already indented) after the last item of a block map. */
function insertInto(text: string, map: YAMLMap, lines: string): string {
  const end = lastValueEnd(map, text.length);
  // After the end of the line holding the map's last value.
  const before = text.slice(0, end).replace(/[ \t]*$/, '');
  let at = before.length;
  const nl = text.indexOf('\n', at);
  at = nl < 0 ? text.length : nl + 1;
  const head = text.slice(0, at);
  return `${head}${head.endsWith('\n') ? '' : '\n'}${lines}${text.slice(at)}`;
}

function indentOf(map: YAMLMap, lc: LineCounter): number {
  const first = map.items[0]?.key as Node | undefined;
  return first?.range ? lc.linePos(first.range[0]).col - 1 : 0;
}

/**
 * Sets the drift baseline in mlship.yaml text: `drift.baselines.<model>` when a model is given, else `drift.baseline`.
 * `text` undefined means there is no mlship.yaml yet. Throws LocatedFormatError when the file does not parse.
 */
export function setBaselineInManifest(text: string | undefined, relPath: string, model?: string, file = 'mlship.yaml'): BaselineEdit {
  const source = text ?? '';
  const lc = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lc });
  if (doc.errors.length) {
    const line = doc.errors[0]?.linePos?.[0]?.line;
    throw new LocatedFormatError(`${file} has a YAML error${line ? ` at line ${line}` : ''}; fix it before setting a baseline`, file, line);
  }
  const value = scalar(relPath);
  const path = model ? ['drift', 'baselines', model] : ['drift', 'baseline'];
  const old: unknown = doc.getIn(path);
  const previous = typeof old === 'string' ? old : undefined;
  const done = (t: string): BaselineEdit => (previous !== undefined ? { text: t, previous } : { text: t });

  const withNewline = source.length && !source.endsWith('\n') ? `${source}\n` : source;
  if (doc.contents === null) {
    const block = model ? `drift:\n  baselines:\n    ${scalar(model)}: ${value}\n` : `drift:\n  baseline: ${value}\n`;
    return done(`${withNewline}version: 1\n${block}`);
  }
  if (!isMap(doc.contents)) throw new LocatedFormatError(`${file} is not a YAML mapping; fix it before setting a baseline`, file, 1);
  const drift = mapItem(doc.contents, 'drift');
  if (!drift) {
    const block = model ? `drift:\n  baselines:\n    ${scalar(model)}: ${value}\n` : `drift:\n  baseline: ${value}\n`;
    return done(`${withNewline}${block}`);
  }
  const rewrite = (): BaselineEdit => {
    doc.setIn(path, relPath);
    return done(doc.toString());
  };
  if (!isMap(drift.value) || drift.value.flow) return rewrite();
  const driftMap = drift.value;
  const ind = indentOf(driftMap, lc);
  if (!model) {
    const item = mapItem(driftMap, 'baseline');
    if (item && isScalar(item.value) && item.value.range) return done(source.slice(0, item.value.range[0]) + value + source.slice(item.value.range[1]));
    if (item) return rewrite();
    return done(insertInto(source, driftMap, `${' '.repeat(ind)}baseline: ${value}\n`));
  }
  const baselines = mapItem(driftMap, 'baselines');
  if (!baselines) return done(insertInto(source, driftMap, `${' '.repeat(ind)}baselines:\n${' '.repeat(ind + 2)}${scalar(model)}: ${value}\n`));
  if (!isMap(baselines.value) || baselines.value.flow) return rewrite();
  const item = mapItem(baselines.value, model);
  if (item && isScalar(item.value) && item.value.range) return done(source.slice(0, item.value.range[0]) + value + source.slice(item.value.range[1]));
  if (item) return rewrite();
  return done(insertInto(source, baselines.value, `${' '.repeat(indentOf(baselines.value, lc))}${scalar(model)}: ${value}\n`));
}

// ---------------------------------------------------------------------------------------------------------------------
// Deployments

/** A manifest that cannot be edited (invalid, or the entry conflicts); nothing was changed. */
export class ManifestEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestEditError';
  }
}

export interface ManifestTextEdit {
  offset: number;
  length: number;
  content: string;
}

export interface ManifestChange {
  text: string;
  edits: ManifestTextEdit[];
}

const NEW_MANIFEST_HEADER = '# MLShip workspace manifest: the deployments MLShip watches, the flag file of rollouts, discovery roots.\nversion: 1\n';

/** The entry as YAML block lines (`- name: …` then its keys), nested maps written inline: `budgets: { … }`. */
function entryLines(entry: DeploymentConfig, indent: string, eol: string): string {
  const doc = new Document([entry]);
  const seq = doc.contents;
  if (isSeq(seq)) {
    for (const item of seq.items) {
      if (!isMap(item)) continue;
      for (const pair of item.items) if (isMap(pair.value)) pair.value.flow = true;
    }
  }
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: true }).replace(/\n$/, '');
  return text
    .split('\n')
    .map((l) => indent + l)
    .join(eol);
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Adds a deployment to the manifest text (or creates a manifest when `text` is null). Refuses an invalid manifest (with
 * the problem's line), a deployment name that exists, and a `deployments:` written as a non-empty flow list.
 */
export function addDeployment(text: string | null, entry: DeploymentConfig, file = 'mlship.yaml'): ManifestChange {
  if (text === null || text.trim() === '') {
    const created = `${text ?? ''}${text && !text.endsWith('\n') ? '\n' : ''}${NEW_MANIFEST_HEADER}deployments:\n${entryLines(entry, '  ', '\n')}\n`;
    return verified(created, [{ offset: 0, length: (text ?? '').length, content: created }], entry, file);
  }
  const parsed = parseManifest(text);
  if (!parsed.manifest) {
    const first = parsed.issues.find((i) => i.severity === 'error');
    throw new ManifestEditError(`${file} is not valid${first ? ` (line ${first.line}: ${first.message})` : ''}; nothing was changed. Fix it and try again.`);
  }
  if (parsed.manifest.deployments?.some((d) => d.name === entry.name)) {
    throw new ManifestEditError(`${file} already has a deployment named "${entry.name}"; nothing was changed. Choose another feature name, or remove that entry.`);
  }
  const eol = eolOf(text);
  const doc = parseDocument(text, { keepSourceTokens: true });
  const root = doc.contents;
  if (!isMap(root)) throw new ManifestEditError(`${file} must be a mapping (key: value lines); nothing was changed.`);
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'deployments');
  const lineEnd = (offset: number): number => {
    const nl = text.indexOf('\n', offset);
    return nl < 0 ? text.length : nl + 1;
  };
  const lineStart = (offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;

  if (!pair) {
    const sep = text.endsWith('\n') ? '' : eol;
    const content = `${sep}deployments:${eol}${entryLines(entry, '  ', eol)}${eol}`;
    return verified(text + content, [{ offset: text.length, length: 0, content }], entry, file);
  }
  const value = pair.value;
  const keyNode = pair.key as { range?: [number, number, number] | null };
  const keyIndent = keyNode.range ? keyNode.range[0] - lineStart(keyNode.range[0]) : 0;
  if (!isSeq(value)) throw new ManifestEditError(`deployments: in ${file} must be a list; nothing was changed.`);
  const range = value.range;
  if (!range) throw new ManifestEditError(`deployments: in ${file} could not be located; nothing was changed.`);
  if (value.flow) {
    if (value.items.length > 0) {
      throw new ManifestEditError(`deployments: in ${file} is written as a flow list ([…]); write it as a block list (one "- name: …" per entry) or add the entry by hand. Nothing was changed.`);
    }
    // `deployments: []` becomes a block list.
    const content = `${eol}${entryLines(entry, ' '.repeat(keyIndent + 2), eol)}`;
    return verified(text.slice(0, range[0]) + content + text.slice(range[1]), [{ offset: range[0], length: range[1] - range[0], content }], entry, file);
  }
  const last = value.items[value.items.length - 1] as { range?: [number, number, number] | null } | undefined;
  const firstItem = value.items[0] as { range?: [number, number, number] | null } | undefined;
  // The `- ` of the first item sets the list's indentation.
  const dash = firstItem?.range ? text.lastIndexOf('-', firstItem.range[0]) : range[0];
  const indent = ' '.repeat(Math.max(0, dash - lineStart(dash)));
  const end = last?.range ? last.range[1] : range[1];
  const at = lineEnd(Math.max(end - 1, 0));
  const sep = at === text.length && !text.endsWith('\n') ? eol : '';
  const content = `${sep}${entryLines(entry, indent, eol)}${eol}`;
  return verified(text.slice(0, at) + content + text.slice(at), [{ offset: at, length: 0, content }], entry, file);
}

function verified(after: string, edits: ManifestTextEdit[], entry: DeploymentConfig, file: string): ManifestChange {
  const check = parseManifest(after);
  const added = check.manifest?.deployments?.find((d) => d.name === entry.name);
  if (!check.manifest || !added) {
    const first = check.issues.find((i) => i.severity === 'error');
    throw new ManifestEditError(`Adding deployment "${entry.name}" to ${file} would make it invalid${first ? ` (line ${first.line}: ${first.message})` : ''}; nothing was changed. Add it by hand.`);
  }
  return { text: after, edits };
}
