import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sha256Path } from '../../../src/core/util/hash';

describe('content hashes', () => {
  test('a file hashes to its SHA-256; a folder to the hash of its files, and changes with them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlship-hash-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'config.json'), '{}');
    await writeFile(join(dir, 'sub', 'weights.bin'), 'abc');
    assert.equal(await sha256Path(join(dir, 'config.json')), createHash('sha256').update('{}').digest('hex'));
    const before = await sha256Path(dir);
    assert.match(before, /^[0-9a-f]{64}$/);
    assert.equal(await sha256Path(dir), before);
    await writeFile(join(dir, 'sub', 'weights.bin'), 'abcd');
    assert.notEqual(await sha256Path(dir), before);
    await rm(dir, { recursive: true, force: true });
  });
});
