// `mlship.yaml`: the optional workspace manifest. Parsing never throws: every problem becomes a ManifestIssue with a
// 1-based line and column, so the editor can show it where it is.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import manifestSchema from '../../../schemas/mlship.schema.json';
import { validateAgainstSchema, type JsonSchema } from './schemaValidator';

export const MANIFEST_FILE = 'mlship.yaml';

/** A deployment to watch (`deployments:` in mlship.yaml); see schemas/mlship.schema.json for each key. */
export interface DeploymentConfig {
  name: string;
  /** name@alias or name/version, optionally with a models:/ prefix. */
  model?: string;
  /** Workspace-relative data snapshot: the drift baseline and the rows of active probes. */
  baseline?: string;
  inference?: { protocol?: 'oip-v2'; url: string; model?: string; version?: string; timeout_ms?: number };
  metrics?: { scrape?: string; prometheus?: string; selector?: string; latency_histogram?: string };
  predictions?: { jsonl?: string; url?: string; format?: 'mlship' | 'kserve' };
  feedback?: { jsonl?: string; url?: string };
  budgets?: DeploymentBudgets;
  poll_interval_s?: number;
  /** The key of the rollout flag that sends traffic to this deployment's model. */
  flag?: string;
}

export interface DeploymentBudgets {
  latency_p95_ms?: number;
  drift_psi?: number;
  fallback_rate?: number;
}

export interface AnalysisManifest {
  severity?: Record<string, string>;
  fallbackWrappers?: string[];
  predictPatterns?: { callee: string; kind: 'local' | 'remote' }[];
  confidenceThreshold?: number;
  timeoutMs?: number;
  hostedModelTimeoutMs?: number;
  inferenceUrls?: string[];
  exclude?: string[];
}

export type DriftMethodName = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';
export type DriftColumnType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text' | 'id';

export interface DriftManifest {
  /** Default baseline of the workspace (a data file or a profile JSON). */
  baseline?: string;
  /** Baseline per model name. */
  baselines?: Record<string, string>;
  mode?: 'evidently' | 'effect-size';
  rowLimit?: number;
  driftShare?: number;
  minRows?: number;
  missingChange?: number;
  unseenShare?: number;
  prediction?: string;
  types?: Partial<Record<DriftColumnType, { method?: DriftMethodName; threshold?: number }>>;
  columns?: Record<string, { type?: DriftColumnType; method?: DriftMethodName; threshold?: number; skip?: boolean }>;
}

export interface Manifest {
  version: 1;
  models?: string[];
  data?: string[];
  exclude?: string[];
  mlflow?: { trackingUri: string };
  deployments?: DeploymentConfig[];
  flags?: string;
  analysis?: AnalysisManifest;
  drift?: DriftManifest;
}

export interface ManifestIssue {
  message: string;
  severity: 'error' | 'warning';
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ManifestResult {
  /** The manifest when it is usable (no errors); undefined otherwise. */
  manifest?: Manifest;
  issues: ManifestIssue[];
}

function nodeAt(root: Node | null, path: (string | number)[]): Node | null {
  let node: Node | null = root;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      node = (pair?.value as Node | null | undefined) ?? (isScalar(pair?.key) ? pair.key : null);
    } else if (isSeq(node) && typeof seg === 'number') {
      node = (node.items[seg] as Node | undefined) ?? null;
    } else return node;
  }
  return node;
}

function keyNodeAt(root: Node | null, path: (string | number)[], key: string): Node | null {
  const parent = nodeAt(root, path);
  if (!isMap(parent)) return parent;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
  return isScalar(pair?.key) ? pair.key : parent;
}

export function parseManifest(text: string): ManifestResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: ManifestIssue[] = [];
  const at = (offsets: [number, number] | undefined, message: string, severity: ManifestIssue['severity'] = 'error') => {
    const [start, end] = offsets ?? [0, 0];
    const s = lineCounter.linePos(start);
    const e = lineCounter.linePos(Math.max(end, start));
    issues.push({ message, severity, line: s.line, column: s.col, endLine: e.line, endColumn: e.col });
  };
  for (const err of doc.errors) at([err.pos[0], err.pos[1]], `YAML syntax error: ${err.message.split('\n')[0]}`);
  for (const warn of doc.warnings) at([warn.pos[0], warn.pos[1]], warn.message.split('\n')[0] ?? warn.message, 'warning');
  if (doc.errors.length > 0) return { issues };

  const value: unknown = doc.toJS();
  if (value === null || value === undefined) {
    at([0, 0], "The manifest is empty. Start it with 'version: 1'.");
    return { issues };
  }
  for (const v of validateAgainstSchema(manifestSchema as JsonSchema, value)) {
    const node = v.key ? keyNodeAt(doc.contents, v.path.slice(0, -1), v.key) : nodeAt(doc.contents, v.path);
    const range = node?.range;
    at(range ? [range[0], range[1]] : undefined, v.message);
  }
  if (issues.some((i) => i.severity === 'error')) return { issues };
  const manifest = value as Manifest;
  const seen = new Set<string>();
  (manifest.deployments ?? []).forEach((d, i) => {
    const node = nodeAt(doc.contents, ['deployments', i, 'name']);
    const range = node?.range ? ([node.range[0], node.range[1]] as [number, number]) : undefined;
    if (seen.has(d.name)) at(range, `Deployment '${d.name}' is listed twice; names must be unique.`);
    seen.add(d.name);
    if (!d.inference && !d.metrics && !d.predictions) at(range, `Deployment '${d.name}' has nothing to watch: give it inference, metrics or predictions.`, 'warning');
  });
  if (issues.some((i) => i.severity === 'error')) return { issues };
  return { manifest, issues };
}
