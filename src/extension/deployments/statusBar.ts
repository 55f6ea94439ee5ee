// The status bar item with the worst deployment state, and the notification when a budget is first breached
// (after two polls in a row, at most once per deployment every 10 minutes, with "Open Dashboard" and
// "Don't show again").
import * as vscode from 'vscode';
import { BreachDebouncer, STATE_LABEL, worstState } from '../../core/deployments/health';
import type { DeploymentEntry, DeploymentsService } from './deploymentsService';

const MUTE_KEY = 'mlship.deployments.breachNotifications.off';

export function createDeploymentStatusBar(context: vscode.ExtensionContext, service: DeploymentsService): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem('mlship.deployments', vscode.StatusBarAlignment.Left, 50);
  item.name = 'MLShip Deployments';
  item.command = 'mlship.deployments.focus';
  const debouncer = new BreachDebouncer();

  const update = (): void => {
    const statuses = service.statuses();
    if (statuses.length === 0) {
      item.hide();
      return;
    }
    const worst = worstState(statuses.map((s) => s.state)) ?? 'unknown';
    const bad = statuses.filter((s) => s.state === worst).length;
    const icon = worst === 'healthy' ? '$(pass)' : worst === 'breaching' ? '$(error)' : worst === 'unknown' ? '$(circle-outline)' : '$(warning)';
    item.text = `${icon} ${worst === 'healthy' ? `${statuses.length} healthy` : `${bad} ${STATE_LABEL[worst].toLowerCase()}`}`;
    const md = new vscode.MarkdownString('**MLShip deployments**\n\n');
    for (const s of statuses) md.appendText(`${s.name}: ${STATE_LABEL[s.state]} — ${s.reason}\n`);
    item.tooltip = md;
    item.backgroundColor = worst === 'breaching' ? new vscode.ThemeColor('statusBarItem.errorBackground') : worst === 'unreachable' || worst === 'degraded' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = { label: `MLShip deployments: worst state ${STATE_LABEL[worst]}` };
    item.show();
  };

  const notify = (e: DeploymentEntry): void => {
    const s = e.monitor.status;
    if (!debouncer.observe(e.id, s.state, Date.now()) || context.globalState.get<boolean>(MUTE_KEY)) return;
    void vscode.window.showWarningMessage(`MLShip: ${s.name} is breaching its budget — ${s.reason}`, 'Open Dashboard', "Don't Show Again").then((a) => {
      if (a === 'Open Dashboard') void vscode.commands.executeCommand('mlship.openDashboard', e.id);
      else if (a === "Don't Show Again") void context.globalState.update(MUTE_KEY, true);
    });
  };

  const sub = service.onDidChange((e) => {
    update();
    if (e) notify(e);
  });
  update();
  return [item, sub];
}
