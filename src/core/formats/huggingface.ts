// Hugging Face model folders (transformers layout): config.json plus weight and tokenizer files. safetensors weights
// are summarised from their headers; pickle-based weights (pytorch_model.bin, *.pt) are listed and flagged unsafe.

import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSystemError, groupDigits } from './randomAccess';
import { PICKLE_UNSAFE } from './pickle';
import { readSafetensorsMetadata } from './safetensors';
import { FormatError } from './types';
import type { MetadataProperty, ModelMetadata, TensorSpec } from './types';

const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

const TOKENIZER_FILES = new Set([
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
  'tokenizer.model',
  'spiece.model',
  'sentencepiece.bpe.model',
  'preprocessor_config.json',
]);
const PICKLE_WEIGHT = /\.(bin|pt|pth|ckpt|pkl)$/i;
const OTHER_WEIGHT = /\.(h5|msgpack|onnx|gguf|tflite)$/i;

export interface HuggingFaceWeightFile {
  name: string;
  size: number;
  kind: 'safetensors' | 'pickle' | 'other';
  /** Parameters in this file (safetensors only). */
  parameters?: number;
  /** Why the safetensors header could not be read. */
  error?: string;
}

export interface HuggingFaceInfo {
  modelType?: string;
  architectures: string[];
  torchDtype?: string;
  transformersVersion?: string;
  vocabSize?: number;
  hiddenSize?: number;
  numLayers?: number;
  /** Class labels from id2label, in id order. */
  labels: string[];
  weights: HuggingFaceWeightFile[];
  tokenizerFiles: string[];
  /** Sharded checkpoints: total size declared by model.safetensors.index.json. */
  indexTotalSize?: number;
}

export type HuggingFaceMetadata = ModelMetadata & { huggingface: HuggingFaceInfo };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function firstNum(cfg: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const v = num(cfg[k]);
    if (v !== undefined) return v;
  }
  // Composite models (e.g. vision-encoder-decoder, llava) keep sizes in text_config.
  const text = cfg['text_config'];
  if (isRecord(text)) for (const k of keys) {
    const v = num(text[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

async function readConfig(dir: string): Promise<Record<string, unknown>> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    const s = await stat(path);
    if (s.size > MAX_CONFIG_BYTES) throw new FormatError(`config.json is ${groupDigits(s.size)} bytes — too large for a model config`, path);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof FormatError) throw err;
    const e = fileSystemError(path, err);
    if (e.message.startsWith('File not found')) throw new FormatError(`Not a Hugging Face model folder: no config.json in ${dir}`, path);
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new FormatError(`Invalid config.json: the JSON does not parse (${reason})`, path);
  }
  if (!isRecord(parsed)) throw new FormatError('Invalid config.json: expected a JSON object', path);
  return parsed;
}

/** True when `dir` has a config.json with `model_type` or `architectures` (a transformers-style model folder). */
export async function isHuggingFaceDir(dir: string): Promise<boolean> {
  try {
    const cfg = await readConfig(dir);
    return typeof cfg['model_type'] === 'string' || (Array.isArray(cfg['architectures']) && cfg['architectures'].length > 0);
  } catch {
    return false;
  }
}

function labelsOf(cfg: Record<string, unknown>): string[] {
  const id2label = cfg['id2label'];
  if (!isRecord(id2label)) return [];
  return Object.entries(id2label)
    .map(([k, v]) => [Number(k), String(v)] as const)
    .filter(([k]) => Number.isInteger(k))
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v);
}

function torchDtypeName(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const map: Record<string, string> = { float32: 'float32', float16: 'float16', bfloat16: 'bfloat16', float64: 'float64', half: 'float16', float: 'float32' };
  return map[v.replace(/^torch\./, '')] ?? v;
}

