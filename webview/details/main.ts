// Browser code of the details panel. Renders what the host sends with DOM APIs (textContent only: no HTML injection).
import { isHostToWebview, type DetailsSection, type DetailsView, type WebviewToHost } from '../../src/shared/detailsMessages';

interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const c of children) node.appendChild(c);
  return node;
}

const ACTION_LABELS: Record<DetailsView['actions'][number], string> = { benchmark: 'Benchmark Latency', copyReference: 'Copy Reference', revealInExplorer: 'Reveal in Explorer' };

function renderSection(section: DetailsSection): HTMLElement {
  const box = el('section', { className: `section section-${section.kind}` }, el('h2', { text: section.title }));
  switch (section.kind) {
    case 'properties': {
      const dl = el('dl');
      for (const [label, value] of section.rows) dl.append(el('dt', { text: label }), el('dd', { text: value }));
      box.append(dl);
      break;
    }
    case 'table': {
      const table = el('table');
      if (section.caption) table.append(el('caption', { text: section.caption }));
      const head = el('tr');
      for (const c of section.columns) {
        const th = el('th', { text: c });
        th.scope = 'col';
        head.append(th);
      }
      const body = el('tbody');
      for (const row of section.rows) body.append(el('tr', {}, ...row.map((cell) => el('td', { text: cell }))));
      table.append(el('thead', {}, head), body);
      box.append(table);
      break;
    }
    case 'links': {
      const ul = el('ul');
      for (const link of section.links) {
        const li = el('li');
        if (link.targetId) {
          const a = el('a', { text: link.label });
          a.href = '#';
          const targetId = link.targetId;
          a.addEventListener('click', (e) => {
            e.preventDefault();
            vscode.postMessage({ type: 'openTarget', targetId });
          });
          li.append(a);
        } else li.append(el('span', { text: link.label }));
        if (link.description) li.append(el('span', { className: 'muted', text: ` — ${link.description}` }));
        ul.append(li);
      }
      box.append(ul);
      break;
    }
    case 'text':
      box.append(el('p', { className: `tone-${section.tone ?? 'info'} pre`, text: section.text }));
      break;
  }
  return box;
}

function render(view: DetailsView): void {
  vscode.setState({ targetId: view.targetId });
  const header = el('header', {}, el('h1', { text: view.title }), el('p', { className: 'muted', text: view.subtitle }));
  const badges = el('div', { className: 'badges' }, ...view.badges.map((b) => el('span', { className: `badge tone-${b.tone}`, text: b.text })));
  const actions = el('div', { className: 'actions' });
  for (const action of view.actions) {
    const button = el('button', { text: ACTION_LABELS[action] });
    button.type = 'button';
    button.addEventListener('click', () => vscode.postMessage({ type: 'action', action, targetId: view.targetId }));
    actions.append(button);
  }
  const status = el('p', { className: 'status muted' });
  status.id = 'status';
  root.replaceChildren(header, badges, actions, status, ...view.sections.map(renderSection));
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data;
  if (!isHostToWebview(msg)) {
    console.warn('MLShip details: ignored an invalid message', msg);
    return;
  }
  if (msg.type === 'show') render(msg.view);
  else {
    const status = document.getElementById('status');
    if (status) status.textContent = msg.message ?? '';
    for (const b of Array.from(document.querySelectorAll('button'))) b.disabled = msg.message !== null;
  }
});

vscode.postMessage({ type: 'ready' });
