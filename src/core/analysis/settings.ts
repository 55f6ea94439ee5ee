// Analysis settings for one document: defaults ← mlship.yaml `analysis:` of its workspace folder ← VS Code settings.
import { isRuleId } from './rules';
import { DEFAULT_CONFIG, type AnalysisConfig, type PredictPattern, type Severity } from './types';
import type { Manifest } from '../config/manifest';
import type { ServerSettings } from '../../shared/lsp';

const LEVELS = new Set(['error', 'warning', 'information', 'hint', 'off']);

function severities(into: AnalysisConfig['severity'], from: Record<string, string> | undefined): void {
  for (const [rule, level] of Object.entries(from ?? {})) {
    const id = rule.replace(/^mlship\//, '');
    if (isRuleId(id) && LEVELS.has(level)) into[id] = level as Severity | 'off';
  }
}

function patterns(list: unknown): PredictPattern[] {
  if (!Array.isArray(list)) return [];
  return list.filter((p): p is PredictPattern => typeof p === 'object' && p !== null && typeof (p as PredictPattern).callee === 'string' && ((p as PredictPattern).kind === 'local' || (p as PredictPattern).kind === 'remote'));
}

function strings(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [];
}

export function analysisConfig(manifest: Manifest | undefined, settings: ServerSettings | undefined): AnalysisConfig {
  const config: AnalysisConfig = { ...DEFAULT_CONFIG, severity: { ...DEFAULT_CONFIG.severity }, fallbackWrappers: [], predictPatterns: [] };
  const a = manifest?.analysis;
  if (a) {
    severities(config.severity, a.severity);
    config.fallbackWrappers.push(...(a.fallbackWrappers ?? []));
    config.predictPatterns.push(...patterns(a.predictPatterns));
    if (typeof a.confidenceThreshold === 'number') config.confidenceThreshold = a.confidenceThreshold;
  }
  const urls = [...strings(a?.inferenceUrls), ...strings(settings?.diagnostics?.inferenceUrls)];
  if (urls.length > 0) config.inferenceUrls = urls;
  const d = settings?.diagnostics;
  severities(config.severity, d?.severity);
  config.fallbackWrappers.push(...(d?.fallbackWrappers ?? []).filter((w) => typeof w === 'string'));
  config.predictPatterns.push(...patterns(d?.predictPatterns));
  if (typeof d?.confidenceThreshold === 'number') config.confidenceThreshold = d.confidenceThreshold;
  const budget = manifest?.deployments?.find((dep) => dep.budgets?.latency_p95_ms)?.budgets?.latency_p95_ms ?? settings?.latencyBudgetMs;
  if (typeof budget === 'number' && budget > 0) config.latencyBudgetMs = budget;
  const timeout = d?.timeoutMs ?? a?.timeoutMs;
  config.timeoutMs = typeof timeout === 'number' && timeout > 0 ? timeout : config.latencyBudgetMs;
  const hosted = d?.hostedModelTimeoutMs ?? a?.hostedModelTimeoutMs;
  if (typeof hosted === 'number' && hosted > 0) config.hostedModelTimeoutMs = hosted;
  return config;
}
