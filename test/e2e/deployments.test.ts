// e2e: connected deployments in a real VS Code (code-server). Serve a sample model locally from the Models tree, see
// it in the Deployments view (its tooltip stays open across polls; in a narrow sidebar a selected row keeps its name,
// with one inline action and the rest in its context menu) with live p95 against the budget as traffic arrives, replay
// a drifted snapshot with feedback through the command, open the dashboard, watch a configured deployment that is
// down, stop the local one and see its port freed.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { activeWebview, e2eTest, openContextMenu, row, screenshotContextMenu, setSidebarWidth, startVsCode, type VsCodeSession } from './harness';

function view(page: Page, title: string): Locator {
  return page.locator('.pane', { has: page.locator(`.pane-header[aria-label^="${title}"]`) });
}

async function expand(scope: Locator, text: string | RegExp): Promise<void> {
  const r = row(scope, text);
  await r.waitFor({ timeout: 30_000 });
  if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
  await scope.page().waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await r.elementHandle(), { timeout: 10_000 });
}

async function collapsePane(page: Page, title: string): Promise<void> {
  const header = page.locator(`.pane-header[aria-label^="${title}"]`);
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
}

/**
 * Answers the input box whose prompt matches: the widget's input element is reused from one box to the next, so
 * typing as soon as it is visible could land in the box just accepted, and every later answer one box off.
 */
async function answerInput(page: Page, prompt: RegExp, value: string): Promise<void> {
  const message = page.locator('.quick-input-widget .quick-input-message', { hasText: prompt });
  await message.waitFor({ timeout: 15_000 });
  await page.locator('.quick-input-widget input').fill(value);
  await page.keyboard.press('Enter');
  await message.waitFor({ state: 'hidden', timeout: 15_000 });
}

async function pick(page: Page, text: string | RegExp): Promise<void> {
  const item = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await item.waitFor({ timeout: 15_000 });
  await item.click();
}

