// TensorFlow SavedModel: signatures, tags and versions from saved_model.pb. The graph_def is skipped without reading.
// Field numbers follow tensorflow/core/protobuf/{saved_model,meta_graph}.proto and
// tensorflow/core/framework/{tensor_shape,types}.proto.

import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  ProtobufError,
  WIRE_LEN,
  WIRE_VARINT,
  int32,
  int64Number,
  readFields,
  readString,
  rephraseProtobufError,
  subRange,
  wholeRange,
} from './protobuf';
import type { FieldNames, LenField, ProtoField, ProtoRange } from './protobuf';
import { fileSystemError, groupDigits, withRandomAccess } from './randomAccess';
import type { ByteSource } from './randomAccess';
import { FormatError } from './types';
import type { MetadataProperty, ModelMetadata, TensorSpec } from './types';

export interface SavedModelSignature {
  key: string;
  methodName: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface SavedModelMetaGraph {
  tags: string[];
  tensorflowVersion: string;
  tensorflowGitVersion: string;
  signatures: SavedModelSignature[];
}

export interface SavedModelInfo {
  schemaVersion: number;
  metaGraphs: SavedModelMetaGraph[];
  /** Key of the signature whose inputs/outputs are reported. */
  signatureKey?: string;
  variablesPresent: boolean;
  assetsPresent: boolean;
}

export type SavedModelMetadata = ModelMetadata & { savedModel: SavedModelInfo };

/** tensorflow.DataType → lower-case name (the *_REF variants, 101+, map to the same names). */
const TF_DTYPES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'float64',
  3: 'int32',
  4: 'uint8',
  5: 'int16',
  6: 'int8',
  7: 'string',
  8: 'complex64',
  9: 'int64',
  10: 'bool',
  11: 'qint8',
  12: 'quint8',
  13: 'qint32',
  14: 'bfloat16',
  15: 'qint16',
  16: 'quint16',
  17: 'uint16',
  18: 'complex128',
  19: 'float16',
  20: 'resource',
  21: 'variant',
  22: 'uint32',
  23: 'uint64',
  24: 'float8e5m2',
  25: 'float8e4m3fn',
  29: 'int4',
  30: 'uint4',
};

/** Name of a TensorFlow DataType enum value, e.g. 1 → "float32". */
export function tfDataTypeName(code: number): string {
  const base = code > 100 ? code - 100 : code;
  return TF_DTYPES[base] ?? (code === 0 ? 'unknown' : `dtype(${code})`);
}

const SAVED_MODEL_FIELDS: FieldNames = { 1: 'saved_model_schema_version', 2: 'meta_graphs' };
const META_GRAPH_FIELDS: FieldNames = {
  1: 'meta_info_def',
  2: 'graph_def',
  3: 'saver_def',
  4: 'collection_def',
  5: 'signature_def',
  6: 'asset_file_def',
  7: 'object_graph_def',
};
const META_INFO_FIELDS: FieldNames = {
  1: 'meta_graph_version',
  2: 'stripped_op_list',
  3: 'any_info',
  4: 'tags',
  5: 'tensorflow_version',
  6: 'tensorflow_git_version',
  7: 'stripped_default_attrs',
  8: 'function_aliases',
};
const SIGNATURE_FIELDS: FieldNames = { 1: 'inputs', 2: 'outputs', 3: 'method_name', 4: 'defaults' };
const TENSOR_INFO_FIELDS: FieldNames = { 1: 'name', 2: 'dtype', 3: 'tensor_shape', 4: 'coo_sparse', 5: 'composite_tensor' };
const MAP_ENTRY_FIELDS: FieldNames = { 1: 'key', 2: 'value' };

const MAX_STRING = 64 * 1024;

function isLen(f: ProtoField): f is LenField {
  return f.wireType === WIRE_LEN;
}

async function str(src: ByteSource, f: ProtoField): Promise<string> {
  return isLen(f) ? readString(src, f, MAX_STRING) : '';
}

async function readShape(src: ByteSource, range: ProtoRange): Promise<(number | string | null)[] | null> {
  const dims: (number | string | null)[] = [];
  let unknownRank = false;
  for await (const f of readFields(src, range, { 2: 'dim', 3: 'unknown_rank' })) {
    if (f.fieldNumber === 3 && f.wireType === WIRE_VARINT) unknownRank = f.value !== 0n;
    else if (f.fieldNumber === 2 && isLen(f)) {
      let size = 0;
      let name = '';
      for await (const d of readFields(src, subRange(f), { 1: 'size', 2: 'name' })) {
        if (d.fieldNumber === 1 && d.wireType === WIRE_VARINT) size = int64Number(d.value);
        else if (d.fieldNumber === 2) name = await str(src, d);
      }
      dims.push(size >= 0 ? size : name || null);
    }
  }
  return unknownRank ? null : dims;
}

