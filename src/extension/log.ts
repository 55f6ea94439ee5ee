import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The "MLShip" log channel (Output panel). Created once, on activation. */
export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('MLShip', { log: true });
  return channel;
}
