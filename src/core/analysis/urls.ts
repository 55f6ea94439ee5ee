// Which URLs are inference endpoints, for both analyzers: model servers (`/predict`, KServe, TorchServe, SageMaker,
// Azure ML, Vertex) and hosted model APIs (Hugging Face, OpenAI-compatible, Ollama, Replicate). Each entry is a
// case-insensitive substring, or a regular expression written as `/…/` (flags after the closing slash). The settings
// `analysis.inferenceUrls` (mlship.yaml) and `mlship.diagnostics.inferenceUrls` add entries to these defaults.

/** Model servers: `/predict`-shaped paths, KServe v1/v2, TorchServe and Seldon `/predictions`, Vertex `:predict`, SageMaker, Azure Custom Vision. */
const MODEL_SERVER_URLS: readonly string[] = [
  '/\\/(predict|infer|inference|score|scoring|invocations)(?![\\w-])/i',
  '/(?<!\\/v1)\\/predictions(?![\\w-])/i',
  '/v2/models/',
  '/:(raw|stream|server_streaming_)?predict(?![\\w-])/i',
  'runtime.sagemaker.',
  '/customvision/',
];

/**
 * Hosted model APIs and LLM servers: their answers (generations, above all) take seconds, so the no-timeout fix gives
 * them their own timeout (`hostedModelTimeoutMs`) rather than a served model's latency budget.
 */
export const HOSTED_MODEL_URLS: readonly string[] = [
  // Replicate: creating a prediction (not polling `/v1/predictions/<id>`).
  '/\\/v1\\/predictions(?![\\w/-])/i',
  // Hugging Face Inference API (old and router URLs), Inference Endpoints.
  'api-inference.huggingface.co/models/',
  'router.huggingface.co/',
  '.endpoints.huggingface.cloud',
  // OpenAI-compatible APIs (OpenAI, Azure OpenAI, Groq, Together, Mistral, vLLM, llama.cpp, LM Studio).
  '/\\/(chat\\/)?completions(?![\\w-])/i',
  '/\\/v1\\/(embeddings|responses|images\\/generations|audio\\/(transcriptions|speech)|messages|moderations)(?![\\w-])/i',
  // Ollama, also behind a proxy that mounts it under `/ollama` (Open WebUI: `/ollama/api/generate`, `/api/v1/ollama/generate`).
  '/\\/api\\/(generate|chat|embeddings|embed)(?![\\w/-])/i',
  '/\\/ollama\\/(api\\/)?(generate|chat|embeddings|embed)(?![\\w/-])/i',
  // Vertex AI and Gemini.
  '/:(stream)?generateContent(?![\\w-])/i',
  // Azure AI services (Cognitive Services: vision, face, language, speech; not the token service `/sts/`).
  '/\\.(?:api\\.cognitive\\.microsoft\\.com|cognitiveservices\\.azure\\.com)\\/(?!sts\\/)/i',
  // Cohere.
  '/api\\.cohere\\.(ai|com)\\/v\\d\\/(chat|generate|embed|classify|rerank)/i',
];

export const DEFAULT_INFERENCE_URLS: readonly string[] = [...MODEL_SERVER_URLS, ...HOSTED_MODEL_URLS];

/**
 * Request parameters only text generation takes (token limits, sampling, stop sequences): a call whose function sends
 * them is an LLM's. (Not `temperature` alone: a feature of many a model.)
 */
export const GENERATION_PARAMS = /\b(?:max_new_tokens|max_tokens|maxTokens|max_output_tokens|maxOutputTokens|max_tokens_to_sample|maxNewTokens|stop_sequences|stopSequences|do_sample|top_p|topP|repetition_penalty|num_predict)\b/;

/** A compiled list of URL patterns. */
export interface InferenceUrlMatcher {
  test(url: string): boolean;
}

const cache = new Map<string, InferenceUrlMatcher>();

/** One entry: `/regex/flags` or a substring (case-insensitive). Invalid regular expressions match as substrings. */
function compileEntry(entry: string): (url: string) => boolean {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(entry);
  if (m) {
    try {
      const re = new RegExp(m[1] as string, (m[2] as string).replace(/[gy]/g, ''));
      return (url) => re.test(url);
    } catch {
      // Not a regular expression after all: a substring.
    }
  }
  const needle = entry.toLowerCase();
  return (url) => url.toLowerCase().includes(needle);
}

/** Whether a URL (or the part of it a detector kept) is a hosted model API's or an LLM server's (`HOSTED_MODEL_URLS`). */
export function isHostedModelUrl(url: string): boolean {
  hostedMatcher ??= inferenceUrlMatcher([], HOSTED_MODEL_URLS);
  return hostedMatcher.test(url);
}
let hostedMatcher: InferenceUrlMatcher | undefined;

/** The defaults plus `extra` (user entries add to the defaults; blank entries are ignored). */
export function inferenceUrlMatcher(extra: readonly string[] = [], defaults: readonly string[] = DEFAULT_INFERENCE_URLS): InferenceUrlMatcher {
  const entries = [...defaults, ...extra.filter((e) => typeof e === 'string' && e.trim() !== '')];
  const key = entries.join('\u0000');
  let hit = cache.get(key);
  if (!hit) {
    const tests = entries.map(compileEntry);
    hit = { test: (url: string) => tests.some((t) => t(url)) };
    if (cache.size > 32) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}

/**
 * Whether a variable, property or environment variable NAME says it holds an inference endpoint (`MODEL_URL`,
 * `PREDICTION_ENDPOINT`, `inferenceUrl`, `scoringApi`): a word about models or inference and a word about a location.
 */
export function isInferenceUrlName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const inference = words.some((w) => INFERENCE_WORDS.has(w));
  const place = words.some((w) => PLACE_WORDS.has(w));
  return inference && place;
}

const INFERENCE_WORDS = new Set([
  'model', 'models', 'ml', 'predict', 'prediction', 'predictions', 'predictor', 'inference', 'infer', 'scoring', 'score',
  'classifier', 'classify', 'classification', 'sentiment', 'detection', 'detector', 'llm', 'ollama', 'openai', 'gpt',
  'huggingface', 'hf', 'replicate', 'sagemaker', 'vertex', 'triton', 'kserve', 'seldon', 'torchserve', 'embedding', 'embeddings',
]);
const PLACE_WORDS = new Set(['url', 'uri', 'endpoint', 'endpoints', 'api', 'host', 'server', 'service', 'base']);
