// Finding a model version from what people type — `models:/credit-risk@champion`, `credit-risk/2`, a path — and
// what serving it needs to know from its metadata: feature order, class labels, the label column.
import { isAbsolute, resolve } from 'node:path';
import { parseFeatureNames } from '../inference/inputs';
import type { Catalog, ModelEntry, ModelSource, ModelVersionEntry } from './types';

export interface ResolvedVersion {
  model: ModelEntry;
  version: ModelVersionEntry;
}

function versionMatches(v: ModelVersionEntry, wanted: string): boolean {
  const norm = (s: string): string => s.replace(/^(v|version[- ]?)/i, '');
  return v.version === wanted || norm(v.version) === norm(wanted);
}

/**
 * The version a reference names: `models:/name@alias`, `models:/name/version`, `name@alias`, `name/version`, a bare
 * model name (its newest version), or a path (absolute or relative to `cwd`) of a version's file or folder.
 */
export function findModelVersion(catalogs: readonly Catalog[], reference: string, cwd: string): ResolvedVersion | undefined {
  const ref = reference.trim();
  const all = catalogs.flatMap((c) => c.models.map((model) => ({ model, root: c.root })));
  const path = isAbsolute(ref) ? ref : resolve(cwd, ref);
  for (const { model } of all) {
    for (const version of model.versions) {
      if (version.reference === ref || version.path === path || version.modelFile === path) return { model, version };
    }
  }
  const bare = ref.replace(/^models:\//, '');
  // By name: a registry's or a versioned folder's model before files named with versions (`credit-risk-v2.onnx`),
  // and those before a file that is its own model; the catalogs' order within each.
  const byName = all.map(({ model }) => model).sort((a, b) => SOURCE_RANK[a.source] - SOURCE_RANK[b.source]);
  const at = /^([^@/]+)@(.+)$/.exec(bare);
  if (at) {
    for (const model of byName) {
      if (model.name !== at[1]) continue;
      const version = model.versions.find((v) => v.aliases.includes(at[2] as string));
      if (version) return { model, version };
    }
    return undefined;
  }
  const slash = /^([^/]+)\/([^/]+)$/.exec(bare);
  if (slash) {
    for (const model of byName) {
      if (model.name !== slash[1]) continue;
      const version = model.versions.find((v) => versionMatches(v, slash[2] as string));
      if (version) return { model, version };
    }
  }
  const named = byName.find((model) => model.name === bare && model.versions.length > 0);
  return named ? { model: named, version: named.versions[0] as ModelVersionEntry } : undefined;
}

const SOURCE_RANK: Record<ModelSource, number> = { mlflow: 0, folder: 1, files: 2, file: 3 };

/** Column order of the model's single 2-D input: ONNX metadata `feature_names`, else the MLflow run's `features`. */
export function featureNamesOf(v: ModelVersionEntry): string[] | undefined {
  return parseFeatureNames(v.metadata?.metadata) ?? parseFeatureNames(v.params.features);
}

/** A classifier's labels by score index, from ONNX metadata `class_labels`. */
export function classLabelsOf(v: ModelVersionEntry): string[] | undefined {
  return parseFeatureNames(v.metadata?.metadata?.class_labels);
}

/** The snapshot column holding the true outcome, from metadata `target` (or `label_column`). */
export function labelColumnOf(v: ModelVersionEntry): string | undefined {
  const md = v.metadata?.metadata;
  return md?.target ?? md?.label_column ?? v.params.target;
}

/** The training snapshot of a version, as a workspace-relative path, when its lineage names one in the catalog. */
export function baselineOf(v: ModelVersionEntry): string | undefined {
  return v.lineage.find((l) => l.snapshotId && l.relPath)?.relPath;
}
