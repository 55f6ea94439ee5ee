// Pickle-based files (.pkl, .joblib, PyTorch .pt/.pth/.bin): identifies the container and lists the Python globals
// the pickle would import — by walking opcodes as data. Nothing is ever unpickled or executed.

import { extname } from 'node:path';
import { groupDigits, withRandomAccess } from './randomAccess';
import type { ByteSource } from './randomAccess';
import { FormatError } from './types';
import type { MetadataProperty, ModelMetadata } from './types';

export const PICKLE_UNSAFE =
  'Pickle-based file: loading it runs arbitrary code. Load only from trusted sources; prefer ONNX or safetensors (torch.load(..., weights_only=True) for PyTorch).';

export type PickleKind =
  | 'pickle'
  | 'pytorch-zip'
  | 'pytorch-legacy'
  | 'zip'
  | 'joblib'
  | 'joblib-compressed'
  | 'compressed'
  | 'unknown';

export interface PickleInfo {
  kind: PickleKind;
  /** Pickle protocol from the PROTO opcode, when the stream starts with one. */
  protocol?: number;
  /** Compression of a compressed joblib/pickle stream (zlib, gzip, bz2, xz, lz4). */
  compression?: string;
  /** Zip entry names (first 200) for zip archives. */
  zipEntries?: string[];
  zipEntryCount?: number;
  /** Python globals the pickle references ("module.name"), in first-seen order — best effort. */
  imports: string[];
  /** Imports that can run commands or code when unpickled (os.system, builtins.eval, subprocess.*…). */
  suspiciousImports: string[];
  /** Where the opcode scan stopped early, if it did (e.g. raw numpy data inside a joblib file). */
  scanNote?: string;
}

export type PickleMetadata = ModelMetadata & { pickle: PickleInfo };

const MAX_ZIP_ENTRIES_KEPT = 200;
const MAX_IMPORTS = 100;
const MAX_OPCODES = 1_000_000;
const MAX_SCAN_BYTES = 64 * 1024 * 1024;

/** Modules whose globals can execute code or commands when a pickle is loaded. */
const DANGEROUS_MODULES = new Set([
  'os',
  'posix',
  'nt',
  'subprocess',
  'sys',
  'socket',
  'shutil',
  'runpy',
  'pty',
  'importlib',
  'code',
  'commands',
  'webbrowser',
  'ctypes',
  'marshal',
  'pickle',
  '_pickle',
  'dill',
]);
const DANGEROUS_BUILTINS = new Set(['eval', 'exec', 'compile', 'open', 'getattr', 'setattr', '__import__', 'apply', 'execfile', 'input', 'breakpoint']);

function isSuspicious(module: string, name: string): boolean {
  const root = module.split('.')[0] ?? module;
  if (DANGEROUS_MODULES.has(root)) return true;
  if (root === 'builtins' || root === '__builtin__') return DANGEROUS_BUILTINS.has(name);
  return false;
}

