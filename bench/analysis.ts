// Analysis engine benchmarks, each figure next to a peer measured in the same run on the same text:
//  a. full analysis of a generated 10,000-line Python / TypeScript file vs a bare tree-sitter parse of it (one-shot, as
//     `mlship check` runs it, and as the language server's first analysis, keeping what the next edit reuses), and under the
//     TypeScript figure its floors: a cursor walk over every node and a copy of every node, each vs the parse;
//  b. incremental reanalysis after one-line edits of a 2,000-line Python / TypeScript file vs full reanalysis of the
//     same texts, and tree-sitter's own incremental reparse of those edits (the floor; the rest is the analysis), after
//     a warm-up as for a., and the p95 of the first edits before it;
//  c. a `mlship check`-style scan (sequential read + analyze) of a generated 130k-line workspace, in lines/s;
//  d. the same Python text checked by pyflakes (a subprocess, with and without interpreter start) and by Ruff's
//     wasm build (in-process).
// The engine measured is the one users run: an esbuild bundle built as the VSIX's (esbuild.mjs --production: minified,
// cjs, node20), made in the run itself in a temporary directory (bench/engine-bundle.ts), not the src/ files as tsx
// compiles them (keepNames wrappers, one module per file); every timed call, the bare parses included, uses it.
// Run standalone: node --import tsx bench/analysis.ts  (prints, writes bench/results/analysis.json)
//   --engine   only a. and b. (the engine on one file: full analysis vs parse, reanalysis after edits; a few minutes),
//              written to bench/results/analysis-engine.json
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs';
import type { Tree } from 'web-tree-sitter';
import type { Language } from '../src/core/analysis/types';
import { mulberry32 } from '../src/core/util/random';
import { corpusFiles } from '../test/corpusFiles';
import { loadEngineBundle, SHIPPED_BUILD, type EngineBundle } from './engine-bundle';
import { median, printFigures, quantile, time, type BenchFigure } from './figures';

const ROOT = resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';

/** The engine every timed call goes through, built as it ships (see engine-bundle.ts); set by `runAnalysisBench`. */
let engine: EngineBundle;

// ---------------------------------------------------------------------------------------------------------------
// Generated service code

type Rng = () => number;


const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
const NOUNS = ['churn', 'fraud', 'eta', 'ranking', 'spam', 'credit', 'demand', 'price', 'intent', 'toxicity', 'lead', 'return', 'delivery', 'upsell', 'risk', 'match'];
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function corpusSnippets(ext: string[]): string[] {
  return corpusFiles()
    .filter((f) => ext.some((x) => f.path.endsWith(x)))
    .map((f) => readFileSync(f.path, 'utf8'));
}

/**
 * A corpus snippet made fit to sit in a big file with others: its imports taken out (to be hoisted and deduplicated at
 * the top) and its module-level names (functions, classes, variables) suffixed with `_k`, so that the file does not
 * redefine the same names hundreds of times.
 */
function adapt(snippet: string, k: number, lang: 'python' | 'typescript', imports: Set<string>): string {
  const lines = snippet.replace(/\r\n/g, '\n').split('\n');
  const body: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const isImport = lang === 'python' ? /^(import\s|from\s+\S+\s+import\s)/.test(line) : /^import\s/.test(line);
    if (!isImport) {
      body.push(line);
      continue;
    }
    // Multi-line imports: `from x import (` … `)` / `import {` … `} from 'x';`
    let stmt = line;
    const open = lang === 'python' ? line.includes('(') && !line.includes(')') : line.includes('{') && !line.includes('}');
    while (open && i + 1 < lines.length && !(lang === 'python' ? stmt.includes(')') : stmt.includes('}'))) stmt += `\n${lines[++i] ?? ''}`;
    if (!stmt.includes('__future__')) imports.add(stmt);
  }
  const defs = lang === 'python'
    ? /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)/gm
    : /^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;
  let out = body.join('\n');
  const names = new Set<string>();
  for (const m of out.matchAll(defs)) {
    const name = m[1] ?? m[2];
    if (name && name !== '__all__' && !name.startsWith('__')) names.add(name);
  }
  for (const n of names) out = out.replace(new RegExp(`(?<![\\w$])${n.replace(/\$/g, '\\$')}(?![\\w$])`, 'g'), `${n}_${k}`);
  return out;
}

const PY_HEADER = `"""Prediction service: scoring endpoints, remote model clients and batch jobs."""
from __future__ import annotations

import json
import logging
import os
import pickle
from dataclasses import dataclass, field

import httpx
import joblib
import numpy as np
import onnxruntime as ort
import requests
import torch

logger = logging.getLogger(__name__)
MODEL_VERSION = os.environ.get("MODEL_VERSION", "dev")
BASE_URL = os.environ.get("INFERENCE_URL", "http://inference.internal")
`;

