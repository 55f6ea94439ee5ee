// Starts the MLShip language server (dist/server.js, its own process) over IPC and keeps the client.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { StatusNotification } from '../shared/lsp';
import { log } from './log';
import { showNotice } from './notify';

const LANGUAGES = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [{ scheme: 'file', language }, { scheme: 'untitled', language }]),
      { notebook: 'jupyter-notebook', language: 'python' },
    ],
    synchronize: { configurationSection: 'mlship', fileEvents: vscode.workspace.createFileSystemWatcher('**/mlship.yaml') },
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
