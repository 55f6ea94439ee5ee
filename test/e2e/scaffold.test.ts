// e2e: Scaffold ML Feature and the rollout controls in a real VS Code (code-server). The command runs from the palette
// through its quick-pick steps, shows its preview and writes the files; the Problems panel shows no MLShip finding for
// them; the flag's CodeLens shows 5 %; Set Rollout Percentage raises it to 25 %; with the linked deployment breaching
// its latency budget (slow answers in the feature's prediction log, measured by the Deployments view's monitor) a
// raise is refused, then overridden with a reason that the rollout log records.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { e2eTest, row, startVsCode, type VsCodeSession } from './harness';

const FLAGS = 'flags/flags.flagd.json';

function weights(workspace: string): { on: number; off: number; state: string } {
  const flag = (JSON.parse(readFileSync(join(workspace, FLAGS), 'utf8')) as { flags: Record<string, { state: string; targeting: { fractional: [string, number][] } }> }).flags['credit-risk-model'];
  assert.ok(flag, 'the flag exists');
  const [on, off] = flag.targeting.fractional;
  return { on: on?.[1] ?? NaN, off: off?.[1] ?? NaN, state: flag.state };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Opens a workspace file by its relative path with Quick Open (its row shows the name, then the folder). */
async function openFile(page: Page, path: string): Promise<void> {
  const parts = path.split('/');
  const name = parts.pop() as string;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(path);
  const pattern = new RegExp(`(?:^|[^\\w])${escape(name)}\\s*${parts.length ? escape(parts.join('/')) : ''}`);
  const target = row(page.locator('.quick-input-list'), pattern);
  await target.waitFor({ timeout: 30_000 });
  // File search results arrive after the recently opened ones and re-render the list: let it settle.
  await page.waitForTimeout(700);
  await target.click();
  await page.locator(`.tab[aria-label^="${name}"]`).first().waitFor();
}

describe('Scaffold ML Feature and rollout controls in code-server', () => {
  let vs: VsCodeSession;
  let page: Page;
  const test = (name: string, fn: () => Promise<void>): void => e2eTest(() => vs, name, fn);
  const widget = () => page.locator('.quick-input-widget');
  const title = () => widget().locator('.quick-input-title');

  /** Waits for a step of the flow, by the text of its title ("(3/9)"). */
  async function shown(n: number): Promise<void> {
    await page
      .waitForFunction((n) => new RegExp(`\\(${n}/\\d+\\)`).test(document.querySelector('.quick-input-widget .quick-input-title')?.textContent ?? ''), n, { timeout: 30_000 })
      .catch(async (err: unknown) => {
        const shown = await title().innerText().catch(() => '(no quick input)');
        throw new Error(`step ${n} of the flow did not show; the quick input's title: ${JSON.stringify(shown)} (${String(err)})`);
      });
  }

  /** Waits for a step of the flow, then answers it. */
  async function step(n: number, answer: { type?: string; pick?: string | RegExp }): Promise<void> {
    await shown(n);
    const input = widget().locator('input');
    if (answer.type !== undefined) await input.fill(answer.type);
    if (answer.pick !== undefined) {
      const target = row(widget().locator('.quick-input-list'), answer.pick);
      await target.waitFor({ timeout: 15_000 });
      // Move the keyboard focus onto the row (a pointer click can land on a re-rendered list).
      for (let i = 0; i < 12 && (await target.getAttribute('aria-selected')) !== 'true' && !((await target.getAttribute('class')) ?? '').includes('focused'); i++) await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
  }

  before(async () => {
    // The machine is offline: VS Code's JSON support would report that it cannot download the flag file's $schema.
    vs = await startVsCode({ settings: { 'editor.codeLens': true, 'json.schemaDownload.enable': false } });
    page = vs.page;
    // Models are discovered (the flow's model step lists them) once the MLShip view has been shown.
    await page.getByRole('tab', { name: /^MLShip/ }).click();
    await page.locator('.pane', { has: page.locator('.pane-header[aria-label^="Models"]') }).locator('.monaco-list-row').first().waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await vs?.close();
  });

  test('from a model version in the Models view, the model step is skipped; Escape at any step writes nothing', async () => {
    const models = page.locator('.pane', { has: page.locator('.pane-header[aria-label^="Models"]') });
    const manifestBefore = readFileSync(join(vs.workspace, 'mlship.yaml'), 'utf8');
    const credit = row(models, /^credit-risk\s*2 versions/);
    await credit.waitFor({ timeout: 30_000 });
    if ((await credit.getAttribute('aria-expanded')) !== 'true') await credit.click();
    const version = row(models, /version 1.*@challenger/);
    await version.waitFor({ timeout: 15_000 });
    await version.click({ button: 'right' });
    const item = page.locator('.context-view .action-label', { hasText: 'Scaffold ML Feature' });
    await item.waitFor();
    // The menu is laid out and focused before it takes a click; it closes once the command runs.
    await page.waitForTimeout(300);
    await item.click();
    await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 10_000 });
    await step(1, { type: 'churn-guard' });
    // Language is step 2 of 8: no model step, the version is the model.
    await page.waitForFunction(() => /\(2\/8\)/.test(document.querySelector('.quick-input-widget .quick-input-title')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await vs.screenshot('29-scaffold-from-models-view');
    await page.keyboard.press('Escape');
    await widget().waitFor({ state: 'hidden', timeout: 10_000 });
    assert.ok(!existsSync(join(vs.workspace, 'features')), 'no files');
    assert.ok(!existsSync(join(vs.workspace, FLAGS)), 'no flag file');
    assert.equal(readFileSync(join(vs.workspace, 'mlship.yaml'), 'utf8'), manifestBefore);
  });

  test('Back shows each step with its earlier answer, and forward again keeps the later ones', async () => {
    await vs.runCommand('MLShip: Scaffold ML Feature');
    await step(1, { type: 'fraud-check' });
    await step(2, { pick: /^TypeScript/ });
    await step(3, { type: 'credit-risk version 1', pick: /credit-risk version 1/ });
    // A task the model's outputs cannot serve says why on its line, and picking it keeps the step open with the reason.
    await shown(4);
    await row(widget().locator('.quick-input-list'), /^multiclass/).filter({ hasText: /does not fit this model/ }).waitFor({ timeout: 10_000 });
    await step(4, { pick: /^multiclass/ });
    await page.waitForFunction(() => /^The model has 2 classes: choose task "binary"/.test(document.querySelector<HTMLInputElement>('.quick-input-widget input')?.placeholder ?? ''), undefined, { timeout: 10_000 });
    await vs.screenshot('29-scaffold-task-refused');
    await shown(4);
    await step(4, { pick: /^binary/ });
    await step(5, { type: '0.85' });
    await shown(6);
    const input = widget().locator('input');
    const back = async (n: number) => {
      await widget().locator('.quick-input-left-action-bar .codicon-quick-input-back').click();
      // Away from the quick input: a pointer resting there shows the hover of the next one (Quick Open's), over its rows.
      await page.mouse.move(1400, 900);
      await shown(n);
    };
    /** The row a quick pick has active (Enter accepts it). */
    const active = (text: RegExp) => widget().locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).waitFor({ timeout: 10_000 });
    await back(5);
    assert.equal(await input.inputValue(), '0.85');
    await back(4);
    await active(/^binary/);
    await back(3);
    await active(/credit-risk version 1/);
    await back(2);
    await active(/^TypeScript/);
    await vs.screenshot('29-scaffold-back-keeps-answers');
    await back(1);
    assert.equal(await input.inputValue(), 'fraud-check');
    // Forward again with Enter alone: every answer is where it was, and the folder follows the name and language.
    for (const n of [1, 2, 3, 4]) await step(n, {});
    await shown(5);
    assert.equal(await input.inputValue(), '0.85');
    for (const n of [5, 6, 7, 8]) await step(n, {});
    await shown(9);
    assert.match(await title().innerText(), /\(9\/9\)/);
    assert.equal(await input.inputValue(), 'src/features/fraud-check');
    await page.keyboard.press('Escape');
    await widget().waitFor({ state: 'hidden', timeout: 10_000 });
    assert.ok(!existsSync(join(vs.workspace, 'src/features/fraud-check')), 'nothing written');
  });

  test('runs from the palette through its steps, previews, and writes the files, the flag and the deployment', async () => {
    await vs.runCommand('MLShip: Scaffold ML Feature');
    // The first step opens on its prompt, not on an error about the name nobody has typed yet.
    await title().filter({ hasText: /\(1\/\d+\)/ }).waitFor({ timeout: 30_000 });
    await widget().locator('.quick-input-message', { hasText: /Feature name/ }).waitFor({ timeout: 10_000 });
    assert.doesNotMatch(await widget().locator('.quick-input-message').innerText(), /Give the feature a name/);
    await step(1, { type: 'Credit Risk' });
    // An invalid name is refused in place.
    await widget().locator('.quick-input-message', { hasText: /not a valid feature name/ }).waitFor({ timeout: 10_000 });
    await vs.screenshot('30-scaffold-name-invalid');
    await page.keyboard.press('Enter');
    await step(1, { type: 'credit-risk' });
    await step(2, { pick: /^Python/ });
    await step(3, { type: 'credit-risk version 2', pick: /credit-risk version 2/ });
    await step(4, { pick: /^binary/ });
    await step(5, {});
    await shown(6);
    await vs.screenshot('31-scaffold-fallback-step');
    await step(6, { pick: /^Rule-based/ });
    await step(7, {});
    await step(8, {});
    await step(9, {});
    // The preview: nothing is written before Create.
    await row(widget().locator('.quick-input-list'), /Create/).waitFor({ timeout: 30_000 });
    assert.ok(!existsSync(join(vs.workspace, 'features')), 'nothing written before Create');
    await widget().locator('input').fill('predictor.py');
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'predictor.py' }).first().waitFor({ timeout: 15_000 });
    await vs.screenshot('32-scaffold-preview');
    await widget().locator('input').fill('Create');
    await row(widget().locator('.quick-input-list'), /Create/).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: /scaffolded behind credit-risk-model/ }).waitFor({ timeout: 30_000 });
    for (const f of ['predictor.py', 'fallback.py', 'feedback.py', 'model_io.py', 'config.py', 'test_predictor.py', 'README.md']) assert.ok(existsSync(join(vs.workspace, 'features/credit_risk', f)), f);
    assert.deepEqual(weights(vs.workspace), { on: 5, off: 95, state: 'ENABLED' });
    const manifest = readFileSync(join(vs.workspace, 'mlship.yaml'), 'utf8');
    assert.match(manifest, /^# MLShip workspace manifest/);
    assert.match(manifest, /\n {2}- name: credit-risk\n {4}model: models:\/credit-risk\/2\n {4}baseline: data\/credit-risk\/applications-2025-10\.parquet\n/);
    assert.match(manifest, /flag: credit-risk-model\n/);
    await vs.screenshot('33-scaffold-written');
  });

  test('the Problems panel shows no MLShip finding for the generated files', async () => {
    // The sample service has findings: once they show, the language server has analyzed what is open.
    await openFile(page, 'credit_risk_service.py');
    for (const f of ['features/credit_risk/predictor.py', 'features/credit_risk/fallback.py', 'features/credit_risk/model_io.py', 'features/credit_risk/feedback.py']) await openFile(page, f);
    await vs.runCommand('View: Focus Problems');
    await row(page.locator('.markers-panel'), /credit_risk_service\.py/).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
    const rows = (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    const generated = rows.filter((t) => /features\/credit_risk|predictor\.py|fallback\.py|model_io\.py|feedback\.py/.test(t));
    assert.deepEqual(generated, [], rows.join('\n'));
    assert.ok(rows.some((t) => /credit_risk_service\.py/.test(t)));
    await vs.screenshot('34-problems-none-for-generated');
  });

  test('the flag CodeLens shows 5 %, and Set Rollout Percentage raises it to 25 %', async () => {
    await openFile(page, FLAGS);
    const lens = page.locator('.contentWidgets .codelens-decoration, .codelens-decoration').first();
    await page.locator('.codelens-decoration', { hasText: /5 % on · credit-risk: health unknown/ }).waitFor({ timeout: 30_000 });
    await vs.screenshot('35-codelens-5-percent');
    await page.locator('.codelens-decoration a', { hasText: /5 % on/ }).click();
    await row(widget().locator('.quick-input-list'), /^25 %/).waitFor({ timeout: 15_000 });
    await widget().locator('input').fill('25 %');
    await page.keyboard.press('Enter');
    await page.locator('.codelens-decoration', { hasText: /25 % on/ }).waitFor({ timeout: 30_000 });
    assert.deepEqual(weights(vs.workspace), { on: 25, off: 75, state: 'ENABLED' });
    assert.ok(await lens.isVisible());
    await vs.screenshot('36-rollout-25-percent');
  });

  test('with the linked deployment breaching its budget, raising is refused until overridden with a reason', async () => {
    // The feature's prediction log (the deployment entry the scaffold added reads it) records answers slower than the
    // 50 ms budget; the Deployments view's monitor measures them and the rollout controls read its live status.
    await mkdir(join(vs.workspace, 'logs/credit-risk'), { recursive: true });
    const now = Date.now();
    const records = Array.from({ length: 40 }, (_, i) => ({ ts: new Date(now - (40 - i) * 1000).toISOString(), feature: 'credit-risk', model: 'credit-risk', model_version: '2', request_id: `r${i}`, input_hash: null, output: { label: 'good', scores: { good: 0.9, bad: 0.1 } }, confidence: 0.9, path: 'model', reason: null, latency_ms: 83.5, variant: 'on' }));
    await writeFile(join(vs.workspace, 'logs/credit-risk/predictions.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await vs.runCommand('MLShip: Refresh Deployments');
    await page.locator('.codelens-decoration', { hasText: /credit-risk: breaching \(latency p95 83\.5 ms > budget 50 ms\)/ }).waitFor({ timeout: 30_000 });
    await vs.screenshot('37-codelens-breaching');
    const raise = async () => {
      await page.locator('.codelens-decoration a', { hasText: /25 % on/ }).click();
      await row(widget().locator('.quick-input-list'), /^50 %/).waitFor({ timeout: 15_000 });
      await widget().locator('input').fill('50 %');
      await page.keyboard.press('Enter');
    };
    // Refused: the dialog says why; cancelling leaves the file as it was.
    await raise();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), /Raising 25 % → 50 % is refused: deployment "credit-risk" breaches its budget: latency p95 83\.5 ms > budget 50 ms/);
    await vs.screenshot('38-raise-refused');
    await dialog.locator('a.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(weights(vs.workspace), { on: 25, off: 75, state: 'ENABLED' });
    // Overridden with a reason: applied and recorded.
    await raise();
    await dialog.waitFor({ timeout: 15_000 });
    await dialog.locator('a.monaco-button', { hasText: 'Override' }).click();
    await title().filter({ hasText: /Override the rollout guard/ }).waitFor({ timeout: 15_000 });
    await widget().locator('input').fill('p95 spike is the cold start after the deploy; approved by on-call');
    await vs.screenshot('39-override-reason');
    await page.keyboard.press('Enter');
    await page.locator('.codelens-decoration', { hasText: /50 % on/ }).waitFor({ timeout: 30_000 });
    assert.deepEqual(weights(vs.workspace), { on: 50, off: 50, state: 'ENABLED' });
    const log = readFileSync(join(vs.workspace, 'flags/rollout-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; to: { percent: number }; override: { reason: string; by: string } | null; health: { breaches: string[] } | null });
    assert.equal(log.length, 2, JSON.stringify(log));
    assert.deepEqual([log[0]?.action, log[0]?.to.percent, log[0]?.override], ['set', 25, null]);
    assert.equal(log[1]?.to.percent, 50);
    assert.equal(log[1]?.override?.reason, 'p95 spike is the cold start after the deploy; approved by on-call');
    assert.deepEqual(log[1]?.health?.breaches, ['latency_p95_ms']);
    await vs.screenshot('40-override-applied');
  });
});