function pyBlock(rng: Rng, k: number): string {
  const n = pick(rng, NOUNS);
  const N = cap(n);
  const model = `${n}_model_${k}`;
  const t = (0.5 + rng() * 0.4).toFixed(2);
  switch (Math.floor(rng() * 9)) {
    case 0:
      return `${model} = joblib.load(os.path.join("models", "${n}-${k}.joblib"))


def score_${n}_${k}(features, threshold=${t}):
    """Score one ${n} request."""
    x = np.asarray(features, dtype=np.float32).reshape(1, -1)
    try:
        proba = ${model}.predict_proba(x)[0][1]
    except Exception as exc:  # model errors must not reach the caller
        logger.warning("fallback for ${n}: %s", exc)
        return {"label": None, "fallback": True}
    if proba < threshold:
        return {"label": None, "abstained": True}
    logger.info("prediction", extra={"model_version": MODEL_VERSION, "p": float(proba)})
    return {"label": int(proba > 0.5), "model_version": MODEL_VERSION}
`;
    case 1:
      return `def classify_${n}_${k}(rows):
    labels = ${model}.predict(rows)
    out = []
    for row, label in zip(rows, labels):
        out.append({"id": row["id"], "label": int(label)})
    return out
`;
    case 2:
      return `def call_${n}_${k}(payload: dict) -> dict:
    url = f"{BASE_URL}/v1/models/${n}:predict"
    resp = requests.post(url, json={"instances": [payload]}${rng() < 0.5 ? ', timeout=0.2' : ''})
    resp.raise_for_status()
    body = resp.json()
    return {"prediction": body["predictions"][0], "model_version": body.get("model_version")}
`;
    case 3:
      return `class ${N}Service${k}:
    """ONNX Runtime session for the ${n} model."""

    def __init__(self, path: str) -> None:
        self.session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        self.version = os.environ.get("${n.toUpperCase()}_VERSION", "dev")

    def predict(self, batch: np.ndarray) -> np.ndarray:
        outputs = self.session.run(None, {self.input_name: batch.astype(np.float32)})
        return outputs[0].argmax(axis=1)

    def health(self) -> dict:
        return {"ok": True, "version": self.version}
`;
    case 4:
      return `def normalize_${n}_${k}(record: dict) -> dict:
    out = {}
    for key, value in record.items():
        if value is None:
            continue
        if isinstance(value, str):
            value = value.strip().lower()
        elif isinstance(value, (int, float)):
            value = float(value) / ${(rng() * 100 + 1).toFixed(1)}
        out[key.replace("-", "_")] = value
    return {k: v for k, v in sorted(out.items()) if k not in ("debug", "trace")}
`;
    case 5:
      return `@dataclass
class ${N}Config${k}:
    name: str = "${n}"
    threshold: float = ${t}
    batch_size: int = ${Math.floor(rng() * 256) + 1}
    tags: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "threshold": self.threshold, "tags": self.tags})
`;
    case 6:
      return `def embed_${n}_${k}(net, tokens):
    net.eval()
    with torch.no_grad():
        logits = net(torch.tensor(tokens))
    return logits.softmax(-1).tolist()
`;
    case 7:
      return `def load_${n}_${k}(path):
    with open(path, "rb") as fh:
        return pickle.load(fh)


async def fetch_${n}_${k}(client: httpx.AsyncClient, item: dict):
    r = await client.post(f"{BASE_URL}/${n}", json=item, timeout=1.0)
    return r.json()
`;
    default:
      return `def batch_${n}_${k}(items, size=${Math.floor(rng() * 64) + 8}):
    results = []
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        try:
            scores = ${model}.decision_function(chunk)
        except ValueError:
            scores = [0.0] * len(chunk)
        results.extend(float(s) for s in scores)
    return results
`;
  }
}

const TS_HEADER = `// Prediction service: scoring handlers, remote model clients and batch jobs.
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-node';
import { pipeline } from '@xenova/transformers';
import express, { type Request, type Response } from 'express';

const MODEL_VERSION = process.env.MODEL_VERSION ?? 'dev';
const BASE_URL = process.env.INFERENCE_URL ?? 'http://inference.internal';
const app = express();
`;

