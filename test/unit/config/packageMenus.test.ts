// package.json's menus of the MLShip views. A narrow sidebar leaves a selected row's name room for one inline action
// only, so every kind of row (src/core/present/rowKinds.ts) shows at most one inline, and every command of a row is in
// its context menu, in groups: what opens or shows first, then what runs, then what changes files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROW_KIND, deploymentRowKind, rowKinds, snapshotRowKind, versionRowKind, type MlshipViewId } from '../../../src/core/present/rowKinds';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, MenuEntry[]>; views: Record<string, { id: string }[]> };
};
const items = pkg.contributes.menus['view/item/context'] ?? [];
const palette = pkg.contributes.menus.commandPalette ?? [];

type Context = Record<string, string | boolean | undefined>;

/**
 * Evaluates a `when` clause the way VS Code does, for the forms package.json uses: `key`, `!e`, `a && b`, `a || b`,
 * `key == value`, `key != value`, `key =~ /regex/flags`, `true`, `false`. Anything else throws, so a clause this does
 * not understand fails the test instead of being misread.
 */
function evaluateWhen(when: string, context: Context): boolean {
  const tokens = when.match(/\/(?:\\.|[^/\\])+\/[a-z]*|&&|\|\||==|!=|=~|!|[^\s!=&|]+/g) ?? [];
  let at = 0;
  const next = (): string => {
    const t = tokens[at++];
    if (t === undefined) throw new Error(`unexpected end of when clause: ${when}`);
    return t;
  };
  const literal = (t: string): string => t.replace(/^'(.*)'$/, '$1');
  const term = (): boolean => {
    const t = next();
    if (t === '!') return !term();
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (/^[&|=!/]/.test(t)) throw new Error(`unexpected "${t}" in when clause: ${when}`);
    const op = tokens[at];
    const value = context[t];
    if (op === '==' || op === '!=') {
      at++;
      const equal = String(value) === literal(next());
      return op === '==' ? equal : !equal;
    }
    if (op === '=~') {
      at++;
      const re = /^\/(.*)\/([a-z]*)$/.exec(next());
      if (!re) throw new Error(`=~ needs a /regex/ in when clause: ${when}`);
      return typeof value === 'string' && new RegExp(re[1] ?? '', re[2]).test(value);
    }
    return !!value;
  };
  const and = (): boolean => {
    let v = term();
    while (tokens[at] === '&&') {
      at++;
      v = term() && v;
    }
    return v;
  };
  let v = and();
  while (tokens[at] === '||') {
    at++;
    v = and() || v;
  }
  if (at !== tokens.length) throw new Error(`cannot read "${tokens.slice(at).join(' ')}" in when clause: ${when}`);
  return v;
}

/** The entries of the view/item/context menu that a row of kind `kind` in `view` shows. */
function rowMenu(view: string, kind: string, trusted = true): MenuEntry[] {
  return items.filter((m) => m.when === undefined || evaluateWhen(m.when, { view, viewItem: kind, isWorkspaceTrusted: trusted }));
}
const inlineOf = (entries: MenuEntry[]): string[] => entries.filter((m) => m.group?.startsWith('inline')).map((m) => m.command);
/** The context menu as `group command` lines in menu order (groups by name, then by `@order`). */
function contextMenuOf(entries: MenuEntry[]): string[] {
  const key = (m: MenuEntry): [string, number] => {
    const [group = '', order = '0'] = (m.group ?? '').split('@');
    return [group, Number(order)];
  };
  return entries
    .filter((m) => !m.group?.startsWith('inline'))
    .sort((a, b) => {
      const [ga, oa] = key(a);
      const [gb, ob] = key(b);
      return ga === gb ? oa - ob : ga < gb ? -1 : 1;
    })
    .map((m) => `${m.group} ${m.command}`);
}

const mlshipViews = (pkg.contributes.views.mlship ?? []).map((v) => v.id as MlshipViewId);

describe('the when clauses of package.json', () => {
  it('are read as VS Code reads them', () => {
    const ctx = { view: 'mlship.models', viewItem: 'mlship.version.benchmarkable', isWorkspaceTrusted: true };
    assert.equal(evaluateWhen('view == mlship.models && viewItem =~ /benchmarkable/ && isWorkspaceTrusted', ctx), true);
    assert.equal(evaluateWhen('view == mlship.models && viewItem =~ /benchmarkable/ && !isWorkspaceTrusted', ctx), false);
    assert.equal(evaluateWhen('view == mlship.snapshots || viewItem =~ /^mlship\\.(model|version)/', ctx), true);
    assert.equal(evaluateWhen("view != 'mlship.models' || false", ctx), false);
    assert.equal(evaluateWhen('viewItem =~ /^mlship\\.version$/', ctx), false);
    assert.equal(evaluateWhen('viewItem =~ /x/', { view: 'mlship.models' }), false, 'a row with no contextValue matches no regex');
    assert.throws(() => evaluateWhen('view in mlshipViews', ctx), /cannot read "in mlshipViews"/);
    assert.throws(() => evaluateWhen('view == ', ctx), /unexpected end/);
  });

  it('every when clause of the view/item/context menu can be read', () => {
    for (const m of items) if (m.when) assert.doesNotThrow(() => evaluateWhen(m.when ?? '', { view: 'mlship.models' }), m.when);
  });
});

