// The MLShip language server: predict-call diagnostics for Python, TypeScript, TSX, JavaScript and the Python cells of
// Jupyter notebooks, with quick fixes, "fix all" and hovers. A thin LSP layer around src/core/analysis.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeAction, CodeActionKind, createConnection, Diagnostic, DiagnosticSeverity, FileChangeType, NotebookCellKind, NotebookDocuments,
  ProposedFeatures, TextDocumentSyncKind, type CodeActionParams, type Connection, type Hover, type InitializeParams, type InitializeResult,
  type WorkspaceEdit, type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree } from 'web-tree-sitter';
import { analyzeSource, fixesFor, mayExportSymbols, summarizeSource } from '../core/analysis/engine';
import { fixAll, fixAllText } from '../core/analysis/fixAll';
import { FileWorkspaceResolver, moduleNamesOf, specifierName } from '../core/analysis/workspace';
import { analyzeNotebook, fixNotebookCells, notebookCellFixes } from '../core/analysis/notebook';
import { languageForId, loadGrammars } from '../core/analysis/parser';
import { RULES } from '../core/analysis/rules';
import type { AnalysisConfig, AnalysisResult, CheckState, Finding, Language, PredictCall, Severity, SourceContext, WorkspaceResolver } from '../core/analysis/types';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../core/config/manifest';
import { PredictCallsRequest, StatusNotification, type ServerSettings } from '../shared/lsp';
import { analysisConfig } from '../core/analysis/settings';
import { VERSION } from '../shared/version';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.mlship`;

interface DocState {
  doc: TextDocument;
  lang: Language;
  /** The tree of `doc`'s current text, kept for incremental reparsing (files only, not notebook cells). */
  tree?: Tree;
  result?: AnalysisResult;
  timer?: NodeJS.Timeout;
  /** Set for notebook cells: the notebook's URI. */
  notebook?: string;
  /**
   * The workspace modules the analyses of `doc` read names from (since its last analysis from scratch), and the names
   * of those its imports found no module for (`specifierName`): when one of those files changes on disk, or a file of
   * such a name appears, the document is analyzed again from scratch (see `onDidChangeWatchedFiles`).
   */
  imports?: { files: Set<string>; unresolved: Set<string> };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

export function startServer(connection: Connection): void {
  const docs = new Map<string, DocState>();
  const notebooks = new NotebookDocuments(TextDocument);
  let folders: WorkspaceFolder[] = [];
  let canPullConfig = false;
  const settingsCache = new Map<string, Promise<ServerSettings | undefined>>();
  const manifestCache = new Map<string, Promise<Manifest | undefined>>();
  const docsRoot = join(__dirname, '..', 'docs', 'rules');
  let grammars: Promise<void> | undefined;
  let resolver: FileWorkspaceResolver | undefined;
  /** Imports of workspace modules are resolved within the workspace folders (see core/analysis/workspace.ts). */
  const workspaceResolver = (): FileWorkspaceResolver => (resolver ??= new FileWorkspaceResolver({ roots: folders.filter((f) => f.uri.startsWith('file:')).map((f) => fileURLToPath(f.uri)), summarize: summarizeSource, scan: mayExportSymbols }));
  /** A document's context: its path, and the workspace resolver, which notes in `imports` what the analysis read. */
  const contextFor = (uri: string, imports?: DocState['imports']): SourceContext => {
    if (!uri.startsWith('file:')) return {};
    const base = workspaceResolver();
    if (!imports) return { path: fileURLToPath(uri), resolver: base };
    const moduleOf = (fromPath: string, specifier: string): string | undefined => {
      const file = base.resolveModule(fromPath, specifier);
      if (file) imports.files.add(file);
      else imports.unresolved.add(specifierName(specifier));
      return file;
    };
    const resolver: WorkspaceResolver = {
      lookup(fromPath, specifier, name) {
        const file = moduleOf(fromPath, specifier);
        return file ? base.symbolIn(file, name) : undefined;
      },
      mayExport(fromPath, specifier) {
        const file = moduleOf(fromPath, specifier);
        return file !== undefined && base.mayExportFile(file);
      },
    };
    return { path: fileURLToPath(uri), resolver };
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    canPullConfig = params.capabilities.workspace?.configuration === true;
    grammars = loadGrammars();
    grammars.then(
      () => void connection.sendNotification(StatusNotification.type, { state: 'ready', message: 'MLShip diagnostics are ready.' }),
      (err: unknown) => {
        const message = `MLShip could not load its tree-sitter grammars: ${err instanceof Error ? err.message : String(err)}. Reinstall the extension.`;
        connection.console.error(message);
        void connection.sendNotification(StatusNotification.type, { state: 'error', message });
      },
    );
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }] },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'MLShip', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      folders = [...folders.filter((f) => !e.removed.some((r) => r.uri === f.uri)), ...e.added];
      resolver = undefined;
      manifestCache.clear();
      reanalyzeAll();
    });
  });

  function folderOf(uri: string): WorkspaceFolder | undefined {
    const owner = uri.startsWith('vscode-notebook-cell:') ? uri.replace(/^vscode-notebook-cell:/, 'file:').replace(/#.*$/, '') : uri;
    return folders.filter((f) => owner === f.uri || owner.startsWith(`${f.uri.replace(/\/$/, '')}/`)).sort((a, b) => b.uri.length - a.uri.length)[0];
  }

  function manifestFor(uri: string): Promise<Manifest | undefined> {
    const folder = folderOf(uri);
    if (!folder || !folder.uri.startsWith('file:')) return Promise.resolve(undefined);
    let hit = manifestCache.get(folder.uri);
    if (!hit) {
      hit = readFile(join(fileURLToPath(folder.uri), MANIFEST_FILE), 'utf8').then((t) => parseManifest(t).manifest, () => undefined);
      manifestCache.set(folder.uri, hit);
    }
    return hit;
  }

  function settingsFor(uri: string): Promise<ServerSettings | undefined> {
    if (!canPullConfig) return Promise.resolve(undefined);
    let hit = settingsCache.get(uri);
    if (!hit) {
      hit = connection.workspace.getConfiguration({ scopeUri: uri, section: 'mlship' }).then((s: unknown) => (s ?? undefined), () => undefined);
      settingsCache.set(uri, hit);
    }
    return hit;
  }

  async function configFor(uri: string): Promise<{ config: AnalysisConfig; enabled: boolean }> {
    const [manifest, settings] = await Promise.all([manifestFor(uri), settingsFor(uri)]);
    return { config: analysisConfig(manifest, settings), enabled: settings?.diagnostics?.enable !== false };
  }

  /** Each rule's documentation link, made once (diagnostics are published after every edit). */
  const ruleHrefs = new Map<Finding['rule'], string>();
  function toDiagnostic(f: Finding): Diagnostic {
    const rule = RULES[f.rule];
    const d = Diagnostic.create(f.range, f.message, SEVERITY[f.severity], rule.code, 'MLShip');
    let href = ruleHrefs.get(f.rule);
    if (href === undefined) ruleHrefs.set(f.rule, (href = pathToFileURL(join(docsRoot, `${f.rule}.md`)).toString()));
    d.codeDescription = { href };
    return d;
  }

  async function analyzeFile(uri: string): Promise<void> {
    const state = docs.get(uri);
    if (!state || state.notebook) return;
    await grammars;
    const version = state.doc.version;
    const { config, enabled } = await configFor(uri);
    const current = docs.get(uri);
    if (!current || current.doc.version !== version) return; // a newer change will analyze again
    if (!enabled) {
      current.result = { language: current.lang, calls: [], findings: [] };
      void connection.sendDiagnostics({ uri, version, diagnostics: [] });
      return;
    }
    const old = current.tree;
    // From scratch: what it imports is noted anew (after an edit, what the reanalysis reads is added).
    if (!old || !current.imports) current.imports = { files: new Set(), unresolved: new Set() };
    try {
      const { result, tree } = analyzeSource(current.doc.getText(), current.lang, config, old, { ...contextFor(uri, current.imports), keepForEdits: true });
      current.tree = tree;
      current.result = result;
      void connection.sendDiagnostics({ uri, version, diagnostics: result.findings.map(toDiagnostic) });
    } catch (err) {
      current.tree = undefined;
      connection.console.error(`MLShip could not analyze ${uri}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      if (old && old !== current.tree) old.delete();
    }
  }

  function schedule(uri: string, delayMs = 60): void {
    const state = docs.get(uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (state.notebook) void analyzeNotebookUri(state.notebook);
      else void analyzeFile(uri);
    }, delayMs);
  }

  function reanalyzeAll(): void {
    for (const [uri, state] of docs) if (!state.notebook) schedule(uri, 0);
    for (const nb of openNotebooks) void analyzeNotebookUri(nb);
  }

  connection.onDidOpenTextDocument(({ textDocument: t }) => {
    const lang = languageForId(t.languageId);
    if (!lang) return;
    docs.set(t.uri, { doc: TextDocument.create(t.uri, t.languageId, t.version, t.text), lang });
    schedule(t.uri, 0);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const state = docs.get(textDocument.uri);
    if (!state || state.notebook) return;
    for (const change of contentChanges) {
      if ('range' in change && state.tree) {
        const startIndex = state.doc.offsetAt(change.range.start);
        const oldEndIndex = state.doc.offsetAt(change.range.end);
        const lines = change.text.split('\n');
        const newEndPosition = lines.length === 1
          ? { row: change.range.start.line, column: change.range.start.character + change.text.length }
          : { row: change.range.start.line + lines.length - 1, column: (lines[lines.length - 1] ?? '').length };
        state.tree.edit({
          startIndex, oldEndIndex, newEndIndex: startIndex + change.text.length,
          startPosition: { row: change.range.start.line, column: change.range.start.character },
          oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
          newEndPosition,
        });
      } else if (state.tree) {
        state.tree.delete();
        state.tree = undefined;
      }
      state.doc = TextDocument.update(state.doc, [change], textDocument.version);
    }
    schedule(textDocument.uri);
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    const state = docs.get(textDocument.uri);
    if (!state || state.notebook) return;
    if (state.timer) clearTimeout(state.timer);
    state.tree?.delete();
    docs.delete(textDocument.uri);
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });

  /** A notebook's Python code cells, in order. */
  function notebookCells(notebookUri: string): TextDocument[] | undefined {
    const nb = notebooks.getNotebookDocument(notebookUri);
    return nb?.cells
      .filter((c) => c.kind === NotebookCellKind.Code)
      .map((c) => notebooks.getCellTextDocument(c))
      .filter((d): d is TextDocument => d !== undefined && d.languageId === 'python');
  }

  // Notebooks: the code cells are analyzed together (an import in one cell, a predict call in another).
  async function analyzeNotebookUri(notebookUri: string): Promise<void> {
    const cells = notebookCells(notebookUri);
    if (!cells) return;
    await grammars;
    const { config, enabled } = await configFor(notebookUri);
    const results = enabled ? analyzeNotebook(cells.map((d) => ({ id: d.uri, source: d.getText() })), config) : cells.map((d) => ({ id: d.uri, findings: [], calls: [] }));
    for (const r of results) {
      const doc = cells.find((d) => d.uri === r.id);
      if (!doc) continue;
      docs.set(r.id, { doc, lang: 'python', notebook: notebookUri, result: { language: 'python', calls: r.calls, findings: r.findings } });
      void connection.sendDiagnostics({ uri: r.id, version: doc.version, diagnostics: r.findings.map(toDiagnostic) });
    }
  }
  const openNotebooks = new Set<string>();
  notebooks.onDidOpen((nb) => {
    openNotebooks.add(nb.uri);
    void analyzeNotebookUri(nb.uri);
  });
  notebooks.onDidChange((e) => void analyzeNotebookUri(e.notebookDocument.uri));
  notebooks.onDidClose((nb) => {
    openNotebooks.delete(nb.uri);
    for (const c of nb.cells) {
      docs.delete(c.document);
      void connection.sendDiagnostics({ uri: c.document, diagnostics: [] });
    }
  });
  notebooks.listen(connection);

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    reanalyzeAll();
  });

  /** Analyzes a document again from scratch (an incremental reanalysis keeps what the unedited statements read). */
  function reanalyzeFresh(uri: string, state: DocState): void {
    state.tree?.delete();
    state.tree = undefined;
    schedule(uri, 0);
  }

  connection.onDidChangeWatchedFiles(({ changes }) => {
    if (changes.some((c) => c.uri.endsWith(`/${MANIFEST_FILE}`))) {
      manifestCache.clear();
      reanalyzeAll();
    }
    // A workspace module changed, appeared or went away: the open documents that read it (or whose imports found no
    // module of the name of one that appeared) are analyzed again, so a summary they used is not kept past its change.
    const changed = new Set<string>();
    const createdNames = new Set<string>();
    for (const c of changes) {
      if (!c.uri.startsWith('file:') || c.uri.endsWith(`/${MANIFEST_FILE}`)) continue;
      const path = fileURLToPath(c.uri);
      changed.add(path);
      if (c.type === FileChangeType.Created) for (const name of moduleNamesOf(path)) createdNames.add(name);
    }
    if (changed.size === 0) return;
    for (const [uri, state] of docs) {
      const imports = state.imports;
      if (state.notebook || !imports) continue;
      if ([...imports.unresolved].some((n) => createdNames.has(n)) || [...imports.files].some((f) => changed.has(f))) reanalyzeFresh(uri, state);
    }
  });

  function findingFor(state: DocState, d: Diagnostic): Finding | undefined {
    return state.result?.findings.find((f) => RULES[f.rule].code === d.code && f.range.start.line === d.range.start.line && f.range.start.character === d.range.start.character);
  }

  /** Where quick fixes apply: a file, or a notebook's code cells fixed as one program (see `notebookScope`). */
  interface FixScope {
    /** For the "fix all" title: "file" or "notebook". */
    noun: string;
    /** Every finding of the scope (of all the notebook's cells). */
    findings: Finding[];
    fixes(finding: Finding): { title: string; isPreferred?: boolean; edit: WorkspaceEdit }[];
    fixAll(): { edit: WorkspaceEdit; count: number } | undefined;
  }

  function fileScope(uri: string, state: DocState, config: AnalysisConfig): FixScope {
    const text = state.doc.getText();
    return {
      noun: 'file',
      findings: state.result?.findings ?? [],
      fixes: (finding) => fixesFor(finding, text, state.lang, config, state.tree, contextFor(uri)).map((fix) => ({ title: fix.title, isPreferred: fix.isPreferred, edit: { changes: { [uri]: fix.edits } } })),
      fixAll: () => {
        const r = fixAll(text, state.lang, config, contextFor(uri));
        return r && { edit: { changes: { [uri]: [r.edit] } }, count: r.count };
      },
    };
  }

  /**
   * A notebook's code cells as one program (the import in the first cell, the call in another), analyzed as
   * `analyzeNotebookUri` does: each edit replaces the text of the cells it changes.
   */
  function notebookScope(notebookUri: string, cellUri: string, config: AnalysisConfig): FixScope {
    const docsOfCells = notebookCells(notebookUri) ?? [];
    const cells = docsOfCells.map((d) => ({ id: d.uri, source: d.getText() }));
    const context: SourceContext = {};
    const edit = (changed: Map<string, string>): WorkspaceEdit => ({
      changes: Object.fromEntries([...changed].map(([id, text]) => {
        const doc = docsOfCells.find((d) => d.uri === id) as TextDocument;
        return [id, [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: text }]];
      })),
    });
    return {
      noun: 'notebook',
      findings: docsOfCells.flatMap((d) => docs.get(d.uri)?.result?.findings ?? []),
      fixes: (finding) =>
        notebookCellFixes(cells, cellUri, finding, (program, f) => fixesFor(f, program, 'python', config, undefined, context)).map((fix) => ({ title: fix.title, ...(fix.isPreferred !== undefined ? { isPreferred: fix.isPreferred } : {}), edit: edit(fix.cells) })),
      fixAll: () => {
        const r = fixNotebookCells(cells, (program, accept) => fixAllText(program, 'python', config, context, accept));
        return r.count > 0 ? { edit: edit(r.cells), count: r.count } : undefined;
      },
    };
  }

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const state = docs.get(params.textDocument.uri);
    if (!state?.result) return [];
    await grammars;
    const { config } = await configFor(params.textDocument.uri);
    const uri = params.textDocument.uri;
    const scope = state.notebook ? notebookScope(state.notebook, uri, config) : fileScope(uri, state, config);
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (!only || only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.QuickFix.split('.')[0])) {
      for (const d of params.context.diagnostics) {
        if (d.source !== 'MLShip') continue;
        const finding = findingFor(state, d);
        if (!finding) continue;
        for (const fix of scope.fixes(finding)) {
          const action = CodeAction.create(fix.title, fix.edit, CodeActionKind.QuickFix);
          action.diagnostics = [d];
          if (fix.isPreferred !== undefined) action.isPreferred = fix.isPreferred;
          actions.push(action);
        }
      }
      const fixable = scope.findings.filter((f) => f.rule !== 'no-confidence' && f.rule !== 'untraced-prediction' && f.rule !== 'unsafe-model-load');
      if (fixable.length > 1 && params.context.diagnostics.some((d) => d.source === 'MLShip')) {
        const all = scope.fixAll();
        if (all) actions.push(CodeAction.create(`Fix all MLShip problems in this ${scope.noun} (${all.count})`, all.edit, CodeActionKind.QuickFix));
      }
    }
    if (only?.some((k) => FIX_ALL_KIND.startsWith(k))) {
      const all = scope.fixAll();
      if (all) actions.push(CodeAction.create('Fix all MLShip problems', all.edit, FIX_ALL_KIND));
    }
    return actions;
  });

  connection.onHover(({ textDocument, position }): Hover | null => {
    const state = docs.get(textDocument.uri);
    const call = state?.result?.calls.find((c) => contains(c.range, position));
    if (!call) return null;
    return { contents: { kind: 'markdown', value: hoverMarkdown(call) }, range: call.range };
  });

  connection.onRequest(PredictCallsRequest.type, ({ uri }) => docs.get(uri)?.result?.calls ?? []);

  connection.listen();
}

function contains(r: PredictCall['range'], p: { line: number; character: number }): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

const MARK: Record<CheckState, string> = { pass: '✓', fail: '✗', 'n/a': '–', suppressed: '⊘' };
const WORD: Record<CheckState, string> = { pass: 'ok', fail: 'missing', 'n/a': 'not applicable', suppressed: 'ignored by comment' };

export function hoverMarkdown(call: PredictCall): string {
  const rows = (['fallback', 'confidence', 'timeout', 'trace'] as const).map((k) => `| ${MARK[call.checks[k]]} | ${k} | ${WORD[call.checks[k]]}${k === 'confidence' && call.confidenceReason ? `: ${call.confidenceReason}` : ''} |`);
  return [`**MLShip** · ${call.label}`, '', '| | check | |', '|---|---|---|', ...rows].join('\n');
}


if (require.main === module) startServer(createConnection(ProposedFeatures.all));
