// Activation: registers views, commands and the details panel, then starts discovery in the background. Nothing heavy
// happens here: onnxruntime-node loads only when a benchmark runs.
import * as vscode from 'vscode';
import { isOnnxRuntimeLoaded } from '../core/inference/benchmark';
import type { Catalog } from '../core/registry/types';
import { CatalogService } from './catalogService';
import { Commands } from './commands';
import { DETAILS_VIEW_TYPE, DetailsPanel } from './detailsPanel';
import { log } from './log';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ModelsTreeProvider } from './modelsTree';
import { activateScaffold } from './scaffold/activate';
import { SnapshotsTreeProvider } from './snapshotsTree';

/** What the extension returns from activate(): used by tests and benchmarks. */
export interface MlshipApi {
  activationMs: number;
  onnxRuntimeLoadedAtActivation: boolean;
  catalogs(): Catalog[];
  whenIdle(): Promise<void>;
  languageClient(): Promise<LanguageClient | undefined>;
}

export function activate(context: vscode.ExtensionContext): MlshipApi {
  const started = performance.now();
  const channel = log();
  context.subscriptions.push(channel);
  const service = new CatalogService();
  const modelsProvider = new ModelsTreeProvider(service);
  const snapshotsProvider = new SnapshotsTreeProvider(service);
  const modelsView = vscode.window.createTreeView('mlship.models', { treeDataProvider: modelsProvider, showCollapseAll: true });
  const snapshotsView = vscode.window.createTreeView('mlship.snapshots', { treeDataProvider: snapshotsProvider, showCollapseAll: true });
  const commands = new Commands(context.extensionUri, service, { provider: modelsProvider, view: modelsView }, { provider: snapshotsProvider, view: snapshotsView });
  context.subscriptions.push(
    service,
    modelsView,
    snapshotsView,
    ...commands.register(),
    vscode.window.registerWebviewPanelSerializer(DETAILS_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => DetailsPanel.revive(panel, context.extensionUri, commands, state),
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => service.refresh()),
    ...activateScaffold(service),
  );
  // Discovery and the language server start after activation returns.
  setTimeout(() => service.start(), 0);
  // The language client (and vscode-languageclient) loads after activation too.
  const startClient = () =>
    import('./languageClient').then((m) => m.startLanguageClient(context)).then(
      (c) => (client = c),
      (err: unknown) => {
        log().error(`The MLShip language server did not start: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      },
    );
  let clientReady = new Promise<LanguageClient | undefined>((resolve) => setTimeout(() => resolve(startClient()), 0));
  context.subscriptions.push(
    vscode.commands.registerCommand('mlship.restartLanguageServer', async () => {
      await client?.stop();
      client = undefined;
      clientReady = startClient();
      await clientReady;
    }),
  );
  const activationMs = performance.now() - started;
  const onnxLoaded = isOnnxRuntimeLoaded();
  channel.info(`MLShip activated in ${activationMs.toFixed(1)} ms; onnxruntime loaded: ${onnxLoaded}; workspace trusted: ${vscode.workspace.isTrusted}.`);
  return { activationMs, onnxRuntimeLoadedAtActivation: onnxLoaded, catalogs: () => service.all, whenIdle: () => service.whenIdle(), languageClient: () => clientReady };
}

let client: LanguageClient | undefined;

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