// Opcode argument layouts: fixed byte counts, or special handling below.
const FIXED_ARG: Readonly<Record<number, number>> = {
  0x28: 0, // MARK
  0x2e: 0, // STOP
  0x30: 0, // POP
  0x31: 0, // POP_MARK
  0x32: 0, // DUP
  0x4a: 4, // BININT
  0x4b: 1, // BININT1
  0x4d: 2, // BININT2
  0x4e: 0, // NONE
  0x51: 0, // BINPERSID
  0x52: 0, // REDUCE
  0x61: 0, // APPEND
  0x62: 0, // BUILD
  0x64: 0, // DICT
  0x7d: 0, // EMPTY_DICT
  0x65: 0, // APPENDS
  0x68: 1, // BINGET
  0x6a: 4, // LONG_BINGET
  0x6c: 0, // LIST
  0x5d: 0, // EMPTY_LIST
  0x6f: 0, // OBJ
  0x71: 1, // BINPUT
  0x72: 4, // LONG_BINPUT
  0x73: 0, // SETITEM
  0x74: 0, // TUPLE
  0x29: 0, // EMPTY_TUPLE
  0x75: 0, // SETITEMS
  0x47: 8, // BINFLOAT
  0x80: 1, // PROTO
  0x81: 0, // NEWOBJ
  0x82: 1, // EXT1
  0x83: 2, // EXT2
  0x84: 4, // EXT4
  0x85: 0, // TUPLE1
  0x86: 0, // TUPLE2
  0x87: 0, // TUPLE3
  0x88: 0, // NEWTRUE
  0x89: 0, // NEWFALSE
  0x8f: 0, // EMPTY_SET
  0x90: 0, // ADDITEMS
  0x91: 0, // FROZENSET
  0x92: 0, // NEWOBJ_EX
  0x93: 0, // STACK_GLOBAL
  0x94: 0, // MEMOIZE
  0x95: 8, // FRAME
  0x97: 0, // NEXT_BUFFER
  0x98: 0, // READONLY_BUFFER
};
/** Opcodes followed by a length prefix of N bytes (little endian) and that many bytes of data. */
const COUNTED_ARG: Readonly<Record<number, number>> = {
  0x54: 4, // BINSTRING
  0x55: 1, // SHORT_BINSTRING
  0x58: 4, // BINUNICODE
  0x8a: 1, // LONG1
  0x8b: 4, // LONG4
  0x42: 4, // BINBYTES
  0x43: 1, // SHORT_BINBYTES
  0x8c: 1, // SHORT_BINUNICODE
  0x8d: 8, // BINUNICODE8
  0x8e: 8, // BINBYTES8
  0x96: 8, // BYTEARRAY8
};
/** Opcodes whose argument is one newline-terminated line. */
const LINE_ARG = new Set([0x46, 0x49, 0x4c, 0x50, 0x53, 0x56, 0x67, 0x70]); // FLOAT INT LONG PERSID STRING UNICODE GET PUT
/** Opcodes with two newline-terminated lines (module, name). */
const TWO_LINE_ARG = new Set([0x63, 0x69]); // GLOBAL INST
const STRING_OPS = new Set([0x58, 0x8c, 0x8d, 0x55, 0x54]);

interface ScanResult {
  protocol?: number;
  imports: string[];
  suspicious: string[];
  note?: string;
  opcodes: number;
}

/**
 * Walks pickle opcodes in [start, end) as data, collecting GLOBAL / STACK_GLOBAL references. Stops at STOP, at an
 * unknown opcode (noted), or at the scan limits. Never throws for malformed data.
 */
