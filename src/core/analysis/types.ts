// The analysis engine's contracts: what a language analyzer finds (predict calls and rule findings) and what the
// language server, the CLI and quick fixes consume. Positions are 0-based lines and UTF-16 columns, as in LSP.

export type Language = 'python' | 'typescript' | 'tsx' | 'javascript';

export type RuleId = 'no-fallback' | 'no-confidence' | 'no-timeout' | 'untraced-prediction' | 'unsafe-model-load' | 'fallback-stub';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** What kind of inference a predict call is. */
export type PredictKind =
  | 'estimator' // sklearn / xgboost / lightgbm / keras .predict, .predict_proba, .decision_function
  | 'onnxruntime' // session.run (Python and JS)
  | 'hf-pipeline' // transformers / transformers.js pipeline results
  | 'tfjs' // model.predict / executeAsync
  | 'torch' // forward call under no_grad / inference_mode
  | 'remote' // HTTP to an inference URL
  | 'sagemaker' // boto3 invoke_endpoint
  | 'vertex' // Vertex AI endpoint.predict
  | 'llm' // a hosted-model SDK (OpenAI-compatible clients, Hugging Face InferenceClient, Cohere, Replicate, Triton)
  | 'llm-local' // an in-process LLM (llama.cpp)
  | 'custom'; // a user pattern

/** pass: the check holds; fail: it does not; n/a: the check does not apply to this call; suppressed: an ignore comment. */
export type CheckState = 'pass' | 'fail' | 'n/a' | 'suppressed';

export interface PredictChecks {
  fallback: CheckState;
  confidence: CheckState;
  timeout: CheckState;
  trace: CheckState;
}

export interface PredictCall {
  kind: PredictKind;
  /** Short human label, e.g. "scikit-learn predict", "onnxruntime session.run", "requests.post to /predict". */
  label: string;
  /** The call expression. */
  range: Range;
  checks: PredictChecks;
  /** Which case of the no-confidence definition applied (shown by the hover). */
  confidenceReason?: string;
}

/** Data a quick fix needs, produced by the analyzer that found the problem (opaque to the engine). */
export type FixData = Record<string, unknown>;

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  /** Where the squiggle goes (usually the call expression). */
  range: Range;
  /** Index into AnalysisResult.calls when the finding is about a predict call. */
  callIndex?: number;
  fix?: FixData;
}

/** A user-defined predict-like call: `callee` is a dotted name (`scoring.score_batch`) or `*.method` (`*.infer`). */
export interface PredictPattern {
  callee: string;
  kind: 'local' | 'remote';
}

export interface AnalysisConfig {
  /** Per-rule severity; 'off' disables the rule. */
  severity: Record<RuleId, Severity | 'off'>;
  /** Functions that provide a fallback when a predict call runs inside them (`with_fallback(lambda: …)`, decorators). */
  fallbackWrappers: string[];
  /** Extra predict-like calls. */
  predictPatterns: PredictPattern[];
  /** The latency budget per prediction, in ms (mlship.latencyBudgetMs, or a deployment's budget). */
  latencyBudgetMs: number;
  /** Network timeout the no-timeout quick fix writes into its named constant, in ms (mlship.diagnostics.timeoutMs; default: the latency budget). */
  timeoutMs: number;
  /**
   * Timeout the no-timeout quick fix writes for calls to hosted model APIs and LLM servers (OpenAI-compatible,
   * Anthropic, Hugging Face Inference, Replicate, Cohere, Mistral, Gemini, Bedrock, Ollama), in ms
   * (mlship.diagnostics.hostedModelTimeoutMs): a generation takes seconds, far past a served model's latency budget.
   */
  hostedModelTimeoutMs: number;
  /** Threshold constant written by the no-confidence quick fix. */
  confidenceThreshold: number;
  /** Inference URL patterns added to DEFAULT_INFERENCE_URLS (urls.ts): substrings or `/regex/` strings. */
  inferenceUrls?: string[];
}

export const DEFAULT_CONFIG: AnalysisConfig = {
  severity: { 'no-fallback': 'warning', 'no-confidence': 'warning', 'no-timeout': 'warning', 'untraced-prediction': 'hint', 'unsafe-model-load': 'warning', 'fallback-stub': 'information' },
  fallbackWrappers: [],
  predictPatterns: [],
  latencyBudgetMs: 50,
  timeoutMs: 50,
  hostedModelTimeoutMs: 30_000,
  confidenceThreshold: 0.7,
};