/** Reads a Hugging Face model folder: config.json facts, weight files (parameters from safetensors), tokenizer files. */
export async function readHuggingFaceDir(dir: string): Promise<HuggingFaceMetadata> {
  const cfg = await readConfig(dir);
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    throw fileSystemError(dir, err);
  }

  const info: HuggingFaceInfo = { architectures: [], labels: labelsOf(cfg), weights: [], tokenizerFiles: [] };
  if (typeof cfg['model_type'] === 'string') info.modelType = cfg['model_type'];
  if (Array.isArray(cfg['architectures'])) info.architectures = cfg['architectures'].filter((a): a is string => typeof a === 'string');
  const dtype = torchDtypeName(cfg['torch_dtype'] ?? cfg['dtype']);
  if (dtype) info.torchDtype = dtype;
  if (typeof cfg['transformers_version'] === 'string') info.transformersVersion = cfg['transformers_version'];
  const vocab = firstNum(cfg, ['vocab_size']);
  if (vocab !== undefined) info.vocabSize = vocab;
  const hidden = firstNum(cfg, ['hidden_size', 'dim', 'd_model', 'n_embd']);
  if (hidden !== undefined) info.hiddenSize = hidden;
  const layers = firstNum(cfg, ['num_hidden_layers', 'n_layers', 'num_layers', 'n_layer']);
  if (layers !== undefined) info.numLayers = layers;

  for (const name of names) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) continue;
    if (TOKENIZER_FILES.has(name)) {
      info.tokenizerFiles.push(name);
    } else if (name.endsWith('.safetensors')) {
      const w: HuggingFaceWeightFile = { name, size: st.size, kind: 'safetensors' };
      try {
        const meta = await readSafetensorsMetadata(path);
        if (meta.parameterCount !== undefined) w.parameters = meta.parameterCount;
      } catch (err) {
        w.error = err instanceof Error ? err.message : String(err);
      }
      info.weights.push(w);
    } else if (PICKLE_WEIGHT.test(name) && name !== 'training_args.bin') {
      info.weights.push({ name, size: st.size, kind: 'pickle' });
    } else if (OTHER_WEIGHT.test(name)) {
      info.weights.push({ name, size: st.size, kind: 'other' });
    } else if (name === 'model.safetensors.index.json') {
      try {
        const idx: unknown = JSON.parse(await readFile(path, 'utf8'));
        const total = isRecord(idx) && isRecord(idx['metadata']) ? num(idx['metadata']['total_size']) : undefined;
        if (total !== undefined) info.indexTotalSize = total;
      } catch {
        // A broken index is reported by loaders; the shards themselves are still listed.
      }
    }
  }

  const safetensors = info.weights.filter((w) => w.kind === 'safetensors');
  const pickles = info.weights.filter((w) => w.kind === 'pickle');
  const params = safetensors.length && safetensors.every((w) => w.parameters !== undefined) ? safetensors.reduce((a, w) => a + (w.parameters ?? 0), 0) : undefined;

  const props: MetadataProperty[] = [];
  if (info.modelType) props.push({ label: 'Model type', value: info.modelType });
  if (info.architectures.length) props.push({ label: 'Architectures', value: info.architectures.join(', ') });
  if (info.torchDtype) props.push({ label: 'Torch dtype', value: info.torchDtype });
  if (info.transformersVersion) props.push({ label: 'Transformers version', value: info.transformersVersion });
  if (info.vocabSize !== undefined) props.push({ label: 'Vocabulary size', value: groupDigits(info.vocabSize) });
  if (info.hiddenSize !== undefined) props.push({ label: 'Hidden size', value: groupDigits(info.hiddenSize) });
  if (info.numLayers !== undefined) props.push({ label: 'Layers', value: String(info.numLayers) });
  if (info.labels.length) props.push({ label: 'Labels', value: info.labels.join(', ') });
  if (params !== undefined) props.push({ label: 'Parameters', value: groupDigits(params) });
  if (info.weights.length) {
    props.push({
      label: 'Weights',
      value: info.weights.map((w) => `${w.name} (${groupDigits(w.size)} bytes${w.kind === 'pickle' ? ', pickle' : ''}${w.error ? ', unreadable' : ''})`).join(', '),
    });
  } else {
    props.push({ label: 'Weights', value: 'none found (config only)' });
  }
  for (const w of safetensors) if (w.error) props.push({ label: `Problem in ${w.name}`, value: w.error });
  if (info.tokenizerFiles.length) props.push({ label: 'Tokenizer files', value: info.tokenizerFiles.join(', ') });

  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') metadata[k] = String(v);
  }

  const outputs: TensorSpec[] = info.labels.length ? [{ name: 'logits', dtype: info.torchDtype ?? 'float32', shape: ['batch_size', info.labels.length] }] : [];
  const result: HuggingFaceMetadata = {
    format: 'huggingface',
    formatLabel: info.modelType ? `Hugging Face (${info.modelType})` : 'Hugging Face',
    inputs: [],
    outputs,
    properties: props,
    metadata,
    huggingface: info,
  };
  if (params !== undefined) result.parameterCount = params;
  // Loaders prefer safetensors when present; pickle weights alone mean loading runs pickle.
  if (pickles.length && !safetensors.length) result.unsafe = `${PICKLE_UNSAFE} Weights: ${pickles.map((w) => w.name).join(', ')}.`;
  return result;
}