async function readTensorInfo(src: ByteSource, range: ProtoRange, key: string): Promise<TensorSpec> {
  let dtype = 0;
  let shape: (number | string | null)[] | null = null;
  let composite = false;
  let sparse = false;
  for await (const f of readFields(src, range, TENSOR_INFO_FIELDS)) {
    if (f.fieldNumber === 2 && f.wireType === WIRE_VARINT) dtype = int32(f.value);
    else if (f.fieldNumber === 3 && isLen(f)) shape = await readShape(src, subRange(f));
    else if (f.fieldNumber === 4) sparse = true;
    else if (f.fieldNumber === 5) composite = true;
  }
  const name = tfDataTypeName(dtype);
  return { name: key, dtype: sparse ? `sparse(${name})` : composite ? 'composite' : name, shape };
}

/** Reads one map<string, V> entry; `value` parses the value range. */
async function readMapEntry<V>(src: ByteSource, range: ProtoRange, value: (r: ProtoRange, key: string) => Promise<V>): Promise<[string, V | undefined]> {
  let key = '';
  let valueRange: ProtoRange | undefined;
  for await (const f of readFields(src, range, MAP_ENTRY_FIELDS)) {
    if (f.fieldNumber === 1) key = await str(src, f);
    else if (f.fieldNumber === 2 && isLen(f)) valueRange = subRange(f);
  }
  return [key, valueRange ? await value(valueRange, key) : undefined];
}

async function readSignature(src: ByteSource, range: ProtoRange, key: string): Promise<SavedModelSignature> {
  const sig: SavedModelSignature = { key, methodName: '', inputs: [], outputs: [] };
  for await (const f of readFields(src, range, SIGNATURE_FIELDS)) {
    if ((f.fieldNumber === 1 || f.fieldNumber === 2) && isLen(f)) {
      const [name, info] = await readMapEntry(src, subRange(f), (r, k) => readTensorInfo(src, r, k));
      (f.fieldNumber === 1 ? sig.inputs : sig.outputs).push(info ?? { name, dtype: 'unknown', shape: null });
    } else if (f.fieldNumber === 3) sig.methodName = await str(src, f);
  }
  return sig;
}

async function readMetaGraph(src: ByteSource, range: ProtoRange): Promise<SavedModelMetaGraph> {
  const mg: SavedModelMetaGraph = { tags: [], tensorflowVersion: '', tensorflowGitVersion: '', signatures: [] };
  for await (const f of readFields(src, range, META_GRAPH_FIELDS)) {
    if (!isLen(f)) continue;
    if (f.fieldNumber === 1) {
      for await (const g of readFields(src, subRange(f), META_INFO_FIELDS)) {
        if (g.fieldNumber === 4) mg.tags.push(await str(src, g));
        else if (g.fieldNumber === 5) mg.tensorflowVersion = await str(src, g);
        else if (g.fieldNumber === 6) mg.tensorflowGitVersion = await str(src, g);
      }
    } else if (f.fieldNumber === 5) {
      const [key, sig] = await readMapEntry(src, subRange(f), (r, k) => readSignature(src, r, k));
      mg.signatures.push(sig ?? { key, methodName: '', inputs: [], outputs: [] });
    }
    // 2 graph_def, 3 saver_def, 4 collection_def, 6 asset_file_def, 7 object_graph_def: skipped unread.
  }
  return mg;
}

async function parseSavedModel(src: ByteSource): Promise<{ schemaVersion: number; metaGraphs: SavedModelMetaGraph[] }> {
  let schemaVersion = 0;
  const metaGraphs: SavedModelMetaGraph[] = [];
  let fields = 0;
  try {
    for await (const f of readFields(src, wholeRange(src), SAVED_MODEL_FIELDS)) {
      fields++;
      if (f.fieldNumber === 1 && f.wireType === WIRE_VARINT) schemaVersion = int64Number(f.value);
      else if (f.fieldNumber === 2 && isLen(f)) metaGraphs.push(await readMetaGraph(src, subRange(f)));
      else throw new ProtobufError(`unexpected field #${f.fieldNumber} (wire type ${f.wireType}) — the file is not a SavedModel`, 'invalid', f.tagOffset);
    }
  } catch (err) {
    if (err instanceof ProtobufError && err.kind === 'truncated' && fields === 0 && !err.fieldName) {
      throw new ProtobufError(`${err.reason} — the bytes do not form a SavedModel`, 'invalid', err.offset);
    }
    throw err;
  }
  return { schemaVersion, metaGraphs };
}

async function exists(path: string, kind: 'file' | 'dir'): Promise<boolean> {
  try {
    const s = await stat(path);
    return kind === 'file' ? s.isFile() : s.isDirectory();
  } catch {
    return false;
  }
}

