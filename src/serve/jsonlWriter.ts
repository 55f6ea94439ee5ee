// Append-only JSONL log (prediction or feedback records): one JSON object per line. Lines are gathered in memory and
// written in one call at most every 50 ms (or at 256 KiB), so a busy server does one write per batch instead of one
// per request; close() flushes. Each line is encoded into a buffer as it comes, so its text (built from many pieces)
// dies young instead of being kept on the heap, and copied by the garbage collector, until the flush. A write failure
// (disk full, folder removed) is reported once and turns the log off instead of crashing the server.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

const FLUSH_MS = 50;
const FLUSH_BYTES = 256 * 1024;
/** Room for the lines gathered: a flush starts at FLUSH_BYTES, and a line up to as much again still fits. */
const BUFFER_BYTES = 2 * FLUSH_BYTES;

export class JsonlWriter {
  private stream: WriteStream | undefined;
  private failed = false;
  /** Encoded lines not yet written: `buffer[0, used)` (a flush writes a copy; the buffer is made at the first line). */
  private buffer: Buffer | undefined;
  private used = 0;
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
      this.used = 0;
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
    if (this.stream && lines !== '') this.writeBytes(Buffer.from(lines));
  }

  /** Lines already written as UTF-8 JSON text, each ending with a newline (copied: `bytes` may be reused after). */
  writeBytes(bytes: Uint8Array): void {
    if (!this.stream || bytes.length === 0) return;
    if (this.used + bytes.length > BUFFER_BYTES) {
      this.flush();
      if (bytes.length > BUFFER_BYTES) {
        // Longer than the buffer: written on its own.
        this.stream?.write(Buffer.from(bytes));
        return;
      }
    }
    this.buffer ??= Buffer.allocUnsafe(BUFFER_BYTES);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
    if (this.used >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Writes what is gathered now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.stream || !this.buffer || this.used === 0) return;
    this.stream.write(Buffer.from(this.buffer.subarray(0, this.used)));
    this.used = 0;
  }

  close(): Promise<void> {
    this.flush();
    const s = this.stream;
    this.stream = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.end(() => resolve()));
  }
}
