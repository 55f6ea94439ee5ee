// The drift settings of mlship.yaml (`drift:`) as a DriftConfig, and the column types it sets for profiling.
import type { DriftManifest } from '../config/manifest';
import type { SemanticType } from '../../shared/drift';
import { DEFAULT_DRIFT_CONFIG, type DriftConfig } from './compare';

export function driftConfigFrom(m: DriftManifest | undefined): DriftConfig {
  const config: DriftConfig = { ...DEFAULT_DRIFT_CONFIG, types: {}, columns: {} };
  if (!m) return config;
  if (m.mode) config.mode = m.mode;
  if (m.rowLimit !== undefined) config.rowLimit = m.rowLimit;
  if (m.driftShare !== undefined) config.driftShare = m.driftShare;
  if (m.minRows !== undefined) config.minRows = m.minRows;
  if (m.missingChange !== undefined) config.missingChange = m.missingChange;
  if (m.unseenShare !== undefined) config.unseenShare = m.unseenShare;
  if (m.prediction) config.prediction = m.prediction;
  for (const [t, s] of Object.entries(m.types ?? {})) if (s) config.types[t as SemanticType] = { ...s };
  for (const [name, s] of Object.entries(m.columns ?? {})) config.columns[name] = { ...s };
  return config;
}

/** Column types set in mlship.yaml, for the profiler. */
export function typeOverrides(config: DriftConfig): Record<string, SemanticType> {
  const out: Record<string, SemanticType> = {};
  for (const [name, s] of Object.entries(config.columns)) if (s.type) out[name] = s.type;
  return out;
}
