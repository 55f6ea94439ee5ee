// e2e: MLShip in a real VS Code (code-server) on the sample workspace.
import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { collapseAll, e2eTest, expand, openContextMenu, openMlshipSidebar, row, rowNameShown, runFromContextMenu, screenshotContextMenu, selectRow, setSidebarWidth, shownInlineActions, view, type VsCodeSession, startVsCode } from './harness';

describe('MLShip sidebar in code-server', () => {
  let vs: VsCodeSession;
  let page: Page;
  const test = (name: string, fn: () => Promise<void>): void => e2eTest(() => vs, name, fn);

  before(async () => {
    vs = await startVsCode();
    page = vs.page;
    await openMlshipSidebar(page, 260);
  });

  after(async () => {
    await vs?.close();
  });

  test('shows the MLShip container with the sample models, aliases and a version signature', async () => {
    const models = view(page, 'Models');
    for (const name of ['credit-risk', 'delivery-eta', 'churn-gbt', 'image-tagger', 'sentiment-distilbert', 'tinyllama-q4']) {
      await row(models, name).waitFor({ timeout: 30_000 });
    }
    await expand(models, /^credit-risk\s*2 versions/);
    const champion = row(models, /version 2.*@champion/);
    await champion.waitFor();
    assert.match(await champion.innerText(), /@champion/);
    assert.match(await row(models, /version 1/).innerText(), /@challenger/);
    await expand(models, /version 2.*@champion/);
    await row(models, 'float_input').waitFor();
    assert.match(await row(models, 'float_input').innerText(), /float32 \[N, 6\]/);
    assert.match(await row(models, 'probabilities').innerText(), /float32 \[N, 2\]/);
    await vs.screenshot('01-models-version-signature');
  });

  test('shows an error node for the corrupt model and marks pickle files unsafe', async () => {
    const models = view(page, 'Models');
    await collapseAll(page, 'Models');
    const broken = row(models, 'credit-risk-truncated');
    await broken.waitFor();
    assert.match(await broken.innerText(), /Truncated/i);
    assert.equal(await broken.locator('.codicon-error').count(), 1);
    const pickle = row(models, 'credit_model');
    await pickle.waitFor();
    await vs.screenshot('02-models-error-node');
  });

  test('shows the data snapshots, grouped by dataset, and the DVC-tracked file that is not pulled', async () => {
    const snapshots = view(page, 'Data Snapshots');
    await expand(snapshots, /^applications/);
    await row(snapshots, /2025-11.*rows/).waitFor();
    await row(snapshots, /2025-10.*rows/).waitFor();
    assert.match(await row(snapshots, /2025-10/).innerText(), /2,000 rows/);
    await expand(snapshots, /^transactions/);
    const dvc = row(snapshots, /transactions\.csv/);
    assert.match(await dvc.innerText(), /DVC · not pulled/);
    await expand(snapshots, /^2025-10/);
    assert.match(await row(snapshots, /^Rows/).innerText(), /2,000/);
    assert.match(await row(snapshots, /^Columns/).innerText(), /10/);
    await vs.screenshot('03-data-snapshots');
  });

  test('a version\'s lineage link reveals the training snapshot in Data Snapshots', async () => {
    await collapseAll(page, 'Data Snapshots');
    const models = view(page, 'Models');
    await collapseAll(page, 'Models');
    await expand(models, /^credit-risk\s*2 versions/);
    await expand(models, /version 2.*@champion/);
    await expand(models, /^Lineage/);
    await row(models, /applications-2025-10\s*data\/credit-risk/).click();
    const selected = view(page, 'Data Snapshots').locator('.monaco-list-row[aria-selected="true"]');
    await selected.waitFor({ timeout: 10_000 });
    assert.match(await selected.innerText(), /2025-10/);
    await vs.screenshot('04-lineage-reveal');
  });

  test('Benchmark Latency runs onnxruntime on a sample model and shows percentiles', async () => {
    const models = view(page, 'Models');
    await collapseAll(page, 'Models');
    await expand(models, /^credit-risk\s*2 versions/);
    // Benchmark Latency is in the version's context menu (not an inline button).
    await runFromContextMenu(row(models, /version 2.*@champion/), 'Benchmark Latency');
    const toast = page.locator('.notification-toast', { hasText: /p50 .* p95 .* p99/ });
    await toast.waitFor({ timeout: 120_000 });
    const text = await toast.innerText();
    assert.match(text, /credit-risk version 2/);
    assert.match(text, /inferences\/s/);
    assert.match(text, /budget/);
    // The details panel shows the percentile table.
    const frame = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
    const table = frame.locator('table', { hasText: 'p95' });
    await table.waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('h1').innerText(), /credit-risk — version 2/);
    const cells = await table.locator('td').allInnerTexts();
    for (const p of ['p50', 'p95', 'p99', 'throughput', 'cold start (session)']) assert.ok(cells.includes(p), `${p} row`);
    assert.match(await frame.locator('.section', { hasText: 'Latency budget' }).innerText(), /within the 50.0 ms budget/);
    await page.locator('.notification-toast', { hasText: 'Benchmarking' }).waitFor({ state: 'detached', timeout: 30_000 });
    await vs.screenshot('05-benchmark-latency');
  });

  test('activation did not load onnxruntime', async () => {
    await vs.runCommand('MLShip: Show Log');
    const line = page.locator('.view-line', { hasText: 'MLShip activated in' });
    await line.waitFor({ timeout: 30_000 });
    // Monaco renders spaces as no-break spaces.
    assert.match((await line.innerText()).replace(/\s+/g, ' '), /onnxruntime loaded: false/);
    await vs.screenshot('06-log');
  });

  test('a selected model version in a 250 px sidebar keeps its name: one inline action, the rest in its context menu', async () => {
    const models = view(page, 'Models');
    await collapseAll(page, 'Models');
    await expand(models, /^credit-risk\s*2 versions/);
    const version = row(models, /version 2.*@champion/);
    const wide = await setSidebarWidth(page, 250);
    try {
      await selectRow(version);
      assert.deepEqual(await rowNameShown(version), { name: 'version 2', shown: 'version 2' });
      assert.deepEqual(await shownInlineActions(version), ['Show Details']);
      // Even at the narrowest sidebar VS Code allows (with three inline actions the row showed "versi…" there).
      await setSidebarWidth(page, 170);
      assert.deepEqual(await rowNameShown(version), { name: 'version 2', shown: 'version 2' });
      await vs.screenshot('08-models-narrowest-selected');
      await setSidebarWidth(page, 250);
      await version.hover();
      await vs.screenshot('08-models-narrow-selected');
      const { menu, enabled, disabled } = await openContextMenu(version);
      assert.deepEqual(enabled, ['Show Details', 'Reveal in Explorer', 'Benchmark Latency', 'Serve Model Locally', 'Copy Reference', 'Scaffold ML Feature']);
      assert.deepEqual(disabled, []);
      await screenshotContextMenu(vs, menu, '08-models-narrow-context-menu');
    } finally {
      await setSidebarWidth(page, wide);
    }
  });

  test('a selected data snapshot in a 250 px sidebar: Compare with Baseline inline, the rest in its context menu', async () => {
    const snapshots = view(page, 'Data Snapshots');
    await collapseAll(page, 'Data Snapshots');
    await expand(snapshots, /^applications/);
    const snapshot = row(snapshots, /2025-11.*rows/);
    const wide = await setSidebarWidth(page, 250);
    try {
      await selectRow(snapshot);
      const { name, shown } = await rowNameShown(snapshot);
      assert.equal(shown, name);
      assert.match(name, /2025-11/);
      assert.deepEqual(await shownInlineActions(snapshot), ['Compare with Baseline']);
      await setSidebarWidth(page, 170);
      assert.deepEqual(await rowNameShown(snapshot), { name, shown: name });
      await setSidebarWidth(page, 250);
      await snapshot.hover();
      await vs.screenshot('09-snapshots-narrow-selected');
      const { menu, enabled, disabled } = await openContextMenu(snapshot);
      assert.deepEqual(enabled, ['Show Details', 'Reveal in Explorer', 'Compare with Baseline', 'Compare with…', 'Profile Snapshot', 'Copy Reference', 'Set as Baseline']);
      assert.deepEqual(disabled, []);
      await screenshotContextMenu(vs, menu, '09-snapshots-narrow-context-menu');
    } finally {
      await setSidebarWidth(page, wide);
    }
  });

  test('refreshes by itself when a model is added, and reports an invalid mlship.yaml in Problems', async () => {
    const models = view(page, 'Models');
    await collapseAll(page, 'Models');
    await copyFile(join(vs.workspace, 'models', 'churn-gbt.onnx'), join(vs.workspace, 'models', 'fraud-screen.onnx'));
    await row(models, /^fraud-screen/).waitFor({ timeout: 30_000 });
    await writeFile(join(vs.workspace, 'mlship.yaml'), 'version: 1\nmodels: [models/]\ndeployments:\n  - name: prod\n    budgets: { latency_p95_ms: -5 }\n');
    await vs.runCommand('View: Focus Problems');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'latency_p95_ms' });
    await problem.waitFor({ timeout: 30_000 });
    assert.match(await problem.innerText(), /must be > 0/);
    assert.match(await problem.innerText(), /Ln 5/);
    await vs.screenshot('07-refresh-and-manifest-problem');
  });
});