export async function scanPickle(src: ByteSource, start: number, end: number): Promise<ScanResult> {
  const imports: string[] = [];
  const suspicious: string[] = [];
  const seen = new Set<string>();
  const recent: (string | null)[] = [];
  const memo = new Map<number, string | null>();
  let protocol: number | undefined;
  let pos = start;
  let opcodes = 0;
  const limit = Math.min(end, start + MAX_SCAN_BYTES);

  const push = (v: string | null): void => {
    recent.push(v);
    if (recent.length > 8) recent.shift();
  };
  const addImport = (module: string, name: string): void => {
    const full = `${module}.${name}`;
    if (seen.has(full)) return;
    seen.add(full);
    if (imports.length < MAX_IMPORTS) imports.push(full);
    if (isSuspicious(module, name)) suspicious.push(full);
  };
  const readLine = async (from: number): Promise<{ text: string; next: number } | undefined> => {
    const chunk = await src.read(from, Math.min(4096, limit - from));
    const nl = chunk.indexOf(0x0a);
    if (nl < 0) return undefined;
    return { text: chunk.subarray(0, nl).toString('latin1'), next: from + nl + 1 };
  };

  try {
    while (pos < limit) {
      if (++opcodes > MAX_OPCODES) return withProtocol({ imports, suspicious, opcodes, note: `scan stopped after ${groupDigits(MAX_OPCODES)} opcodes` }, protocol);
      const op = (await src.read(pos, 1))[0] as number;
      pos++;
      if (op === 0x2e) return withProtocol({ imports, suspicious, opcodes }, protocol);
      const fixed = FIXED_ARG[op];
      if (fixed !== undefined) {
        if (pos + fixed > limit) break;
        const arg = fixed ? await src.read(pos, fixed) : undefined;
        pos += fixed;
        switch (op) {
          case 0x80:
            protocol = (arg as Buffer)[0];
            break;
          case 0x93: {
            const name = recent[recent.length - 1];
            const module = recent[recent.length - 2];
            if (typeof name === 'string' && typeof module === 'string') addImport(module, name);
            push(null);
            break;
          }
          case 0x94:
            memo.set(memo.size, recent[recent.length - 1] ?? null);
            break;
          case 0x71:
            memo.set((arg as Buffer)[0] as number, recent[recent.length - 1] ?? null);
            break;
          case 0x72:
            memo.set((arg as Buffer).readUInt32LE(0), recent[recent.length - 1] ?? null);
            break;
          case 0x68:
            push(memo.get((arg as Buffer)[0] as number) ?? null);
            break;
          case 0x6a:
            push(memo.get((arg as Buffer).readUInt32LE(0)) ?? null);
            break;
          case 0x95:
            break; // FRAME: opcodes continue inside the frame
          case 0x62:
            // joblib writes raw numpy array bytes right after a NumpyArrayWrapper is built: no opcodes follow.
            if (seen.has('joblib.numpy_pickle.NumpyArrayWrapper')) {
              return withProtocol({ imports, suspicious, opcodes, note: `scan stopped at byte ${groupDigits(pos)}: raw numpy array data follows (joblib)` }, protocol);
            }
            push(null);
            break;
          default:
            push(null);
        }
        continue;
      }
      const counted = COUNTED_ARG[op];
      if (counted !== undefined) {
        if (pos + counted > limit) break;
        const lenBuf = await src.read(pos, counted);
        const len = counted === 1 ? (lenBuf[0] as number) : counted === 4 ? lenBuf.readUInt32LE(0) : Number(lenBuf.readBigUInt64LE(0));
        pos += counted;
        if (!Number.isSafeInteger(len) || pos + len > end) {
          return withProtocol({ imports, suspicious, opcodes, note: `data at byte ${groupDigits(pos)} runs past the end of the stream` }, protocol);
        }
        if (STRING_OPS.has(op) && len <= 1024) push((await src.read(pos, len)).toString(op === 0x55 || op === 0x54 ? 'latin1' : 'utf8'));
        else push(null);
        pos += len;
        continue;
      }
      if (LINE_ARG.has(op)) {
        const line = await readLine(pos);
        if (!line) break;
        pos = line.next;
        if (op === 0x67) push(memo.get(Number.parseInt(line.text, 10)) ?? null);
        else if (op === 0x70) memo.set(Number.parseInt(line.text, 10), recent[recent.length - 1] ?? null);
        else if (op === 0x53 || op === 0x56) push(line.text.replace(/^'(.*)'$/, '$1'));
        else push(null);
        continue;
      }
      if (TWO_LINE_ARG.has(op)) {
        const a = await readLine(pos);
        if (!a) break;
        const b = await readLine(a.next);
        if (!b) break;
        pos = b.next;
        addImport(a.text, b.text);
        push(null);
        continue;
      }
      return withProtocol(
        { imports, suspicious, opcodes, note: `scan stopped at byte ${groupDigits(pos - 1)}: 0x${op.toString(16).padStart(2, '0')} is not a pickle opcode (raw data follows)` },
        protocol,
      );
    }
  } catch {
    return withProtocol({ imports, suspicious, opcodes, note: `scan stopped at byte ${groupDigits(pos)}` }, protocol);
  }
  return withProtocol(
    { imports, suspicious, opcodes, note: pos >= MAX_SCAN_BYTES + start ? `scan stopped after ${groupDigits(MAX_SCAN_BYTES)} bytes` : 'the pickle stream ends without a STOP opcode' },
    protocol,
  );
}

