// The drift report panel (also used for a snapshot's profile): the second client of the shared panel host. It keeps
// the report for exports; the webview keeps its view and report in its state, which the serializer restores.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { DriftReport } from '../../shared/drift';
import { isDriftPanelState, isDriftWebviewToHost, type DriftPanelView, type DriftWebviewToHost, type ExportFormat, type HostToDriftWebview } from '../../shared/driftMessages';
import { reportToHtml } from '../../core/drift/html';
import { reportToJson } from '../../core/drift/report';
import { errorMessage } from '../../core/util/concurrency';
import { log } from '../log';
import { PanelHost, registerPanelSerializer, type PanelSpec } from '../webview/panelHost';
import { showDetailed } from '../notify';

export const DRIFT_VIEW_TYPE = 'mlship.driftReport';

const SPEC: PanelSpec<DriftWebviewToHost> = { viewType: DRIFT_VIEW_TYPE, script: 'drift.js', styles: ['panel.css', 'drift.css'], isMessage: isDriftWebviewToHost, loadingText: 'Loading the report…' };

function safeName(s: string): string {
  return s.replace(/\.[a-z0-9]+$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 60);
}

export class DriftPanel {
  private static readonly open = new Set<DriftPanel>();
  private report: DriftReport | undefined;

  /** Opens a panel for a view (a new one per comparison, so reports can sit side by side). */
  static show(extensionUri: vscode.Uri, view: DriftPanelView, report?: DriftReport, defaultDir?: vscode.Uri): DriftPanel {
    const p = new DriftPanel(PanelHost.open(extensionUri, SPEC, view.title), defaultDir);
    p.update(view, report);
    return p;
  }

  static serializer(extensionUri: vscode.Uri, defaultDir: () => vscode.Uri | undefined): vscode.Disposable {
    return registerPanelSerializer(DRIFT_VIEW_TYPE, isDriftPanelState, (panel, state) => {
      const p = new DriftPanel(PanelHost.adopt(panel, extensionUri, SPEC), defaultDir());
      p.update(state.view, state.report);
    });
  }

  /** Panels currently open (tests and the e2e suite look at them through the API). */
  static get count(): number {
    return DriftPanel.open.size;
  }

  private constructor(
    private readonly panel: PanelHost<DriftWebviewToHost, HostToDriftWebview>,
    private readonly defaultDir: vscode.Uri | undefined,
  ) {
    DriftPanel.open.add(this);
    panel.onDidDispose(() => DriftPanel.open.delete(this));
    panel.onMessage((msg) => void this.export(msg.format));
  }

  update(view: DriftPanelView, report?: DriftReport): void {
    this.report = report;
    this.panel.title = view.title;
    this.panel.post({ type: 'show', view, ...(report ? { report } : {}) }, { sticky: true });
  }

  private async export(format: ExportFormat): Promise<void> {
    const report = this.report;
    if (!report) {
      void vscode.window.showInformationMessage('MLShip: a profile is not exported from here; use `mlship profile <file> --out profile.json`.');
      return;
    }
    const name = `drift-${safeName(report.current.name)}-vs-${safeName(report.baseline.name)}.${format}`;
    const target = await vscode.window.showSaveDialog({
      title: `Export the drift report as ${format.toUpperCase()}`,
      saveLabel: 'Export',
      filters: format === 'html' ? { 'HTML report': ['html'] } : { 'JSON report': ['json'] },
      ...(this.defaultDir ? { defaultUri: vscode.Uri.joinPath(this.defaultDir, name) } : {}),
    });
    if (!target) return;
    try {
      await writeFile(target.fsPath, format === 'html' ? reportToHtml(report) : reportToJson(report));
    } catch (err) {
      void showDetailed('error', `MLShip: could not write ${basename(target.fsPath)}. Choose a folder you can write to and export again.`, `${target.fsPath}: ${errorMessage(err)}`);
      return;
    }
    log().info(`Exported the drift report to ${target.fsPath}.`);
    const open = format === 'html' ? 'Open in Browser' : 'Open';
    void vscode.window.showInformationMessage(`MLShip: drift report exported to ${vscode.workspace.asRelativePath(target)}.`, open).then(async (choice) => {
      if (choice === 'Open in Browser') await vscode.env.openExternal(target);
      else if (choice === 'Open') await vscode.window.showTextDocument(target);
    });
  }
}
