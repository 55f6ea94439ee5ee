// The default baseline of a data snapshot. Data scored by a model is compared with that model's training data:
//   1. a model whose training snapshot (lineage: MLflow inputs, model_card.json, ONNX metadata `training_data`) is
//      in the same dataset as the snapshot → drift.baselines.<model> from mlship.yaml, else that training snapshot
//      (the champion / production version first, then the newest);
//   2. otherwise drift.baseline from mlship.yaml;
//   3. otherwise none: the editor asks ("Compare with…").
import { posix } from 'node:path';
import type { DeploymentConfig, DriftManifest } from '../config/manifest';
import { versionTitle } from '../registry/naming';
import type { Catalog, ModelEntry, ModelVersionEntry, SnapshotEntry } from '../registry/types';

export interface BaselineChoice {
  /** Workspace-relative path of the baseline (a data file or a profile JSON). */
  relPath: string;
  /** The snapshot node when the baseline is a snapshot of the catalog. */
  snapshotId?: string;
  /** Why this baseline, for people: "training data of credit-risk version 2 (@champion)". */
  reason: string;
  /** The model whose baseline it is, when there is one. */
  model?: string;
}

function versionRank(v: ModelVersionEntry): number {
  if (v.aliases.includes('champion')) return 3;
  if (v.stage === 'Production') return 2;
  if (v.aliases.length) return 1;
  return 0;
}

function describeVersion(m: ModelEntry, v: ModelVersionEntry): string {
  const tags = [...v.aliases.map((a) => `@${a}`), ...(v.stage ? [v.stage] : [])];
  return `${versionTitle({ ...v, modelName: m.name })}${tags.length ? ` (${tags.join(', ')})` : ''}`;
}

function normalize(rel: string): string {
  return posix.normalize(rel.replace(/\\/g, '/').replace(/^\.\//, ''));
}

/** Models trained on data of the snapshot's dataset, with the version and training snapshot that link them. */
export function modelsOfDataset(catalog: Catalog, snapshot: SnapshotEntry): { model: ModelEntry; version: ModelVersionEntry; training: SnapshotEntry }[] {
  const dataset = catalog.datasets.find((d) => d.id === snapshot.datasetId);
  if (!dataset) return [];
  const out: { model: ModelEntry; version: ModelVersionEntry; training: SnapshotEntry }[] = [];
  for (const m of catalog.models) {
    const candidates = m.versions
      .map((v, order) => ({ v, order, training: v.lineage.map((l) => dataset.snapshots.find((s) => s.id === l.snapshotId)).find((s) => s !== undefined) }))
      .filter((c): c is { v: ModelVersionEntry; order: number; training: SnapshotEntry } => c.training !== undefined);
    candidates.sort((a, b) => versionRank(b.v) - versionRank(a.v) || a.order - b.order);
    const best = candidates[0];
    if (best) out.push({ model: m, version: best.v, training: best.training });
  }
  return out;
}

export function defaultBaseline(catalog: Catalog, snapshot: SnapshotEntry, drift: DriftManifest | undefined): BaselineChoice | undefined {
  const self = normalize(snapshot.relPath);
  for (const { model, version, training } of modelsOfDataset(catalog, snapshot)) {
    const configured = drift?.baselines?.[model.name];
    if (configured && normalize(configured) !== self) {
      const rel = normalize(configured);
      const hit = catalog.datasets.flatMap((d) => d.snapshots).find((s) => s.relPath === rel);
      return { relPath: rel, ...(hit ? { snapshotId: hit.id } : {}), reason: `drift.baselines.${model.name} in mlship.yaml`, model: model.name };
    }
    if (!configured && training.relPath !== snapshot.relPath) {
      return { relPath: training.relPath, snapshotId: training.id, reason: `training data of ${describeVersion(model, version)}`, model: model.name };
    }
  }
  if (drift?.baseline && normalize(drift.baseline) !== self) {
    const rel = normalize(drift.baseline);
    const hit = catalog.datasets.flatMap((d) => d.snapshots).find((s) => s.relPath === rel);
    return { relPath: rel, ...(hit ? { snapshotId: hit.id } : {}), reason: 'drift.baseline in mlship.yaml' };
  }
  return undefined;
}

/**
 * The drift baseline of a deployment: its own `baseline:` in mlship.yaml, else drift.baselines.<model>, else the
 * training snapshot of the version it serves (lineage), else drift.baseline. `served` is that version when the
 * workspace has it.
 */
export function deploymentBaseline(config: Pick<DeploymentConfig, 'baseline' | 'model'>, drift: DriftManifest | undefined, served?: { model: ModelEntry; version: ModelVersionEntry }): BaselineChoice | undefined {
  if (config.baseline) return { relPath: normalize(config.baseline), reason: 'baseline: of the deployment in mlship.yaml' };
  const model = served?.model.name ?? config.model?.replace(/^models:\//, '').split(/[@/]/)[0];
  const configured = model ? drift?.baselines?.[model] : undefined;
  if (model && configured) return { relPath: normalize(configured), reason: `drift.baselines.${model} in mlship.yaml`, model };
  const training = served?.version.lineage.find((l) => l.snapshotId && l.relPath);
  if (served && training?.relPath) return { relPath: normalize(training.relPath), ...(training.snapshotId ? { snapshotId: training.snapshotId } : {}), reason: `training data of ${describeVersion(served.model, served.version)}`, model: served.model.name };
  if (drift?.baseline) return { relPath: normalize(drift.baseline), reason: 'drift.baseline in mlship.yaml' };
  return undefined;
}
