// The snippet corpus (test/corpus): used by the precision/recall test, the fuzz test (as seeds) and the analysis
// benchmark (as building blocks).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { languageForPath } from '../src/core/analysis/parser';
import type { Language } from '../src/core/analysis/types';

export const CORPUS_DIR = join(__dirname, 'corpus');

export interface CorpusFile {
  path: string;
  lang: Language;
}

/** Every source file of the corpus (notebooks excluded), sorted by path. */
export function corpusFiles(dir = CORPUS_DIR): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else {
        const lang = languageForPath(e.name);
        if (lang && !e.name.endsWith('.ipynb')) out.push({ path: join(d, e.name), lang });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