function tsBlock(rng: Rng, k: number): string {
  const n = pick(rng, NOUNS);
  const N = cap(n);
  const t = (0.5 + rng() * 0.4).toFixed(2);
  switch (Math.floor(rng() * 8)) {
    case 0:
      return `const ${n}Session${k} = await ort.InferenceSession.create('models/${n}-${k}.onnx');

export async function score${N}${k}(features: Float32Array): Promise<{ label: number | null; modelVersion: string }> {
  try {
    const out = await ${n}Session${k}.run({ input: new ort.Tensor('float32', features, [1, features.length]) });
    const probs = out.probabilities.data as Float32Array;
    const p = probs[1] ?? 0;
    if (p < ${t}) return { label: null, modelVersion: MODEL_VERSION };
    return { label: p > 0.5 ? 1 : 0, modelVersion: MODEL_VERSION };
  } catch (err) {
    console.warn('fallback for ${n}', err);
    return { label: null, modelVersion: MODEL_VERSION };
  }
}
`;
    case 1:
      return `export async function call${N}${k}(payload: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(\`\${BASE_URL}/v1/models/${n}:predict\`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: [payload] }),${rng() < 0.5 ? '\n    signal: AbortSignal.timeout(200),' : ''}
  });
  const body = (await res.json()) as { predictions: unknown[] };
  return body.predictions[0];
}
`;
    case 2:
      return `export interface ${N}Row${k} {
  id: string;
  values: number[];
  tags?: string[];
}

export function normalize${N}${k}(rows: ${N}Row${k}[]): ${N}Row${k}[] {
  return rows
    .filter((r) => r.values.length > 0)
    .map((r) => ({ ...r, values: r.values.map((v) => v / ${(rng() * 100 + 1).toFixed(1)}), tags: (r.tags ?? []).map((t) => t.toLowerCase()) }));
}
`;
    case 3:
      return `class ${N}Model${k} {
  private model: tf.LayersModel | undefined;

  async load(): Promise<void> {
    this.model = await tf.loadLayersModel('file://models/${n}-${k}/model.json');
  }

  predict(input: number[][]): number[] {
    const t = tf.tensor2d(input);
    const y = this.model!.predict(t) as tf.Tensor;
    return Array.from(y.argMax(-1).dataSync());
  }
}
`;
    case 4:
      return `app.post('/${n}/${k}', async (req: Request, res: Response) => {
  const classifier = await pipeline('text-classification', 'Xenova/${n}-${k}');
  const [top] = (await classifier(String(req.body.text))) as { label: string; score: number }[];
  res.json({ label: top?.label, score: top?.score, modelVersion: MODEL_VERSION });
});
`;
    case 5:
      return `type ${N}Event${k} = { kind: 'hit' | 'miss'; at: number; weight?: number };

export function summarize${N}${k}(events: ${N}Event${k}[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    const key = \`\${e.kind}:\${Math.floor(e.at / 3600)}\`;
    out.set(key, (out.get(key) ?? 0) + (e.weight ?? 1));
  }
  return out;
}
`;
    case 6:
      return `export async function batch${N}${k}(session: ort.InferenceSession, items: Float32Array[], size = ${Math.floor(rng() * 64) + 8}): Promise<number[]> {
  const results: number[] = [];
  for (let i = 0; i < items.length; i += size) {
    const chunk = items.slice(i, i + size);
    const feeds = { input: new ort.Tensor('float32', concat(chunk), [chunk.length, chunk[0]?.length ?? 0]) };
    const out = await session.run(feeds);
    results.push(...Array.from(out.scores.data as Float32Array));
  }
  return results;
}
`;
    default:
      return `export const ${n}Defaults${k} = {
  name: '${n}',
  threshold: ${t},
  batchSize: ${Math.floor(rng() * 256) + 1},
} as const;

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
`;
  }
}

