// Activation time of the bundled extension (dist/extension.js), with onnxruntime-node not loaded, next to the cost of
// loading onnxruntime-node itself — what activation would cost if it loaded the runtime eagerly.
// The VS Code API is the one boundary replaced here: a recording stub that accepts every call, so the figure is the
// extension's own work. The real figure inside VS Code is logged by the extension ("MLShip activated in … ms").
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { median, type BenchFigure } from './figures';

const repo = resolve(__dirname, '..');

const ACTIVATE = `
const Module = require('module');
const origLoad = Module._load;
const stub = () => new Proxy(function () {}, {
  get: (t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : stub()),
  apply: () => stub(),
  construct: () => stub(),
  set: () => true,
});
const api = ['window', 'workspace', 'commands', 'languages', 'env', 'extensions', 'Uri', 'EventEmitter', 'TreeItem', 'ThemeIcon',
  'ThemeColor', 'MarkdownString', 'Range', 'Diagnostic', 'DiagnosticSeverity', 'ProgressLocation', 'TreeItemCollapsibleState', 'ViewColumn',
  'StatusBarAlignment', 'TabInputText', 'Position', 'Selection', 'TextEditorRevealType'];
const vscodeStub = new Proxy(Object.fromEntries(api.map((k) => [k, stub()])), { get: (t, p) => (p in t ? t[p] : stub()) });
Module._load = function (request, ...rest) { return request === 'vscode' ? vscodeStub : origLoad.call(this, request, ...rest); };
const t0 = performance.now();
const ext = require(${JSON.stringify(resolve(repo, 'dist', 'extension.js'))});
const result = ext.activate({ subscriptions: [], extensionUri: stub(), extensionPath: ${JSON.stringify(repo)} });
const t1 = performance.now();
const loaded = Object.keys(require.cache).some((k) => k.includes('onnxruntime'));
console.log(JSON.stringify({ requireAndActivateMs: t1 - t0, activateMs: result.activationMs, onnxruntimeLoaded: loaded }));
process.exit(0);
`;

const ORT = `
const t0 = performance.now();
require(${JSON.stringify(require.resolve('onnxruntime-node', { paths: [repo] }))});
console.log(JSON.stringify({ ms: performance.now() - t0 }));
`;

export function runActivationBench(repetitions = 9): BenchFigure[] {
  const act: number[] = [];
  const activateOnly: number[] = [];
  const ort: number[] = [];
  let onnxLoaded = false;
  for (let i = 0; i < repetitions; i++) {
    const a = JSON.parse(execFileSync(process.execPath, ['-e', ACTIVATE], { encoding: 'utf8' }).trim().split('\n').pop() as string) as { requireAndActivateMs: number; activateMs: number; onnxruntimeLoaded: boolean };
    act.push(a.requireAndActivateMs);
    activateOnly.push(a.activateMs);
    onnxLoaded ||= a.onnxruntimeLoaded;
    const o = JSON.parse(execFileSync(process.execPath, ['-e', ORT], { encoding: 'utf8' }).trim()) as { ms: number };
    ort.push(o.ms);
  }
  if (onnxLoaded) throw new Error('onnxruntime-node was loaded during activation');
  const a = median(act);
  const o = median(ort);
  const only = median(activateOnly);
  return [
    { name: 'activation (load bundle + activate(), onnxruntime not loaded)', value: a, unit: 'ms', peer: { name: 'require(onnxruntime-node) alone', value: o }, ratio: a / o, goal: 'onnxruntime never loaded at activation' },
    { name: 'activate() alone (discovery deferred)', value: only, unit: 'ms', peer: { name: 'require(onnxruntime-node) alone', value: o }, ratio: only / o },
  ];
}
