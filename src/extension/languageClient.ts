// Starts the MLShip language server (dist/server.js, its own process) over IPC and keeps the client.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { StatusNotification } from '../shared/lsp';
import { log } from './log';
import { showNotice } from './notify';

const LANGUAGES = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
/** What a workspace import can resolve to (core/analysis/workspace.ts). */
const SOURCE_EXTENSIONS = ['py', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  // mlship.yaml (settings), and the source files other files may import from (their summaries: see
  // core/analysis/workspace.ts); files.watcherExclude applies (node_modules and the like are not watched).
  const watchers = [vscode.workspace.createFileSystemWatcher('**/mlship.yaml'), vscode.workspace.createFileSystemWatcher(`**/*.{${SOURCE_EXTENSIONS.join(',')}}`)];
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
      { notebook: 'jupyter-notebook', language: 'python' },
    ],
    synchronize: { configurationSection: 'mlship', fileEvents: watchers },
    outputChannel: log(),
  };
  const client = new LanguageClient('mlship', 'MLShip Diagnostics', serverOptions, clientOptions);
  client.onNotification(StatusNotification.type, ({ state, message }) => {
    if (state === 'error') void showNotice('error', message);
    else log().info(message);
  });
  await client.start();
  return client;
}
