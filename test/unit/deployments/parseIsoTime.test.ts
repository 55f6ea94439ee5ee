// Log times are read with a fast path for the form the writers use; it must give what Date.parse gives, for that
// form and for every other.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIsoTime } from '../../../src/core/deployments/records';
import { seeded } from './seeded';

describe('parseIsoTime', () => {
  it('equals Date.parse on the toISOString form and on every other form', () => {
    const random = seeded(41);
    const samples = ['2026-02-31T00:00:00.000Z', '2026-02-29T12:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-32T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:59:60.000Z', '0099-01-01T00:00:00.000Z', '0100-01-01T00:00:00.000Z', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00.5Z', '2026-01-01T10:00:00.123+02:00', '2026-01-01 10:00:00.123Z', '2026-0a-01T10:00:00.123Z', '+002026-01-01T00:00:00.000Z', '', 'yesterday'];
    for (let i = 0; i < 2000; i++) samples.push(new Date(Math.floor(random() * 4e12)).toISOString());
    for (let i = 0; i < 500; i++) {
      const pad = (n: number, w: number): string => String(n).padStart(w, '0');
      samples.push(`${pad(Math.floor(random() * 3000), 4)}-${pad(Math.floor(random() * 14), 2)}-${pad(Math.floor(random() * 33), 2)}T${pad(Math.floor(random() * 26), 2)}:${pad(Math.floor(random() * 61), 2)}:${pad(Math.floor(random() * 61), 2)}.${pad(Math.floor(random() * 1000), 3)}Z`);
    }
    for (const s of samples) assert.ok(Object.is(parseIsoTime(s), Date.parse(s)), s);
  });
});
