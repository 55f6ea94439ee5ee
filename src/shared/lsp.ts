// Custom LSP methods between the MLShip language client and server (namespaced `mlship/…`). Imports only the
// protocol package, so both processes and tests can use it.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { PredictCall } from '../core/analysis/types';

export interface PredictCallsParams {
  uri: string;
}

/** The predict calls the server found in a document, with the state of each check (fallback/confidence/timeout/trace). */
export const PredictCallsRequest = {
  method: 'mlship/predictCalls',
  type: new RequestType<PredictCallsParams, PredictCall[], void>('mlship/predictCalls'),
} as const;

export interface StatusParams {
  state: 'ready' | 'error';
  message: string;
}

/** Sent once the grammars are loaded (ready) or when the engine cannot start (error, with what to do). */
export const StatusNotification = {
  method: 'mlship/status',
  type: new NotificationType<StatusParams>('mlship/status'),
} as const;

/** Settings the server reads from the `mlship` section, per resource. */
export interface ServerSettings {
  latencyBudgetMs?: number;
  diagnostics?: {
    enable?: boolean;
    severity?: Record<string, string>;
    fallbackWrappers?: string[];
    predictPatterns?: { callee: string; kind: 'local' | 'remote' }[];
    confidenceThreshold?: number;
    timeoutMs?: number;
    hostedModelTimeoutMs?: number;
    inferenceUrls?: string[];
  };
}
