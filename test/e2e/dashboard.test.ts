// e2e: the deployment dashboard in a real VS Code (code-server). The test serves the sample credit-risk champion with
// `mlship serve` on loopback and configures it in mlship.yaml (baseline, logs, budgets); it opens the dashboard while
// there is no traffic (empty states), replays the drifted applications-2025-11 snapshot with feedback, and checks the
// live p95 against its budget, the drifted features and accuracy from feedback; then live updates in place, pause,
// the data table, CSV export, the light theme, a linked rollout flag, and the window surviving a reload. Screenshots in test-results/.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { createFlagFile } from '../../src/core/scaffold/flagFile';
// @ts-expect-error plain ESM helper shared with `npm start`
import { freePort } from '../../scripts/code-server.mjs';
import { activeWebview, e2eTest, openMlshipSidebar, repoRoot, row, scrollIntoView, startVsCode, view, type VsCodeSession } from './harness';

const CLI = join(repoRoot, 'dist', 'cli.js');

/** `mlship serve` in the workspace, resolved once it prints its endpoint. */
function serve(workspace: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', 'models:/credit-risk@champion', '--json', '--log-dir', 'logs', '--port', String(port)], { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.once('exit', (code) => reject(new Error(`mlship serve exited with ${code}: ${err}`)));
  });
}

/**
 * `mlship replay` of the drifted snapshot to the deployment, with feedback from its label column. The snapshot lacks
 * some incomes, which the model cannot score: the server answers those requests with an error (422) and the replay
 * exits 1 saying so, which is expected here; any other failure rejects.
 */