describe('Deployments in code-server', () => {
  let vs: VsCodeSession;
  let page: Page;
  let url = '';
  const test = (name: string, fn: () => Promise<void>): void => e2eTest(() => vs, name, fn);

  before(async () => {
    vs = await startVsCode();
    page = vs.page;
    await page.getByRole('tab', { name: /^MLShip/ }).click();
    await view(page, 'Models').locator('.monaco-list-row').first().waitFor({ timeout: 60_000 });
    const box = await page.locator('.part.sidebar').boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width + 360, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
    }
    await collapsePane(page, 'Data Snapshots');
  });

  after(async () => {
    await vs?.close();
  });

  test('Serve Model Locally on a model version starts it and shows it in the Deployments view', async () => {
    const models = view(page, 'Models');
    await expand(models, /^credit-risk\s*2 versions/);
    await row(models, /version 2.*@champion/).click();
    await vs.runCommand('MLShip: Serve Model Locally');
    const toast = page.locator('.notification-toast', { hasText: /is served at http:\/\/127\.0\.0\.1:\d+/ });
    await toast.waitFor({ timeout: 60_000 });
    url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(await toast.innerText())?.[1] ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const deployments = view(page, 'Deployments');
    const node = row(deployments, /credit-risk v2 \(local\)/);
    await node.waitFor({ timeout: 30_000 });
    await page.waitForFunction((el) => /Healthy/.test(el?.textContent ?? ''), await node.elementHandle(), { timeout: 30_000 });
    assert.match(await node.innerText(), /Healthy/);
    await vs.screenshot('20-deployments-local-served');
  });

  test("a deployment row's tooltip stays open while polls update the rows under it", async () => {
    const deployments = view(page, 'Deployments');
    const node = row(deployments, /credit-risk v2 \(local\)/);
    // Serve Model Locally reveals the new deployment expanded: the time of its last check is on the row under it.
    const checked = row(deployments, /^Checked/);
    await page.waitForFunction((el) => /\d{2}:\d{2}:\d{2}/.test(el?.textContent ?? ''), await checked.elementHandle(), { timeout: 15_000 });
    // Throughput shows from the second scrape on; after that, with no traffic, the row shows the same at every poll.
    await page.waitForFunction((el) => /req\/s/.test(el?.textContent ?? ''), await node.elementHandle(), { timeout: 15_000 });
    const checkedBefore = await checked.innerText();
    const rowBefore = await node.innerText();
    await node.locator('.label-name').hover();
    const hover = page.locator('.workbench-hover', { hasText: 'credit-risk v2 (local)' });
    await hover.waitFor({ timeout: 10_000 });
    const shown = await hover.elementHandle();
    assert.match(await hover.innerText(), /credit-risk v2 \(local\) — Healthy[\s\S]*http:\/\/127\.0\.0\.1:\d+/);
    // Four polls at the local deployment's 2 s interval: the Checked row is redrawn, the hovered row is not.
    await page.waitForTimeout(8_500);
    assert.notEqual(await checked.innerText(), checkedBefore, 'the deployment was polled while the tooltip was open');
    assert.equal(await node.innerText(), rowBefore);
    assert.ok(await shown?.evaluate((el) => el.isConnected), 'the tooltip shown at first is still open (not closed by a redraw of its row)');
    assert.ok(await hover.isVisible());
    await vs.screenshot('27-deployments-tooltip-across-polls');
    await page.mouse.move(5, 500);
  });

  test('a selected deployment row in a narrow sidebar keeps its name: one inline action, the rest in its context menu', async () => {
    const deployments = view(page, 'Deployments');
    const node = row(deployments, /credit-risk v2 \(local\)/);
    const wide = await setSidebarWidth(page, 250);
    try {
      await node.click();
      await page.waitForFunction((el) => el?.classList.contains('selected') ?? false, await node.elementHandle(), { timeout: 5_000 });
      const actions = node.locator('.actions .action-label');
      assert.deepEqual(await actions.evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetWidth > 0).map((e) => e.getAttribute('aria-label'))), ['Open Dashboard']);
      // The whole name is visible: it ends before the label's clipping box does.
      const fits = await node.locator('.monaco-icon-label').first().evaluate((label) => {
        const name = label.querySelector('.label-name')?.getBoundingClientRect();
        const box = label.querySelector('.monaco-icon-label-container')?.getBoundingClientRect();
        return !!name && !!box && name.right <= box.right + 0.5;
      });
      assert.ok(fits, 'the deployment name is not cut');
      await node.hover();
      await vs.screenshot('28-deployments-narrow-selected');
      const { menu, enabled, disabled } = await openContextMenu(node);
      for (const title of ['Open Dashboard', 'Probe Now', 'Replay Snapshot Traffic', 'Stop Local Deployment']) assert.ok(enabled.includes(title), JSON.stringify(enabled));
      assert.deepEqual(disabled, []);
      await screenshotContextMenu(vs, menu, '29-deployments-narrow-context-menu');
    } finally {
      await setSidebarWidth(page, wide);
    }
  });

  test('shows live p95 against the budget as traffic arrives', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => [25 + (i % 40), 30000 + 900 * i, 0.2 + (i % 5) / 10, 1 + (i % 4), i % 3, 6 + i]);
    for (const [i, r] of rows.entries()) {
      const res = await fetch(`${url}/v2/models/credit-risk/infer`, { method: 'POST', body: JSON.stringify({ id: `e2e-${i}`, inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: r }] }) });
      assert.equal(res.status, 200);
    }
    const node = row(view(page, 'Deployments'), /credit-risk v2 \(local\)/);
    await page.waitForFunction((el) => /p95 \d+(\.\d+)? ms \/ 50\.0 ms/.test(el?.textContent ?? ''), await node.elementHandle(), { timeout: 30_000 });
    const text = await node.innerText();
    assert.match(text, /Healthy · v2 · p95 [\d.]+ ms \/ 50\.0 ms/);
    await expand(view(page, 'Deployments'), /credit-risk v2 \(local\)/);
    await row(view(page, 'Deployments'), /^Latency/).waitFor();
    assert.match(await row(view(page, 'Deployments'), /^Latency/).innerText(), /p95 [\d.]+ ms \/ 50\.0 ms/);
    assert.match(await row(view(page, 'Deployments'), /^Endpoint/).innerText(), new RegExp(url.replace(/[.]/g, '\\.')));
    await vs.screenshot('21-deployments-live-p95');
  });

  test('Replay Snapshot Traffic sends a drifted snapshot with feedback, and accuracy from feedback shows', async () => {
    await vs.runCommand('MLShip: Replay Snapshot Traffic');
    // The snapshots that fit the served model first, its training snapshot first of all; another model's data apart,
    // with the reason, and DVC data that is not pulled last, with what to do; picking either keeps the picker open
    // instead of failing.
    const deliveries = page.locator('.quick-input-list .monaco-list-row', { hasText: /deliveries/ }).first();
    await deliveries.waitFor({ timeout: 15_000 });
    const rows = (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    const at = (re: RegExp): number => rows.findIndex((t) => re.test(t));
    assert.match(rows[0] ?? '', /applications 2025-10.*trained on/, JSON.stringify(rows));
    assert.ok(at(/applications 2025-11/) > 0 && at(/applications 2025-11/) < at(/deliveries/), JSON.stringify(rows));
    assert.match(await deliveries.innerText(), /does not fit[\s\S]*None of the model's 6 input columns/);
    assert.ok(at(/transactions\.csv.*not pulled — run dvc pull data\/transactions\.csv/) > at(/deliveries/), JSON.stringify(rows));
    await vs.screenshot('30-replay-picker-not-pulled');
    await deliveries.click();
    await page.locator('.quick-input-widget input[placeholder*="does not fit the model"]').waitFor({ timeout: 10_000 });
    await row(page.locator('.quick-input-list'), /transactions\.csv/).click();
    await page.locator('.quick-input-widget input[placeholder*="not pulled — run dvc pull data/transactions.csv"]').waitFor({ timeout: 10_000 });
    await pick(page, /applications 2025-11/);
    await answerInput(page, /^Requests per second/, '40');
    await answerInput(page, /^At most this many requests/, '120');
    await answerInput(page, /^And for at most this many seconds/, '20');
    await answerInput(page, /^Shift columns to rehearse drift/, 'income*1.4');
    await pick(page, /Feedback for 30 %/);
    // The first 120 rows of the snapshot lack 5 incomes, which the model cannot score: those requests fail (422).
    const done = page.locator('.notification-toast', { hasText: /replay to credit-risk v2 \(local\) done — sent 120, answered 115, failed 5, feedback \d+/ });
    await done.waitFor({ timeout: 90_000 });
    const deployments = view(page, 'Deployments');
    const accuracy = row(deployments, /^Accuracy/);
    await accuracy.waitFor({ timeout: 30_000 });
    assert.match(await accuracy.innerText(), /\d+ % \(feedback on [\d.]+ % of predictions\)/);
    await vs.screenshot('22-deployments-replay-feedback');
  });

  test('Open Dashboard opens the dashboard webview with live p95 against the budget and accuracy from feedback', async () => {
    const deployments = view(page, 'Deployments');
    await row(deployments, /credit-risk v2 \(local\)/).click();
    await vs.runCommand('MLShip: Open Dashboard');
    const dashboard = activeWebview(page);
    await dashboard.locator('h1', { hasText: 'credit-risk v2 (local)' }).waitFor({ timeout: 30_000 });
    await dashboard.locator('#chart-latency canvas').waitFor({ timeout: 30_000 });
    assert.match(await dashboard.locator('.card[data-card="p95 latency"] .card-value').innerText(), /^[\d.]+ ms \/ 50\.0 ms$/);
    assert.match(await dashboard.locator('.card[data-card="Accuracy (feedback)"] .card-value').innerText(), /^\d+ % · [\d.]+ % with feedback$/);
    await vs.screenshot('23-deployment-dashboard');
  });

  test('a deployment of mlship.yaml that is down shows as Unreachable with the reason, and in the status bar', async () => {
    await writeFile(join(vs.workspace, 'mlship.yaml'), 'version: 1\nmodels: [models/]\ndata: [data/]\nmlflow: { trackingUri: ./mlruns }\ndeployments:\n  - name: credit-risk-prod\n    model: credit-risk@champion\n    inference: { url: "http://127.0.0.1:9", model: credit-risk, timeout_ms: 1000 }\n    budgets: { latency_p95_ms: 50 }\n');
    const deployments = view(page, 'Deployments');
    const node = row(deployments, /credit-risk-prod/);
    await node.waitFor({ timeout: 30_000 });
    await page.waitForFunction((el) => /Unreachable/.test(el?.textContent ?? ''), await node.elementHandle(), { timeout: 30_000 });
    const status = page.locator('.statusbar-item', { hasText: /unreachable/ });
    await status.waitFor({ timeout: 30_000 });
    await node.hover();
    await vs.screenshot('24-deployments-unreachable');
    await expand(deployments, /credit-risk-prod/);
    assert.match(await row(deployments, /^Health/).innerText(), /Unreachable — Connection refused by 127\.0\.0\.1:9/);
  });

  test('Edit in mlship.yaml opens the manifest at the deployment, Set Auth Token stores it without logging it', async () => {
    const deployments = view(page, 'Deployments');
    await row(deployments, /credit-risk-prod/).click();
    await vs.runCommand('MLShip: Edit in mlship.yaml');
    await page.locator('.tab.active', { hasText: 'mlship.yaml' }).waitFor({ timeout: 15_000 });
    await page.locator('.statusbar-item', { hasText: /Ln 6, Col 1/ }).waitFor({ timeout: 15_000 });
    await row(deployments, /credit-risk-prod/).click();
    await vs.runCommand('MLShip: Set Auth Token');
    const input = page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ timeout: 15_000 });
    await input.fill('s3cret-e2e-token');
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'the auth token of credit-risk-prod is stored' }).waitFor({ timeout: 15_000 });
    await vs.runCommand('MLShip: Show Log');
    await page.locator('.view-line', { hasText: 'credit-risk-prod' }).first().waitFor({ timeout: 15_000 });
    const logText = await page.locator('.panel .view-lines').innerText();
    assert.ok(!logText.includes('s3cret'), 'the token is not in the log');
    await vs.screenshot('26-deployments-edit-and-token');
  });

  test('polling stops when the Deployments view is closed and starts again when it is shown', async () => {
    await page.locator('.tab', { hasText: /credit-risk v2 \(local\) dashboard/ }).locator('.codicon-close').click();
    // Another view container in the side bar: the Deployments view is no longer visible.
    await page.getByRole('tab', { name: /^Explorer/ }).click();
    await page.locator('.panel .view-line', { hasText: 'Deployment polling stopped (no Deployments view or dashboard open)' }).waitFor({ timeout: 15_000 });
    await page.getByRole('tab', { name: /^MLShip/ }).click();
    await row(view(page, 'Deployments'), /credit-risk-prod/).waitFor({ timeout: 15_000 });
    // The log's polling lines, in visual order (Monaco positions its lines by offset, not by DOM order).
    const pollingLines = (): Promise<{ top: number; text: string }[]> =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.panel .view-line')]
          .map((l) => ({ top: l.getBoundingClientRect().top, text: (l.textContent ?? '').replace(/\s+/g, ' ') }))
          .filter((l) => l.text.includes('Deployment polling'))
          .sort((x, y) => x.top - y.top),
      );
    let lines: { top: number; text: string }[] = [];
    for (let i = 0; i < 100 && !/started/.test(lines.at(-1)?.text ?? ''); i++) {
      await page.waitForTimeout(150);
      lines = await pollingLines();
    }
    assert.match(lines.at(-1)?.text ?? '', /Deployment polling started/, JSON.stringify(lines));
    assert.ok(lines.some((l) => /Deployment polling stopped/.test(l.text)));
  });

  test('stopping the local deployment removes it and frees its port', async () => {
    await vs.runCommand('MLShip: Stop Local Deployment');
    const deployments = view(page, 'Deployments');
    await row(deployments, /credit-risk-prod/).waitFor({ timeout: 15_000 });
    await row(deployments, /credit-risk v2 \(local\)/).waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: /Stopped credit-risk version 2; port \d+ is free/ }).waitFor({ timeout: 15_000 });
    await assert.rejects(fetch(`${url}/v2/health/live`));
    await vs.screenshot('25-deployments-local-stopped');
  });
});
