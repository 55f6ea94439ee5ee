// `mlship.yaml`: the optional workspace manifest. Parsing never throws: every problem becomes a ManifestIssue with a
// 1-based line and column, so the editor can show it where it is.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import manifestSchema from '../../../schemas/mlship.schema.json';
import { validateAgainstSchema, type JsonSchema } from './schemaValidator';

export const MANIFEST_FILE = 'mlship.yaml';

export interface DeploymentConfig {
  name: string;
  model?: string;
  baseline?: string;
  inference?: { protocol?: 'oip-v2'; url: string; model?: string };
  metrics?: { scrape?: string; prometheus?: string; selector?: string };
  predictions?: { jsonl?: string; url?: string };
  budgets?: { latency_p95_ms?: number; drift_psi?: number; fallback_rate?: number };
  feedback?: { jsonl?: string; url?: string };
  /** The key of the rollout flag that sends traffic to this deployment's model. */
  flag?: string;
}

export interface AnalysisManifest {
  severity?: Record<string, string>;
  fallbackWrappers?: string[];
  predictPatterns?: { callee: string; kind: 'local' | 'remote' }[];
  confidenceThreshold?: number;
  timeoutMs?: number;
  exclude?: string[];
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
  return { manifest: value as Manifest, issues };
}
