// Registers Scaffold ML Feature, Set Rollout Percentage, Kill Switch and the flag-file CodeLens at activation, cheaply:
// the implementation (flag file validation with flagd-core, the templates) loads on first use.
import * as vscode from 'vscode';
import type { CatalogService } from '../catalogService';
import type { DeploymentsService } from '../deployments/deploymentsService';
import type { ModelsNode } from '../modelsTree';
import { showCommandError } from '../notify';
import type { ScaffoldFeatures } from './features';

export function activateScaffold(service: CatalogService, deployments: DeploymentsService): vscode.Disposable[] {
  let features: Promise<ScaffoldFeatures> | undefined;
  let loaded: ScaffoldFeatures | undefined;
  const lensesChanged = new vscode.EventEmitter<void>();
  const load = (): Promise<ScaffoldFeatures> =>
    (features ??= import('./features').then((m) => {
      loaded = m.createScaffoldFeatures(service, deployments);
      loaded.controls.onDidChangeCodeLenses(() => lensesChanged.fire());
      return loaded;
    }));
  const command = (id: string, fn: (f: ScaffoldFeatures, ...args: unknown[]) => Promise<void>) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await fn(await load(), ...args);
      } catch (err) {
        showCommandError(id, err);
      }
    });
  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    provideCodeLenses: async (document, token) => (await load()).controls.provideCodeLenses(document, token),
  };
  return [
    lensesChanged,
    command('mlship.scaffoldFeature', (f, node) => f.scaffold.run(node as ModelsNode | undefined)),
    command('mlship.setRolloutPercentage', (f, uri, key) => f.controls.setPercentage(uri as vscode.Uri | undefined, key as string | undefined)),
    command('mlship.killSwitch', (f, uri, key) => f.controls.killSwitch(uri as vscode.Uri | undefined, key as string | undefined)),
    vscode.languages.registerCodeLensProvider([{ pattern: '**/*.flagd.json' }, { language: 'json', scheme: 'file' }, { language: 'jsonc', scheme: 'file' }], lenses),
    {
      dispose: () => {
        loaded?.dispose();
      },
    },
  ];
}
