// Starts a real VS Code (code-server 4.100.3) with the packaged MLShip VSIX installed, on 127.0.0.1, and drives it
// with playwright-core in Debian's Chromium. Screenshots go to test-results/.
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test as nodeTest } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
// @ts-expect-error plain ESM helper shared with `npm start`
import { ensureCodeServer, freePort, installExtension, startCodeServer } from '../../scripts/code-server.mjs';

export const repoRoot = resolve(__dirname, '..', '..');
export const resultsDir = join(repoRoot, 'test-results');

export interface VsCodeSession {
  page: Page;
  workspace: string;
  url: string;
  screenshot(name: string): Promise<string>;
  /** Runs a command from the Command Palette by its title. */
  runCommand(title: string): Promise<void>;
  close(): Promise<void>;
}

interface CodeServerHandle {
  child: { kill(signal?: string): boolean; exitCode: number | null; once(event: 'exit', fn: (...args: unknown[]) => void): void };
  url: string;
  log: string[];
}

async function findVsix(): Promise<string> {
  const dir = join(repoRoot, 'out');
  const vsix = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.vsix')).sort().pop();
  if (!vsix) throw new Error('No VSIX in out/: run `npm run package` first (npm test does).');
  return join(dir, vsix);
}

/** Copies the sample workspace to a temp folder so tests never dirty the repository. */
export async function startVsCode(options: { settings?: Record<string, unknown>; prepareWorkspace?: (dir: string) => Promise<void> } = {}): Promise<VsCodeSession> {
  (ensureCodeServer as () => string)();
  const base = await mkdtemp(join(tmpdir(), 'mlship-e2e-'));
  const workspace = join(base, 'samples');
  await cp(join(repoRoot, 'samples'), workspace, { recursive: true });
  await options.prepareWorkspace?.(workspace);
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await writeFile(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'git.openRepositoryInParentFolders': 'never',
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...options.settings,
  }, null, 2));
  (installExtension as (v: string, e: string, u: string) => void)(await findVsix(), extensionsDir, userDataDir);
  const port = await (freePort as () => Promise<number>)();
  const server = (await (startCodeServer as (o: object) => Promise<CodeServerHandle>)({ port, extensionsDir, userDataDir, workspace, logFile: join(base, 'code-server.log') }));
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      headless: true,
    });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1100 } });
    const page = await context.newPage();
    const url = `${server.url}?folder=${encodeURIComponent(workspace)}`;
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await mkdir(resultsDir, { recursive: true });
    const b = browser;
    return {
      page,
      workspace,
      url,
      async screenshot(name) {
        const file = join(resultsDir, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      async runCommand(title) {
        const input = page.locator('.quick-input-widget input');
        // A view that takes focus just after F1 (a side bar container opening its view) closes the palette
        // again; open it anew rather than waiting on a hidden input.
        for (let attempt = 1; ; attempt++) {
          try {
            await page.keyboard.press('F1');
            await input.waitFor({ timeout: 10_000 });
            await input.fill(`>${title}`, { timeout: 5_000 });
            break;
          } catch (err) {
            if (attempt === 3) throw err;
            await page.keyboard.press('Escape');
          }
        }
        await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
        await page.keyboard.press('Enter');
      },
      async close() {
        await b.close();
        const exited = new Promise((r) => (server.child.exitCode !== null ? r(null) : server.child.once('exit', r)));
        server.child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        // code-server may still be writing its state while it exits: retry instead of failing on ENOTEMPTY.
        await rm(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      },
    };
  } catch (err) {
    await browser?.close();
    server.child.kill('SIGTERM');
    throw err;
  }
}

/** A node:test test that saves a screenshot of the workbench when it fails. */
export function e2eTest(session: () => VsCodeSession | undefined, name: string, fn: () => Promise<void>): void {
  const failed = `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
  void nodeTest(name, async () => {
    try {
      await fn();
      // A screenshot of an earlier failure of this test would outlive the fix and mislead whoever reads test-results/.
      await rm(join(resultsDir, `${failed}.png`), { force: true });
    } catch (err) {
      const vs = session();
      await vs?.screenshot(failed).catch(() => undefined);
      // What the workbench said (notifications), so a failure in CI explains itself without the screenshot.
      const said = await vs?.page
        .locator('.notification-toast .notification-list-item-message')
        .allInnerTexts()
        .catch(() => [] as string[]);
      if (said?.length && err instanceof Error) err.message += `\nNotifications on screen: ${said.map((t) => JSON.stringify(t)).join('; ')}`;
      // Close a menu or quick input left open, so one failure does not fail the tests after it.
      for (let i = 0; i < 2; i++) await vs?.page.keyboard.press('Escape').catch(() => undefined);
      throw err;
    }
  });
}

/** The first list row (tree, problems, quick pick…) in `scope` whose text matches. */
export function row(scope: Locator | Page, text: string | RegExp): Locator {
  return scope.locator('.monaco-list-row', { hasText: text }).first();
}

/** The sidebar pane titled `title` (Models, Data Snapshots). */
export function view(page: Page, title: string): Locator {
  return page.locator('.pane', { has: page.locator(`.pane-header[aria-label^="${title}"]`) });
}

export async function collapseAll(page: Page, title: string): Promise<void> {
  const header = page.locator(`.pane-header[aria-label^="${title}"]`);
  await header.hover();
  await header.locator('.action-label[aria-label^="Collapse All"]').click();
}

/** Expands the first tree row matching `text` (waits for it). */
export async function expand(scope: Locator, text: string | RegExp): Promise<void> {
  const r = row(scope, text);
  await r.waitFor({ timeout: 30_000 });
  if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
  await scope.page().waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await r.elementHandle(), { timeout: 10_000 });
}

/** Opens the MLShip container, waits for the Models view, and widens the sidebar by `widen` pixels for readable screenshots. */
export async function openMlshipSidebar(page: Page, widen = 0): Promise<void> {
  // Clicking the tab of the container already shown would hide the sidebar.
  if (!(await page.locator('.pane-header[aria-label^="Models"]').isVisible())) await page.getByRole('tab', { name: /^MLShip/ }).click();
  await view(page, 'Models').locator('.monaco-list-row').first().waitFor({ timeout: 60_000 });
  const box = widen ? await page.locator('.part.sidebar').boundingBox() : null;
  if (box) {
    await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width + widen, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
  }
}

/**
 * Drags the sidebar's edge until it is `width` pixels wide (VS Code allows 170 at least) and waits for the layout;
 * resolves with the width it had.
 */
export async function setSidebarWidth(page: Page, width: number): Promise<number> {
  const sidebar = page.locator('.part.sidebar');
  const box = await sidebar.boundingBox();
  if (!box) throw new Error('no sidebar');
  await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + width + 1, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(({ el, w }) => Math.abs(el.getBoundingClientRect().width - w) < 2, { el: await sidebar.elementHandle(), w: width }, { timeout: 5_000 });
  return box.width;
}

/** Clicks a tree row and waits until it is selected. */
export async function selectRow(r: Locator): Promise<void> {
  await r.click();
  await r.page().waitForFunction((el) => el?.classList.contains('selected') ?? false, await r.elementHandle(), { timeout: 5_000 });
}

/** The titles of the inline action buttons a tree row shows now (hidden ones left out). */
export async function shownInlineActions(r: Locator): Promise<(string | null)[]> {
  return r.locator('.actions .action-label').evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetWidth > 0).map((e) => e.getAttribute('aria-label')));
}

/**
 * A tree row's name and the part of it left visible: the name's characters whose box ends inside the label's
 * clipping box (a cut name ends in an ellipsis there). `shown === name` when nothing is cut.
 */
export async function rowNameShown(r: Locator): Promise<{ name: string; shown: string }> {
  return r
    .locator('.monaco-icon-label')
    .first()
    .evaluate((label) => {
      const nameEl = label.querySelector('.label-name');
      const clip = label.querySelector('.monaco-icon-label-container')?.getBoundingClientRect();
      const name = nameEl?.textContent ?? '';
      if (!nameEl || !clip) return { name, shown: '' };
      const range = document.createRange();
      let shown = '';
      const walker = document.createTreeWalker(nameEl, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (let i = 0; i < text.length; i++) {
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          if (range.getBoundingClientRect().right > clip.right + 0.5) return { name, shown };
          shown += text[i];
        }
      }
      return { name, shown };
    });
}

/** Right-clicks a tree row; resolves with its context menu and the titles of the menu's enabled and disabled items. */
export async function openContextMenu(r: Locator): Promise<{ menu: Locator; enabled: string[]; disabled: string[] }> {
  await r.click({ button: 'right' });
  const menu = r.page().locator('.context-view .monaco-menu');
  await menu.waitFor({ timeout: 10_000 });
  const titles = async (selector: string): Promise<string[]> => (await menu.locator(selector).allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  return { menu, enabled: await titles('.action-item:not(.disabled) .action-label:not(.separator)'), disabled: await titles('.action-item.disabled .action-label:not(.separator)') };
}

/** Saves a screenshot of an open context menu once it has faded in, then closes it. */
export async function screenshotContextMenu(vs: VsCodeSession, menu: Locator, name: string): Promise<void> {
  await vs.page.waitForTimeout(400); // the menu fades in
  await vs.screenshot(name);
  await vs.page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout: 5_000 });
}

/** Runs the command titled `title` from a tree row's context menu. */
export async function runFromContextMenu(r: Locator, title: string): Promise<void> {
  const { menu } = await openContextMenu(r);
  // The menu is laid out and focused before it takes a click; it closes once the command runs.
  await r.page().waitForTimeout(300);
  await menu.locator('.action-label', { hasText: title }).click();
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Scrolls an element of a live page into view. A live dashboard may rebuild between finding the element and
 * scrolling (a histogram came or went), which detaches it: find it again, up to three times.
 */
export async function scrollIntoView(target: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.scrollIntoViewIfNeeded({ timeout: 15_000 });
      return;
    } catch (err) {
      if (attempt >= 3 || !/not attached/i.test(String(err))) throw err;
    }
  }
}

/** The content frame of the active webview panel. */
export function activeWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

export interface SuiteContext {
  readonly vs: VsCodeSession;
  readonly page: Page;
  /** A test that saves a screenshot when it fails. */
  test(name: string, fn: () => Promise<void>): void;
}

/** A suite with one VS Code for all its tests, started before them (with the MLShip sidebar open) and closed after. */
export function describeVsCode(name: string, options: { sidebarWidth?: number }, body: (ctx: SuiteContext) => void): void {
  void describe(name, () => {
    let session: VsCodeSession | undefined;
    const current = (): VsCodeSession => {
      if (!session) throw new Error('VS Code did not start');
      return session;
    };
    before(async () => {
      session = await startVsCode();
      await openMlshipSidebar(session.page, options.sidebarWidth ?? 0);
    });
    after(async () => {
      await session?.close();
    });
    body({
      get vs() {
        return current();
      },
      get page() {
        return current().page;
      },
      test: (testName, fn) => e2eTest(() => session, testName, fn),
    });
  });
}
