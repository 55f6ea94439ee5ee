// package.json's menus of the Deployments view: a narrow sidebar leaves a selected row's name room only for one
// inline action, so the row shows Open Dashboard inline and every other command in its context menu.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuEntry[]> } };
const items = pkg.contributes.menus['view/item/context'] ?? [];
const deploymentRows = items.filter((m) => m.when?.includes('view == mlship.deployments') && m.when.includes('mlship\\.deployment\\.'));

describe('the Deployments view menus', () => {
  it('shows one inline action on a deployment row (Open Dashboard), whatever kind of deployment it is', () => {
    const inline = deploymentRows.filter((m) => m.group?.startsWith('inline'));
    assert.deepEqual(inline.map((m) => m.command), ['mlship.openDashboard']);
  });

  it('offers every deployment command in the context menu, grouped: dashboard, traffic, settings, the local process', () => {
    const menu = deploymentRows.filter((m) => !m.group?.startsWith('inline')).map((m) => `${m.group} ${m.command}`);
    assert.deepEqual(menu.sort(), [
      '1_dashboard@1 mlship.openDashboard',
      '1_dashboard@2 mlship.probeDeployment',
      '2_traffic@1 mlship.replaySnapshot',
      '3_config@1 mlship.setDeploymentToken',
      '3_config@2 mlship.editDeployment',
      '4_local@1 mlship.stopLocalDeployment',
    ]);
  });
});
