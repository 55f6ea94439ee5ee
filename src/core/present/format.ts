// Short, consistent text for tree labels, tooltips and the details panel.
import type { TensorSpec } from '../formats/types';
import type { ModelSource } from '../registry/types';

/** Where a model's versions come from, as the tree's description and the details panel name it. */
const SOURCE_LABELS: Record<ModelSource, string> = { mlflow: 'MLflow registry', folder: 'versioned folder', files: 'versioned files', file: 'file' };

/**
 * The label of a model's source: lower case as a description reads it ("2 versions · versioned folder"), or with a
 * capital first letter as a table's value ("Versioned folder").
 */
export function sourceLabel(source: ModelSource, capital = false): string {
  const label = SOURCE_LABELS[source];
  return capital ? label.charAt(0).toUpperCase() + label.slice(1) : label;
}

export function formatShape(shape: TensorSpec['shape']): string {
  if (shape === null) return '[?]';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export function formatTensor(t: TensorSpec): string {
  return `${t.dtype} ${formatShape(t.shape)}`;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  return abs !== 0 && (abs < 0.001 || abs >= 1e6) ? n.toExponential(3) : Number(n.toPrecision(4)).toString();
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
}

export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  const units = ['K', 'M', 'B', 'T'];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  let text = v >= 100 ? v.toFixed(0) : v.toFixed(1);
  // Rounding can reach the next unit (999,950 → 1000K) or three digits (99,960 → 100.0K).
  if (Number(text) >= 1000 && i < units.length - 1) {
    i++;
    text = (v / 1000).toFixed(1);
  } else if (Number(text) >= 100) text = v.toFixed(0);
  return `${text}${units[i]}`;
}
