// Activation: registers views, commands and the details panel, then starts discovery in the background. Nothing heavy
// happens here, and onnxruntime-node never loads in the extension host: it runs in the model process (dist/serve.js).
import * as vscode from 'vscode';
import type { Catalog } from '../core/registry/types';
import { CatalogService } from './catalogService';
import { Commands } from './commands';
import { DeploymentCommands } from './deployments/commands';
import { DeploymentsService } from './deployments/deploymentsService';
import { DeploymentsTreeProvider } from './deployments/deploymentsTree';
import { createDeploymentStatusBar } from './deployments/statusBar';
import { featureNamesOf, findModelVersion } from '../core/registry/resolve';
import { DriftCommands } from './drift/driftCommands';
import { DetailsPanel } from './catalog/detailsPanel';
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
    ...new DriftCommands(context, service, snapshotsView).register(),
    DetailsPanel.serializer(context.extensionUri, commands),
    vscode.workspace.onDidGrantWorkspaceTrust(() => service.refresh()),
  );
  // Deployments: mlship.yaml's deployments and local ones; polled only while the view or a dashboard is open.
  const deployments = new DeploymentsService(context, (config, root) => {
    const found = config.model ? findModelVersion(service.all, config.model, root) : undefined;
    const featureNames = found ? featureNamesOf(found.version) : undefined;
    // The served version's lineage names the default drift baseline (its training snapshot).
    return found ? { served: { model: found.model, version: found.version }, ...(featureNames ? { featureNames } : {}) } : undefined;
  });
  const deploymentsProvider = new DeploymentsTreeProvider(deployments);
  const deploymentsView = vscode.window.createTreeView('mlship.deployments', { treeDataProvider: deploymentsProvider, showCollapseAll: true });
  const deploymentCommands = new DeploymentCommands(context, deployments, { provider: deploymentsProvider, view: deploymentsView }, service, (node, ask) => commands.pickVersion(node, ask));
  context.subscriptions.push(
    deployments,
    deploymentsView,
    deploymentsView.onDidChangeVisibility((e) => deployments.setViewVisible(e.visible)),
    service.onDidChange(() => void deployments.reload()),
    ...deploymentCommands.register(),
    ...createDeploymentStatusBar(context, deployments),
    ...activateScaffold(service, deployments),
  );
  setTimeout(() => {
    void deployments.reload();
    deployments.setViewVisible(deploymentsView.visible);
  }, 0);
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
  const onnxLoaded = Object.keys(require.cache).some((key) => /[\\/]onnxruntime-(node|common)[\\/]/.test(key));
  channel.info(`MLShip activated in ${activationMs.toFixed(1)} ms; onnxruntime loaded: ${onnxLoaded}; workspace trusted: ${vscode.workspace.isTrusted}.`);
  return { activationMs, onnxRuntimeLoadedAtActivation: onnxLoaded, catalogs: () => service.all, whenIdle: () => service.whenIdle(), languageClient: () => clientReady };
}

let client: LanguageClient | undefined;

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
