// The webview side of the panel host: one acquireVsCodeApi() per page, messages from the host validated on receipt,
// the ready handshake sent once the page listens, and the state VS Code keeps across reloads.

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

export interface HostConnection<Out> {
  post(msg: Out): void;
  /** What this page saved before a reload (validate it before use). */
  savedState(): unknown;
  saveState(state: unknown): void;
}

/**
 * Listens for the host's messages (those failing `isMessage` are dropped with a console warning), then says ready.
 * `name` labels the warnings.
 */
export function connectHost<In, Out extends { type: string }>(name: string, isMessage: (x: unknown) => x is In, onMessage: (msg: In) => void): HostConnection<Out> {
  api ??= acquireVsCodeApi();
  const vscode = api;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const msg = event.data;
    if (!isMessage(msg)) {
      console.warn(`MLShip ${name}: ignored an invalid message`, msg);
      return;
    }
    onMessage(msg);
  });
  vscode.postMessage({ type: 'ready' });
  return {
    post: (msg) => vscode.postMessage(msg),
    savedState: () => vscode.getState(),
    saveState: (state) => vscode.setState(state),
  };
}