function withProtocol(r: ScanResult, protocol: number | undefined): ScanResult {
  if (protocol !== undefined) r.protocol = protocol;
  return r;
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** Lists zip central-directory entries (zip64 aware). Returns undefined when no end-of-central-directory is found. */
export async function readZipDirectory(src: ByteSource, maxEntries = 100_000): Promise<{ entries: ZipEntry[]; total: number } | undefined> {
  const tailLen = Math.min(src.size, 65_557);
  const tail = await src.read(src.size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  let total = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if ((total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === 0x07064b50) {
    const z64Offset = Number(tail.readBigUInt64LE(eocd - 20 + 8));
    if (z64Offset + 56 <= src.size) {
      const rec = await src.read(z64Offset, 56);
      if (rec.readUInt32LE(0) === 0x06064b50) {
        total = Number(rec.readBigUInt64LE(32));
        cdSize = Number(rec.readBigUInt64LE(40));
        cdOffset = Number(rec.readBigUInt64LE(48));
      }
    }
  }
  if (cdOffset + cdSize > src.size) return undefined;
  const cd = await src.read(cdOffset, Math.min(cdSize, 64 * 1024 * 1024));
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length && entries.length < Math.min(total, maxEntries)) {
    if (cd.readUInt32LE(p) !== 0x02014b50) break;
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    // zip64 extra field (0x0001) carries sizes/offsets that overflowed 32 bits, in a fixed order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd && e + 4 <= cd.length) {
      const id = cd.readUInt16LE(e);
      const size = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const uncompressed = cd.readUInt32LE(p + 24);
        if (uncompressed === 0xffffffff) q += 8;
        if (compressedSize === 0xffffffff && q + 8 <= e + 4 + size) {
          compressedSize = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + size) localHeaderOffset = Number(cd.readBigUInt64LE(q));
      }
      e += 4 + size;
    }
    entries.push({ name, method, compressedSize, localHeaderOffset });
    p = extraEnd + commentLen;
  }
  return { entries, total };
}

async function zipEntryDataRange(src: ByteSource, entry: ZipEntry): Promise<{ start: number; end: number } | undefined> {
  if (entry.method !== 0 || entry.localHeaderOffset + 30 > src.size) return undefined;
  const local = await src.read(entry.localHeaderOffset, 30);
  if (local.readUInt32LE(0) !== 0x04034b50) return undefined;
  const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const end = start + entry.compressedSize;
  return end <= src.size ? { start, end } : undefined;
}

const COMPRESSION_MAGIC: readonly (readonly [string, number[]])[] = [
  ['gzip', [0x1f, 0x8b]],
  ['bz2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

function detectCompression(head: Buffer): string | undefined {
  for (const [name, magic] of COMPRESSION_MAGIC) if (magic.every((b, i) => head[i] === b)) return name;
  // zlib: CMF 0x78 with a valid FCHECK.
  if (head.length >= 2 && head[0] === 0x78 && ((head[0] << 8) | (head[1] as number)) % 31 === 0) return 'zlib';
  // joblib's own compressed container: "ZF" + zlib stream.
  if (head[0] === 0x5a && head[1] === 0x46) return 'zlib (joblib ZF)';
  return undefined;
}

/** PyTorch's legacy (pre-1.6) torch.save magic number, pickled as a LONG1 right after PROTO 2. */
const TORCH_LEGACY_MAGIC = Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]);

/** Protocol 0/1 pickles have no header; these are the opcodes they typically start with. */
const PROTO0_FIRST = new Set([0x28, 0x63, 0x7d, 0x5d, 0x29, 0x4e, 0x49, 0x46, 0x53, 0x56, 0x4c, 0x55, 0x58, 0x4b, 0x4a, 0x4d, 0x88, 0x89, 0x47]);

/** A header-less (protocol 0/1) pickle must walk cleanly to STOP, or at least reference some globals. */
async function looksLikeProto0(src: ByteSource): Promise<boolean> {
  const scan = await scanPickle(src, 0, src.size);
  return scan.note === undefined || scan.imports.length > 0;
}

