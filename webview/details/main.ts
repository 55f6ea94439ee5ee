// Browser code of the details panel. Renders what the host sends with DOM APIs (textContent only: no HTML injection).
import { isHostToWebview, type DetailsSection, type DetailsView, type HostToWebview, type WebviewToHost } from '../../src/shared/detailsMessages';
import { button, el, facts, table } from '../common/dom';
import { connectHost } from '../common/host';

const root = document.getElementById('root') as HTMLElement;

const ACTION_LABELS: Record<DetailsView['actions'][number], string> = { benchmark: 'Benchmark Latency', copyReference: 'Copy Reference', revealInExplorer: 'Reveal in Explorer' };

function renderSection(section: DetailsSection): HTMLElement {
  const box = el('section', { className: `section section-${section.kind}` }, el('h2', { text: section.title }));
  switch (section.kind) {
    case 'properties':
      box.append(facts(section.rows));
      break;
    case 'table':
      box.append(table({ caption: section.caption ?? section.title, captionHidden: section.caption === undefined, columns: section.columns, rows: section.rows }));
      break;
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
            host.post({ type: 'openTarget', targetId });
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
  host.saveState({ targetId: view.targetId });
  const header = el('header', {}, el('h1', { text: view.title }), el('p', { className: 'muted', text: view.subtitle }));
  const badges = el('div', { className: 'badges' }, ...view.badges.map((b) => el('span', { className: `badge tone-${b.tone}`, text: b.text })));
  const actions = el('div', { className: 'actions' }, ...view.actions.map((action) => button(ACTION_LABELS[action], () => host.post({ type: 'action', action, targetId: view.targetId }))));
  const status = el('p', { className: 'status muted' });
  status.id = 'status';
  root.replaceChildren(header, badges, actions, status, ...view.sections.map(renderSection));
}

function onMessage(msg: HostToWebview): void {
  if (msg.type === 'show') render(msg.view);
  else {
    const status = document.getElementById('status');
    if (status) status.textContent = msg.message ?? '';
    for (const b of Array.from(document.querySelectorAll('button'))) b.disabled = msg.message !== null;
  }
}

const host = connectHost<HostToWebview, WebviewToHost>('details', isHostToWebview, onMessage);
