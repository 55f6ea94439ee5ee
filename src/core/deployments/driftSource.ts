// Which baseline a deployment's logged inputs are compared with: the rule of deploymentBaseline (drift/baseline.ts),
// resolved against the workspace folder. Small on purpose: the extension host needs it, not the drift engine.
import { basename, isAbsolute, join } from 'node:path';
import type { DeploymentConfig, DriftManifest } from '../config/manifest';
import { deploymentBaseline } from '../drift/baseline';
import { dataFormatOf } from '../registry/catalog';
import type { ModelEntry, ModelVersionEntry } from '../registry/types';

/** Where a deployment's drift comes from: its baseline file (absolute) and why that one; or why there is none. */
export type DeploymentDriftSource = { baseline: string; reason: string; mode: 'evidently' | 'effect-size' } | { unavailable: string };

/**
 * The deployment's own `baseline:`, else drift.baselines.<model>, else the training snapshot that the lineage of the
 * version it serves names, else drift.baseline; relative paths resolved against `root`.
 */
export function deploymentDriftSource(config: Pick<DeploymentConfig, 'baseline' | 'model'>, drift: DriftManifest | undefined, served: { model: ModelEntry; version: ModelVersionEntry } | undefined, root: string): DeploymentDriftSource {
  const choice = deploymentBaseline(config, drift, served);
  if (!choice) return { unavailable: 'no baseline: set baseline: on the deployment, or drift.baselines in mlship.yaml' };
  return { baseline: isAbsolute(choice.relPath) ? choice.relPath : join(root, choice.relPath), reason: choice.reason, mode: drift?.mode ?? 'evidently' };
}

/** Where Probe Now takes its rows from, or why it cannot send any (a sentence that says what to do). */
export type ProbeRowsSource = { snapshot: string; reason: string } | { unavailable: string };

/**
 * Probe Now sends rows of the deployment's baseline, found by the same rule as its drift (deploymentDriftSource):
 * a baseline from the served version's lineage or drift.baselines counts as well as the deployment's own. A baseline
 * that is a saved profile JSON holds no rows to send.
 */
export function probeRowsSource(drift: DeploymentDriftSource): ProbeRowsSource {
  if ('unavailable' in drift) return { unavailable: 'To send it real rows too, give it a baseline snapshot in mlship.yaml (baseline: on the deployment, or drift.baselines).' };
  if (!dataFormatOf(drift.baseline)) {
    return { unavailable: `Its baseline ${basename(drift.baseline)} holds no rows to send (not CSV, TSV, JSONL or Parquet); to probe with real rows, set baseline: on the deployment to a data snapshot.` };
  }
  return { snapshot: drift.baseline, reason: drift.reason };
}
