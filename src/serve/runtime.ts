// onnxruntime-node, loaded once per process on first use. This folder (src/serve) is the only place that imports it
// (lint enforces it): the model process runs benchmarks and local deployments, so a native crash never takes the
// extension host down.
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { errorMessage } from '../core/util/concurrency';

export type OrtModule = typeof Ort;

export { errorMessage };

let ortModule: OrtModule | undefined;

/** Whether onnxruntime-node has been loaded into this process (by this module or anything else). */
export function isOnnxRuntimeLoaded(): boolean {
  if (ortModule !== undefined) return true;
  // require.cache is process-wide, whichever module's require reads it; CommonJS modules imported from ESM land there too.
  const cache = createRequire(join(process.cwd(), 'index.js')).cache;
  return Object.keys(cache).some((key) => /[\\/]onnxruntime-(node|common)[\\/]/.test(key));
}

/** Loads onnxruntime-node, or throws an Error that says the native binary may be missing and what to do. */
export async function loadOnnxRuntime(): Promise<OrtModule> {
  if (ortModule === undefined) {
    let mod: OrtModule & { default?: OrtModule };
    try {
      try {
        mod = await import('onnxruntime-node');
      } catch (error) {
        // Some loaders (tsx running this file as CommonJS from an ES module) evaluate it from a data: URL, against
        // which a bare specifier cannot be resolved; resolve it as CommonJS from this file (or the working directory).
        if (!isUnresolvableFromHere(error)) throw error;
        const base = typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js');
        mod = createRequire(base)('onnxruntime-node') as OrtModule;
      }
    } catch (error) {
      throw new Error(
        `ONNX Runtime could not be loaded (${errorMessage(error)}). Its native binary may be missing for this platform (${process.platform}-${process.arch}); reinstall the extension.`,
        { cause: error },
      );
    }
    // Interop: depending on the loader the CommonJS exports are on the namespace itself or on `default`.
    ortModule = typeof mod.InferenceSession === 'function' ? mod : (mod.default ?? mod);
  }
  return ortModule;
}

function isUnresolvableFromHere(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ERR_UNSUPPORTED_RESOLVE_REQUEST' || code === 'ERR_INVALID_URL';
}

export function runtimeVersion(ort: OrtModule): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

/** onnxruntime messages span lines and end with generic advice; one line without the advice reads better. */
export function runtimeMessage(error: unknown): string {
  const text = errorMessage(error)
    .replace(/Please fix either the inputs\/outputs or the model\.?/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.\s]+$/, '');
  return text === '' ? 'unknown error' : text;
}

/** A failure to load or run a model, phrased for people; the runtime's error is kept as `cause`. */
export class InferenceError extends Error {
  constructor(
    message: string,
    readonly modelPath: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InferenceError';
  }
}

/** Fail early, with a clear message, for a missing file, a directory or a Git LFS pointer instead of the model. */
export async function checkModelFile(modelPath: string): Promise<void> {
  let handle;
  try {
    handle = await open(modelPath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : errorMessage(error);
    throw new InferenceError(`Cannot open the ONNX model "${modelPath}": ${why}.`, modelPath, { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      throw new InferenceError(`"${modelPath}" is a directory, not an ONNX model file.`, modelPath);
    }
    if (stat.size === 0) {
      throw new InferenceError(`The ONNX model "${modelPath}" is empty (0 bytes). Re-export or re-download it.`, modelPath);
    }
    const head = Buffer.alloc(Math.min(200, stat.size));
    await handle.read(head, 0, head.length, 0);
    if (head.toString('latin1').startsWith('version https://git-lfs.github.com/spec/')) {
      throw new InferenceError(
        `"${modelPath}" is a Git LFS pointer, not the model itself. Run \`git lfs pull\` to fetch the real file.`,
        modelPath,
      );
    }
  } finally {
    await handle.close();
  }
}
