// e2e: predict-call diagnostics in a real VS Code (code-server): warnings in the Problems panel, the no-fallback quick
// fix applied from the lightbulb, in a Python and a TypeScript file of the sample workspace.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { e2eTest, row, startVsCode, type VsCodeSession } from './harness';
import { PYTHON, runJs, runPython } from '../fixRuns';

const ML_CLIENT = "import axios from 'axios';\n\nexport const ml = axios.create({ baseURL: 'http://scorer:8080' });\n";

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await row(page.locator('.quick-input-list'), name).waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tab[aria-label^="${name}"]`).waitFor();
}

async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
}

function problems(page: Page) {
  return page.locator('.markers-panel .monaco-list-row');
}

/**
 * Waits until the built-in TypeScript extension has loaded the open file's project. VS Code shows a lightbulb only
 * once every code action provider has answered, the TypeScript one too, and tsserver answers only after loading the
 * project ("Analyzing '…' and its dependencies", the language status "Loading IntelliSense status"): on a loaded
 * machine that takes longer than the lightbulb wait. The IntelliSense status then says which project the file is in.
 */
async function typescriptProjectLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const language = document.getElementById('status.languageStatus')?.getAttribute('aria-label') ?? '';
      const progress = document.getElementById('status.progress')?.textContent ?? '';
      return language.includes('TypeScript version') && !language.includes('Loading IntelliSense status') && !/Analyzing .* and its dependencies/.test(progress);
    },
    undefined,
    { timeout: 180_000, polling: 250 },
  );
}

/**
 * Runs in the page: the place, among the Problems panel's rows, of the notebook's first finding of `rule`, or false
 * when the notebook has none (the rows of other files are told apart by the file rows above them).
 */
function notebookMarkers(rule: string): number | false {
  const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')];
  let inNotebook = false;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as Element;
    if (r.getAttribute('aria-level') === '1') inNotebook = (r.textContent ?? '').includes('fraud_screen.ipynb');
    else if (inNotebook && (r.textContent ?? '').includes(`mlship/${rule}`)) return i;
  }
  return false;
}

async function problemTexts(page: Page): Promise<string[]> {
  return (await problems(page).allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
}

describe('MLShip diagnostics in code-server', () => {
  let vs: VsCodeSession;
  let page: Page;
  const test = (name: string, fn: () => Promise<void>): void => e2eTest(() => vs, name, fn);

  before(async () => {
    // A client module and a file that imports its client (for the last test).
    vs = await startVsCode({
      prepareWorkspace: async (dir) => {
        await writeFile(join(dir, 'web', 'mlClient.ts'), ML_CLIENT);
        await writeFile(join(dir, 'web', 'askModel.ts'), "import { ml } from './mlClient';\n\nexport async function ask(x: number[]) {\n  const r = await ml.post('/predict', { x });\n  return r.data;\n}\n");
      },
    });
    page = vs.page;
  });

  after(async () => {
    await vs?.close();
  });

  async function applyLightbulbFix(line: number, column: number, title: RegExp): Promise<void> {
    // The cursor comes from another line: VS Code asks for code actions when the cursor moves, and a lightbulb hidden
    // by a hover (or never shown) is not asked for again by moving to where the cursor already is.
    await goTo(page, line > 1 ? line - 1 : line + 1, 1);
    await goTo(page, line, column);
    // The lightbulb: in the editor's glyph margin or floating next to the line, depending on room.
    const bulb = page.locator('.monaco-editor [class*="codicon-light-bulb"], .monaco-editor [class*="codicon-lightbulb"]');
    await bulb.first().waitFor({ timeout: 30_000 });
    await bulb.first().click();
    const item = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    await item.waitFor({ timeout: 10_000 });
    // Keyboard selection, as a person would after the menu opens (the menu's pointer guard swallows synthetic clicks).
    for (let i = 0; i < 10 && !((await item.getAttribute('class')) ?? '').includes('focused'); i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
  }

  test('a Python service shows MLShip warnings in the Problems panel, and the no-fallback quick fix removes one', async () => {
    await openFile(page, 'credit_risk_service.py');
    await vs.runCommand('View: Focus Problems');
    await row(page.locator('.markers-panel'), /mlship\/no-fallback/).waitFor({ timeout: 60_000 });
    const before = await problemTexts(page);
    assert.ok(before.some((t) => /mlship\/no-fallback.*Ln 20/.test(t)), before.join('\n'));
    assert.ok(before.some((t) => /mlship\/no-timeout.*Ln 26/.test(t)), before.join('\n'));
    await vs.screenshot('10-python-problems');
    await goTo(page, 20, 35);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover', { hasText: /onnxruntime/ }).last();
    await hover.waitFor({ timeout: 15_000 });
    const hoverText = (await hover.innerText()).replace(/\s+/g, ' ');
    assert.match(hoverText, /✗ fallback missing/);
    assert.match(hoverText, /✓ trace ok/);
    // The converted classifier's label leaves with its probability: confidence is surfaced, and the hover says so.
    assert.match(hoverText, /✓ confidence ok: the score is returned, sent or logged with the label/);
    await vs.screenshot('11-python-hover');
    await page.keyboard.press('Escape');
    await applyLightbulbFix(20, 35, /try\/except/);
    await page.waitForFunction(() => ![...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => /no-fallback.*Ln 20/.test(r.textContent?.replace(/\s+/g, ' ') ?? '')), undefined, { timeout: 30_000 });
    const editor = await page.locator('.editor-instance .view-lines').innerText();
    assert.match(editor.replace(/\s+/g, ' '), /try: .*session\.run/);
    assert.match(editor.replace(/\s+/g, ' '), /return fallback_score_application\(application\)/);
    // The generated fallback is a placeholder until the team writes its rule: MLShip says so.
    await row(page.locator('.markers-panel'), /mlship\/fallback-stub/).waitFor({ timeout: 30_000 });
    await vs.screenshot('12-python-quick-fix-applied');
    // The code the fix wrote, run with the model raising: score_application() answers through its fallback.
    await page.keyboard.press('Control+S');
    const file = join(vs.workspace, 'services', 'credit_risk_service.py');
    await page.waitForFunction(() => !document.querySelector('.tab.dirty'), undefined, { timeout: 15_000 });
    if (existsSync(PYTHON)) {
      const run = await runPython(file, 'raise', 'score_application');
      assert.ok(run.ok && run.fallbacks > 0, `the fixed service answers through its fallback: ${JSON.stringify(run)}`);
    }
  });

  test('a TypeScript client shows the warnings too, and the no-fallback quick fix removes its warning', async () => {
    await openFile(page, 'scoreClient.ts');
    await row(page.locator('.markers-panel'), /scoreClient\.ts/).waitFor({ timeout: 30_000 });
    await row(page.locator('.markers-panel'), /mlship\/no-timeout.*Ln 10/).waitFor({ timeout: 30_000 });
    const before = await problemTexts(page);
    assert.ok(before.some((t) => /mlship\/no-fallback.*Ln 10/.test(t)), before.join('\n'));
    await vs.screenshot('13-typescript-problems');
    const fallbacksBefore = before.filter((t) => /mlship\/no-fallback/.test(t)).length;
    await typescriptProjectLoaded(page);
    await applyLightbulbFix(10, 30, /try\/catch/);
    await page.waitForFunction(() => (document.querySelector('.editor-instance .view-lines')?.textContent ?? '').replace(/\s+/g, ' ').includes('catch (err)'), undefined, { timeout: 30_000 });
    // The server re-analyzes the edited file: the fetch moved into the try block (line 12) and keeps only its no-timeout warning.
    await row(page.locator('.markers-panel'), /mlship\/no-timeout.*Ln 11/).waitFor({ timeout: 30_000 });
    const after = await problemTexts(page);
    assert.equal(after.filter((t) => /mlship\/no-fallback/.test(t)).length, fallbacksBefore - 1, after.join('\n'));
    await vs.screenshot('14-typescript-quick-fix-applied');
    // Run it: with the inference server failing, requestDecision() resolves with its fallback's Decision.
    await page.keyboard.press('Control+S');
    await page.waitForFunction(() => !document.querySelector('.tab.dirty'), undefined, { timeout: 15_000 });
    const run = await runJs(join(vs.workspace, 'web', 'scoreClient.ts'), 'raise', 'requestDecisionFallback(');
    assert.ok(run.ok && run.fallbacks > 0, `the fixed client answers through its fallback: ${JSON.stringify(run)}`);
  });

  test('a module the open file imports from is changed on disk: the warning it caused goes', async () => {
    await openFile(page, 'askModel.ts');
    const timeoutRow = (t: string) => /mlship\/no-timeout/.test(t) && /Ln 4/.test(t);
    await page.waitForFunction(() => [...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => /no-timeout.*Ln 4/.test(r.textContent?.replace(/\s+/g, ' ') ?? '')), undefined, { timeout: 30_000 });
    const before = await problemTexts(page);
    assert.ok(before.some(timeoutRow), before.join('\n'));
    // Outside the editor (another tool, a git pull): the client gets its timeout.
    await writeFile(join(vs.workspace, 'web', 'mlClient.ts'), ML_CLIENT.replace("'http://scorer:8080' }", "'http://scorer:8080', timeout: 2000 }"));
    await page.waitForFunction(() => ![...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => /no-timeout.*Ln 4/.test(r.textContent?.replace(/\s+/g, ' ') ?? '')), undefined, { timeout: 30_000 });
    const after = await problemTexts(page);
    assert.ok(after.some((t) => /mlship\/no-fallback/.test(t) && /Ln 4/.test(t)), `the call still has no fallback: ${after.join('\n')}`);
    await vs.screenshot('16-imported-module-changed');
  });

  test('in a notebook, the timeout quick fix on a call in one cell puts its constant after the imports of another', async () => {
    await openFile(page, 'fraud_screen.ipynb');
    await vs.runCommand('View: Focus Problems');
    await page.waitForFunction(notebookMarkers, 'no-timeout', { timeout: 60_000 });
    await vs.screenshot('17-notebook-problems');
    // From the Problems panel to the call in its cell, then the quick fixes there.
    await problems(page).nth((await page.evaluate(notebookMarkers, 'no-timeout')) as number).click();
    // A click may already open the cell with the call selected (then Enter would replace it); if not, Enter opens it.
    const inCell = (timeout: number) => page.waitForFunction(() => document.activeElement?.closest('.notebook-editor .cell-editor-container') != null, undefined, { timeout }).then(() => true, () => false);
    if (!(await inCell(3_000))) {
      await page.keyboard.press('Enter');
      assert.ok(await inCell(15_000), 'the finding opens in its cell');
    }
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: /Add a timeout/ }).first();
    await item.waitFor({ timeout: 15_000 });
    for (let i = 0; i < 10 && !((await item.getAttribute('class')) ?? '').includes('focused'); i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    // The timeout is gone from the notebook; its fallback is still missing.
    await page.waitForFunction(`(${notebookMarkers.toString()})('no-timeout') === false && (${notebookMarkers.toString()})('no-fallback') !== false`, undefined, { timeout: 30_000 });
    const cells = (await page.locator('.notebook-editor .cell-editor-container .view-lines').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    assert.ok(cells.some((t) => /^import numpy as np .*import requests INFERENCE_TIMEOUT_S = 0\.05/.test(t)), cells.join('\n'));
    assert.ok(cells.some((t) => /response = requests\.post\(FRAUD_URL, json=payload, timeout=INFERENCE_TIMEOUT_S\)/.test(t)), cells.join('\n'));
    await vs.screenshot('18-notebook-quick-fix-applied');
  });
});
