// Edits of `mlship.yaml` as text: a deployment entry is inserted where it belongs (after the last entry of
// `deployments:`, or as a new `deployments:` at the end), so that every other line — comments, flow maps, quoting,
// blank lines — stays as it was. The result is parsed and validated again before it is returned.
import { Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { parseManifest, type DeploymentConfig } from './manifest';

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