export interface AnalysisResult {
  language: Language;
  calls: PredictCall[];
  findings: Finding[];
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface CodeFix {
  title: string;
  rule: RuleId;
  edits: TextEdit[];
  /** The fix to offer first (and apply with "auto fix"). */
  isPreferred: boolean;
  /** Safe to apply together with other fixes of the file ("Fix all"). */
  fixAllSafe: boolean;
}

/** What a name defined in another module of the workspace holds, as far as that module tells. */
export type ExternalKind =
  | 'estimator' // a scikit-learn-style model (predict / predict_proba)
  | 'classifier'
  | 'regressor'
  | 'onnx-session'
  | 'hf-pipeline'
  | 'torch-module'
  | 'tfjs-model' // tfjs or tfjs-models objects (predict / classify / detect …)
  | 'llm-client' // OpenAI-compatible and hosted-model SDK clients
  | 'http-client' // a requests/httpx/axios/got client (or instance)
  | 'aws-runtime' // a boto3 SageMaker runtime or Bedrock runtime client (`sdk`: sagemaker | bedrock)
  | 'inference-url' // a string constant naming an inference endpoint
  | 'predict-wrapper' // a function that runs a model and hands its prediction back (or a class, an object with such methods)
  | 'model-loader'; // Python: a function that loads a Keras model from the path it is given (`load_model(path)`)

/** A function of another module that runs a model with no fallback of its own and returns the prediction. */
export interface WrappedCall {
  /** The call it makes (`scikit-learn predict`). */
  label: string;
  /** What it returns is the hard label, with no score (the call inside fails no-confidence so). */
  returnsLabel: boolean;
  /** It records the model version (or hands it back with the prediction, beside what the model answered). */
  traced: boolean;
  /**
   * It hands back a hosted model's whole answer, which names the model: traced where the caller hands that on whole
   * too, not where it reads the text out of it.
   */
  answer?: boolean;
  /** JavaScript/TypeScript: it returns a promise (a `try` guards a call of it only when the call is awaited). */
  promise?: boolean;
}

export interface ExternalSymbol {
  kind: ExternalKind;
  /** The value comes from calling it (a factory function: `get_model()`), not the name itself. */
  factory: boolean;
  /** inference-url: the URL text; clients: whether a timeout is configured. */
  url?: string;
  /** http-client: the name its base URL is read from, when that names an inference endpoint (`SCORING_API_URL`). */
  urlName?: string;
  timeout?: boolean;
  /** The library behind it (`scikit-learn`, `httpx`, `openai`…), when known. */
  lib?: string;
  /** A model that runs in-process (llama.cpp), not a remote call. */
  local?: boolean;
  /** llm-client: which SDK (`openai`, `hf-inference`, `replicate`…), so that its inference methods are known. */
  sdk?: string;
  /**
   * A function that hands its first parameter to Keras `load_model` as the path (whatever it returns): called with an
   * HDF5 file, it loads one.
   */
  kerasLoader?: boolean;
  /** predict-wrapper: the function's call (a function), or the methods that make one (a class, or an object of one). */
  wraps?: WrappedCall;
  methods?: Record<string, WrappedCall>;
}

/** The exported names of one module that hold something an analyzer recognizes. */
export type ModuleSummary = Map<string, ExternalSymbol>;

/** Light inter-file resolution: what a name imported from a workspace module holds. */
export interface WorkspaceResolver {
  /** `name` imported from `specifier` (`app.model`, `.model`, `./model`, `@/lib/ml`) by the file at `fromPath`. */
  lookup(fromPath: string, specifier: string, name: string): ExternalSymbol | undefined;
  /**
   * False when the module `specifier` names (imported by the file at `fromPath`) cannot export anything `lookup` would
   * return, as a text scan of it tells: then the pre-scan does not follow the names imported from it. Absent (or
   * true): they are followed.
   */
  mayExport?(fromPath: string, specifier: string): boolean;
  /**
   * Python: what kind of estimator the training code beside the file at `fromPath` (its folder and the one above)
   * saved to a model file named `fileName` (`joblib.dump(LGBMRegressor(…) fitted, "model.joblib")`), when it says.
   */
  savedModelKind?(fromPath: string, fileName: string): 'classifier' | 'regressor' | undefined;
}

/** Where a source text comes from: its path (for imports and test-file rules) and the workspace around it. */
export interface SourceContext {
  path?: string;
  resolver?: WorkspaceResolver;
  /** Keep what the reanalysis after the next edit reuses (the language server does); a one-shot analysis skips it. */
  keepForEdits?: boolean;
}
