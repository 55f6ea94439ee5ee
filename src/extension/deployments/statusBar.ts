// The status bar item — the worst deployment state, with a count of every state that is not healthy (built in core,
// statusBarSummary) — and the notification when a budget is first breached (when to notify is decided in core,
// breachNotice.ts: two polls in a row, once per breach, a 10-minute cool-down), with "Open Dashboard" and
// "Don't Show Again" (remembered in globalState).
import * as vscode from 'vscode';
import { BreachNotifier } from '../../core/deployments/breachNotice';
import { statusBarSummary } from '../../core/present/deployments';
import type { DeploymentEntry, DeploymentsService } from './deploymentsService';
import { showNotice } from '../notify';

const MUTE_KEY = 'mlship.deployments.breachNotifications.off';

export function createDeploymentStatusBar(context: vscode.ExtensionContext, service: DeploymentsService): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem('mlship.deployments', vscode.StatusBarAlignment.Left, 50);
  item.name = 'MLShip Deployments';
  item.command = 'mlship.deployments.focus';
  const notifier = new BreachNotifier();

  const update = (): void => {
    const summary = statusBarSummary(service.statuses());
    if (!summary) {
      item.hide();
      return;
    }
    const { worst } = summary;
    item.text = summary.text;
    const md = new vscode.MarkdownString('**MLShip deployments**: ');
    md.appendText(`${summary.counts}\n\n`);
    for (const line of summary.lines) md.appendText(`${line}\n`);
    item.tooltip = md;
    item.backgroundColor = worst === 'breaching' ? new vscode.ThemeColor('statusBarItem.errorBackground') : worst === 'unreachable' || worst === 'degraded' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = { label: summary.label };
    item.show();
  };

  const notify = (e: DeploymentEntry): void => {
    const notice = notifier.observe(e.id, e.monitor.status, Date.now(), context.globalState.get<boolean>(MUTE_KEY) === true);
    if (!notice) return;
    void showNotice('warning', `MLShip: ${notice.message}`, { actions: ['Open Dashboard', "Don't Show Again"] }).then((a) => {
      if (a === 'Open Dashboard') void vscode.commands.executeCommand('mlship.openDashboard', e.id);
      else if (a === "Don't Show Again") void context.globalState.update(MUTE_KEY, true);
    });
  };

  let watched = new Set<string>();
  const sub = service.onDidChange((e) => {
    update();
    if (e) notify(e);
    else for (const gone of watched) if (!service.get(gone)) notifier.forget(gone);
    watched = new Set(service.all.map((x) => x.id));
  });
  update();
  return [item, sub];
}
