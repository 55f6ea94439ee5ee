// What discovery finds in a workspace folder: models with their versions, and data snapshots grouped by dataset.
import type { DataFormat, ModelFormat, ModelMetadata, TabularMetadata, TensorSpec } from '../formats/types';

/** A problem with one file, for people: `message` is one line; `detail` goes to tooltips and the log. */
export interface ProblemInfo {
  message: string;
  detail?: string;
  /** Absolute path of the file at fault. */
  file: string;
  line?: number;
}

/**
 * Where a model was found: an MLflow registry, a versioned folder (`models/<name>/<version>/`), files whose names carry
 * their versions (`credit-risk-v1.onnx`, `credit-risk-v2.onnx`: one model, `files`), or a file that is its own model.
 */
export type ModelSource = 'mlflow' | 'folder' | 'files' | 'file';

export interface LineageLink {
  /** What the link is, e.g. "training data" or the MLflow dataset name. */
  label: string;
  /** Workspace-relative path of the data it points at. */
  relPath?: string;
  digest?: string;
  /** Id of the snapshot node when that data is in the catalog. */
  snapshotId?: string;
}

export interface ModelVersionEntry {
  /** Stable id, unique in the catalog. */
  id: string;
  modelId: string;
  modelName: string;
  version: string;
  /** MLflow aliases (e.g. champion) or folder-level aliases. */
  aliases: string[];
  /** MLflow stage (Production, Staging, Archived) when not None. */
  stage?: string;
  /** ISO 8601. */
  created?: string;
  /** Absolute path of the version: the model file or the model folder. */
  path: string;
  /** Absolute path of the file holding the model weights/graph, when there is one. */
  modelFile?: string;
  format?: ModelFormat;
  size?: number;
  metadata?: ModelMetadata;
  /** Signature recorded beside the model (MLmodel), when there is one. */
  signature?: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
  description?: string;
  lineage: LineageLink[];
  /** What to paste elsewhere to name this version (models:/name@alias, models:/name/2, or a relative path). */
  reference: string;
  /** Other model files in the same version folder. */
  otherFiles: string[];
  error?: ProblemInfo;
}

export interface ModelEntry {
  id: string;
  name: string;
  source: ModelSource;
  /** Absolute path of the model (registry folder, versioned folder, file, or the newest of its versioned files). */
  path: string;
  /** Newest first. */
  versions: ModelVersionEntry[];
  description?: string;
  error?: ProblemInfo;
}

export interface DvcTracking {
  md5: string;
  size?: number;
  isDir: boolean;
  nfiles?: number;
  /** Workspace-relative path of the .dvc file or dvc.lock that tracks it. */
  trackedBy: string;
  stage?: string;
}

export interface SnapshotEntry {
  id: string;
  datasetId: string;
  /** Label within its dataset: the version/date token, or the file name. */
  label: string;
  path: string;
  relPath: string;
  format: DataFormat | 'directory';
  /** False when only a DVC pointer is in the workspace (data not pulled). */
  present: boolean;
  size?: number;
  /** ISO 8601 modification time when present. */
  modified?: string;
  metadata?: TabularMetadata;
  dvc?: DvcTracking;
  error?: ProblemInfo;
}

export interface DatasetEntry {
  id: string;
  name: string;
  /** Workspace-relative folder. */
  dir: string;
  /** Newest first. */
  snapshots: SnapshotEntry[];
}

export interface Catalog {
  root: string;
  models: ModelEntry[];
  datasets: DatasetEntry[];
  /** Problems not tied to one node (unreadable folders, invalid manifest). */
  problems: ProblemInfo[];
  stats: { filesSeen: number; dirs: number; durationMs: number };
}
