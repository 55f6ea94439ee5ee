// The sidebar rows' tooltips: the full text of a row that a narrow sidebar cuts, as Markdown that shows it as it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeMarkdown, rowTooltip } from '../../../src/core/present/tooltip';

describe('rowTooltip', () => {
  it('holds the label, the description and every further line', () => {
    assert.equal(
      rowTooltip({ label: 'Health', description: 'Healthy — answering; no traffic yet', lines: ['answering', 'p95 –'] }),
      '**Health** — Healthy — answering; no traffic yet\n\nanswering  \np95 –',
    );
    assert.equal(rowTooltip({ label: 'credit-risk' }), '**credit\\-risk**');
  });

  it('shows names and paths as they are, not as Markdown', () => {
    const md = rowTooltip({ label: 'feature_names', description: '[age, income] *6*', lines: ['data/credit_risk/<2025>.csv\nsha256:ab12'] });
    assert.equal(md, '**feature\\_names** — \\[age, income\\] \\*6\\*\n\ndata/credit\\_risk/\\<2025\\>\\.csv  \nsha256:ab12');
    assert.equal(escapeMarkdown('# a | b ![x](y) `z`'), '\\# a \\| b \\!\\[x\\]\\(y\\) \\`z\\`');
  });

  it('does not repeat a line the label or description already says', () => {
    assert.equal(rowTooltip({ label: 'Endpoint', description: 'http://x', lines: ['http://x', ''] }), '**Endpoint** — http://x');
  });
});
