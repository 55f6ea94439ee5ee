import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isHostToWebview, isWebviewToHost, type DetailsView } from '../../../src/shared/detailsMessages';

const view: DetailsView = {
  targetId: 'v1', kind: 'model-version', title: 't', subtitle: 's', badges: [{ text: '@champion', tone: 'ok' }],
  sections: [
    { kind: 'properties', title: 'Overview', rows: [['Format', 'ONNX']] },
    { kind: 'table', title: 'Inputs', columns: ['Name'], rows: [['x']] },
    { kind: 'links', title: 'Lineage', links: [{ label: 'train', targetId: 'snap' }] },
    { kind: 'text', title: 'Problem', text: 'bad', tone: 'error' },
  ],
  actions: ['benchmark', 'copyReference'],
};

describe('details panel messages', () => {
  test('accept well-formed messages both ways', () => {
    assert.ok(isHostToWebview({ type: 'show', view }));
    assert.ok(isHostToWebview({ type: 'busy', message: null }));
    assert.ok(isWebviewToHost({ type: 'ready' }));
    assert.ok(isWebviewToHost({ type: 'action', action: 'benchmark', targetId: 'v1' }));
    assert.ok(isWebviewToHost({ type: 'openTarget', targetId: 'snap' }));
  });

  test('reject malformed or unknown messages', () => {
    assert.ok(!isHostToWebview({ type: 'show', view: { ...view, actions: ['rm -rf'] } }));
    assert.ok(!isHostToWebview({ type: 'show', view: { ...view, sections: [{ kind: 'table', title: 'x', columns: ['a'], rows: [[1]] }] } }));
    assert.ok(!isHostToWebview({ type: 'show', view: { ...view, badges: [{ text: 'x', tone: 'pink' }] } }));
    assert.ok(!isHostToWebview({ type: 'eval', code: 'alert(1)' }));
    assert.ok(!isWebviewToHost({ type: 'action', action: 'delete', targetId: 'v1' }));
    assert.ok(!isWebviewToHost({ type: 'openTarget' }));
    assert.ok(!isWebviewToHost(null));
    assert.ok(!isWebviewToHost('ready'));
  });
});
