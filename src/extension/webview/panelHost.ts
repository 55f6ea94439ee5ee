// The one webview panel host every MLShip panel uses (details, drift report, deployments dashboard):
//   - a strict Content-Security-Policy with a fresh nonce (crypto.randomBytes) for the one script it loads;
//   - assets through asWebviewUri, localResourceRoots limited to dist/webview and media;
//   - messages from the webview validated on receipt (a panel's own union, with `{ type: 'ready' }`);
//   - a ready handshake: what the host posts before the webview is ready is held and sent once it is;
//   - restore after a reload through registerWebviewPanelSerializer, from the state the webview kept.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { log } from '../log';

export interface PanelSpec<FromWebview extends { type: string }> {
  viewType: string;
  /** Script under dist/webview, e.g. 'drift.js'. */
  script: string;
  /** Stylesheets under media/. */
  styles: string[];
  /** Validates a message from the webview. */
  isMessage: (x: unknown) => x is FromWebview;
  /** Shown until the script has rendered. */
  loadingText: string;
}

export class PanelHost<FromWebview extends { type: string }, ToWebview> implements vscode.Disposable {
  private ready = false;
  private pending: ToWebview[] = [];
  /** The message that describes the whole panel; sent again whenever the webview (re)loads. */
  private sticky: ToWebview | undefined;
  private readonly handlers: ((msg: Exclude<FromWebview, { type: 'ready' }>) => void)[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly spec: PanelSpec<FromWebview>,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'mlship.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: this.roots() };
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: unknown) => this.receive(msg)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.watchVisibility();
  }

  /** Opens a new panel. */
  static open<F extends { type: string }, T>(extensionUri: vscode.Uri, spec: PanelSpec<F>, title: string, column = vscode.ViewColumn.Active): PanelHost<F, T> {
    const panel = vscode.window.createWebviewPanel(spec.viewType, title, { viewColumn: column, preserveFocus: false }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: PanelHost.rootsOf(extensionUri),
    });
    return new PanelHost<F, T>(panel, extensionUri, spec);
  }

  /** Takes over a panel VS Code restored after a reload (from a serializer). */
  static adopt<F extends { type: string }, T>(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, spec: PanelSpec<F>): PanelHost<F, T> {
    return new PanelHost<F, T>(panel, extensionUri, spec);
  }

  private static rootsOf(extensionUri: vscode.Uri): vscode.Uri[] {
    return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
  }

  private roots(): vscode.Uri[] {
    return PanelHost.rootsOf(this.extensionUri);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  set title(title: string) {
    if (!this.disposed) this.panel.title = title;
  }

  /** Handles messages other than the ready handshake (already validated). */
  onMessage(handler: (msg: Exclude<FromWebview, { type: 'ready' }>) => void): void {
    this.handlers.push(handler);
  }

  /** Marks the webview as gone (hidden panels unload their page); messages wait for the next ready. */
  private watchVisibility(): void {
    this.disposables.push(this.panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) this.ready = false;
    }));
  }

  onDidDispose(fn: () => void): void {
    this.disposables.push(this.panel.onDidDispose(fn));
  }

  /**
   * Posts now when the webview is ready, otherwise when it becomes ready. A sticky message (the panel's whole
   * content) replaces the previous one and is sent again each time the webview reloads (hidden panels unload).
   */
  post(msg: ToWebview, options: { sticky?: boolean } = {}): void {
    if (this.disposed) return;
    if (options.sticky) {
      this.sticky = msg;
      this.pending = [];
    }
    if (!this.ready) {
      this.pending.push(msg);
      return;
    }
    void this.panel.webview.postMessage(msg);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private receive(msg: unknown): void {
    if (!this.spec.isMessage(msg)) {
      log().warn(`${this.spec.viewType}: ignored an unexpected message from the webview: ${JSON.stringify(msg)?.slice(0, 200)}`);
      return;
    }
    if (msg.type === 'ready') {
      // Also after a reload of the webview (a hidden panel unloads): the content again, then what is queued.
      this.ready = true;
      const queued = this.pending;
      this.pending = [];
      if (this.sticky !== undefined && !queued.includes(this.sticky)) void this.panel.webview.postMessage(this.sticky);
      for (const m of queued) void this.panel.webview.postMessage(m);
      return;
    }
    for (const h of this.handlers) h(msg as Exclude<FromWebview, { type: 'ready' }>);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', this.spec.script));
    const styles = this.spec.styles.map((s) => `<link href="${webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', s)).toString()}" rel="stylesheet">`).join('\n');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>MLShip</title>
</head>
<body>
<main id="root" aria-live="polite"><p class="muted">${this.spec.loadingText}</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/**
 * Restores panels of `viewType` after a reload: `revive` gets the panel and the state the webview saved, validated;
 * a panel whose state is not usable is closed.
 */
export function registerPanelSerializer<S>(viewType: string, isState: (x: unknown) => x is S, revive: (panel: vscode.WebviewPanel, state: S) => void | Promise<void>): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(viewType, {
    deserializeWebviewPanel: async (panel, state: unknown) => {
      if (!isState(state)) {
        log().info(`${viewType}: a panel from the last session could not be restored (no usable state); closed it.`);
        panel.dispose();
        return;
      }
      await revive(panel, state);
    },
  });
}
