// tree-sitter (web-tree-sitter + grammar wasm), loaded once and lazily. The bundles ship the wasm files in
// dist/grammars; from source (tests, benchmarks) they are read from the grammar packages in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Language as TsLanguage, Parser, type Tree } from 'web-tree-sitter';
import type { Language } from './types';

const GRAMMARS: Record<Language, { pkg: string; file: string }> = {
  python: { pkg: 'tree-sitter-python', file: 'tree-sitter-python.wasm' },
  typescript: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-typescript.wasm' },
  tsx: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-tsx.wasm' },
  javascript: { pkg: 'tree-sitter-javascript', file: 'tree-sitter-javascript.wasm' },
};

/** Where a wasm file is: beside the bundle (dist/grammars) or inside its npm package. */
export function locateWasm(pkg: string, file: string): string {
  const bundled = join(__dirname, 'grammars', file);
  if (existsSync(bundled)) return bundled;
  const req = createRequire(join(process.cwd(), 'package.json'));
  try {
    return req.resolve(`${pkg}/${file}`);
  } catch {
    return createRequire(__filename).resolve(`${pkg}/${file}`);
  }
}

let ready: Promise<void> | undefined;
const languages = new Map<Language, TsLanguage>();

/**
 * The cursor functions of tree-sitter's wasm module. web-tree-sitter's TreeCursor copies the cursor's four words into
 * a transfer buffer before every call and back after each move, in JavaScript; a walk that calls the module directly
 * leaves them there (see js/ast.ts). Emscripten makes the options object given to `Parser.init` the module itself.
 */
export interface CursorModule {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
}

const CURSOR_FUNCTIONS = [
  '_ts_init', '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
] as const;

let cursorModule: CursorModule | undefined;

/** tree-sitter's cursor functions, when this web-tree-sitter build exposes them (else the analysis uses TreeCursor). */
export function treeSitterCursorModule(): CursorModule | undefined {
  return cursorModule;
}

/** Loads tree-sitter and the grammars. Safe to call many times. */
export function loadGrammars(): Promise<void> {
  ready ??= (async () => {
    const options: Record<string, unknown> = { locateFile: (name: string) => locateWasm('web-tree-sitter', name) };
    await Parser.init(options);
    if (options.HEAP32 instanceof Int32Array && CURSOR_FUNCTIONS.every((f) => typeof options[f] === 'function')) cursorModule = options as unknown as CursorModule;
    for (const [lang, g] of Object.entries(GRAMMARS) as [Language, { pkg: string; file: string }][]) {
      languages.set(lang, await TsLanguage.load(locateWasm(g.pkg, g.file)));
    }
  })();
  return ready;
}

const parsers = new Map<Language, Parser>();

/** Parses with the grammar of `lang`; `loadGrammars()` must have resolved. Pass the edited old tree to reparse incrementally. */
export function parse(source: string, lang: Language, oldTree?: Tree | null): Tree {
  let parser = parsers.get(lang);
  if (!parser) {
    const language = languages.get(lang);
    if (!language) throw new Error('tree-sitter grammars are not loaded yet: await loadGrammars() first.');
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(lang, parser);
  }
  const tree = parser.parse(source, oldTree ?? null);
  if (!tree) throw new Error(`tree-sitter could not parse the ${lang} source.`);
  return tree;
}

export function languageForPath(path: string): Language | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.py') || lower.endsWith('.pyi') || lower.endsWith('.ipynb')) return 'python';
  if (lower.endsWith('.tsx')) return 'tsx';
  if (lower.endsWith('.ts') || lower.endsWith('.mts') || lower.endsWith('.cts')) return 'typescript';
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs') || lower.endsWith('.jsx')) return 'javascript';
  return undefined;
}

export function languageForId(languageId: string): Language | undefined {
  switch (languageId) {
    case 'python':
      return 'python';
    case 'typescript':
      return 'typescript';
    case 'typescriptreact':
      return 'tsx';
    case 'javascript':
    case 'javascriptreact':
      return 'javascript';
    default:
      return undefined;
  }
}
