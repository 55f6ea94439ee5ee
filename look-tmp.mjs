import { chromium } from 'playwright-core';
const url = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(url);
await page.waitForTimeout(8000);
await page.locator('a[aria-label^="MLShip"], .action-label[aria-label^="MLShip"]').first().click().catch(e=>console.log('no icon', e.message));
await page.waitForTimeout(6000);
await page.screenshot({ path: '/tmp/look/1.png' });
const steps = process.argv.slice(3);
let i = 2;
for (const s of steps) {
  const [kind, arg] = s.split('=');
  if (kind === 'click') await page.getByText(arg, { exact: arg.startsWith('^') ? false : false }).first().click().catch(e => console.log('click fail', arg));
  if (kind === 'dbl') await page.getByText(arg, { exact: false }).first().dblclick().catch(e => console.log('dbl fail', arg));
  if (kind === 'cmd') { await page.keyboard.press('F1'); await page.waitForTimeout(500); await page.keyboard.type(arg); await page.waitForTimeout(800); await page.keyboard.press('Enter'); }
  if (kind === 'row') await page.locator(`.monaco-list-row[aria-label*="${arg}"]`).first().click().catch(e => console.log('row fail', arg));
  if (kind === 'frame') { for (const f of page.frames()) { const l = f.getByText(arg, { exact: false }); if (await l.count().catch(()=>0)) { await l.first().click().catch(()=>{}); console.log('clicked in frame'); break; } } }
  if (kind === 'act') await page.locator(`.action-label[aria-label*="${arg}"]`).first().click().catch(e => console.log('act fail', arg));
  if (kind === 'wait') await page.waitForTimeout(Number(arg));
  if (kind === 'key') await page.keyboard.press(arg);
  if (kind === 'type') await page.keyboard.type(arg);
  await page.waitForTimeout(4000);
  await page.screenshot({ path: `/tmp/look/${i++}.png` });
}
await browser.close();
