// Edits of mlship.yaml that leave the rest of the file exactly as it was (comments, order, spacing, flow style): the
// new value replaces the old one in place, or a line is inserted into the block that should hold it, or a block is
// appended. Only a flow-style `drift: { … }` is rewritten by the YAML library.
import { isMap, isScalar, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { LocatedFormatError } from '../formats/types';

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
