// A local deployment (Serve Model Locally, `mlship serve`): the model process's options from a model version, and
// the deployment config the monitor watches while it runs — the same view, status and dashboard as a remote one.
import { join } from 'node:path';
import type { DeploymentConfig } from '../config/manifest';
import type { OnnxMetadata } from '../formats/onnx';
import type { ModelMetadata } from '../formats/types';
import { parseFeatureNames } from '../inference/inputs';
import { baselineOf, classLabelsOf, featureNamesOf } from '../registry/resolve';
import { isStandalone, namedVersion, shortVersion, standaloneModel, versionTitle } from '../registry/naming';
import type { ModelVersionEntry } from '../registry/types';
import type { ServeEndpoint, ServeOptions } from '../../shared/serve';

/** What serving needs to know about a model version (a catalog entry, or a bare ONNX file's metadata). */
export interface ServableModel {
  name: string;
  version: string;
  /** The model and version as people read them (`credit-risk version 2`, `churn-gbt`; see `versionTitle`). */
  title: string;
  /** A standalone model file whose name carries no version (`churn-gbt.onnx`): named by the model alone. */
  standalone?: boolean;
  modelFile: string;
  featureNames?: string[];
  classLabels?: string[];
  /** Workspace-relative training snapshot, the drift baseline. */
  baseline?: string;
  /** models:/name@alias or a relative path. */
  reference?: string;
}

export function servableFromVersion(v: ModelVersionEntry): ServableModel | { problem: string } {
  if (v.error) return { problem: `${versionTitle(v)} cannot be served: ${v.error.message}` };
  if (v.format !== 'onnx' || !v.modelFile) return { problem: `${versionTitle(v)} is ${v.metadata?.formatLabel ?? v.format ?? 'not a model file'}; only ONNX models can be served locally (onnxruntime).` };
  const featureNames = featureNamesOf(v);
  const classLabels = classLabelsOf(v);
  const baseline = baselineOf(v);
  const rest = { modelFile: v.modelFile, reference: v.reference, ...(featureNames ? { featureNames } : {}), ...(classLabels ? { classLabels } : {}), ...(baseline ? { baseline } : {}) };
  if (!isStandalone(v)) return { name: v.modelName, version: v.version, title: versionTitle(v), ...rest };
  // A standalone file is served as the model and version the scaffold and `mlship serve <file>` make of it.
  const header = v.metadata && 'onnx' in v.metadata ? (v.metadata as OnnxMetadata).onnx.modelVersion : undefined;
  return { ...standaloneServable(v.modelFile, header), ...rest };
}

/** `credit-risk-v2.onnx` as `credit-risk` version 2, titled so; `churn-gbt.onnx` as `churn-gbt`, titled by that alone. */
function standaloneServable(file: string, header: number | undefined): Pick<ServableModel, 'name' | 'version' | 'title' | 'standalone'> {
  const m = standaloneModel(file, header);
  return m.named ? { name: m.name, version: m.version, title: `${m.name} ${namedVersion(m.version)}` } : { name: m.name, version: m.version, title: m.name, standalone: true };
}

export function servableFromOnnx(path: string, metadata: ModelMetadata & Partial<Pick<OnnxMetadata, 'onnx'>>): ServableModel {
  const featureNames = parseFeatureNames(metadata.metadata);
  const classLabels = parseFeatureNames(metadata.metadata.class_labels);
  return { ...standaloneServable(path, metadata.onnx?.modelVersion), modelFile: path, ...(featureNames ? { featureNames } : {}), ...(classLabels ? { classLabels } : {}) };
}

/** A file-name-safe slug. */
function slug(s: string): string {
  return s.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

/** Model-process options for a local deployment, logs under `logDir` (none when undefined). */
export function serveOptionsFor(m: ServableModel, options: { port?: number; logDir?: string; maxBodyBytes?: number; maxBatch?: number } = {}): ServeOptions {
  const stem = `${slug(m.name)}-${slug(m.version)}`;
  return {
    modelPath: m.modelFile,
    modelName: m.name,
    modelVersion: m.version,
    feature: m.name,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.logDir ? { predictionLog: join(options.logDir, `${stem}.predictions.jsonl`), feedbackLog: join(options.logDir, `${stem}.feedback.jsonl`) } : {}),
    ...(m.featureNames ? { featureNames: m.featureNames } : {}),
    ...(m.classLabels ? { classLabels: m.classLabels } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    ...(options.maxBatch !== undefined ? { maxBatch: options.maxBatch } : {}),
  };
}

/** The name a local deployment is shown under, short enough for a narrow sidebar's row: `credit-risk v2 (local)`, `churn-gbt (local)`. */
export function localDeploymentName(m: Pick<ServableModel, 'name' | 'version' | 'standalone'>): string {
  return `${m.name}${m.standalone ? '' : ` ${shortVersion(m.version)}`} (local)`;
}

/** The deployment config of a running local server, for the monitor and the view. */
export function localDeploymentConfig(m: ServableModel, endpoint: ServeEndpoint, budgets: DeploymentConfig['budgets'] = {}): DeploymentConfig {
  return {
    name: localDeploymentName(m),
    model: m.reference ?? `${m.name}/${m.version}`,
    ...(m.baseline ? { baseline: m.baseline } : {}),
    inference: { protocol: 'oip-v2', url: endpoint.url, model: endpoint.modelName },
    metrics: { scrape: endpoint.metricsUrl },
    ...(endpoint.predictionLog ? { predictions: { jsonl: endpoint.predictionLog } } : {}),
    ...(endpoint.feedbackLog ? { feedback: { jsonl: endpoint.feedbackLog } } : {}),
    budgets,
    poll_interval_s: 2,
  };
}

/** The mlship.yaml entry that watches this local server (printed by `mlship serve`). */
export function manifestSnippet(config: DeploymentConfig): string {
  const lines = [
    'deployments:',
    `  - name: ${JSON.stringify(config.name.replace(/ \(local\)$/, ' local'))}`,
    ...(config.model ? [`    model: ${config.model}`] : []),
    ...(config.baseline ? [`    baseline: ${config.baseline}`] : []),
    `    inference: { protocol: oip-v2, url: ${config.inference?.url}, model: ${JSON.stringify(config.inference?.model)} }`,
    `    metrics: { scrape: ${config.metrics?.scrape} }`,
    ...(config.predictions?.jsonl ? [`    predictions: { jsonl: ${JSON.stringify(config.predictions.jsonl)} }`] : []),
    ...(config.feedback?.jsonl ? [`    feedback: { jsonl: ${JSON.stringify(config.feedback.jsonl)} }`] : []),
    '    budgets: { latency_p95_ms: 50, fallback_rate: 0.05 }',
  ];
  return `${lines.join('\n')}\n`;
}
