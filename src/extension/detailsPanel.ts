// The details panel: one webview that shows a model version or a data snapshot. Strict CSP with a fresh nonce,
// assets through asWebviewUri, messages validated on receipt, and restored after a reload.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { isWebviewToHost, type DetailsAction, type DetailsView, type HostToWebview } from '../shared/detailsMessages';
import { log } from './log';

export const DETAILS_VIEW_TYPE = 'mlship.details';

export interface DetailsHost {
  /** Rebuilds the view of a target (after a reload, or when the catalog changed). */
  render(targetId: string): Promise<DetailsView | undefined>;
  runAction(action: DetailsAction, targetId: string): Promise<void>;
  openTarget(targetId: string): Promise<void>;
}

export class DetailsPanel {
  private static current: DetailsPanel | undefined;
  private view: DetailsView | undefined;
  private ready = false;

  static show(extensionUri: vscode.Uri, host: DetailsHost, view: DetailsView): DetailsPanel {
    if (DetailsPanel.current) {
      DetailsPanel.current.panel.reveal(undefined, true);
    } else {
      const panel = vscode.window.createWebviewPanel(DETAILS_VIEW_TYPE, view.title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
      });
      DetailsPanel.current = new DetailsPanel(panel, extensionUri, host);
    }
    DetailsPanel.current.update(view);
    return DetailsPanel.current;
  }

  /** Restores a panel VS Code kept across a reload (its state holds the target id). */
  static async revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: DetailsHost, state: unknown): Promise<void> {
    DetailsPanel.current?.panel.dispose();
    const p = new DetailsPanel(panel, extensionUri, host);
    DetailsPanel.current = p;
    const targetId = typeof state === 'object' && state !== null && typeof (state as { targetId?: unknown }).targetId === 'string' ? (state as { targetId: string }).targetId : undefined;
    const view = targetId ? await host.render(targetId) : undefined;
    if (view) p.update(view);
    else panel.dispose();
  }

  static get active(): DetailsPanel | undefined {
    return DetailsPanel.current;
  }

  get targetId(): string | undefined {
    return this.view?.targetId;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly host: DetailsHost,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'mlship.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.webview.html = this.html();
    panel.onDidDispose(() => {
      if (DetailsPanel.current === this) DetailsPanel.current = undefined;
    });
    panel.webview.onDidReceiveMessage((msg: unknown) => {
      if (!isWebviewToHost(msg)) {
        log().warn(`Details panel sent an unexpected message: ${JSON.stringify(msg).slice(0, 200)}`);
        return;
      }
      if (msg.type === 'ready') {
        this.ready = true;
        if (this.view) this.post({ type: 'show', view: this.view });
      } else if (msg.type === 'action') void this.host.runAction(msg.action, msg.targetId);
      else void this.host.openTarget(msg.targetId);
    });
  }

  update(view: DetailsView): void {
    this.view = view;
    this.panel.title = view.title;
    if (this.ready) this.post({ type: 'show', view });
  }

  busy(message: string | null): void {
    if (this.ready) this.post({ type: 'busy', message });
  }

  private post(msg: HostToWebview): void {
    void this.panel.webview.postMessage(msg);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'details.js'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'details.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${css.toString()}" rel="stylesheet">
<title>MLShip details</title>
</head>
<body>
<main id="root" aria-live="polite"><p class="muted">Loading details…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}
