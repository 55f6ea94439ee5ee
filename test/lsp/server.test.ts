// The language server over a real connection: the built dist/server.js in its own process, driven by a JSON-RPC client
// over stdio, as an editor would.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  CodeActionRequest, ConfigurationRequest, createProtocolConnection, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification, DidOpenNotebookDocumentNotification, DidOpenTextDocumentNotification, ExitNotification, HoverRequest,
  FileChangeType, InitializedNotification, InitializeRequest, NotebookCellKind, PublishDiagnosticsNotification, ShutdownRequest, type CodeAction, type Diagnostic,
  type MarkupContent, type ProtocolConnection, type PublishDiagnosticsParams, type TextEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { PredictCallsRequest, StatusNotification, type StatusParams } from '../../src/shared/lsp';

const serverJs = resolve(__dirname, '..', '..', 'dist', 'server.js');

const SERVICE_PY = `import logging
import joblib
import requests

logger = logging.getLogger(__name__)
model = joblib.load("models/credit.joblib")
SCORING_URL = "http://scoring.internal:8080/v2/models/credit-risk/infer"


def score(features):
    return model.predict_proba([features])[0][1]


def remote_score(payload):
    response = requests.post(SCORING_URL, json=payload)
    return response.json()
`;

describe('MLShip language server over a real connection', () => {
  let child: ChildProcess;
  let conn: ProtocolConnection;
  let root: string;
  let settings: Record<string, unknown> = {};
  const latest = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];

  function diagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    const have = latest.get(uri);
    if (have && pred(have)) return Promise.resolve(have);
    return new Promise((resolvePromise) => waiters.push({ uri, pred, resolve: resolvePromise }));
  }
  const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`).sort();

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-lsp-'));
    await writeFile(join(root, 'mlship.yaml'), 'version: 1\nanalysis:\n  fallbackWrappers: [with_fallback]\n');
    child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      latest.set(p.uri, p);
      for (const w of [...waiters]) if (w.uri === p.uri && w.pred(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    });
    conn.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => settings));
    const ready = new Promise<StatusParams>((r) => conn.onNotification(StatusNotification.type, r));
    conn.listen();
    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: pathToFileURL(root).toString(),
      workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } }, hover: { contentFormat: ['markdown'] } } },
    });
    assert.ok(init.capabilities.hoverProvider);
    assert.ok(init.capabilities.notebookDocumentSync);
    await conn.sendNotification(InitializedNotification.type, {});
    assert.equal((await ready).state, 'ready');
  });

  after(async () => {
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    conn.dispose();
    child.kill();
    await rm(root, { recursive: true, force: true });
  });

  const uriOf = (name: string) => pathToFileURL(join(root, name)).toString();

  test('publishes diagnostics on open, with rule codes and documentation links', async () => {
    const uri = uriOf('service.py');
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: SERVICE_PY } });
    const p = await diagnostics(uri);
    const found = codes(p);
    assert.ok(found.includes('5:mlship/unsafe-model-load'), found.join(', '));
    assert.ok(found.includes('10:mlship/no-fallback'), found.join(', '));
    assert.ok(found.includes('14:mlship/no-timeout'), found.join(', '));
    const d = p.diagnostics.find((x) => x.code === 'mlship/no-timeout') as Diagnostic;
    assert.equal(d.source, 'MLShip');
    assert.match(d.codeDescription?.href ?? '', /docs\/rules\/no-timeout\.md$/);
    assert.match(d.message, /timeout/);
  });

  test('updates diagnostics after incremental changes, matching a fresh analysis of the same text', async () => {
    const uri = uriOf('service.py');
    let doc = TextDocument.create(uri, 'python', 1, SERVICE_PY);
    const line = SERVICE_PY.split('\n').findIndex((l) => l.includes('requests.post'));
    const edits: { range: TextEdit['range']; text: string }[] = [
      { range: { start: { line, character: 49 }, end: { line, character: 49 } }, text: ', timeout=0.05' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# scoring service\n' },
      { range: { start: { line: 11, character: 0 }, end: { line: 11, character: 0 } }, text: '\n\ndef unused():\n    pass\n' },
    ];
    let version = 1;
    for (const e of edits) {
      version++;
      doc = TextDocument.update(doc, [e], version);
      await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [e] });
    }
    const incremental = await diagnostics(uri, (p) => p.version === version);
    assert.ok(!codes(incremental).some((c) => c.endsWith('no-timeout')), 'the timeout fixed it');
    const fresh = uriOf('fresh.py');
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: fresh, languageId: 'python', version: 1, text: doc.getText() } });
    assert.deepEqual(codes(await diagnostics(fresh)), codes(incremental));
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: fresh } });
  });

  test('offers a quick fix that removes the warning, and hover shows the checks', async () => {
    const uri = uriOf('fixme.py');
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: SERVICE_PY } });
    const p = await diagnostics(uri);
    const d = p.diagnostics.find((x) => x.code === 'mlship/no-fallback') as Diagnostic;
    const hover = await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: d.range.start.line, character: d.range.start.character + 2 } });
    const md = (hover?.contents as MarkupContent).value;
    assert.match(md, /✗ \| fallback/);
    assert.match(md, /– \| timeout/);
    const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const fix = actions.find((a) => a.kind === 'quickfix' && a.diagnostics?.[0]?.code === 'mlship/no-fallback');
    assert.ok(fix?.edit?.changes?.[uri], `a no-fallback quick fix (got: ${actions.map((a) => a.title).join('; ')})`);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, SERVICE_PY), fix.edit.changes[uri]);
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await diagnostics(uri, (x) => x.version === 2);
    const count = (q: PublishDiagnosticsParams) => q.diagnostics.filter((x) => x.code === 'mlship/no-fallback').length;
    assert.equal(count(after), count(p) - 1, codes(after).join(', '));
    assert.match(fixed, /try:\n\s+return model\.predict_proba/);
    const calls = await conn.sendRequest(PredictCallsRequest.type, { uri });
    assert.ok(calls.some((c) => c.checks.fallback === 'pass'));
  });

  test('fix all applies every safe fix in one edit', async () => {
    const uri = uriOf('fixall.py');
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text: SERVICE_PY } });
    await diagnostics(uri);
    const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } })) as CodeAction[];
    const all = actions.find((a) => a.kind === 'source.fixAll.mlship');
    assert.ok(all?.edit?.changes?.[uri]);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, SERVICE_PY), all.edit.changes[uri]);
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await diagnostics(uri, (x) => x.version === 2);
    assert.ok(!codes(after).some((c) => c.endsWith('no-fallback') || c.endsWith('no-timeout')), codes(after).join(', '));
  });

  test('configuration changes apply at once', async () => {
    const uri = uriOf('config.ts');
    const text = `import * as ort from 'onnxruntime-node';\n\nexport async function score(feeds: Record<string, ort.Tensor>) {\n  const session = await ort.InferenceSession.create('model.onnx');\n  const out = await session.run(feeds);\n  return out;\n}\n`;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    const before = await diagnostics(uri);
    assert.ok(codes(before).includes('4:mlship/no-fallback'), codes(before).join(', '));
    settings = { diagnostics: { severity: { 'no-fallback': 'off', 'untraced-prediction': 'error' } } };
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const after = await diagnostics(uri, (p) => !codes(p).includes('4:mlship/no-fallback'));
    const untraced = after.diagnostics.find((d) => d.code === 'mlship/untraced-prediction');
    assert.equal(untraced?.severity, 1, 'untraced-prediction raised to error');
    settings = {};
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  });

  test('a workspace module changed or created on disk: the open files that import from it are analyzed again', { timeout: 60_000 }, async () => {
    await mkdir(join(root, 'web'), { recursive: true });
    const ml = join(root, 'web', 'ml.ts');
    await writeFile(ml, "import axios from 'axios';\nexport const ml = axios.create({ baseURL: 'http://scorer:8080' });\n");
    const uri = uriOf('web/app.ts');
    const text = "import { ml } from './ml';\n\nexport async function score(x: number[]) {\n  const r = await ml.post('/predict', { x });\n  return r.data;\n}\n";
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    const before = await diagnostics(uri, (p) => codes(p).includes('3:mlship/no-timeout'));
    assert.ok(codes(before).includes('3:mlship/no-fallback'), codes(before).join(', '));
    // The client gets a timeout in its module; the file that imports it is not edited.
    await writeFile(ml, "import axios from 'axios';\nexport const ml = axios.create({ baseURL: 'http://scorer:8080', timeout: 2000 });\n");
    const later = new Date(Date.now() + 5000);
    await utimes(ml, later, later);
    await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(join(root, 'web', 'other.ts')).toString(), type: FileChangeType.Changed }, { uri: pathToFileURL(ml).toString(), type: FileChangeType.Changed }] });
    const after = await diagnostics(uri, (p) => !codes(p).includes('3:mlship/no-timeout'));
    assert.ok(codes(after).includes('3:mlship/no-fallback'), 'still no fallback');

    // An import of a module that is not there yet finds nothing; once the module is created, it does.
    const user = uriOf('web/late-user.ts');
    const userText = "import { getSession } from './late';\n\nexport async function score(feeds: Record<string, unknown>) {\n  const session = await getSession();\n  return session.run(feeds);\n}\n";
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: user, languageId: 'typescript', version: 1, text: userText } });
    assert.deepEqual(codes(await diagnostics(user)), []);
    const late = join(root, 'web', 'late.ts');
    await writeFile(late, "import * as ort from 'onnxruntime-node';\nexport const getSession = () => ort.InferenceSession.create('m.onnx');\n");
    await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(late).toString(), type: FileChangeType.Created }] });
    const found = await diagnostics(user, (p) => codes(p).includes('4:mlship/no-fallback'));
    assert.ok(found.diagnostics.length > 0);

    // A module that held nothing (so the names imported from it were not followed) gains a model.
    const util = join(root, 'web', 'util.ts');
    await writeFile(util, 'export const loadModel = () => null;\n');
    const third = uriOf('web/util-user.ts');
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: third, languageId: 'typescript', version: 1, text: userText.replace("{ getSession } from './late'", "{ loadModel as getSession } from './util'") } });
    assert.deepEqual(codes(await diagnostics(third)), []);
    await writeFile(util, "import * as ort from 'onnxruntime-node';\nexport const loadModel = () => ort.InferenceSession.create('m.onnx');\n");
    await utimes(util, later, later);
    await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(util).toString(), type: FileChangeType.Changed }] });
    assert.ok(codes(await diagnostics(third, (p) => codes(p).includes('4:mlship/no-fallback'))).length > 0);
    for (const u of [uri, user, third]) await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  });

  test('notebook cells are analyzed together and reported per cell', async () => {
    const nb = uriOf('explore.ipynb');
    const cell = (i: number) => `vscode-notebook-cell:${new URL(nb).pathname}#cell${i}`;
    await conn.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: nb, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: NotebookCellKind.Code, document: cell(0) }, { kind: NotebookCellKind.Code, document: cell(1) }] },
      cellTextDocuments: [
        { uri: cell(0), languageId: 'python', version: 1, text: 'import requests\nURL = "http://localhost:8080/predict"\n' },
        { uri: cell(1), languageId: 'python', version: 1, text: 'resp = requests.post(URL, json={"x": 1})\nprint(resp.json())\n' },
      ],
    });
    const p = await diagnostics(cell(1));
    assert.ok(codes(p).includes('0:mlship/no-timeout'), codes(p).join(', '));
    // Quick fixes see the import of the first cell: the timeout constant goes after it, the timeout into the call.
    const d = p.diagnostics.find((x) => x.code === 'mlship/no-timeout') as Diagnostic;
    const actions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: cell(1) }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const timeout = actions.find((a) => /timeout/i.test(a.title));
    assert.ok(timeout, actions.map((a) => a.title).join(', '));
    const changes = timeout.edit?.changes ?? {};
    assert.deepEqual(Object.keys(changes).sort(), [cell(0), cell(1)].sort());
    assert.match(changes[cell(0)]?.[0]?.newText ?? '', /^import requests\n[\s\S]*INFERENCE_TIMEOUT_S = 0\.05/);
    assert.match(changes[cell(1)]?.[0]?.newText ?? '', /requests\.post\(URL, json=\{"x": 1\}, timeout=INFERENCE_TIMEOUT_S\)/);
    // "Fix all" fixes both findings of the call, each cell replaced whole.
    const all = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: cell(1) }, range: d.range, context: { diagnostics: [], only: ['source.fixAll'] } })) as CodeAction[];
    const fixed = all[0]?.edit?.changes?.[cell(1)]?.[0]?.newText ?? '';
    assert.match(fixed, /^try:\n {4}resp = requests\.post\(URL, json=\{"x": 1\}, timeout=INFERENCE_TIMEOUT_S\)/);
  });
});
