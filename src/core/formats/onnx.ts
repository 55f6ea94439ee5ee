// ONNX model metadata from the ModelProto protobuf, read lazily: initializer payloads are skipped, never loaded.

import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  ProtobufError,
  WIRE_LEN,
  WIRE_VARINT,
  int32,
  int64Number,
  readFields,
  readString,
  readVarints,
  rephraseProtobufError,
  subRange,
  wholeRange,
} from './protobuf';
import type { FieldNames, LenField, ProtoField, ProtoRange } from './protobuf';
import { groupDigits, withRandomAccess } from './randomAccess';
import type { ByteSource } from './randomAccess';
import { FormatError } from './types';
import type { MetadataProperty, ModelMetadata, TensorSpec } from './types';

export interface OnnxOpset {
  /** '' and 'ai.onnx' are the default domain; shown as 'ai.onnx'. */
  domain: string;
  version: number;
}

export interface OnnxOperator {
  opType: string;
  /** '' for the default ai.onnx domain. */
  domain: string;
  count: number;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  dataType: string;
  /** Data stored outside the model file (data_location = EXTERNAL). */
  externalLocation?: string;
}

export interface OnnxInfo {
  irVersion: number;
  opsets: OnnxOpset[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graphName: string;
  nodeCount: number;
  /** Distinct operators in first-appearance order. */
  operators: OnnxOperator[];
  initializers: OnnxInitializer[];
  valueInfoCount: number;
  functionCount: number;
  /** Files holding external tensor data, relative to the model's directory. */
  externalDataFiles: string[];
  /** External data files that do not exist next to the model. */
  missingExternalDataFiles: string[];
  /** Tree ensembles (ai.onnx.ml TreeEnsemble*): their trees and tree nodes live in node attributes, not initializers. */
  trees: number;
  treeNodes: number;
}

export type OnnxMetadata = ModelMetadata & { onnx: OnnxInfo };

/** TensorProto.DataType → lower-case name. */
const ONNX_DTYPES: Readonly<Record<number, string>> = {
  0: 'undefined',
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

/** Name of an ONNX TensorProto.DataType number, e.g. 1 → "float32"; unknown numbers → "dtype(N)". */
export function onnxDataTypeName(code: number): string {
  return ONNX_DTYPES[code] ?? `dtype(${code})`;
}

const MODEL_FIELDS: FieldNames = {
  1: 'ir_version',
  2: 'producer_name',
  3: 'producer_version',
  4: 'domain',
  5: 'model_version',
  6: 'doc_string',
  7: 'graph',
  8: 'opset_import',
  14: 'metadata_props',
  20: 'training_info',
  25: 'functions',
  26: 'configuration',
};
const MODEL_WIRE: Readonly<Record<number, number>> = {
  1: WIRE_VARINT,
  2: WIRE_LEN,
  3: WIRE_LEN,
  4: WIRE_LEN,
  5: WIRE_VARINT,
  6: WIRE_LEN,
  7: WIRE_LEN,
  8: WIRE_LEN,
  14: WIRE_LEN,
  20: WIRE_LEN,
  25: WIRE_LEN,
  26: WIRE_LEN,
};
const GRAPH_FIELDS: FieldNames = {
  1: 'node',
  2: 'name',
  5: 'initializer',
  10: 'doc_string',
  11: 'input',
  12: 'output',
  13: 'value_info',
  14: 'quantization_annotation',
  15: 'sparse_initializer',
};
const NODE_FIELDS: FieldNames = { 1: 'input', 2: 'output', 3: 'name', 4: 'op_type', 5: 'attribute', 6: 'doc_string', 7: 'domain' };
const TENSOR_FIELDS: FieldNames = {
  1: 'dims',
  2: 'data_type',
  8: 'name',
  9: 'raw_data',
  13: 'external_data',
  14: 'data_location',
};
const VALUE_INFO_FIELDS: FieldNames = { 1: 'name', 2: 'type', 3: 'doc_string' };
const TYPE_FIELDS: FieldNames = {
  1: 'tensor_type',
  4: 'sequence_type',
  5: 'map_type',
  6: 'denotation',
  7: 'opaque_type',
  8: 'sparse_tensor_type',
  9: 'optional_type',
};

const MAX_STRING = 64 * 1024;
const MAX_DOC = 4 * 1024;
const MAX_TYPE_DEPTH = 32;
/** Field numbers above this at the top level mean the bytes are not a ModelProto. */
const MAX_PLAUSIBLE_MODEL_FIELD = 64;

function isLen(f: ProtoField): f is LenField {
  return f.wireType === WIRE_LEN;
}

async function str(src: ByteSource, f: ProtoField, max = MAX_STRING): Promise<string> {
  return isLen(f) ? readString(src, f, max) : '';
}

async function readStringPair(src: ByteSource, range: ProtoRange): Promise<[string, string]> {
  let key = '';
  let value = '';
  for await (const f of readFields(src, range, { 1: 'key', 2: 'value' })) {
    if (f.fieldNumber === 1) key = await str(src, f);
    else if (f.fieldNumber === 2) value = await str(src, f);
  }
  return [key, value];
}

interface TypeInfo {
  dtype: string;
  shape: (number | string | null)[] | null;
}

async function readShape(src: ByteSource, range: ProtoRange): Promise<(number | string | null)[]> {
  const dims: (number | string | null)[] = [];
  for await (const f of readFields(src, range, { 1: 'dim' })) {
    if (f.fieldNumber !== 1 || !isLen(f)) continue;
    let dim: number | string | null = null;
    for await (const d of readFields(src, subRange(f), { 1: 'dim_value', 2: 'dim_param', 3: 'denotation' })) {
      if (d.fieldNumber === 1 && d.wireType === WIRE_VARINT) dim = int64Number(d.value);
      else if (d.fieldNumber === 2 && isLen(d)) dim = (await str(src, d)) || null;
    }
    dims.push(dim);
  }
  return dims;
}

async function readTensorType(src: ByteSource, range: ProtoRange): Promise<TypeInfo> {
  let elem = 0;
  let shape: (number | string | null)[] | null = null;
  for await (const f of readFields(src, range, { 1: 'elem_type', 2: 'shape' })) {
    if (f.fieldNumber === 1 && f.wireType === WIRE_VARINT) elem = int32(f.value);
    else if (f.fieldNumber === 2 && isLen(f)) shape = await readShape(src, subRange(f));
  }
  return { dtype: onnxDataTypeName(elem), shape };
}

async function readType(src: ByteSource, range: ProtoRange, depth = 0): Promise<TypeInfo> {
  if (depth > MAX_TYPE_DEPTH) throw new ProtobufError('type nesting is too deep', 'invalid', range.start);
  let result: TypeInfo = { dtype: 'unknown', shape: null };
  for await (const f of readFields(src, range, TYPE_FIELDS)) {
    if (!isLen(f)) continue;
    switch (f.fieldNumber) {
      case 1:
        result = await readTensorType(src, subRange(f));
        break;
      case 8: {
        const t = await readTensorType(src, subRange(f));
        result = { dtype: `sparse(${t.dtype})`, shape: t.shape };
        break;
      }
      case 4: {
        let inner: TypeInfo = { dtype: 'unknown', shape: null };
        for await (const g of readFields(src, subRange(f), { 1: 'elem_type' })) {
          if (g.fieldNumber === 1 && isLen(g)) inner = await readType(src, subRange(g), depth + 1);
        }
        result = { dtype: `seq(${inner.dtype})`, shape: null };
        break;
      }
      case 5: {
        let key = 0;
        let value: TypeInfo = { dtype: 'unknown', shape: null };
        for await (const g of readFields(src, subRange(f), { 1: 'key_type', 2: 'value_type' })) {
          if (g.fieldNumber === 1 && g.wireType === WIRE_VARINT) key = int32(g.value);
          else if (g.fieldNumber === 2 && isLen(g)) value = await readType(src, subRange(g), depth + 1);
        }
        result = { dtype: `map(${onnxDataTypeName(key)},${value.dtype})`, shape: null };
        break;
      }
      case 9: {
        let inner: TypeInfo = { dtype: 'unknown', shape: null };
        for await (const g of readFields(src, subRange(f), { 1: 'elem_type' })) {
          if (g.fieldNumber === 1 && isLen(g)) inner = await readType(src, subRange(g), depth + 1);
        }
        result = { dtype: `optional(${inner.dtype})`, shape: inner.shape };
        break;
      }
      case 7:
        result = { dtype: 'opaque', shape: null };
        break;
      default:
        break;
    }
  }
  return result;
}

async function readValueInfo(src: ByteSource, range: ProtoRange): Promise<TensorSpec> {
  let name = '';
  let type: TypeInfo = { dtype: 'unknown', shape: null };
  for await (const f of readFields(src, range, VALUE_INFO_FIELDS)) {
    if (f.fieldNumber === 1) name = await str(src, f);
    else if (f.fieldNumber === 2 && isLen(f)) type = await readType(src, subRange(f));
  }
  return { name, dtype: type.dtype, shape: type.shape };
}

async function readTensorHeader(src: ByteSource, range: ProtoRange): Promise<OnnxInitializer> {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let external = false;
  let location: string | undefined;
  for await (const f of readFields(src, range, TENSOR_FIELDS)) {
    switch (f.fieldNumber) {
      case 1:
        for (const v of await readVarints(src, f)) dims.push(int64Number(v));
        break;
      case 2:
        if (f.wireType === WIRE_VARINT) dataType = int32(f.value);
        break;
      case 8:
        name = await str(src, f);
        break;
      case 13:
        if (isLen(f)) {
          const [k, v] = await readStringPair(src, subRange(f));
          if (k === 'location') location = v;
        }
        break;
      case 14:
        if (f.wireType === WIRE_VARINT) external = f.value === 1n;
        break;
      default:
        // raw_data and the typed *_data arrays are skipped without reading them.
        break;
    }
  }
  const init: OnnxInitializer = { name, dims, dataType: onnxDataTypeName(dataType) };
  if (external && location !== undefined) init.externalLocation = location;
  return init;
}

async function readSparseInitializer(src: ByteSource, range: ProtoRange): Promise<OnnxInitializer> {
  let values: OnnxInitializer = { name: '', dims: [], dataType: 'undefined' };
  const dims: number[] = [];
  for await (const f of readFields(src, range, { 1: 'values', 2: 'indices', 3: 'dims' })) {
    if (f.fieldNumber === 1 && isLen(f)) values = await readTensorHeader(src, subRange(f));
    else if (f.fieldNumber === 3) for (const v of await readVarints(src, f)) dims.push(int64Number(v));
  }
  // Parameters stored = non-zero values; the dense shape is `dims`.
  return { ...values, dims: values.dims.length ? values.dims : dims };
}

interface GraphInfo {
  name: string;
  docString: string;
  nodeCount: number;
  trees: number;
  treeNodes: number;
  operators: OnnxOperator[];
  initializers: OnnxInitializer[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  valueInfoCount: number;
}

interface NodeInfo {
  opType: string;
  domain: string;
  /** Tree ensembles: distinct tree ids and tree nodes (from the `nodes_treeids` attribute). */
  trees: number;
  treeNodes: number;
}

const ATTRIBUTE_FIELDS: FieldNames = { 1: 'name', 8: 'ints' };

async function readNode(src: ByteSource, range: ProtoRange): Promise<NodeInfo> {
  let opType = '';
  let domain = '';
  const attributes: ProtoRange[] = [];
  for await (const f of readFields(src, range, NODE_FIELDS)) {
    if (f.fieldNumber === 4) opType = await str(src, f);
    else if (f.fieldNumber === 7) domain = await str(src, f);
    else if (f.fieldNumber === 5 && isLen(f)) attributes.push(subRange(f));
  }
  let trees = 0;
  let treeNodes = 0;
  if (/^TreeEnsemble/.test(opType)) {
    for (const a of attributes) {
      let name = '';
      const ids: bigint[] = [];
      for await (const f of readFields(src, a, ATTRIBUTE_FIELDS)) {
        if (f.fieldNumber === 1 && isLen(f)) name = await str(src, f);
        else if (f.fieldNumber === 8) ids.push(...(await readVarints(src, f)));
      }
      if (name === 'nodes_treeids') {
        trees = new Set(ids).size;
        treeNodes = ids.length;
      }
    }
  }
  return { opType, domain: domain === 'ai.onnx' ? '' : domain, trees, treeNodes };
}

async function readGraph(src: ByteSource, range: ProtoRange): Promise<GraphInfo> {
  const g: GraphInfo = { name: '', docString: '', nodeCount: 0, trees: 0, treeNodes: 0, operators: [], initializers: [], inputs: [], outputs: [], valueInfoCount: 0 };
  const ops = new Map<string, OnnxOperator>();
  for await (const f of readFields(src, range, GRAPH_FIELDS)) {
    if (!isLen(f)) continue;
    switch (f.fieldNumber) {
      case 1: {
        const node = await readNode(src, subRange(f));
        g.nodeCount++;
        g.trees += node.trees;
        g.treeNodes += node.treeNodes;
        const key = `${node.domain}\u0000${node.opType}`;
        const existing = ops.get(key);
        if (existing) existing.count++;
        else {
          const op = { opType: node.opType, domain: node.domain, count: 1 };
          ops.set(key, op);
          g.operators.push(op);
        }
        break;
      }
      case 2:
        g.name = await str(src, f);
        break;
      case 5:
        g.initializers.push(await readTensorHeader(src, subRange(f)));
        break;
      case 15:
        g.initializers.push(await readSparseInitializer(src, subRange(f)));
        break;
      case 10:
        g.docString = await str(src, f, MAX_DOC);
        break;
      case 11:
        g.inputs.push(await readValueInfo(src, subRange(f)));
        break;
      case 12:
        g.outputs.push(await readValueInfo(src, subRange(f)));
        break;
      case 13:
        g.valueInfoCount++;
        break;
      default:
        break;
    }
  }
  return g;
}

function parameterCount(inits: OnnxInitializer[]): number {
  let total = 0;
  for (const t of inits) total += t.dims.reduce((a, b) => a * Math.max(0, b), 1);
  return total;
}

function operatorLabel(op: OnnxOperator): string {
  return op.domain ? `${op.domain}.${op.opType}` : op.opType;
}

/** Reads the metadata of an ONNX model: IR version, opsets, producer, graph inputs/outputs, operators, parameters. */
export async function readOnnxMetadata(path: string): Promise<OnnxMetadata> {
  return withRandomAccess(path, (file) => parseOnnx(file, path), { label: 'ONNX' });
}

/** Parses an ONNX ModelProto from any byte source; `path` is used for messages and external-data lookups. */
export async function parseOnnx(src: ByteSource, path: string): Promise<OnnxMetadata> {
  if (src.size === 0) throw new FormatError('Empty file: 0 bytes — not an ONNX model', path);
  try {
    return await parseModel(src, path);
  } catch (err) {
    throw rephraseProtobufError(err, 'ONNX', 'Not a valid ONNX model', path);
  }
}

async function parseModel(src: ByteSource, path: string): Promise<OnnxMetadata> {
  const info: OnnxInfo = {
    irVersion: 0,
    opsets: [],
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    graphName: '',
    nodeCount: 0,
    trees: 0,
    treeNodes: 0,
    operators: [],
    initializers: [],
    valueInfoCount: 0,
    functionCount: 0,
    externalDataFiles: [],
    missingExternalDataFiles: [],
  };
  const metadata: Record<string, string> = {};
  let graph: GraphInfo | undefined;
  let sawIrVersion = false;
  let fieldCount = 0;

  try {
    for await (const f of readFields(src, wholeRange(src), MODEL_FIELDS)) {
      fieldCount++;
      const expected = MODEL_WIRE[f.fieldNumber];
      if (expected === undefined ? f.fieldNumber > MAX_PLAUSIBLE_MODEL_FIELD : expected !== f.wireType) {
        const what = MODEL_FIELDS[f.fieldNumber] ? `field '${MODEL_FIELDS[f.fieldNumber]}' has wire type ${f.wireType}` : `unexpected field #${f.fieldNumber}`;
        throw new ProtobufError(`${what} — the file is not an ONNX ModelProto`, 'invalid', f.tagOffset);
      }
      switch (f.fieldNumber) {
        case 1:
          if (f.wireType === WIRE_VARINT) {
            info.irVersion = int64Number(f.value);
            sawIrVersion = true;
          }
          break;
        case 2:
          info.producerName = await str(src, f);
          break;
        case 3:
          info.producerVersion = await str(src, f);
          break;
        case 4:
          info.domain = await str(src, f);
          break;
        case 5:
          if (f.wireType === WIRE_VARINT) info.modelVersion = int64Number(f.value);
          break;
        case 6:
          info.docString = await str(src, f, MAX_DOC);
          break;
        case 7:
          if (isLen(f)) graph = await readGraph(src, subRange(f));
          break;
        case 8:
          if (isLen(f)) {
            let domain = '';
            let version = 0;
            for await (const g of readFields(src, subRange(f), { 1: 'domain', 2: 'version' })) {
              if (g.fieldNumber === 1) domain = await str(src, g);
              else if (g.fieldNumber === 2 && g.wireType === WIRE_VARINT) version = int64Number(g.value);
            }
            info.opsets.push({ domain: domain === '' ? 'ai.onnx' : domain, version });
          }
          break;
        case 14:
          if (isLen(f)) {
            const [k, v] = await readStringPair(src, subRange(f));
            metadata[k] = v;
          }
          break;
        case 25:
          info.functionCount++;
          break;
        default:
          break;
      }
    }
  } catch (err) {
    // Garbage fails on its very first field (a bad wire type, or a length prefix that looks "truncated").
    if (err instanceof ProtobufError && fieldCount === 0 && (err.kind === 'invalid' || !err.fieldName)) {
      const head = await src.read(0, Math.min(8, src.size));
      const ascii = [...head].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
      throw new ProtobufError(
        `the file does not start with a protobuf ModelProto field (first bytes ${head.toString('hex').replace(/(..)(?!$)/g, '$1 ')} "${ascii}")`,
        'invalid',
        0,
      );
    }
    throw err;
  }

  if (!graph) {
    throw new FormatError(
      sawIrVersion
        ? `ONNX model has no graph: ${path} contains ModelProto fields but no 'graph' — re-export the model`
        : `Not a valid ONNX model: no 'graph' or 'ir_version' field found in ${groupDigits(src.size)} bytes`,
      path,
    );
  }

  info.graphName = graph.name;
  info.nodeCount = graph.nodeCount;
  info.trees = graph.trees;
  info.treeNodes = graph.treeNodes;
  info.operators = graph.operators;
  info.initializers = graph.initializers;
  info.valueInfoCount = graph.valueInfoCount;
  if (!info.docString && graph.docString) info.docString = graph.docString;

  const initNames = new Set(graph.initializers.map((t) => t.name));
  const inputs = graph.inputs.filter((i) => !initNames.has(i.name));

  const external = new Map<string, number>();
  for (const t of graph.initializers) {
    if (t.externalLocation !== undefined) external.set(t.externalLocation, (external.get(t.externalLocation) ?? 0) + 1);
  }
  info.externalDataFiles = [...external.keys()];
  for (const loc of info.externalDataFiles) {
    const exists = await stat(join(dirname(path), loc)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists) info.missingExternalDataFiles.push(loc);
  }

  const props: MetadataProperty[] = [];
  props.push({ label: 'IR version', value: String(info.irVersion) });
  if (info.opsets.length) props.push({ label: info.opsets.length > 1 ? 'Opsets' : 'Opset', value: info.opsets.map((o) => `${o.domain} ${o.version}`).join(', ') });
  const producer = [info.producerName, info.producerVersion].filter(Boolean).join(' ');
  if (producer) props.push({ label: 'Producer', value: producer });
  if (info.graphName) props.push({ label: 'Graph', value: info.graphName });
  props.push({ label: 'Nodes', value: groupDigits(info.nodeCount) });
  if (info.operators.length) props.push({ label: 'Operators', value: info.operators.map(operatorLabel).join(', ') });
  props.push({ label: 'Initializers', value: groupDigits(info.initializers.length) });
  const params = parameterCount(info.initializers);
  if (info.trees > 0) props.push({ label: 'Trees', value: `${groupDigits(info.trees)} (${groupDigits(info.treeNodes)} tree nodes)` });
  if (params > 0 || info.trees === 0) props.push({ label: 'Parameters', value: groupDigits(params) });
  if (info.modelVersion) props.push({ label: 'Model version', value: String(info.modelVersion) });
  if (info.domain) props.push({ label: 'Domain', value: info.domain });
  if (info.functionCount) props.push({ label: 'Functions', value: String(info.functionCount) });
  if (info.externalDataFiles.length) {
    props.push({
      label: 'External data',
      value: info.externalDataFiles.map((f) => `${f} (${external.get(f) ?? 0} tensors)`).join(', '),
    });
  }
  if (info.missingExternalDataFiles.length) {
    props.push({ label: 'Missing external data', value: info.missingExternalDataFiles.join(', ') });
  }
  if (info.docString) props.push({ label: 'Doc string', value: info.docString });

  return {
    format: 'onnx',
    formatLabel: 'ONNX',
    inputs,
    outputs: graph.outputs,
    properties: props,
    metadata,
    parameterCount: params,
    onnx: info,
  };
}

