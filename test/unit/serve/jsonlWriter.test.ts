// The JSONL writer of the local server's prediction and feedback logs: whatever lines it is given, in whatever sizes
// (non-ASCII and astral characters, lines longer than its buffer, enough lines to fill several buffers), the file
// holds exactly those lines in order once they are flushed, and close() writes what is still gathered.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JsonlWriter } from '../../../src/serve/jsonlWriter';

describe('JsonlWriter', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-jsonl-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every line in order, whatever their characters and sizes', async () => {
    const path = join(dir, 'nested', 'p.jsonl');
    const errors: string[] = [];
    const writer = new JsonlWriter(path, (m) => errors.push(m));
    let expected = '';
    let lines = 0;
    const add = (text: string): void => {
      // Every other line as UTF-8 bytes (the prediction log's path), from a buffer that is overwritten after.
      if (lines++ % 2 === 0) writer.writeText(text);
      else {
        const bytes = Buffer.from(text);
        writer.writeBytes(bytes);
        bytes.fill(0x21);
      }
      expected += text;
    };
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ['a', 'é', '€', '😀', '"', '\\', ' ', '0.8999999761581421'];
    for (let i = 0; i < 3000; i++) {
      let line = `{"n":${i},"s":"`;
      const length = random() < 0.01 ? 100_000 : Math.floor(random() * 400);
      for (let j = 0; j < length; j++) line += pieces[Math.floor(random() * pieces.length)] as string;
      add(`${line}"}\n`);
      if (i % 1000 === 999) writer.flush();
    }
    writer.write({ record: 'one', 'ключ': '😀' });
    expected += `${JSON.stringify({ record: 'one', 'ключ': '😀' })}\n`;
    writer.writeAll([{ a: 1 }, { b: [2, 3] }]);
    expected += '{"a":1}\n{"b":[2,3]}\n';
    add('');
    await writer.close();
    assert.equal(await readFile(path, 'utf8'), expected);
    assert.deepEqual(errors, []);
  });

  it('appends to a log that is already there', async () => {
    const path = join(dir, 'again.jsonl');
    for (const n of [1, 2]) {
      const writer = new JsonlWriter(path, () => undefined);
      writer.write({ n });
      await writer.close();
    }
    assert.equal(await readFile(path, 'utf8'), '{"n":1}\n{"n":2}\n');
  });
});