/** Identifies a pickle-based file without unpickling it and lists the globals it references. */
export async function readPickleInfo(path: string): Promise<PickleMetadata> {
  return withRandomAccess(path, async (src) => {
    if (src.size === 0) throw new FormatError('Empty file: 0 bytes — not a pickle or PyTorch file', path);
    const head = await src.read(0, Math.min(16, src.size));
    const ext = extname(path).toLowerCase();
    const info: PickleInfo = { kind: 'unknown', imports: [], suspiciousImports: [] };
    let formatLabel = 'Pickle';

    const applyScan = (r: ScanResult): void => {
      info.imports = r.imports;
      info.suspiciousImports = r.suspicious;
      if (r.protocol !== undefined) info.protocol = r.protocol;
      if (r.note) info.scanNote = r.note;
    };

    if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) {
      const dir = await readZipDirectory(src);
      if (!dir) {
        throw new FormatError('Truncated zip archive: no central directory found at the end of the file — re-download or re-save it', path);
      }
      info.zipEntryCount = dir.total;
      info.zipEntries = dir.entries.slice(0, MAX_ZIP_ENTRIES_KEPT).map((e) => e.name);
      const dataPkl = dir.entries.find((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl'));
      if (dataPkl) {
        info.kind = 'pytorch-zip';
        formatLabel = 'PyTorch (zip)';
        const range = await zipEntryDataRange(src, dataPkl);
        if (range) applyScan(await scanPickle(src, range.start, range.end));
      } else {
        info.kind = 'zip';
        formatLabel = 'Zip archive';
      }
    } else if (head[0] === 0x80 && head.length >= 2) {
      const protocol = head[1] as number;
      if (protocol < 2 || protocol > 5) {
        throw new FormatError(`Not a pickle file: byte 0x80 is followed by protocol ${protocol} (expected 2–5)`, path);
      }
      const isLegacyTorch = head.length >= TORCH_LEGACY_MAGIC.length && head.subarray(0, TORCH_LEGACY_MAGIC.length).equals(TORCH_LEGACY_MAGIC);
      info.kind = isLegacyTorch ? 'pytorch-legacy' : ext === '.joblib' ? 'joblib' : 'pickle';
      formatLabel = isLegacyTorch ? 'PyTorch (legacy)' : ext === '.joblib' ? 'joblib' : 'Pickle';
      applyScan(await scanPickle(src, 0, src.size));
      info.protocol = protocol;
    } else {
      const compression = detectCompression(head);
      if (compression) {
        info.kind = ext === '.joblib' || compression.includes('joblib') ? 'joblib-compressed' : 'compressed';
        info.compression = compression;
        formatLabel = info.kind === 'joblib-compressed' ? 'joblib (compressed)' : 'Compressed pickle';
        info.scanNote = `the stream is ${compression}-compressed; its imports were not scanned`;
      } else if (PROTO0_FIRST.has(head[0] as number) && (await looksLikeProto0(src))) {
        info.kind = ext === '.joblib' ? 'joblib' : 'pickle';
        formatLabel = ext === '.joblib' ? 'joblib' : 'Pickle';
        applyScan(await scanPickle(src, 0, src.size));
        info.protocol = 0;
      } else {
        const hex = head.subarray(0, 4).toString('hex').replace(/(..)(?!$)/g, '$1 ');
        throw new FormatError(`Not a pickle, joblib or PyTorch file: unrecognised first bytes ${hex}`, path);
      }
    }

    const props: MetadataProperty[] = [];
    const kindLabel: Record<PickleKind, string> = {
      pickle: info.protocol !== undefined ? `pickle protocol ${info.protocol}` : 'pickle',
      'pytorch-zip': 'PyTorch zip archive (torch.save, ≥ 1.6)',
      'pytorch-legacy': 'PyTorch legacy format (torch.save, < 1.6)',
      zip: 'zip archive',
      joblib: info.protocol !== undefined ? `joblib (pickle protocol ${info.protocol})` : 'joblib',
      'joblib-compressed': `joblib, ${info.compression ?? 'compressed'}`,
      compressed: `${info.compression ?? 'compressed'} stream`,
      unknown: 'unknown',
    };
    props.push({ label: 'Kind', value: kindLabel[info.kind] });
    if (info.kind === 'pytorch-zip' && info.protocol !== undefined) props.push({ label: 'Pickle protocol', value: String(info.protocol) });
    if (info.zipEntryCount !== undefined) {
      const names = info.zipEntries ?? [];
      props.push({ label: 'Archive entries', value: `${groupDigits(info.zipEntryCount)}: ${names.slice(0, 8).join(', ')}${info.zipEntryCount > 8 ? ', …' : ''}` });
    }
    if (info.imports.length) props.push({ label: 'Imports', value: info.imports.slice(0, 20).join(', ') + (info.imports.length > 20 ? ', …' : '') });
    if (info.suspiciousImports.length) props.push({ label: 'Suspicious imports', value: info.suspiciousImports.join(', ') });
    if (info.scanNote) props.push({ label: 'Scan', value: info.scanNote });
    props.push({ label: 'Size', value: `${groupDigits(src.size)} bytes` });

    return {
      format: 'pickle',
      formatLabel,
      inputs: [],
      outputs: [],
      properties: props,
      metadata: {},
      unsafe: info.suspiciousImports.length
        ? `${PICKLE_UNSAFE} This file references ${info.suspiciousImports.join(', ')}, which can run commands when loaded.`
        : PICKLE_UNSAFE,
      pickle: info,
    };
  });
}
