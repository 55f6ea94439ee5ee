// Where the model process (dist/serve.js) is, and where its output goes: the MLShip log.
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { ModelProcessOptions } from '../core/inference/modelProcess';
import { log } from './log';

export function modelProcess(extensionUri: vscode.Uri): ModelProcessOptions {
  return {
    script: join(extensionUri.fsPath, 'dist', 'serve.js'),
    onLog: (level, message) => (level === 'error' ? log().error(message) : level === 'warn' ? log().warn(message) : log().info(message)),
  };
}
