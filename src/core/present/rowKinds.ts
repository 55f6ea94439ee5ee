// The kind of each row of the MLShip views, as the tree item's `contextValue`. package.json's menus pick a row's
// commands by it (`viewItem` in their `when` clauses), and test/unit/config/packageMenus.test.ts checks the menus of
// every kind `rowKinds` lists: a new kind of row is added here, then used by its tree.

/** The views of the MLShip container (package.json `contributes.views.mlship`). */
export type MlshipViewId = 'mlship.models' | 'mlship.snapshots' | 'mlship.deployments';

/** The kinds of row that never depend on what the row stands for. */
export const ROW_KIND = {
  model: 'mlship.model',
  dataset: 'mlship.dataset',
  /** A fact under a version or snapshot (format, size, a column…). */
  detail: 'mlship.detail',
  /** A version's training snapshot, when it is in the workspace (a click reveals it). */
  lineage: 'mlship.lineage',
  /** A reader's problem under a model, version or snapshot. */
  error: 'mlship.error',
  deploymentDetail: 'mlship.deploymentDetail',
} as const;

/** Rows with no `contextValue`: a workspace folder at the root, a group of details ("Inputs", "Columns"). */
export const NO_ROW_KIND = '';

/** A model version: ONNX versions with a model file can be benchmarked and served. */
export function versionRowKind(benchmarkable: boolean): string {
  return `mlship.version${benchmarkable ? '.benchmarkable' : ''}`;
}

/** A data snapshot: present when its data is in the workspace (not DVC data that is not pulled). */
export function snapshotRowKind(present: boolean): string {
  return `mlship.snapshot${present ? '.present' : ''}`;
}

export interface DeploymentRowTraits {
  /** Started from the editor (Serve Model Locally), not configured in mlship.yaml. */
  local: boolean;
  /** Has an inference endpoint (traffic can be sent to it). */
  inference: boolean;
  /** Has a drift baseline by the product's rule (deploymentDriftSource), not only its own `baseline:`. */
  baseline: boolean;
}

export function deploymentRowKind(d: DeploymentRowTraits): string {
  return `mlship.deployment.${d.local ? 'local' : 'configured'}${d.inference ? '.inference' : ''}${d.baseline ? '.baseline' : ''}`;
}

const BOTH = [false, true];

/** Every kind of row `view` shows. */
export function rowKinds(view: MlshipViewId): string[] {
  switch (view) {
    case 'mlship.models':
      return [NO_ROW_KIND, ROW_KIND.model, ...BOTH.map(versionRowKind), ROW_KIND.detail, ROW_KIND.lineage, ROW_KIND.error];
    case 'mlship.snapshots':
      return [NO_ROW_KIND, ROW_KIND.dataset, ...BOTH.map(snapshotRowKind), ROW_KIND.detail, ROW_KIND.error];
    case 'mlship.deployments':
      return [...BOTH.flatMap((local) => BOTH.flatMap((inference) => BOTH.map((baseline) => deploymentRowKind({ local, inference, baseline })))), ROW_KIND.deploymentDetail];
  }
}
