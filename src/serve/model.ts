// One ONNX model loaded in onnxruntime-node for serving: its signature in OIP terms, request checks that name what
// is wrong (so a bad request is a 400, not a runtime error), and a run that returns plain tensors.
import type * as Ort from 'onnxruntime-node';
import { OipRequestError, oipDatatypeOf, type DecodedTensor, type OipDatatype } from '../core/deployments/oipTensor';
import type { TensorData } from '../core/deployments/predictionRows';
import type { TensorSignature } from '../shared/serve';
import { checkModelFile, InferenceError, loadOnnxRuntime, runtimeMessage, runtimeVersion, type OrtModule } from './runtime';

export interface ServedTensor extends TensorSignature {
  /** The OIP datatype, or undefined for a non-tensor (sequence, map) the protocol cannot carry. */
  datatype: OipDatatype | undefined;
}

type MetadataEntry = { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };

function describe(entries: readonly MetadataEntry[] | undefined, names: readonly string[]): ServedTensor[] {
  return names.map((name) => {
    const m = entries?.find((e) => e.name === name);
    if (!m?.isTensor || m.type === undefined) return { name, dtype: m?.isTensor === false ? 'non-tensor' : 'unknown', shape: null, datatype: undefined };
    return { name, dtype: m.type, shape: (m.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' && d !== '' ? d : null)), datatype: oipDatatypeOf(m.type) };
  });
}

export class ServedModel {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly path: string,
    readonly inputs: ServedTensor[],
    readonly outputs: ServedTensor[],
  ) {}

  get runtimeVersion(): string {
    return runtimeVersion(this.ort);
  }

  /** Loads the model; throws InferenceError naming the file and what to do. */
  static async load(path: string, options: { intraOpNumThreads?: number } = {}): Promise<ServedModel> {
    await checkModelFile(path);
    const ort = await loadOnnxRuntime();
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
      });
    } catch (error) {
      throw new InferenceError(`Could not load the ONNX model "${path}": ${runtimeMessage(error)}. Check that the file is a complete, valid ONNX model (re-export or re-download it).`, path, { cause: error });
    }
    const meta = session as unknown as { inputMetadata?: MetadataEntry[]; outputMetadata?: MetadataEntry[] };
    const inputs = describe(meta.inputMetadata, session.inputNames);
    const outputs = describe(meta.outputMetadata, session.outputNames);
    const unusable = inputs.filter((i) => i.datatype === undefined);
    if (unusable.length > 0) {
      await session.release();
      throw new InferenceError(`"${path}" has input${unusable.length > 1 ? 's' : ''} ${unusable.map((i) => `${i.name} (${i.dtype})`).join(', ')} that the Open Inference Protocol cannot carry; only tensor inputs can be served.`, path);
    }
    return new ServedModel(ort, session, path, inputs, outputs);
  }

  /** Checks decoded request inputs against the signature: every input given once, datatypes and fixed dimensions. */
  check(inputs: readonly DecodedTensor[], requestedOutputs: readonly string[] | undefined): void {
    for (const t of inputs) {
      if (!this.inputs.some((i) => i.name === t.name)) throw new OipRequestError(`Unknown input "${t.name}"; the model's inputs are ${this.inputs.map((i) => i.name).join(', ')}.`);
    }
    for (const spec of this.inputs) {
      // Names are unique among the inputs (parseInferenceRequest); a model has a few inputs, so a scan is cheaper than a map.
      const t = inputs.find((u) => u.name === spec.name);
      if (!t) throw new OipRequestError(`Input "${spec.name}" is missing (${spec.datatype} [${(spec.shape ?? []).map((d) => (typeof d === 'number' ? d : -1)).join(', ')}]).`);
      if (t.datatype !== spec.datatype) throw new OipRequestError(`Input "${spec.name}" must be ${spec.datatype}, got ${t.datatype}.`);
      const shape = spec.shape;
      if (shape) {
        if (t.dims.length !== shape.length) throw new OipRequestError(`Input "${spec.name}" must have ${shape.length} dimension${shape.length === 1 ? '' : 's'} [${shape.map((d) => (typeof d === 'number' ? d : -1)).join(', ')}], got [${t.dims.join(', ')}].`);
        for (let i = 0; i < shape.length; i++) {
          const d = shape[i];
          if (typeof d === 'number' && t.dims[i] !== d) throw new OipRequestError(`Input "${spec.name}" dimension ${i} must be ${d}, got ${t.dims[i]}.`);
        }
      }
    }
    if (requestedOutputs) {
      /** The outputs the protocol carries, named for an error message. */
      const carried = (): string => this.outputs.filter((x) => x.datatype !== undefined).map((x) => x.name).join(', ');
      for (let i = 0; i < requestedOutputs.length; i++) {
        const name = requestedOutputs[i] as string;
        const o = this.outputs.find((x) => x.name === name);
        if (!o) throw new OipRequestError(`Unknown output "${name}"; the model's outputs are ${carried()}.`);
        if (o.datatype === undefined) throw new OipRequestError(`Output "${name}" is a ${o.dtype} the Open Inference Protocol cannot carry; ask for ${carried() || 'none of them'}.`);
        if (requestedOutputs.indexOf(name) !== i) throw new OipRequestError(`Output "${name}" is asked for twice.`);
      }
    }
  }

  /**
   * Runs the model on checked inputs; returns every output (or the requested ones) as plain tensors. With `atStart`,
   * the inputs it returns (the same names) are run instead of `inputs`; it is called right before the run starts.
   */
  async run(inputs: readonly DecodedTensor[], requestedOutputs?: readonly string[], atStart?: () => readonly DecodedTensor[]): Promise<TensorData[]> {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const t of inputs) feeds[t.name] = new this.ort.Tensor(t.dtype, t.data, t.dims);
    const names = requestedOutputs && requestedOutputs.length > 0 ? [...requestedOutputs] : this.outputs.filter((o) => o.datatype !== undefined).map((o) => o.name);
    let lateError: { error: unknown } | undefined;
    if (atStart) {
      // onnxruntime-node runs the model synchronously in a setImmediate callback that session.run queues at once, and
      // it reads the feeds object it was given (session.run only checks that every input is in it) there. Queued just
      // before it, this callback runs right before the run in the same check phase: the feeds it fills in are what
      // the run reads. Were a runtime to read the feeds earlier, `inputs` would run; the caller sees it in the
      // outputs' first dimension.
      setImmediate(() => {
        try {
          const late = atStart();
          if (late !== inputs) for (const t of late) feeds[t.name] = new this.ort.Tensor(t.dtype, t.data, t.dims);
        } catch (error) {
          lateError = { error };
        }
      });
    }
    let result: Ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run(feeds, names);
    } catch (error) {
      throw new InferenceError(`Running the model failed: ${runtimeMessage(error)}.`, this.path, { cause: error });
    }
    if (lateError) throw lateError.error;
    return names.map((name) => {
      const t = result[name] as Ort.Tensor;
      return { name, dtype: t.type, dims: Array.from(t.dims), data: t.data };
    });
  }

  async release(): Promise<void> {
    try {
      await this.session.release();
    } catch {
      // Already released.
    }
  }
}