/** A realistic file of about `lines` lines: templates of service code mixed with adapted corpus snippets. */
export function generateSource(lang: 'python' | 'typescript', lines: number, seed: number): string {
  const rng = mulberry32(seed);
  const snippets = lang === 'python' ? corpusSnippets(['.py']) : corpusSnippets(['.ts', '.js']);
  const header = lang === 'python' ? PY_HEADER : TS_HEADER;
  const imports = new Set<string>();
  const parts: string[] = [];
  let count = header.split('\n').length;
  for (let k = 0; count < lines; k++) {
    const block = snippets.length > 0 && rng() < 0.35 ? adapt(pick(rng, snippets), k, lang, imports) : lang === 'python' ? pyBlock(rng, k) : tsBlock(rng, k);
    parts.push(block.endsWith('\n') ? `${block}\n` : `${block}\n\n`);
    count += block.split('\n').length + 1;
  }
  const head = `${header}${[...imports].filter((i) => !header.includes(i)).join('\n')}\n\n`;
  return `${`${head}${parts.join('\n')}`.split('\n').slice(0, lines).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

/**
 * Warm-up: V8 compiles wasm (tree-sitter, Ruff) and JS in tiers, and the optimizing tier arrives only after a dozen
 * or so runs of a 10,000-line file; measure after at least `runs` runs and `ms` milliseconds of each.
 */
function warmUp(fns: readonly (() => void)[], runs = 12, ms = 2000): void {
  const t = performance.now();
  for (let i = 0; i < runs || performance.now() - t < ms * fns.length; i++) for (const fn of fns) fn();
}

/**
 * Full analysis vs bare parse of the same text, alternating, medians after warm-up. One-shot (as `mlship check`
 * analyzes), or with `keep` as the language server's first analysis of a file (keeping what a reanalysis after the next
 * edit reuses).
 */
function analyzeVsParse(source: string, lang: Language, repetitions: number, keep = false): { analyze: number; parse: number } {
  const context = keep ? { keepForEdits: true } : {};
  const doAnalyze = () => engine.analyzeSource(source, lang, engine.DEFAULT_CONFIG, undefined, context).tree.delete();
  const doParse = () => engine.parse(source, lang).delete();
  warmUp([doAnalyze, doParse]);
  const a: number[] = [];
  const p: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    if (r % 2 === 0) {
      a.push(time(doAnalyze));
      p.push(time(doParse));
    } else {
      p.push(time(doParse));
      a.push(time(doAnalyze));
    }
  }
  return { analyze: median(a), parse: median(p) };
}

/**
 * What the JS/TS analysis cannot go below, on the same text as its full analysis: one walk over every node as the
 * copy walks it (`walkOf`: read from wasm memory, see treeMemory.ts) reading type ids and offsets (nothing allocated), and the copy of the whole tree into the analysis's nodes (what the
 * passes read), each next to the bare parse, alternating, medians after warm-up. The walk is the floor of any analysis
 * that visits every node; the copy, of one that copies them.
 */
function treeFloors(source: string, repetitions: number): { walk: number; copy: number; parse: number } {
  const tree = engine.parse(source, 'typescript');
  try {
    const doWalk = () => {
      const c = engine.walkOf(tree);
      let sum = 0;
      try {
        for (;;) {
          sum += c.nodeTypeId + c.startIndex + c.endIndex;
          if (c.gotoFirstChild()) continue;
          while (!c.gotoNextSibling()) if (!c.gotoParent()) return sum;
        }
      } finally {
        c.delete();
      }
    };
    const doCopy = () => engine.buildAst(tree, source);
    const doParse = () => engine.parse(source, 'typescript').delete();
    warmUp([doWalk, doCopy, doParse]);
    const w: number[] = [];
    const c: number[] = [];
    const p: number[] = [];
    for (let r = 0; r < repetitions; r++) {
      const order = r % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const i of order) {
        if (i === 0) w.push(time(doWalk));
        else if (i === 1) c.push(time(doCopy));
        else p.push(time(doParse));
      }
    }
    return { walk: median(w), copy: median(c), parse: median(p) };
  } finally {
    tree.delete();
  }
}

/** A one-line edit of `text`, the `i`th of a sequence: `removed` characters at `row`:`column` replaced by `inserted`. */
export interface OneLineEdit {
  row: number;
  column: number;
  removed: number;
  inserted: string;
  /** Offset of row:column in `text`. */
  startIndex: number;
  /** The text after the edit. */
  next: string;
}

/** Renames an identifier (replaces it) or types one character at the end of a non-blank line, chosen by `rng`. */
export function oneLineEdit(text: string, rng: () => number, i: number): OneLineEdit {
  const lines = text.split('\n');
  let row = Math.floor(rng() * (lines.length - 1));
  while (!(lines[row] ?? '').trim()) row = (row + 1) % (lines.length - 1);
  const line = lines[row] ?? '';
  const ids = [...line.matchAll(/[A-Za-z_]\w*/g)];
  const m = ids.length > 0 ? pick(rng, ids) : undefined;
  const [column, removed, inserted] = m && rng() < 0.6 ? [m.index, m[0].length, `${m[0]}_v${i}`] : [line.length, 0, rng() < 0.5 ? ' ' : '#'];
  const startIndex = lines.slice(0, row).reduce((s, l) => s + l.length + 1, 0) + column;
  return { row, column, removed, inserted, startIndex, next: text.slice(0, startIndex) + inserted + text.slice(startIndex + removed) };
}

/**
 * 200 one-line edits (rename an identifier or add a character), each reanalyzed incrementally; the edits pile up (a
 * renamed keyword, or a `#` in TypeScript, leaves a syntax error that stays), or, with `undo`, each is made to the
 * clean file and then undone (the undo is reanalyzed too, not timed): a one-line edit of a file that parses. Without
 * `peers`, only the reanalyses are made.
 *
 * Warmed up first (other edits of the same kind, reanalyzed for at least `WARM_MS`, the first of them timed as the
 * figure before warm-up), then two passes over the same edits. The first times the incremental reanalysis and runs
 * nothing else, as the language server does between edits: its garbage collections are those of the reanalyses
 * themselves (`TIMED_PASSES` times over the edits, the timings pooled). The second times the
 * peers of each edit: the full analysis of the same text, and tree-sitter's own incremental reparse of the same edit
 * (the floor under the reanalysis, which includes it). Timed in the first pass, a full analysis after each edit (some
 * 35 MB of short-lived objects for the TypeScript file) made the young generation fill every few edits, and the
 * reanalyses that a collection then landed in were timed with it.
 */
function incrementalEdits(source: string, edits: number, seed: number, lang: Language = 'python', undo = false, peers = true): { inc: number[]; cold: number[]; full: number[]; reparse: number[] } {
  const made = editsOf(source, edits + 5, seed, undo);
  // The first five edits of each pass warm up and are not recorded.
  const recorded = <T>(xs: T[]): T[] => xs.slice(5);

  // Warm-up, as for every other figure here (see `warmUp`): V8 optimizes the reanalysis's code only after it has run a
  // while. Edits of another seed, of the same kind, are reanalyzed for at least `WARM_MS`; the first `edits` of them
  // are kept as the figure before warm-up.
  const warming: number[] = [];
  const t = performance.now();
  for (let k = 1; warming.length < edits + 5 || performance.now() - t < WARM_MS; k++) warming.push(...reanalyses(source, editsOf(source, edits + 5, seed + 1000 * k, undo), lang, undo));
  const cold = recorded(warming.slice(0, edits + 5));

  // Pass 1: the reanalyses, as the language server makes them (each analysis keeps what the next one reuses), made
  // `TIMED_PASSES` times over: the p95 of 200 timings is their 10th slowest, and whether a young-generation collection
  // or the host's noise lands on a few of them moved it by a third from one run to the next.
  const inc: number[] = [];
  for (let pass = 0; pass < TIMED_PASSES; pass++) inc.push(...recorded(reanalyses(source, made, lang, undo)));
  if (!peers) return { inc, cold, full: [], reparse: [] };

  // Pass 2: the peers of the same edits.
  const full: number[] = [];
  const reparse: number[] = [];
  let before: Tree = engine.parse(source, lang);
  for (const { next, edit } of made) {
    const old = before.copy();
    old.edit(edit);
    let parsed: Tree | undefined;
    reparse.push(time(() => (parsed = engine.parse(next, lang, old))));
    old.delete();
    if (undo) parsed?.delete();
    else if (parsed) {
      before.delete();
      before = parsed;
    }
    full.push(time(() => engine.analyzeSource(next, lang, engine.DEFAULT_CONFIG).tree.delete()));
  }
  before.delete();
  return { inc, cold, full: recorded(full), reparse: recorded(reparse) };
}

/** How long the reanalysis warms up before it is timed (as `warmUp`'s `ms`; bench/lsp.ts warms the server as long). */
export const WARM_MS = 2000;

/** How many times the timed reanalyses go over the same edits (their timings pooled for the p50 and p95). */
export const TIMED_PASSES = 3;

type TreeEdit = Parameters<Tree['edit']>[0];

/** `count` one-line edits of `source` (see `oneLineEdit`), each with its undo; without `undo`, the edits pile up. */
function editsOf(source: string, count: number, seed: number, undo: boolean): { next: string; edit: TreeEdit; back: TreeEdit }[] {
  const rng = mulberry32(seed);
  const made: { next: string; edit: TreeEdit; back: TreeEdit }[] = [];
  let text = source;
  for (let i = 0; i < count; i++) {
    const { row, column, removed, inserted, startIndex, next } = oneLineEdit(text, rng, i);
    const end = startIndex + inserted.length;
    made.push({
      next,
      edit: {
        startIndex, oldEndIndex: startIndex + removed, newEndIndex: end,
        startPosition: { row, column }, oldEndPosition: { row, column: column + removed }, newEndPosition: { row, column: column + inserted.length },
      },
      back: {
        startIndex, oldEndIndex: end, newEndIndex: startIndex + removed,
        startPosition: { row, column }, oldEndPosition: { row, column: column + inserted.length }, newEndPosition: { row, column: column + removed },
      },
    });
    if (!undo) text = next;
  }
  return made;
}

/**
 * The incremental reanalysis of each edit, timed, as the language server makes them and nothing else between them (its
 * garbage collections are those of the reanalyses themselves): each analysis keeps what the next one reuses, and with
 * `undo` each edit is undone and the undo reanalyzed, not timed.
 */
function reanalyses(source: string, made: readonly { next: string; edit: TreeEdit; back: TreeEdit }[], lang: Language, undo: boolean): number[] {
  const keep = { keepForEdits: true };
  let tree: Tree = engine.analyzeSource(source, lang, engine.DEFAULT_CONFIG, undefined, keep).tree;
  const times: number[] = [];
  for (const { next, edit, back } of made) {
    const t0 = performance.now();
    tree.edit(edit);
    const out = engine.analyzeSource(next, lang, engine.DEFAULT_CONFIG, tree, keep);
    times.push(performance.now() - t0);
    tree.delete();
    tree = out.tree;
    if (undo) {
      tree.edit(back);
      const reverted = engine.analyzeSource(source, lang, engine.DEFAULT_CONFIG, tree, keep);
      tree.delete();
      tree = reverted.tree;
    }
  }
  tree.delete();
  return times;
}

/**
 * Reanalysis figures of one language: incremental vs from scratch (p50, p95), tree-sitter's incremental reparse of the
 * same edits (the floor no analysis goes below), and what the analysis adds on top of that reparse, edit by edit.
 */
function reanalysisFigures(language: string, m: { inc: number[]; cold: number[]; full: number[]; reparse: number[] }, goal?: string, how = ''): BenchFigure[] {
  const lang = `${language}${how}`;
  // The reanalyses go over the edits `TIMED_PASSES` times, in the same order as the reparses.
  const beyond = m.inc.map((t, i) => t - (m.reparse[i % m.reparse.length] ?? 0));
  const g = goal ? { goal } : {};
  return [
    { name: `incremental reanalysis after a one-line edit, 2,000-line ${language} file (200 edits${how}, timed ${TIMED_PASSES} times over), p50`, value: median(m.inc), unit: 'ms', peer: { name: 'full analyzeSource of the same texts, p50', value: median(m.full) }, ratio: median(m.inc) / median(m.full), ...g },
    { name: `incremental reanalysis (${lang}), p95`, value: quantile(m.inc, 0.95), unit: 'ms', peer: { name: 'full analyzeSource, p95', value: quantile(m.full, 0.95) }, ratio: quantile(m.inc, 0.95) / quantile(m.full, 0.95), ...g },
    { name: `incremental reanalysis (${lang}), p95 of the first edits, before warm-up`, value: quantile(m.cold, 0.95), unit: 'ms', peer: { name: 'incremental reanalysis after warm-up, p95', value: quantile(m.inc, 0.95) }, ratio: quantile(m.cold, 0.95) / quantile(m.inc, 0.95) },
    { name: `tree-sitter incremental reparse alone (${lang}, the floor), p50`, value: median(m.reparse), unit: 'ms', peer: { name: 'incremental reanalysis, p50', value: median(m.inc) }, ratio: median(m.reparse) / median(m.inc) },
    { name: `tree-sitter incremental reparse alone (${lang}, the floor), p95`, value: quantile(m.reparse, 0.95), unit: 'ms', peer: { name: 'incremental reanalysis, p95', value: quantile(m.inc, 0.95) }, ratio: quantile(m.reparse, 0.95) / quantile(m.inc, 0.95) },
    { name: `reanalysis beyond the reparse (${lang}, per edit), p50`, value: median(beyond), unit: 'ms', peer: { name: 'full analyzeSource, p50', value: median(m.full) }, ratio: median(beyond) / median(m.full), ...g },
    { name: `reanalysis beyond the reparse (${lang}, per edit), p95`, value: quantile(beyond, 0.95), unit: 'ms', peer: { name: 'full analyzeSource, p95', value: quantile(m.full, 0.95) }, ratio: quantile(beyond, 0.95) / quantile(m.full, 0.95), ...g },
  ];
}

interface ScanFile {
  path: string;
  lang: Language;
  lines: number;
}

async function generateWorkspace(pyFiles: number, tsFiles: number, linesPerFile: number): Promise<{ root: string; files: ScanFile[] }> {
  const root = await mkdtemp(join(tmpdir(), 'mlship-bench-analysis-'));
  const files: ScanFile[] = [];
  for (let i = 0; i < pyFiles + tsFiles; i++) {
    const py = i < pyFiles;
    const rel = py ? `services/svc${i % 10}/module_${i}.py` : `web/src/pkg${i % 5}/handler${i}.ts`;
    const path = join(root, rel);
    await mkdir(join(path, '..'), { recursive: true });
    const text = generateSource(py ? 'python' : 'typescript', linesPerFile, 1000 + i);
    await writeFile(path, text);
    files.push({ path, lang: engine.languageForPath(path) ?? 'python', lines: text.split('\n').length - 1 });
  }
  return { root, files };
}

/** `mlship check`'s loop: read each file, analyze it, free the tree. */
async function scan(files: readonly ScanFile[]): Promise<number> {
  const t = performance.now();
  for (const f of files) {
    const text = await readFile(f.path, 'utf8');
    engine.analyzeSource(text, f.lang, engine.DEFAULT_CONFIG).tree.delete();
  }
  return performance.now() - t;
}

async function readAndParse(files: readonly ScanFile[]): Promise<number> {
  const t = performance.now();
  for (const f of files) engine.parse(await readFile(f.path, 'utf8'), f.lang).delete();
  return performance.now() - t;
}

/** Up to `max` JavaScript/TypeScript files of the installed packages (sorted, so that every run reads the same ones). */
function realJsFiles(max: number): ScanFile[] {
  const out: ScanFile[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= max) return;
      const p = join(dir, e);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (depth < 8 && e !== '.bin' && e !== 'test' && e !== 'tests') walk(p, depth + 1);
      } else if (/\.(?:m|c)?[jt]sx?$/.test(e) && !e.endsWith('.d.ts') && !e.endsWith('.min.js') && st.size < 300_000) {
        const lang = engine.languageForPath(p);
        if (lang) out.push({ path: p, lang, lines: readFileSync(p, 'utf8').split('\n').length });
      }
    }
  };
  for (const pkg of ['axios', 'yaml', 'chart.js', 'prom-client', 'vscode-languageserver', 'vscode-languageserver-protocol', 'jsonc-parser', 'picomatch', 'hyparquet', 'web-tree-sitter', 'esbuild', 'typescript-eslint', '@typescript-eslint', 'eslint', 'ajv', 'playwright-core']) walk(join(ROOT, 'node_modules', pkg), 0);
  return out;
}