/** Picks `serving_default`, else the first signature with inputs or outputs (init ops have neither), else the first. */
function pickSignature(mgs: SavedModelMetaGraph[]): SavedModelSignature | undefined {
  const all = mgs.flatMap((m) => m.signatures);
  return all.find((s) => s.key === 'serving_default') ?? all.find((s) => s.inputs.length + s.outputs.length > 0) ?? all[0];
}

/**
 * Reads a TensorFlow SavedModel directory (or its saved_model.pb): tags, TensorFlow version, signatures, and the
 * inputs/outputs of the `serving_default` signature (else the first real one).
 */
export async function readSavedModelMetadata(dir: string): Promise<SavedModelMetadata> {
  let root = dir;
  if (basename(dir) === 'saved_model.pb' && (await exists(dir, 'file'))) root = dirname(dir);
  try {
    const s = await stat(root);
    if (!s.isDirectory()) throw new FormatError(`Not a TensorFlow SavedModel: ${root} is a file, expected a directory holding saved_model.pb`, root);
  } catch (err) {
    throw err instanceof FormatError ? err : fileSystemError(root, err);
  }
  const pbPath = join(root, 'saved_model.pb');
  if (!(await exists(pbPath, 'file'))) {
    const hasText = await exists(join(root, 'saved_model.pbtxt'), 'file');
    throw new FormatError(
      hasText
        ? 'Unsupported SavedModel: only the binary saved_model.pb is read, this folder has saved_model.pbtxt — re-save it with tf.saved_model.save'
        : `Not a TensorFlow SavedModel: no saved_model.pb in ${root}`,
      root,
    );
  }

  const parsed = await withRandomAccess(
    pbPath,
    async (file) => {
      if (file.size === 0) throw new FormatError('Empty file: 0 bytes — saved_model.pb is not a SavedModel', pbPath);
      try {
        return await parseSavedModel(file);
      } catch (err) {
        throw rephraseProtobufError(err, 'SavedModel', 'Not a valid TensorFlow SavedModel', pbPath);
      }
    },
    { label: 'SavedModel' },
  );
  if (parsed.metaGraphs.length === 0) {
    throw new FormatError('Not a valid TensorFlow SavedModel: saved_model.pb has no meta graphs — re-save the model', pbPath);
  }

  const variablesDir = join(root, 'variables');
  const variablesPresent = await exists(join(variablesDir, 'variables.index'), 'file');
  let variableShards = 0;
  let variableBytes = 0;
  if (variablesPresent) {
    for (const name of await readdir(variablesDir).catch(() => [] as string[])) {
      if (!name.startsWith('variables.data-')) continue;
      variableShards++;
      variableBytes += await stat(join(variablesDir, name)).then(
        (s) => s.size,
        () => 0,
      );
    }
  }
  const assetsPresent = await exists(join(root, 'assets'), 'dir');

  const sig = pickSignature(parsed.metaGraphs);
  const first = parsed.metaGraphs[0] as SavedModelMetaGraph;
  const props: MetadataProperty[] = [];
  const tags = [...new Set(parsed.metaGraphs.flatMap((m) => m.tags))];
  if (tags.length) props.push({ label: 'Tags', value: tags.join(', ') });
  if (first.tensorflowVersion) props.push({ label: 'TensorFlow version', value: first.tensorflowVersion });
  const signatures = parsed.metaGraphs.flatMap((m) => m.signatures);
  if (signatures.length) {
    props.push({
      label: 'Signatures',
      value: signatures.map((s) => (s.methodName ? `${s.key} (${s.methodName})` : s.key)).join(', '),
    });
  }
  if (sig) props.push({ label: 'Signature shown', value: sig.key });
  if (parsed.metaGraphs.length > 1) props.push({ label: 'Meta graphs', value: String(parsed.metaGraphs.length) });
  props.push({
    label: 'Variables',
    value: variablesPresent
      ? `present (${variableShards} ${variableShards === 1 ? 'shard' : 'shards'}, ${groupDigits(variableBytes)} bytes)`
      : 'missing (no variables/variables.index)',
  });
  if (assetsPresent) props.push({ label: 'Assets', value: 'present' });
  if (parsed.schemaVersion) props.push({ label: 'Schema version', value: String(parsed.schemaVersion) });

  const metadata: Record<string, string> = {};
  if (first.tensorflowGitVersion) metadata['tensorflow_git_version'] = first.tensorflowGitVersion;

  const info: SavedModelInfo = {
    schemaVersion: parsed.schemaVersion,
    metaGraphs: parsed.metaGraphs,
    variablesPresent,
    assetsPresent,
  };
  if (sig) info.signatureKey = sig.key;
  return {
    format: 'savedmodel',
    formatLabel: 'TensorFlow SavedModel',
    inputs: sig?.inputs ?? [],
    outputs: sig?.outputs ?? [],
    properties: props,
    metadata,
    savedModel: info,
  };
}
