// Tooltips of the sidebar's rows: a narrow sidebar cuts a row's label and description, so every row's tooltip holds
// its full text (Markdown: the label in bold, then the description, then any further lines).

/** Text shown as itself in Markdown (no emphasis, links, headings, lists or HTML made of it). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

export interface RowText {
  label: string;
  description?: string;
  /** Further lines: what the row does not say, e.g. a path, a full hash, a reason. */
  lines?: readonly string[];
}

/** The Markdown of a row's tooltip: **label** — description, then each further line on its own line. */
export function rowTooltip(row: RowText): string {
  const head = `**${escapeMarkdown(row.label)}**${row.description ? ` — ${escapeMarkdown(row.description)}` : ''}`;
  const lines = (row.lines ?? []).flatMap((l) => l.split('\n')).filter((l) => l.trim() !== '' && l !== row.description && l !== row.label);
  return lines.length ? `${head}\n\n${lines.map(escapeMarkdown).join('  \n')}` : head;
}
