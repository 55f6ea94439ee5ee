// e2e: data drift in a real VS Code (code-server). The sample workspace's newer credit-risk applications are
// compared with the champion model's training snapshot, reached through its lineage; the drifted columns are flagged
// and the stable ones not; the HTML export opens in a browser; Profile Snapshot and Set as Baseline work.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { collapseAll, describeVsCode, expand, openMlshipSidebar, resultsDir, row, view } from './harness';

describeVsCode('MLShip data drift in code-server', { sidebarWidth: 200 }, (ctx) => {
  const test = (name: string, fn: () => Promise<void>): void => ctx.test(name, fn);

  /** The frame of the webview panel whose tab is `title` (the visible one). */
  function panel(): FrameLocator {
    return ctx.page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
  }

  async function selectSnapshot(label: RegExp): Promise<void> {
    const snapshots = view(ctx.page, 'Data Snapshots');
    await collapseAll(ctx.page, 'Data Snapshots');
    await expand(snapshots, /^applications/);
    await row(snapshots, label).click();
    // The extension host learns of the selection asynchronously; a command run at once may still see the old one.
    await ctx.page.waitForTimeout(500);
  }

  /** Runs `command` on the snapshot `label` and waits for the panel whose heading starts with `heading`. */
  async function openPanel(label: RegExp, command: string, heading: string): Promise<FrameLocator> {
    await selectSnapshot(label);
    await ctx.vs.runCommand(command);
    const frame = panel();
    await frame.locator('h1', { hasText: heading }).waitFor({ timeout: 90_000 });
    return frame;
  }

  async function closeEditors(): Promise<void> {
    await ctx.vs.runCommand('View: Close All Editors');
    await ctx.page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  }

  test('Compare with Baseline: the newer snapshot against the champion\'s training data, drifted columns flagged', async () => {
    const { page, vs } = ctx;
    const report = await openPanel(/^2025-11/, 'MLShip: Compare with Baseline', 'Drift:');
    assert.equal(await report.locator('h1').innerText(), 'Drift: applications 2025-11 vs applications 2025-10');
    assert.match(await report.locator('header .muted').innerText(), /training data of credit-risk version 2 \(@champion, Production\)/);
    assert.match(await report.locator('#verdict').innerText(), /3 of 8 columns drifted/);
    const statusOf = async (column: string) => (await report.locator('table.columns tbody tr', { has: page.locator(`td:text-is("${column}")`) }).locator('td').first().innerText()).trim();
    for (const c of ['income', 'debt_ratio', 'region']) assert.equal(await statusOf(c), 'drift', c);
    for (const c of ['age', 'credit_lines', 'late_payments', 'months_employed']) assert.equal(await statusOf(c), 'stable', c);
    assert.equal(await statusOf('application_id'), 'skipped');
    const firstRows = await report.locator('table.columns tbody tr td:nth-child(2)').allInnerTexts();
    assert.deepEqual(firstRows.slice(0, 3), ['debt_ratio', 'income', 'region'], 'sorted by drift score');
    assert.match(await report.locator('table.columns').innerText(), /income: median 52k → 44\.3k \(−15 %\)/);
    // A chart and its data table for each compared column.
    await report.locator('#col-income canvas').waitFor();
    assert.match(await report.locator('#col-region table caption').innerText(), /region: share of values per category/);
    assert.match(await report.locator('#col-region table').innerText(), /central\s+0 %\s+13 %/);
    await vs.screenshot('10-drift-report');
    await report.locator('#col-income').scrollIntoViewIfNeeded();
    await vs.screenshot('11-drift-report-column-chart');
  });

  test('filter and search narrow the table', async () => {
    const { page, vs } = ctx;
    const report = panel();
    await report.locator('input[type="search"]').fill('region');
    await page.waitForTimeout(200);
    const visible = await report.locator('table.columns tbody tr:visible td:nth-child(2)').allInnerTexts();
    assert.deepEqual(visible, ['region']);
    await report.locator('input[type="search"]').fill('');
    await report.locator('select').selectOption('stable');
    await page.waitForTimeout(200);
    const stable = await report.locator('table.columns tbody tr:visible td:first-child').allInnerTexts();
    assert.ok(stable.length >= 4 && stable.every((s) => s.trim() === 'stable'), stable.join(','));
    assert.match(await report.locator('#status').innerText(), /of 10 columns shown/);
    await vs.screenshot('12-drift-report-filtered');
    await report.locator('select').selectOption('all');
  });

  test('Export HTML writes a small self-contained page that opens in a browser', async () => {
    const { page, vs } = ctx;
    const report = panel();
    await report.locator('button', { hasText: 'Export HTML' }).click();
    // code-server's save dialog is a quick input holding the suggested path.
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    assert.match(await input.inputValue(), /drift-applications_2025-11-vs-applications_2025-10\.html$/);
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'drift report exported' }).waitFor({ timeout: 15_000 });
    const file = (await readdir(vs.workspace)).find((f) => f.startsWith('drift-') && f.endsWith('.html'));
    assert.ok(file, 'exported file in the workspace');
    const html = await readFile(join(vs.workspace, file), 'utf8');
    assert.ok(html.length < 100_000, `${html.length} bytes`);
    const browserPage = await page.context().newPage();
    await browserPage.goto(`file://${join(vs.workspace, file)}`);
    assert.equal(await browserPage.title(), 'Data drift: applications 2025-11 vs applications 2025-10');
    assert.match(await browserPage.locator('.verdict').innerText(), /3 of 8 columns drifted/);
    assert.equal(await browserPage.locator('section.col svg').count() >= 8, true);
    await browserPage.screenshot({ path: join(resultsDir, '13-drift-export-html.png'), fullPage: false });
    await browserPage.close();
  });

  test('the report comes back after a window reload (panel serializer)', async () => {
    const { page, vs } = ctx;
    await vs.runCommand('Developer: Reload Window');
    await page.waitForTimeout(2000);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const report = panel();
    await report.locator('h1', { hasText: 'Drift: applications 2025-11 vs applications 2025-10' }).waitFor({ timeout: 60_000 });
    assert.match(await report.locator('#verdict').innerText(), /3 of 8 columns drifted/);
    await closeEditors();
    await openMlshipSidebar(page);
  });

  test('Profile Snapshot shows each column with a chart and a data table', async () => {
    const { vs } = ctx;
    const profile = await openPanel(/^2025-11/, 'MLShip: Profile Snapshot', 'Profile:');
    assert.equal(await profile.locator('h1').innerText(), 'Profile: applications 2025-11');
    assert.match(await profile.locator('.cards').innerText(), /1,500/);
    assert.match(await profile.locator('table').first().innerText(), /region\s+categorical/);
    await profile.locator('section canvas').first().waitFor();
    await vs.screenshot('14-profile-snapshot');
    await closeEditors();
  });

  test('Set as Baseline writes mlship.yaml, keeps its comments, and asks before replacing a baseline', async () => {
    const { page, vs } = ctx;
    await openMlshipSidebar(page);
    await selectSnapshot(/^2025-10/);
    await vs.runCommand('MLShip: Set as Baseline');
    await row(page.locator('.quick-input-list'), 'For model credit-risk').click();
    await page.locator('.notification-toast', { hasText: 'is now the drift baseline for model credit-risk' }).waitFor({ timeout: 15_000 });
    let yaml = await readFile(join(vs.workspace, 'mlship.yaml'), 'utf8');
    assert.match(yaml, /^# MLShip workspace manifest\./m, 'comment kept');
    assert.match(yaml, /^drift:\n {2}baselines:\n {4}credit-risk: data\/credit-risk\/applications-2025-10\.parquet$/m);
    await selectSnapshot(/^2025-11/);
    await vs.runCommand('MLShip: Set as Baseline');
    await row(page.locator('.quick-input-list'), 'For model credit-risk').click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'already sets data/credit-risk/applications-2025-10.parquet as the baseline for model credit-risk' });
    await dialog.waitFor({ timeout: 15_000 });
    await vs.screenshot('15-set-baseline-confirm');
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    yaml = await readFile(join(vs.workspace, 'mlship.yaml'), 'utf8');
    assert.match(yaml, /credit-risk: data\/credit-risk\/applications-2025-10\.parquet/, 'unchanged after Cancel');
  });
});
