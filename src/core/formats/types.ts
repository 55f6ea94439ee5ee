// Metadata read from model and data files. Everything here is read from headers/metadata only: nothing is executed and
// no model is loaded into a runtime.

/** A failure to read a file, phrased for people: `message` is one line, `detail` may be longer. */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

export type ModelFormat = 'onnx' | 'safetensors' | 'gguf' | 'savedmodel' | 'huggingface' | 'pickle';

/** One input or output of a model signature. `shape` entries: a fixed size, a symbolic name, or null (unknown). */
export interface TensorSpec {
  name: string;
  /** Element type in ONNX-style lower case: float32, int64, string, bool… or a compound like `map(int64,float32)`. */
  dtype: string;
  /** null when the rank itself is unknown (or not a tensor). */
  shape: (number | string | null)[] | null;
}

/** A labelled value shown in the tree and the details panel, in display order. */
export interface MetadataProperty {
  label: string;
  value: string;
}

export interface ModelMetadata {
  format: ModelFormat;
  /** Human label, e.g. "ONNX", "safetensors", "GGUF v3", "TensorFlow SavedModel". */
  formatLabel: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Format-specific facts in display order (opset, producer, IR version, architecture, tensor count, …). */
  properties: MetadataProperty[];
  /** Free-form key/value metadata the file carries (ONNX metadata_props, safetensors __metadata__, GGUF general.*). */
  metadata: Record<string, string>;
  /** Total parameter count when the format records tensor shapes. */
  parameterCount?: number;
  /** Set for pickle-based formats: why loading the file is unsafe. */
  unsafe?: string;
}

export type ColumnType = 'integer' | 'number' | 'boolean' | 'string' | 'datetime' | 'date' | 'binary' | 'null' | 'mixed' | 'list' | 'struct';

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  /** The physical/declared type where the format has one (e.g. Parquet `INT64`, `BYTE_ARRAY (UTF8)`). */
  physicalType?: string;
  nullable?: boolean;
}

export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

export interface TabularMetadata {
  format: DataFormat;
  columns: ColumnSchema[];
  /** Exact row count when known cheaply (Parquet footer); text formats count lazily via `countRows`. */
  rows?: number;
  properties: MetadataProperty[];
}

/** A FormatError tied to a place in a text file (YAML, JSON): the file and, when known, the 1-based line. */
export class LocatedFormatError extends FormatError {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    detail?: string,
  ) {
    super(message, detail);
    this.name = 'LocatedFormatError';
  }
}
