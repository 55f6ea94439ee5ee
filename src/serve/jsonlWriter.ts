// Append-only JSONL log (prediction or feedback records): one JSON object per line. Lines are gathered in memory and
// written in one call at most every 50 ms (or at 256 KiB), so a busy server does one write per batch instead of one
// per request; close() flushes. A write failure (disk full, folder removed) is reported once and turns the log off
// instead of crashing the server.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

const FLUSH_MS = 50;
const FLUSH_BYTES = 256 * 1024;

export class JsonlWriter {
  private stream: WriteStream | undefined;
  private failed = false;
  private pending = '';
  private timer: NodeJS.Timeout | undefined;

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
      this.pending = '';
      onError(`Cannot write ${path}: ${err.message}. Records are no longer logged there.`);
    });
  }

  write(record: unknown): void {
    this.writeAll([record]);
  }

  writeAll(records: readonly unknown[]): void {
    let text = '';
    for (const r of records) text += `${JSON.stringify(r)}\n`;
    this.writeText(text);
  }

  /** Lines already written as JSON text, each ending with a newline. */
  writeText(lines: string): void {
    if (!this.stream || lines === '') return;
    this.pending += lines;
    if (this.pending.length >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Writes what is gathered now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.stream || this.pending === '') return;
    this.stream.write(this.pending);
    this.pending = '';
  }

  close(): Promise<void> {
    this.flush();
    const s = this.stream;
    this.stream = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.end(() => resolve()));
  }
}
