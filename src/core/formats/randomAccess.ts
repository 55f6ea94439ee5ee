// Random access to a file without reading it whole: reads go through a small cache of aligned windows so that many
// small reads (protobuf tags, varints, GGUF key/value headers) cost one system call per window, not one per read.

import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { FormatError } from './types';

/** A byte source that parsers can read from at any offset. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads exactly `length` bytes at `offset`. Throws FormatError when the source ends before `offset + length`.
   * The returned Buffer may share memory with an internal cache: treat it as read-only.
   */
  read(offset: number, length: number): Promise<Buffer>;
}

export interface RandomAccessFile extends ByteSource {
  readonly path: string;
  close(): Promise<void>;
}

export interface RandomAccessOptions {
  /** Size of one cache window in bytes (default 64 KiB). */
  windowSize?: number;
  /** Number of windows kept (default 8). */
  windows?: number;
  /** Names the kind of file in error messages, e.g. "ONNX" → "Truncated ONNX file: …". */
  label?: string;
}

const DEFAULT_WINDOW = 64 * 1024;
const DEFAULT_WINDOWS = 8;

/**
 * A byte count, offset or any count with thousands separators, e.g. 5,120 (human sizes: util/hash formatBytes): what
 * toLocaleString('en-US') writes. Integers are grouped here: the first toLocaleString call of a process loads the
 * locale data (tens of milliseconds), which a one-shot command such as `mlship profile` would wait for.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** Error for a read past the end of a file or buffer. */
export function truncatedError(label: string | undefined, offset: number, length: number, size: number, what?: string): FormatError {
  const kind = label ? `${label} file` : 'file';
  const subject = what ? `${what} needs` : 'needs';
  return new FormatError(
    `Truncated ${kind}: ${subject} ${groupDigits(length)} bytes at offset ${groupDigits(offset)} but the file ends at ${groupDigits(size)} — the file is incomplete; re-export or re-download it`,
  );
}

/** Turns a Node file-system error into a FormatError with a readable message. */
export function fileSystemError(path: string, err: unknown): FormatError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const reason = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ENOENT':
      return new FormatError(`File not found: ${path}`, reason);
    case 'EISDIR':
      return new FormatError(`Expected a file but found a directory: ${path}`, reason);
    case 'EACCES':
    case 'EPERM':
      return new FormatError(`Permission denied reading ${path} — check the file's permissions`, reason);
    default:
      return new FormatError(`Could not read ${path}: ${reason}`, reason);
  }
}

interface Window {
  start: number;
  data: Buffer;
}

class CachedFile implements RandomAccessFile {
  private readonly windows: Window[] = [];
  private closed = false;

  constructor(
    readonly path: string,
    readonly size: number,
    private readonly handle: FileHandle,
    private readonly windowSize: number,
    private readonly maxWindows: number,
    private readonly label: string | undefined,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    if (this.closed) throw new FormatError(`Internal error: ${this.path} was read after it was closed`);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new FormatError(`Invalid read of ${length} bytes at offset ${offset} in ${this.path}`);
    }
    if (offset + length > this.size) throw truncatedError(this.label, offset, length, this.size);
    if (length === 0) return Buffer.alloc(0);

    const windowStart = Math.floor(offset / this.windowSize) * this.windowSize;
    if (offset + length <= windowStart + this.windowSize) {
      const win = await this.window(windowStart);
      return win.data.subarray(offset - windowStart, offset - windowStart + length);
    }
    if (length <= this.windowSize) {
      // Small read straddling two windows: serve it from both (both stay cached for the neighbouring reads).
      const first = await this.window(windowStart);
      const second = await this.window(windowStart + this.windowSize);
      const head = first.data.subarray(offset - windowStart);
      return Buffer.concat([head, second.data.subarray(0, length - head.length)], length);
    }
    // Larger than a window: read directly, uncached (a big string or a block of tensor headers).
    return this.readDirect(offset, length);
  }

  private async window(start: number): Promise<Window> {
    const idx = this.windows.findIndex((w) => w.start === start);
    if (idx >= 0) {
      const found = this.windows[idx] as Window;
      if (idx !== 0) {
        this.windows.splice(idx, 1);
        this.windows.unshift(found);
      }
      return found;
    }
    const len = Math.min(this.windowSize, this.size - start);
    const data = await this.readDirect(start, len);
    const win = { start, data };
    this.windows.unshift(win);
    if (this.windows.length > this.maxWindows) this.windows.pop();
    return win;
  }

  private async readDirect(offset: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(buf, done, length - done, offset + done));
      } catch (err) {
        throw fileSystemError(this.path, err);
      }
      if (bytesRead === 0) {
        // The file shrank after it was opened.
        throw truncatedError(this.label, offset, length, offset + done);
      }
      done += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.windows.length = 0;
    await this.handle.close();
  }
}

/** Opens `path` for cached random reads. Throws FormatError when it cannot be opened or is not a regular file. */
export async function openRandomAccess(path: string, options: RandomAccessOptions = {}): Promise<RandomAccessFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fileSystemError(path, err);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw fileSystemError(path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    const windowSize = Math.max(512, options.windowSize ?? DEFAULT_WINDOW);
    const windows = Math.max(1, options.windows ?? DEFAULT_WINDOWS);
    return new CachedFile(path, stat.size, handle, windowSize, windows, options.label);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err instanceof FormatError ? err : fileSystemError(path, err);
  }
}

/** Opens `path`, runs `fn`, and always closes the file. */
export async function withRandomAccess<T>(
  path: string,
  fn: (file: RandomAccessFile) => Promise<T>,
  options: RandomAccessOptions = {},
): Promise<T> {
  const file = await openRandomAccess(path, options);
  try {
    return await fn(file);
  } finally {
    await file.close();
  }
}

/** A ByteSource over a Buffer already in memory (small messages, tests). */
export function bufferSource(buf: Buffer, label?: string): ByteSource {
  return {
    size: buf.length,
    read(offset: number, length: number): Promise<Buffer> {
      if (offset < 0 || length < 0 || offset + length > buf.length) {
        return Promise.reject(truncatedError(label, offset, length, buf.length));
      }
      return Promise.resolve(buf.subarray(offset, offset + length));
    },
  };
}
