// YAML files read with line tracking, so that errors can say "data/x.dvc line 3: outs[0].md5 is missing".

import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { fileSystemError } from './randomAccess';
import { LocatedFormatError } from './types';

export interface YamlFile {
  path: string;
  /** How the file is named in messages. */
  display: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The document as plain JavaScript values. */
  value: unknown;
}

export type YamlPath = readonly (string | number)[];

const MAX_YAML_BYTES = 8 * 1024 * 1024;

/** Reads and parses a YAML file; syntax errors become LocatedFormatError "<display> line N: <reason>". */
export async function readYamlFile(path: string, display = path): Promise<YamlFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fileSystemError(path, err);
  }
  if (text.length > MAX_YAML_BYTES) throw new LocatedFormatError(`${display}: file is too large for a metadata file`, path);
  return parseYamlText(text, path, display);
}

/** Parses YAML text (see readYamlFile). */
export function parseYamlText(text: string, path: string, display = path): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: false, uniqueKeys: false });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? lineCounter.linePos(first.pos[0]).line;
    const reason = first.message.split('\n')[0] ?? first.message;
    throw new LocatedFormatError(`${display} line ${line}: invalid YAML — ${reason}`, path, line, first.message);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new LocatedFormatError(`${display}: invalid YAML — ${reason}`, path, undefined, reason);
  }
  return { path, display, doc, lineCounter, value };
}

/** 1-based line of the node at `keyPath`, or of its nearest existing ancestor. */
export function lineAt(file: YamlFile, keyPath: YamlPath): number | undefined {
  for (let n = keyPath.length; n >= 0; n--) {
    const node: unknown = n === 0 ? file.doc.contents : file.doc.getIn(keyPath.slice(0, n), true);
    if (typeof node === 'object' && node !== null && 'range' in node) {
      const range = (node as { range?: [number, number, number] | null }).range;
      if (range) return file.lineCounter.linePos(range[0]).line;
    }
  }
  return undefined;
}

/** "outs[0].md5" style rendering of a key path. */
export function formatKeyPath(keyPath: YamlPath): string {
  let s = '';
  for (const k of keyPath) s += typeof k === 'number' ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

/** A LocatedFormatError "<display> line N: <message>" pointing at `keyPath` (or its nearest ancestor). */
export function yamlError(file: YamlFile, keyPath: YamlPath, message: string, detail?: string): LocatedFormatError {
  const line = lineAt(file, keyPath);
  const where = line !== undefined ? `${file.display} line ${line}` : file.display;
  return new LocatedFormatError(`${where}: ${message}`, file.path, line, detail);
}
