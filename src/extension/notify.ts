// Warnings and errors that VS Code's toasts do not cut off: the toast says in a short first sentence what failed and
// what to do; the full text is written to the MLShip log, which "Show Details" opens (core/present/notice.ts splits).
import * as vscode from 'vscode';
import { splitNotice } from '../core/present/notice';
import { errorMessage } from '../core/util/concurrency';
import { log } from './log';

export const SHOW_DETAILS = 'Show Details';

export interface NoticeOptions {
  /** Buttons before "Show Details". */
  actions?: readonly string[];
  /** The caller has written the full text to the log already. */
  logged?: boolean;
}

/**
 * Shows `headline` (short: what failed, what to do) with the actions, plus "Show Details" when there is `detail`,
 * which opens the log; the headline and detail are written to the log unless `logged`. Resolves with the action
 * chosen other than "Show Details".
 */
export async function showDetailed(severity: 'error' | 'warning' | 'info', headline: string, detail?: string, options: NoticeOptions = {}): Promise<string | undefined> {
  if (!options.logged) {
    const full = (detail ? `${headline} ${detail}` : headline).replace(/^MLShip: /, '');
    if (severity === 'error') log().error(full);
    else if (severity === 'warning') log().warn(full);
    else log().info(full);
  }
  const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(headline, ...(options.actions ?? []), ...(detail ? [SHOW_DETAILS] : []));
  if (choice === SHOW_DETAILS) {
    log().show(true);
    return undefined;
  }
  return choice;
}

/** A message that may run long, split by splitNotice(): its first sentence in the toast, the rest behind "Show Details". */
export function showNotice(severity: 'error' | 'warning', message: string, options: NoticeOptions = {}): Promise<string | undefined> {
  const { headline, detail } = splitNotice(message);
  return showDetailed(severity, headline, detail, options);
}

/** A command that failed: the whole reason in the log, its first sentence in the toast. */
export function showCommandError(commandId: string, err: unknown): void {
  const message = errorMessage(err);
  log().error(`${commandId} failed: ${message}`);
  const { headline, detail } = splitNotice(`MLShip: ${message}`);
  void vscode.window.showErrorMessage(headline, detail ? SHOW_DETAILS : 'Show Log').then((a) => a && log().show(true));
}
