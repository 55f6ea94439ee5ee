// From the catalog to a scaffold model choice: a model version of the Models view (or an ONNX file found by discovery)
// becomes the ONNX model the scaffold runs, with its registry name and version, its reference for mlship.yaml, its header,
// the training snapshot of its lineage as the drift baseline, and its other versions as candidates for the
// previous-version fallback. Shared by `mlship scaffold` and the editor command.
import { relative, sep } from 'node:path';
import { readOnnxMetadata } from '../formats/onnx';
import type { OnnxMetadata } from '../formats/onnx';
import type { Catalog, ModelEntry, ModelVersionEntry } from '../registry/types';
import { versionTitle } from '../registry/naming';
import { taskProblem, type ModelChoice } from './plan';
import type { ScaffoldTask } from './spec';

function workspacePath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

/** The ONNX file of a version (the file itself, or the .onnx file of its folder). */
export function onnxFileOf(version: ModelVersionEntry): string | undefined {
  if (version.error || version.format !== 'onnx') return undefined;
  const file = version.modelFile ?? version.path;
  return file.toLowerCase().endsWith('.onnx') ? file : undefined;
}

/** The catalog version whose ONNX file is `absPath`, with its model. */
export function findVersionByFile(catalogs: readonly Catalog[], absPath: string): { model: ModelEntry; version: ModelVersionEntry } | undefined {
  for (const c of catalogs) for (const model of c.models) for (const version of model.versions) if (onnxFileOf(version) === absPath) return { model, version };
  return undefined;
}

/** The drift baseline a version's lineage names: its training snapshot, workspace-relative. */
export function baselineOf(version: ModelVersionEntry): string | undefined {
  return version.lineage.find((l) => l.relPath && l.snapshotId)?.relPath ?? version.lineage.find((l) => l.relPath)?.relPath;
}

/** The reference mlship.yaml uses for a version, pinned (an alias moves, the generated code does not): models:/name/version for registries, name/version otherwise. */
function referenceOf(model: ModelEntry, version: ModelVersionEntry): string {
  // A file named with its version by its path: `credit-risk/2` would name a registry's or a folder's model of that name
  // first, or the same name's files in another folder.
  if (model.source === 'files') return version.reference;
  return `${version.reference.startsWith('models:/') ? 'models:/' : ''}${model.name}/${version.version}`;
}

/** The other ONNX versions of the same model, newest first: candidates for the previous-version fallback. */
export function otherVersions(model: ModelEntry, version: ModelVersionEntry): ModelVersionEntry[] {
  return model.versions.filter((v) => v.id !== version.id && onnxFileOf(v) !== undefined);
}

/** The newest ONNX version older than `version` (versions are listed newest first), or undefined. */
export function previousVersion(model: ModelEntry, version: ModelVersionEntry): ModelVersionEntry | undefined {
  const at = model.versions.findIndex((v) => v.id === version.id);
  return at < 0 ? undefined : model.versions.slice(at + 1).find((v) => onnxFileOf(v) !== undefined);
}

/** A catalog version as a scaffold model choice (reads the ONNX header when the catalog has not). */
export async function choiceFromVersion(root: string, model: ModelEntry, version: ModelVersionEntry): Promise<Extract<ModelChoice, { kind: 'onnx' }>> {
  const file = onnxFileOf(version);
  if (!file) throw new Error(`${versionTitle(version)} is not an ONNX model: the scaffold runs ONNX models (or an OIP v2 endpoint).`);
  const meta = (version.metadata?.format === 'onnx' && 'onnx' in version.metadata ? version.metadata : await readOnnxMetadata(file)) as OnnxMetadata;
  return {
    kind: 'onnx',
    path: workspacePath(root, file),
    // A loose file is its own "model": its name and version come from the file name (credit-risk-v2 → credit-risk 2).
    ...(model.source === 'file' ? {} : { name: model.name, version: version.version, reference: referenceOf(model, version) }),
    metadata: { inputs: meta.inputs, outputs: meta.outputs, metadata: meta.metadata, modelVersion: meta.onnx.modelVersion },
  };
}

/** An ONNX file outside the catalog (or not found in it) as a scaffold model choice. */
export async function choiceFromFile(root: string, absPath: string): Promise<Extract<ModelChoice, { kind: 'onnx' }>> {
  const meta = await readOnnxMetadata(absPath);
  return { kind: 'onnx', path: workspacePath(root, absPath), metadata: { inputs: meta.inputs, outputs: meta.outputs, metadata: meta.metadata, modelVersion: meta.onnx.modelVersion } };
}

/**
 * The task an ONNX model's outputs suggest: a float output of shape [batch, classes] is a classifier (binary for two
 * classes, multiclass for more), anything else a regression. An endpoint does not tell: binary. The editor preselects
 * it; `mlship scaffold` uses it without --task.
 */
export function taskFromOutputs(model: ModelChoice | undefined): ScaffoldTask {
  if (model?.kind !== 'onnx') return 'binary';
  if (!model.metadata) return 'regression';
  // The classifier task the plan accepts for these outputs (a class-probability output, of any float type, whose class
  // count — from its shape or the class_labels metadata — fits), else regression.
  return (['binary', 'multiclass'] as const).find((task) => taskProblem(model, task) === undefined) ?? 'regression';
}
