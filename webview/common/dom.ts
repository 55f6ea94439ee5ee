// Small DOM helpers for panels: elements with text content only (never HTML), and accessible tables.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; title?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  for (const c of children) node.append(c);
  return node;
}

export interface TableSpec {
  caption: string;
  /** The caption is for screen readers only (a heading above already says it). */
  captionHidden?: boolean;
  columns: string[];
  rows: string[][];
  /** Indexes of columns with numbers (right-aligned). */
  numeric?: number[];
  /** The first cell of each row names it (a row header). */
  rowHeaders?: boolean;
  className?: string;
}

/** A table with a caption, column headers (scope=col) and optional row headers (scope=row). */
export function table(spec: TableSpec): HTMLTableElement {
  const t = el('table', { className: spec.className ?? '' });
  t.append(el('caption', { text: spec.caption, ...(spec.captionHidden ? { className: 'visually-hidden' } : {}) }));
  const head = el('tr');
  for (const c of spec.columns) {
    const th = el('th', { text: c });
    th.scope = 'col';
    head.append(th);
  }
  const body = el('tbody');
  for (const row of spec.rows) {
    const tr = el('tr');
    row.forEach((cell, i) => {
      const td = i === 0 && spec.rowHeaders ? el('th', { text: cell }) : el('td', { text: cell });
      if (td instanceof HTMLTableCellElement && i === 0 && spec.rowHeaders) (td as HTMLTableCellElement & { scope: string }).scope = 'row';
      if (spec.numeric?.includes(i)) td.className = 'num';
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(el('thead', {}, head), body);
  return t;
}

/** A definition list of label/value pairs. */
export function facts(pairs: readonly (readonly [string, string])[]): HTMLDListElement {
  const dl = el('dl');
  for (const [k, v] of pairs) dl.append(el('dt', { text: k }), el('dd', { text: v }));
  return dl;
}

export function button(text: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', { text, ...(title ? { title } : {}) });
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}