function wall(cmd: string, args: string[]): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t;
  // pyflakes exits 1 when it reports problems; anything else (missing module, crash) is an error.
  if (r.error || (r.status !== 0 && r.status !== 1)) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed: ${r.error?.message ?? r.stderr.toString()}`);
  return ms;
}

function medianOf(n: number, fn: () => number): number {
  fn();
  return median(Array.from({ length: n }, fn));
}

/**
 * The engine's own incremental reanalysis times of `edits` one-line edits of `source`, each undone (as
 * `incrementalEdits`), in this process: the peer of the same edits sent to the language server (bench/lsp.ts).
 */
export async function engineReanalysis(source: string, edits: number, seed: number, lang: Language): Promise<number[]> {
  engine = await loadEngineBundle();
  return incrementalEdits(source, edits, seed, lang, true, false).inc;
}

async function ruffScan(ws: Workspace, files: readonly ScanFile[]): Promise<number> {
  const t = performance.now();
  for (const f of files) ws.check(await readFile(f.path, 'utf8'));
  return performance.now() - t;
}

export async function runAnalysisBench(opts: { repetitions?: number; verbose?: boolean; engineOnly?: boolean } = {}): Promise<BenchFigure[]> {
  const reps = Math.max(7, opts.repetitions ?? 11);
  const log = (s: string) => {
    if (opts.verbose !== false) console.log(`  ${s}`);
  };
  engine = await loadEngineBundle();
  log(`engine: ${SHIPPED_BUILD}`);
  const figures: BenchFigure[] = [];

  // a. 10,000-line files: analysis vs parse.
  const py10k = generateSource('python', 10_000, 1);
  const ts10k = generateSource('typescript', 10_000, 2);
  for (const [lang, text] of [['python', py10k], ['typescript', ts10k]] as const) {
    const { result, tree } = engine.analyzeSource(text, lang, engine.DEFAULT_CONFIG);
    tree.delete();
    log(`${lang} 10k: ${text.split('\n').length - 1} lines, ${text.length} chars, ${result.calls.length} predict calls, ${result.findings.length} findings`);
    const m = analyzeVsParse(text, lang, reps);
    figures.push({ name: `analyzeSource, 10,000-line ${lang} file`, value: m.analyze, unit: 'ms', peer: { name: 'bare tree-sitter parse', value: m.parse }, ratio: m.analyze / m.parse, goal: lang === 'typescript' ? '≤ 1.5' : '≤ 1.3' });
    const k = analyzeVsParse(text, lang, reps, true);
    figures.push({ name: `analyzeSource keeping what the next edit reuses (the language server's first analysis), 10,000-line ${lang} file`, value: k.analyze, unit: 'ms', peer: { name: 'bare tree-sitter parse', value: k.parse }, ratio: k.analyze / k.parse });
  }
  // a2. The floors under the TypeScript figure: a walk over every node, and a copy of every node.
  const floors = treeFloors(ts10k, reps);
  figures.push({ name: 'walk of every node as the copy walks it (wasm memory; type id, offsets), 10,000-line typescript file', value: floors.walk, unit: 'ms', peer: { name: 'bare tree-sitter parse', value: floors.parse }, ratio: floors.walk / floors.parse });
  figures.push({ name: 'copy of every node (buildAst, whole tree), 10,000-line typescript file', value: floors.copy, unit: 'ms', peer: { name: 'bare tree-sitter parse', value: floors.parse }, ratio: floors.copy / floors.parse });

  // b. Incremental reanalysis after one-line edits of a 2,000-line Python file.
  const py2k = generateSource('python', 2_000, 3);
  figures.push(...reanalysisFigures('Python', incrementalEdits(py2k, 200, 4), '≤ 10 ms'));
  figures.push(...reanalysisFigures('Python', incrementalEdits(py2k, 200, 4, 'python', true), '≤ 10 ms', ', each undone'));

  // b2. The same for TypeScript (the language server keeps the tree and passes it back after each edit).
  const ts2k = generateSource('typescript', 2_000, 5);
  figures.push(...reanalysisFigures('TypeScript', incrementalEdits(ts2k, 200, 6, 'typescript'), '≤ 10 ms'));
  figures.push(...reanalysisFigures('TypeScript', incrementalEdits(ts2k, 200, 6, 'typescript', true), '≤ 10 ms', ', each undone'));

  if (opts.engineOnly) return figures;

  // b3. A real JavaScript/TypeScript tree (packages in node_modules): the pre-scan skips files with no candidate.
  const real = realJsFiles(1500);
  if (real.length > 0) {
    const realLines = real.reduce((n, f) => n + f.lines, 0);
    const scanReal = async (): Promise<{ ms: number; analyzed: number }> => {
      const t = performance.now();
      let analyzed = 0;
      for (const f of real) {
        const text = await readFile(f.path, 'utf8');
        if (!engine.needsAnalysis(text, f.lang, engine.DEFAULT_CONFIG)) continue;
        analyzed++;
        engine.analyzeSource(text, f.lang, engine.DEFAULT_CONFIG).tree.delete();
      }
      return { ms: performance.now() - t, analyzed };
    };
    await scanReal();
    await readAndParse(real);
    const sm: number[] = [];
    const pm: number[] = [];
    let analyzed = 0;
    for (let r = 0; r < 3; r++) {
      const out = await scanReal();
      sm.push(out.ms);
      analyzed = out.analyzed;
      pm.push(await readAndParse(real));
    }
    log(`real JS/TS tree: ${real.length} files from node_modules, ${realLines} lines; ${analyzed} pass the pre-scan`);
    figures.push({ name: `scan of a real JS/TS tree (read + pre-scan + analyze), ${realLines} lines in ${real.length} files (${analyzed} analyzed)`, value: median(sm), unit: 'ms', peer: { name: 'read + bare parse of every file', value: median(pm) }, ratio: median(sm) / median(pm), goal: '< 1' });
  }

  // c. Workspace scan.
  const { root, files } = await generateWorkspace(100, 30, 1_000);
  try {
    const pyFiles = files.filter((f) => f.lang === 'python');
    const totalLines = files.reduce((s, f) => s + f.lines, 0);
    const pyLines = pyFiles.reduce((s, f) => s + f.lines, 0);
    log(`workspace: ${pyFiles.length} Python files + ${files.length - pyFiles.length} TypeScript files, ${totalLines} lines`);
    await scan(files);
    await readAndParse(files);
    const scanMs: number[] = [];
    const parseMs: number[] = [];
    for (let r = 0; r < 5; r++) {
      scanMs.push(await scan(files));
      parseMs.push(await readAndParse(files));
    }
    const s = median(scanMs);
    const p = median(parseMs);
    figures.push({ name: `workspace scan (read + analyze), ${totalLines} lines in ${files.length} files`, value: totalLines / (s / 1000), unit: 'lines/s', peer: { name: 'read + bare parse', value: totalLines / (p / 1000) }, ratio: p / s });

    // d. pyflakes and Ruff (wasm) on the same Python text.
    const pyOnly: number[] = [];
    for (let r = 0; r < 5; r++) pyOnly.push(await scan(pyFiles));
    const mlshipScan = median(pyOnly);
    const py10kPath = join(root, 'service_10k.py');
    await writeFile(py10kPath, py10k);
    const mlship10k = figures[0]?.value ?? NaN;

    const start = medianOf(7, () => wall(PYTHON, ['-c', 'pass']));
    const flakes10k = medianOf(5, () => wall(PYTHON, ['-m', 'pyflakes', py10kPath]));
    const flakesScan = medianOf(3, () => wall(PYTHON, ['-m', 'pyflakes', ...pyFiles.map((f) => f.path)]));
    const emptyPath = join(root, 'empty.py');
    await writeFile(emptyPath, '');
    const flakesEmpty = medianOf(5, () => wall(PYTHON, ['-m', 'pyflakes', emptyPath]));
    log(`python3 -c pass: ${start.toFixed(1)} ms; pyflakes on an empty file: ${flakesEmpty.toFixed(1)} ms`);

    const ws = new Workspace({}, PositionEncoding.Utf16);
    const ruffDiagnostics: unknown = ws.check(py10k);
    log(`ruff ${Workspace.version()} (wasm, default rules): ${Array.isArray(ruffDiagnostics) ? ruffDiagnostics.length : '?'} diagnostics on the 10k file`);
    const ruffCheck = () => {
      ws.check(py10k);
    };
    warmUp([ruffCheck]);
    const ruff10k = medianOf(reps, () => time(ruffCheck));
    await ruffScan(ws, pyFiles);
    const ruffScanMs: number[] = [];
    for (let r = 0; r < 5; r++) ruffScanMs.push(await ruffScan(ws, pyFiles));
    const ruffScanMed = median(ruffScanMs);
    ws.free();

    figures.push({ name: 'MLShip analyzeSource, 10,000-line Python file', value: mlship10k, unit: 'ms', peer: { name: 'pyflakes (subprocess, incl. interpreter start)', value: flakes10k }, ratio: mlship10k / flakes10k });
    figures.push({ name: 'MLShip analyzeSource, 10,000-line Python file', value: mlship10k, unit: 'ms', peer: { name: 'pyflakes minus python3 start', value: flakes10k - start }, ratio: mlship10k / (flakes10k - start) });
    figures.push({ name: 'MLShip analyzeSource, 10,000-line Python file', value: mlship10k, unit: 'ms', peer: { name: 'ruff check (wasm, in-process)', value: ruff10k }, ratio: mlship10k / ruff10k });
    figures.push({ name: `MLShip scan (read + analyze), ${pyLines} Python lines in ${pyFiles.length} files`, value: mlshipScan, unit: 'ms', peer: { name: 'pyflakes (one subprocess, incl. interpreter start)', value: flakesScan }, ratio: mlshipScan / flakesScan });
    figures.push({ name: `MLShip scan (read + analyze), ${pyLines} Python lines`, value: mlshipScan, unit: 'ms', peer: { name: 'pyflakes minus python3 start', value: flakesScan - start }, ratio: mlshipScan / (flakesScan - start) });
    figures.push({ name: `MLShip scan (read + analyze), ${pyLines} Python lines`, value: mlshipScan, unit: 'ms', peer: { name: 'ruff check (wasm, read + check)', value: ruffScanMed }, ratio: mlshipScan / ruffScanMed });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return figures;
}

async function main(): Promise<void> {
  const engineOnly = process.argv.includes('--engine');
  const figures = await runAnalysisBench({ verbose: true, engineOnly });
  printFigures(`Analysis, engine measured: ${SHIPPED_BUILD}`, figures);
  const dir = join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const out = join(dir, engineOnly ? 'analysis-engine.json' : 'analysis.json');
  await writeFile(out, `${JSON.stringify({ bench: 'analysis', date: new Date().toISOString(), node: process.version, cpus: cpus().length, build: SHIPPED_BUILD, figures }, null, 2)}\n`);
  console.log(`\nwrote ${relative(process.cwd(), out)}`);
}

if (process.argv[1] !== undefined && /analysis\.[cm]?[jt]s$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
