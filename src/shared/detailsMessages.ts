// The contract between the extension host and the details webview. Both sides validate what they receive.

export type Tone = 'info' | 'ok' | 'warning' | 'error';

export type DetailsSection =
  | { kind: 'properties'; title: string; rows: [label: string, value: string][] }
  | { kind: 'table'; title: string; caption?: string; columns: string[]; rows: string[][] }
  | { kind: 'links'; title: string; links: { label: string; description?: string; targetId?: string }[] }
  | { kind: 'text'; title: string; text: string; tone?: Tone };

export interface DetailsView {
  /** Catalog id of what is shown (a model version or a snapshot). */
  targetId: string;
  kind: 'model-version' | 'snapshot';
  title: string;
  subtitle: string;
  badges: { text: string; tone: Tone }[];
  sections: DetailsSection[];
  /** Actions the panel offers; the host decides what they do. */
  actions: DetailsAction[];
}

export type DetailsAction = 'benchmark' | 'copyReference' | 'revealInExplorer';

export type HostToWebview = { type: 'show'; view: DetailsView } | { type: 'busy'; message: string | null };

export type WebviewToHost = { type: 'ready' } | { type: 'action'; action: DetailsAction; targetId: string } | { type: 'openTarget'; targetId: string };

const ACTIONS: readonly string[] = ['benchmark', 'copyReference', 'revealInExplorer'] satisfies DetailsAction[];
const TONES: readonly string[] = ['info', 'ok', 'warning', 'error'] satisfies Tone[];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isString = (x: unknown): x is string => typeof x === 'string';
const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every(isString);

function isSection(x: unknown): x is DetailsSection {
  if (!isRecord(x) || !isString(x.title)) return false;
  switch (x.kind) {
    case 'properties':
      return Array.isArray(x.rows) && x.rows.every((r) => Array.isArray(r) && r.length === 2 && isString(r[0]) && isString(r[1]));
    case 'table':
      return isStringArray(x.columns) && Array.isArray(x.rows) && x.rows.every(isStringArray) && (x.caption === undefined || isString(x.caption));
    case 'links':
      return Array.isArray(x.links) && x.links.every((l) => isRecord(l) && isString(l.label) && (l.targetId === undefined || isString(l.targetId)) && (l.description === undefined || isString(l.description)));
    case 'text':
      return isString(x.text) && (x.tone === undefined || TONES.includes(x.tone as string));
    default:
      return false;
  }
}

export function isDetailsView(x: unknown): x is DetailsView {
  return (
    isRecord(x) && isString(x.targetId) && (x.kind === 'model-version' || x.kind === 'snapshot') && isString(x.title) && isString(x.subtitle) &&
    Array.isArray(x.badges) && x.badges.every((b) => isRecord(b) && isString(b.text) && TONES.includes(b.tone as string)) &&
    Array.isArray(x.sections) && x.sections.every(isSection) && Array.isArray(x.actions) && x.actions.every((a) => ACTIONS.includes(a as string))
  );
}

export function isHostToWebview(x: unknown): x is HostToWebview {
  if (!isRecord(x)) return false;
  if (x.type === 'show') return isDetailsView(x.view);
  if (x.type === 'busy') return x.message === null || isString(x.message);
  return false;
}

export function isWebviewToHost(x: unknown): x is WebviewToHost {
  if (!isRecord(x)) return false;
  if (x.type === 'ready') return true;
  if (x.type === 'action') return ACTIONS.includes(x.action as string) && isString(x.targetId);
  if (x.type === 'openTarget') return isString(x.targetId);
  return false;
}
