// Append-only JSONL log (prediction or feedback records): one JSON object per line, buffered by the stream, flushed
// on close. A write failure (disk full, folder removed) is reported once and turns the log off instead of crashing.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export class JsonlWriter {
  private stream: WriteStream | undefined;
  private failed = false;

  constructor(
    readonly path: string,
    onError: (message: string) => void,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: 'a' });
    this.stream.on('error', (err) => {
      if (this.failed) return;
      this.failed = true;
      this.stream = undefined;
      onError(`Cannot write ${path}: ${err.message}. Records are no longer logged there.`);
    });
  }

  write(record: unknown): void {
    this.stream?.write(`${JSON.stringify(record)}\n`);
  }

  writeAll(records: readonly unknown[]): void {
    if (!this.stream || records.length === 0) return;
    let text = '';
    for (const r of records) text += `${JSON.stringify(r)}\n`;
    this.stream.write(text);
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.end(() => resolve()));
  }
}
