// What the scaffold and the rollout controls read from a workspace folder: its mlship.yaml, the flag file it names,
// and the deployment linked to a flag.
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_FILE, parseManifest, type DeploymentConfig, type Manifest } from '../../core/config/manifest';
import { DEFAULT_FLAG_FILE } from '../../core/scaffold/flagFile';

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** The folder's mlship.yaml when it exists and is valid. */
export async function folderManifest(folder: vscode.WorkspaceFolder): Promise<Manifest | undefined> {
  const text = await readText(join(folder.uri.fsPath, MANIFEST_FILE));
  return text === null ? undefined : parseManifest(text).manifest;
}

/** The flag file of a folder: flags: of mlship.yaml, or the default. */
export async function flagFileOf(folder: vscode.WorkspaceFolder): Promise<vscode.Uri> {
  const manifest = await folderManifest(folder);
  return vscode.Uri.joinPath(folder.uri, manifest?.flags ?? DEFAULT_FLAG_FILE);
}

/** Whether a document is a flagd flag file MLShip controls: *.flagd.json, or the file mlship.yaml names. */
export async function isFlagFile(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return false;
  if (uri.path.endsWith('.flagd.json')) return true;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder ? (await flagFileOf(folder)).fsPath === uri.fsPath : false;
}

/** The deployment of mlship.yaml whose `flag:` is this flag. */
export async function linkedDeployment(folder: vscode.WorkspaceFolder, flagKey: string): Promise<DeploymentConfig | undefined> {
  return (await folderManifest(folder))?.deployments?.find((d) => d.flag === flagKey);
}

/** A path relative to its workspace folder, with forward slashes. */
export function folderRelative(folder: vscode.WorkspaceFolder, path: string): string {
  return relative(folder.uri.fsPath, path).split(sep).join('/');
}