describe('the menus of every MLShip view', () => {
  it('lists the row kinds of each view of the MLShip container', () => {
    assert.deepEqual(mlshipViews, ['mlship.models', 'mlship.snapshots', 'mlship.deployments']);
  });

  it('shows at most one inline action on any kind of row, trusted workspace or not', () => {
    const crowded: string[] = [];
    for (const view of mlshipViews) {
      for (const kind of rowKinds(view)) {
        for (const trusted of [true, false]) {
          const inline = inlineOf(rowMenu(view, kind, trusted));
          if (inline.length > 1) crowded.push(`${view} ${kind || '(no contextValue)'}${trusted ? '' : ' (untrusted)'}: ${inline.join(', ')}`);
        }
      }
    }
    assert.deepEqual(crowded, []);
  });

  it("puts a row's inline action in its context menu too", () => {
    for (const view of mlshipViews) {
      for (const kind of rowKinds(view)) {
        const menu = rowMenu(view, kind);
        const inContextMenu = new Set(menu.filter((m) => !m.group?.startsWith('inline')).map((m) => m.command));
        for (const command of inlineOf(menu)) assert.ok(inContextMenu.has(command), `${command} on ${view} ${kind}`);
      }
    }
  });

  it('keeps every command of a row in the Command Palette', () => {
    const hidden = new Set(palette.filter((m) => m.when === 'false').map((m) => m.command));
    for (const m of items) assert.ok(!hidden.has(m.command), `${m.command} is hidden from the Command Palette`);
  });
});

describe('the Models view menus', () => {
  const view = 'mlship.models';

  it('shows Show Details as the one inline action on a version, benchmarkable or not', () => {
    assert.deepEqual(inlineOf(rowMenu(view, versionRowKind(true))), ['mlship.showDetails']);
    assert.deepEqual(inlineOf(rowMenu(view, versionRowKind(false))), ['mlship.showDetails']);
    assert.deepEqual(inlineOf(rowMenu(view, ROW_KIND.model)), []);
  });

  it("offers an ONNX version's commands in its context menu: open, run, copy, scaffold", () => {
    assert.deepEqual(contextMenuOf(rowMenu(view, versionRowKind(true))), [
      '1_open@1 mlship.showDetails',
      '1_open@2 mlship.revealInExplorer',
      '2_run@1 mlship.benchmarkLatency',
      '2_run@2 mlship.serveLocally',
      '3_copy@1 mlship.copyReference',
      '4_scaffold@1 mlship.scaffoldFeature',
    ]);
  });

  it('leaves out what loads a model where it cannot run (not ONNX, or an untrusted workspace)', () => {
    const rest = ['1_open@1 mlship.showDetails', '1_open@2 mlship.revealInExplorer', '3_copy@1 mlship.copyReference', '4_scaffold@1 mlship.scaffoldFeature'];
    assert.deepEqual(contextMenuOf(rowMenu(view, versionRowKind(false))), rest);
    assert.deepEqual(contextMenuOf(rowMenu(view, versionRowKind(true), false)), rest);
    assert.deepEqual(contextMenuOf(rowMenu(view, ROW_KIND.model)), ['1_open@2 mlship.revealInExplorer', '3_copy@1 mlship.copyReference']);
  });
});

describe('the Data Snapshots view menus', () => {
  const view = 'mlship.snapshots';

  it('shows Compare with Baseline as the one inline action on a snapshot whose data is here, none on one not pulled', () => {
    assert.deepEqual(inlineOf(rowMenu(view, snapshotRowKind(true))), ['mlship.compareWithBaseline']);
    assert.deepEqual(inlineOf(rowMenu(view, snapshotRowKind(false))), []);
    assert.deepEqual(inlineOf(rowMenu(view, ROW_KIND.dataset)), []);
  });

  it("offers a snapshot's commands in its context menu: open, drift, copy, and Set as Baseline (it edits mlship.yaml) last", () => {
    assert.deepEqual(contextMenuOf(rowMenu(view, snapshotRowKind(true))), [
      '1_open@1 mlship.showDetails',
      '1_open@2 mlship.revealInExplorer',
      '2_drift@1 mlship.compareWithBaseline',
      '2_drift@2 mlship.compareWith',
      '2_drift@3 mlship.profileSnapshot',
      '3_copy@1 mlship.copyReference',
      '4_baseline@1 mlship.setAsBaseline',
    ]);
    assert.deepEqual(contextMenuOf(rowMenu(view, snapshotRowKind(false))), ['1_open@1 mlship.showDetails', '1_open@2 mlship.revealInExplorer', '3_copy@1 mlship.copyReference']);
  });
});

describe('the Deployments view menus', () => {
  const view = 'mlship.deployments';
  const local = deploymentRowKind({ local: true, inference: true, baseline: true });
  const configured = deploymentRowKind({ local: false, inference: true, baseline: false });

  it('shows one inline action on a deployment row (Open Dashboard), whatever kind of deployment it is', () => {
    for (const kind of rowKinds(view).filter((k) => k !== ROW_KIND.deploymentDetail)) assert.deepEqual(inlineOf(rowMenu(view, kind)), ['mlship.openDashboard'], kind);
  });

  it('offers every deployment command in the context menu, grouped: dashboard, traffic, settings, the local process', () => {
    assert.deepEqual(contextMenuOf(rowMenu(view, local)), ['1_dashboard@1 mlship.openDashboard', '1_dashboard@2 mlship.probeDeployment', '2_traffic@1 mlship.replaySnapshot', '4_local@1 mlship.stopLocalDeployment']);
    assert.deepEqual(contextMenuOf(rowMenu(view, configured)), [
      '1_dashboard@1 mlship.openDashboard',
      '1_dashboard@2 mlship.probeDeployment',
      '2_traffic@1 mlship.replaySnapshot',
      '3_config@1 mlship.setDeploymentToken',
      '3_config@2 mlship.editDeployment',
    ]);
  });
});
