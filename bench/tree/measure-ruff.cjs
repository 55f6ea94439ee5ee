// Checks every .py file under a folder with Ruff's wasm build (default rules) and prints wall time and peak RSS.
// usage: node measure-ruff.cjs <dir>
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Workspace, PositionEncoding } = require('@astral-sh/ruff-wasm-nodejs');

const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(d, e.name));
    else if (e.name.endsWith('.py')) files.push(join(d, e.name));
  }
};
const started = performance.now();
walk(process.argv[2]);
const ws = new Workspace(Workspace.defaultSettings(), PositionEncoding.Utf16);
let diagnostics = 0;
for (const f of files) diagnostics += ws.check(readFileSync(f, 'utf8')).length;
process.stdout.write(JSON.stringify({ ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS, files: files.length, diagnostics }) + '\n');
