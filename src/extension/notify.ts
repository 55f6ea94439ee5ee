// Warnings and errors that VS Code's toasts do not cut off: the toast says in a short first sentence what failed and
// what to do; the full text is written to the MLShip log, which "Show Details" opens (core/present/notice.ts splits).
import * as vscode from 'vscode';
import { splitNotice } from '../core/present/notice';
import { errorMessage } from '../core/util/concurrency';
import { log } from './log';

export const SHOW_DETAILS = 'Show Details';

/**
 * Shows `headline` (short: what failed, what to do) with `actions`, plus "Show Details" when there is `detail`; the
 * headline and detail go to the log either way. Resolves with the action chosen other than "Show Details".
 */
export async function showDetailed(severity: 'error' | 'warning', headline: string, detail?: string, ...actions: string[]): Promise<string | undefined> {
  const full = detail ? `${headline} ${detail}` : headline;
  if (severity === 'error') log().error(full.replace(/^MLShip: /, ''));
  else log().warn(full.replace(/^MLShip: /, ''));
  const show = severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const choice = await show(headline, ...actions, ...(detail ? [SHOW_DETAILS] : []));
  if (choice === SHOW_DETAILS) {
    log().show(true);
    return undefined;
  }
  return choice;
}

/** A message that may run long, split by splitNotice(): its first sentence in the toast, the rest behind "Show Details". */
export function showNotice(severity: 'error' | 'warning', message: string, ...actions: string[]): Promise<string | undefined> {
  const { headline, detail } = splitNotice(message);
  return showDetailed(severity, headline, detail, ...actions);
}

/** A command that failed: the whole reason in the log, its first sentence in the toast. */
export function showCommandError(commandId: string, err: unknown): void {
  const message = errorMessage(err);
  log().error(`${commandId} failed: ${message}`);
  const { headline, detail } = splitNotice(`MLShip: ${message}`);
  void vscode.window.showErrorMessage(headline, detail ? SHOW_DETAILS : 'Show Log').then((a) => a && log().show(true));
}