function replay(workspace: string, count: number, rate: number): Promise<string> {
  const args = [CLI, 'replay', 'data/credit-risk/applications-2025-11.parquet', '--deployment', 'credit-risk-prod', '--rate', String(rate), '--count', String(count), '--duration', '30', '--feedback-share', '0.3', '--feedback-delay', '0.5'];
  const child = spawn(process.execPath, args, { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const expected = (code: number | null): boolean => code === 0 || (code === 1 && /\nLast error: .*answered HTTP 422: .*income is NaN/.test(out));
  return new Promise((resolve, reject) => child.once('exit', (code) => (expected(code) ? resolve(out) : reject(new Error(`mlship replay exited with ${code}: ${out}`)))));
}

function manifest(url: string): string {
  return `# MLShip workspace manifest.
version: 1
models: [models/]
data: [data/]
mlflow: { trackingUri: ./mlruns }
deployments:
  - name: credit-risk-prod
    model: models:/credit-risk@champion
    baseline: data/credit-risk/applications-2025-10.parquet
    inference: { url: "${url}", model: credit-risk }
    metrics: { scrape: "${url}/metrics" }
    predictions: { jsonl: logs/credit-risk-2.predictions.jsonl }
    feedback: { jsonl: logs/credit-risk-2.feedback.jsonl }
    budgets: { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 }
    poll_interval_s: 2
`;
}

describe('Deployment dashboard in code-server', () => {
  let vs: VsCodeSession;
  let page: Page;
  let server: ChildProcess | undefined;
  const test = (name: string, fn: () => Promise<void>): void => e2eTest(() => vs, name, fn);
  const frame = (): FrameLocator => activeWebview(page);
  const renders = async (): Promise<number> => Number((await frame().locator('#root').getAttribute('data-renders')) ?? '0');
  const card = (label: string) => frame().locator(`.card[data-card="${label}"] .card-value`);

  before(async () => {
    const port = await (freePort as () => Promise<number>)();
    vs = await startVsCode({
      prepareWorkspace: async (dir) => {
        const s = await serve(dir, port);
        server = s.child;
        await writeFile(join(dir, 'mlship.yaml'), manifest(s.url));
      },
    });
    page = vs.page;
    await openMlshipSidebar(page);
  });

  after(async () => {
    await vs?.close();
    server?.kill('SIGTERM');
  });

  test('Open Dashboard before any traffic: every chart says what to do', async () => {
    const node = row(view(page, 'Deployments'), /credit-risk-prod/);
    await node.waitFor({ timeout: 60_000 });
    await node.click();
    await vs.runCommand('MLShip: Open Dashboard');
    const f = frame();
    await f.locator('h1', { hasText: 'credit-risk-prod' }).waitFor({ timeout: 60_000 });
    await f.locator('#chart-latency').waitFor({ timeout: 30_000 });
    assert.match(await f.locator('#budgets').innerText(), /Budgets: p95 50\.0 ms · drift PSI 0\.2 · fallback 5\.0 %/);
    assert.match(await f.locator('#chart-latency p.empty').innerText(), /No requests in this window yet/);
    assert.match(await f.locator('#chart-quality p.empty').innerText(), /No feedback yet/);
    assert.match(await card('Rollout').innerText(), /no flag linked/);
    assert.match(await f.locator('#drift-pending').innerText(), /^Not compared yet: 0 logged inputs in this window, at least 500 needed\.$/);
    await vs.screenshot('30-dashboard-empty-dark');
  });

  test('after replaying the drifted snapshot with feedback: live p95 against the budget, drifted features flagged, accuracy from feedback', async () => {
    await replay(vs.workspace, 700, 200);
    const f = frame();
    await f.locator('#chart-latency canvas').waitFor({ timeout: 60_000 });
    await f.locator('#chart-quality canvas').waitFor({ timeout: 30_000 });
    assert.match(await card('p95 latency').innerText(), /^[\d.]+ ms \/ 50\.0 ms$/);
    assert.match(await f.locator('#chart-latency .sub').innerText(), /^last p95 [\d.]+ ms · budget 50\.0 ms · from \/metrics$/);
    assert.match(await f.locator('#chart-latency canvas').getAttribute('aria-label') ?? '', /Latency: last p95/);
    await f.locator('#drift-verdict').waitFor({ timeout: 60_000 });
    const verdict = await f.locator('#drift-verdict').innerText();
    assert.match(verdict, /^Drifted over this window: .*\bincome\b/);
    assert.match(verdict, /\bdebt_ratio\b/);
    assert.doesNotMatch(verdict, /\bage\b/);
    assert.equal(await f.locator('.feature-row[data-feature="income"] .badge').first().innerText(), 'drift');
    assert.match(await f.locator('.feature-row[data-feature="income"] .hist h3').innerText(), /income: baseline vs live/);
    assert.match(await card('Accuracy (feedback)').innerText(), /^\d+ % · \d+(\.\d)? % with feedback$/);
    // The window's accuracy beside the window's count (the card's figure), not the latest bucket's.
    // (Read until both come from the same poll: feedback may still arrive between two reads.)
    let same: [string | undefined, string | undefined] = [undefined, ''];
    for (let i = 0; i < 20 && same[0] !== same[1]; i++) {
      const sub = await f.locator('#chart-quality .sub').innerText();
      assert.match(sub, /^accuracy \d+ % over \d{2,} predictions with feedback in this window \(\d+(\.\d)? % of predictions\)$/);
      same = [/^accuracy (\d+) %/.exec(sub)?.[1], /^(\d+) %/.exec(await card('Accuracy (feedback)').innerText())?.[1]];
      if (same[0] !== same[1]) await page.waitForTimeout(250);
    }
    assert.equal(same[0], same[1], 'the subtitle and the card give the window accuracy');
    assert.match(await f.locator('#health').innerText(), /Breaching budget|Degraded|Healthy/);
    await vs.screenshot('31-dashboard-live-dark');
    await scrollIntoView(f.locator('#drift'));
    await scrollIntoView(f.locator('.feature-row').first());
    await vs.screenshot('32-dashboard-drift-dark');
  });

  test('live updates redraw the same canvases in place; pause stops them and resume restarts them', async () => {
    const f = frame();
    // Once drift is shown the layout is settled: from here on, polls only update it.
    await f.locator('#drift-verdict').waitFor({ timeout: 60_000 });
    await f.locator('#chart-latency canvas').evaluate((c) => c.setAttribute('data-mark', 'first'));
    const logged = async (): Promise<number> => Number(/· ([\d,]+) logged inputs/.exec(await f.locator('#drift-intro').innerText())?.[1]?.replace(/,/g, '') ?? NaN);
    const loggedBefore = await logged();
    assert.ok(loggedBefore >= 500, `${loggedBefore} logged inputs`);
    const before = await renders();
    await replay(vs.workspace, 60, 60);
    for (let i = 0; i < 60 && ((await renders()) < before + 2 || (await logged()) < loggedBefore + 60); i++) await page.waitForTimeout(250);
    assert.ok((await renders()) >= before + 2, 'updated after polls');
    assert.ok((await logged()) >= loggedBefore + 60, 'the drift section\'s count of logged inputs follows the polls');
    assert.equal(await f.locator('#chart-latency canvas').getAttribute('data-mark'), 'first', 'same canvas: updated in place, not re-created');
    // When the most drifted features changed meanwhile, only the drift section was built again, with their charts.
    const driftRebuilds = Number(await f.locator('#root').getAttribute('data-drift-rebuilds'));
    if (driftRebuilds > 0) {
      const rows = await f.locator('.feature-row').count();
      assert.ok(rows > 0);
      assert.equal(await f.locator('.feature-row .chart-card canvas').count(), rows, `after ${driftRebuilds} rebuilds of the drift section, each feature row has its chart`);
    }
    assert.ok(Number(await f.locator('#root').getAttribute('data-update-ms')) > 0);
    await f.locator('#pause').click();
    assert.match(await f.locator('#status').innerText(), /Paused/);
    const paused = await renders();
    await replay(vs.workspace, 20, 40);
    await page.waitForTimeout(5000);
    assert.equal(await renders(), paused, 'no update while paused');
    await f.locator('#pause').click();
    for (let i = 0; i < 40 && (await renders()) === paused; i++) await page.waitForTimeout(250);
    assert.ok((await renders()) > paused, 'updates again after Resume');
    assert.match(await f.locator('#status').innerText(), /Live · updated/);
  });

  test('a chart\'s data table toggles; Export all as CSV writes every series; PNG writes the chart', async () => {
    const f = frame();
    const toggle = f.locator('#chart-latency button', { hasText: 'Table' });
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const caption = await f.locator('#table-latency caption').innerText();
    assert.match(caption, /^Latency: (the latest \d+ of )?\d+ buckets/);
    assert.deepEqual(await f.locator('#table-latency thead th').allInnerTexts(), ['Time', 'p50', 'p95', 'p99']);
    assert.ok((await f.locator('#table-latency tbody tr').count()) > 0);
    await scrollIntoView(f.locator('#table-latency'));
    await vs.screenshot('33-dashboard-table-dark');
    await toggle.click();
    await f.locator('button', { hasText: 'Export all as CSV' }).click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    assert.match(await input.inputValue(), /credit-risk-prod-dashboard-15m\.csv$/);
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'exported credit-risk-prod-dashboard-15m.csv' }).waitFor({ timeout: 15_000 });
    const csv = await readFile(join(vs.workspace, 'credit-risk-prod-dashboard-15m.csv'), 'utf8');
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'chart,series,time,value');
    assert.ok(lines.some((l) => /^Latency,p95,\d{4}-\d\d-\d\dT[\d:.]+Z,[\d.]+$/.test(l)));
    assert.ok(lines.some((l) => /^Accuracy from feedback,accuracy,/.test(l)));
    assert.ok(lines.some((l) => /^income,wasserstein distance,/.test(l)));
     // PNG of one chart, painted on the editor background.
    await f.locator('#chart-latency button', { hasText: 'PNG' }).click();
    await input.waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    assert.match(await input.inputValue(), /credit-risk-prod-Latency-15m\.png$/);
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'exported credit-risk-prod-Latency-15m.png' }).waitFor({ timeout: 15_000 });
    const png = await readFile(join(vs.workspace, 'credit-risk-prod-Latency-15m.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 5000, `${png.length} bytes`);
  });

  test('in the light theme the charts are recoloured in place', async () => {
    const f = frame();
    await scrollIntoView(f.locator('h1'));
    await vs.runCommand('Preferences: Toggle between Light/Dark Themes');
    await page.locator('.monaco-workbench.vs').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(800);
    assert.equal(await f.locator('#chart-latency canvas').getAttribute('data-mark'), 'first', 'recoloured, not re-created');
    await vs.screenshot('34-dashboard-live-light');
    await scrollIntoView(f.locator('.feature-row').first());
    await vs.screenshot('35-dashboard-drift-light');
    await vs.runCommand('Preferences: Toggle between Light/Dark Themes');
    await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 });
  });

  test('a rollout flag named after the model shows its percentage', async () => {
    await mkdir(join(vs.workspace, 'flags'), { recursive: true });
    await writeFile(join(vs.workspace, 'flags', 'flags.flagd.json'), createFlagFile('credit-risk', 25));
    const rollout = card('Rollout');
    await frame().locator('.card[data-card="Rollout"] .card-value', { hasText: 'credit-risk: 25 %' }).waitFor({ timeout: 30_000 });
    assert.equal(await rollout.innerText(), 'credit-risk: 25 %');
    assert.equal(await frame().locator('.card[data-card="Rollout"]').getAttribute('title'), 'flagd flag "credit-risk" in flags/flags.flagd.json');
  });

  test('the window selector rebuilds for another window, and the dashboard comes back after a reload with it', async () => {
    const f = frame();
    await f.locator('select[aria-label="Time window"]').selectOption('1h');
    await f.locator('#status', { hasNotText: /Loading/ }).waitFor({ timeout: 30_000 });
    await f.locator('#chart-latency canvas').waitFor({ timeout: 30_000 });
    await vs.runCommand('Developer: Reload Window');
    await page.waitForTimeout(2000);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const again = frame();
    await again.locator('h1', { hasText: 'credit-risk-prod' }).waitFor({ timeout: 60_000 });
    assert.equal(await again.locator('select[aria-label="Time window"]').inputValue(), '1h');
    await again.locator('#chart-latency canvas').waitFor({ timeout: 60_000 });
    // The first poll after the reload brings the live numbers back.
    await again.locator('.card[data-card="p95 latency"] .card-value', { hasText: /^[\d.]+ ms \/ 50\.0 ms$/ }).waitFor({ timeout: 30_000 });
    // Once the new session has scraped /metrics twice, the hour before it still comes from the prediction log.
    await again.locator('#chart-latency .sub', { hasText: /from \/metrics \(before its first scrapes: the prediction log\)$/ }).waitFor({ timeout: 30_000 });
    await again.locator('#chart-latency canvas').waitFor();
    await vs.screenshot('36-dashboard-after-reload');
  });
});
