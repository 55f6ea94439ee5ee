// The details panel: one webview that shows a model version or a data snapshot, on the shared panel host (strict CSP
// with a nonce, validated messages, ready handshake) and restored after a reload from the target id it kept.
import type * as vscode from 'vscode';
import { isWebviewToHost, type DetailsAction, type DetailsView, type HostToWebview, type WebviewToHost } from '../../shared/detailsMessages';
import { PanelHost, registerPanelSerializer, type PanelSpec } from '../webview/panelHost';

export const DETAILS_VIEW_TYPE = 'mlship.details';

export interface DetailsHost {
  /** Rebuilds the view of a target (after a reload, or when the catalog changed). */
  render(targetId: string): Promise<DetailsView | undefined>;
  runAction(action: DetailsAction, targetId: string): Promise<void>;
  openTarget(targetId: string): Promise<void>;
}

const SPEC: PanelSpec<WebviewToHost> = { viewType: DETAILS_VIEW_TYPE, script: 'details.js', styles: ['panel.css'], isMessage: isWebviewToHost, loadingText: 'Loading details…' };

function isDetailsState(x: unknown): x is { targetId: string } {
  return typeof x === 'object' && x !== null && typeof (x as { targetId?: unknown }).targetId === 'string';
}

export class DetailsPanel {
  private static current: DetailsPanel | undefined;
  private view: DetailsView | undefined;

  static show(extensionUri: vscode.Uri, host: DetailsHost, view: DetailsView): DetailsPanel {
    if (DetailsPanel.current && !DetailsPanel.current.panel.isDisposed) DetailsPanel.current.panel.panel.reveal(undefined, true);
    else DetailsPanel.current = new DetailsPanel(PanelHost.open(extensionUri, SPEC, view.title), host);
    DetailsPanel.current.update(view);
    return DetailsPanel.current;
  }

  /** Restores the panel VS Code kept across a reload. */
  static serializer(extensionUri: vscode.Uri, host: DetailsHost): vscode.Disposable {
    return registerPanelSerializer(DETAILS_VIEW_TYPE, isDetailsState, async (panel, state) => {
      DetailsPanel.current?.panel.dispose();
      const p = new DetailsPanel(PanelHost.adopt(panel, extensionUri, SPEC), host);
      DetailsPanel.current = p;
      const view = await host.render(state.targetId);
      if (view) p.update(view);
      else panel.dispose();
    });
  }

  static get active(): DetailsPanel | undefined {
    return DetailsPanel.current;
  }

  get targetId(): string | undefined {
    return this.view?.targetId;
  }

  private constructor(
    private readonly panel: PanelHost<WebviewToHost, HostToWebview>,
    host: DetailsHost,
  ) {
    panel.onDidDispose(() => {
      if (DetailsPanel.current === this) DetailsPanel.current = undefined;
    });
    panel.onMessage((msg) => {
      if (msg.type === 'action') void host.runAction(msg.action, msg.targetId);
      else void host.openTarget(msg.targetId);
    });
  }

  update(view: DetailsView): void {
    this.view = view;
    this.panel.title = view.title;
    this.panel.post({ type: 'show', view }, { sticky: true });
  }

  busy(message: string | null): void {
    this.panel.post({ type: 'busy', message });
  }
}
