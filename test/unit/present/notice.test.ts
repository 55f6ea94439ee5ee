// Toasts: a long message becomes a short first sentence plus the detail behind "Show Details", nothing lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NOTICE_LIMIT, problemDetail, splitNotice } from '../../../src/core/present/notice';

describe('splitNotice', () => {
  it('leaves a short message whole', () => {
    assert.deepEqual(splitNotice('MLShip: the auth token of credit-risk-prod is stored.'), { headline: 'MLShip: the auth token of credit-risk-prod is stored.' });
  });

  it('puts the first sentence in the toast and the rest behind the action', () => {
    const message = "MLShip: deliveries cannot be replayed to credit-risk 2 (local). The snapshot's columns do not fit the model's inputs (float_input: FP32 [-1, 6]).";
    assert.deepEqual(splitNotice(message), {
      headline: 'MLShip: deliveries cannot be replayed to credit-risk 2 (local).',
      detail: "The snapshot's columns do not fit the model's inputs (float_input: FP32 [-1, 6]).",
    });
  });

  it('does not end a sentence inside a number, a file name or an abbreviation', () => {
    const message = 'MLShip: shift income*1.3 by data/applications-2025-11.csv, e.g. for drift, was refused by the server at http://127.0.0.1:8080 with status 500. Try again later or look at the server log.';
    const n = splitNotice(message);
    assert.equal(n.headline, `${message.slice(0, n.headline.length - 1)}…`, 'no short first sentence: the start, cut');
    assert.ok(n.headline.length <= NOTICE_LIMIT);
    assert.ok(!/\s…$/.test(n.headline), 'cut at a word, not before a space');
    assert.equal(n.detail, message, 'the whole message is behind the action');
  });

  it('keeps a toast within the limit whatever the message', () => {
    for (const message of ['x'.repeat(300), `${'word '.repeat(80)}.`, `Short. ${'y '.repeat(100)}`]) {
      const n = splitNotice(message);
      assert.ok(n.headline.length <= NOTICE_LIMIT, n.headline);
      assert.ok(n.detail !== undefined);
      // Nothing is lost: the headline and the detail together hold every word of the message.
      assert.ok(n.detail === message.trim() || `${n.headline} ${n.detail}` === message.trim());
    }
  });
});

describe('problemDetail', () => {
  it('says the problem, its detail, the file and the line', () => {
    assert.equal(problemDetail({ message: 'Truncated ONNX file', detail: 'field graph needs 437 bytes', file: '/w/m.onnx' }), 'Truncated ONNX file — field graph needs 437 bytes (/w/m.onnx)');
    assert.equal(problemDetail({ message: 'Invalid YAML', file: '/w/mlship.yaml', line: 3 }), 'Invalid YAML (/w/mlship.yaml:3)');
  });
});
