// The scaffold's editor parts, created on first use (see activate.ts): the health source, the rollout controls, the
// Scaffold ML Feature command and its preview documents.
import * as vscode from 'vscode';
import type { CatalogService } from '../catalogService';
import { LiveHealthSource, type DeploymentHealthSource } from './health';
import type { DeploymentsService } from '../deployments/deploymentsService';
import { RolloutControls } from './rolloutControls';
import { PREVIEW_SCHEME, ScaffoldCommand, ScaffoldPreviews } from './scaffoldCommand';

export interface ScaffoldFeatures extends vscode.Disposable {
  controls: RolloutControls;
  scaffold: ScaffoldCommand;
}

export function createScaffoldFeatures(service: CatalogService, deployments: DeploymentsService, health: DeploymentHealthSource = new LiveHealthSource(deployments)): ScaffoldFeatures {
  const controls = new RolloutControls(health);
  const previews = new ScaffoldPreviews();
  const scaffold = new ScaffoldCommand(service, previews);
  const registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews);
  return {
    controls,
    scaffold,
    dispose() {
      registration.dispose();
      previews.dispose();
      controls.dispose();
      health.dispose();
    },
  };
}
