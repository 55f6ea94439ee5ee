// What the analyzer knows about Python ML and HTTP libraries: which constructors and loaders yield a model,
// a session or a client, which estimators are classifiers, which loaders unpickle, which calls record things.
import type { ExternalSymbol, WrappedCall } from '../types';

/** What a receiver or a variable holds, as far as the file tells. */
export type Origin =
  | { t: 'estimator'; lib: string; cls: 'classifier' | 'regressor' | 'unknown' }
  | { t: 'onnx' }
  | { t: 'hf' }
  | { t: 'torch' }
  | { t: 'http'; lib: 'requests' | 'httpx' | 'aiohttp'; timeout: 'set' | 'none' | 'unset' }
  /** `timeout`: known for a client built in another module (`assign` is -1 then). */
  | { t: 'sagemaker'; assign: number; service?: AwsService; timeout?: boolean }
  /** A SageMaker Python SDK predictor: its timeout is its session's runtime client's (`sagemaker_session=`, unseen). */
  | { t: 'sagemaker-sdk'; timeout: 'set' | 'unknown' | 'unset' }
  /** `assign`: the assignment that built the client, when this file has it (where a client timeout fix goes). */
  | { t: 'llm'; lib: string; timeout: boolean; local?: boolean; assign?: number }
  | { t: 'vertex' }
  | { t: 'botocfg'; timeout: boolean }
  | { t: 'module'; name: string }
  /** An object of a workspace class whose methods run a model and return the prediction (see `WrappedCall`). */
  | { t: 'wrapper'; methods: Record<string, WrappedCall> }
  | { t: 'other' }
  | { t: 'unknown' };

export const CLASSIFIER_CLASS =
  /\b(?:\w*Classifier(?:CV)?|LogisticRegression(?:CV)?|SVC|LinearSVC|NuSVC|GaussianNB|MultinomialNB|BernoulliNB|ComplementNB|CategoricalNB|Perceptron|LinearDiscriminantAnalysis|QuadraticDiscriminantAnalysis|CalibratedClassifierCV|GaussianProcessClassifier|OneVsRestClassifier|OneVsOneClassifier|XGBClassifier|XGBRFClassifier|LGBMClassifier|CatBoostClassifier|MLPClassifier|LabelSpreading|LabelPropagation)\s*\(/;

export const REGRESSOR_CLASS =
  /\b(?:\w*Regressor(?:CV)?|LinearRegression|Ridge(?:CV)?|Lasso(?:CV|LarsCV|Lars)?|ElasticNet(?:CV)?|SVR|LinearSVR|NuSVR|KernelRidge|BayesianRidge|ARDRegression|HuberRegressor|TheilSenRegressor|RANSACRegressor|PoissonRegressor|GammaRegressor|TweedieRegressor|IsotonicRegression|QuantileRegressor|PLSRegression|Lars|OrthogonalMatchingPursuit|XGBRegressor|LGBMRegressor|CatBoostRegressor|TransformedTargetRegressor)\s*\(/;

const ESTIMATOR_ROOTS: Record<string, string> = {
  sklearn: 'scikit-learn',
  xgboost: 'xgboost',
  lightgbm: 'lightgbm',
  catboost: 'catboost',
  keras: 'keras',
  tensorflow: 'keras',
  tf_keras: 'keras',
  skops: 'scikit-learn',
  imblearn: 'scikit-learn',
};

const LOADERS: Record<string, string> = {
  'joblib.load': 'model',
  'sklearn.externals.joblib.load': 'model',
  'pickle.load': 'model',
  'pickle.loads': 'model',
  '_pickle.load': 'model',
  'cPickle.load': 'model',
  'cloudpickle.load': 'model',
  'cloudpickle.loads': 'model',
  'dill.load': 'model',
  'dill.loads': 'model',
  'skops.io.load': 'scikit-learn',
  'xgboost.train': 'xgboost',
  'xgboost.Booster': 'xgboost',
  'lightgbm.train': 'lightgbm',
  'lightgbm.Booster': 'lightgbm',
  'catboost.CatBoost': 'catboost',
};

const NOT_MODEL_ROOTS = new Set(['pandas', 'numpy', 'json', 're', 'subprocess', 'os', 'pathlib', 'collections', 'datetime', 'yaml', 'csv', 'requests', 'httpx', 'aiohttp', 'logging', 'sqlite3', 'sqlalchemy', 'redis', 'polars', 'shutil', 'time', 'io', 'itertools', 'functools', 'random', 'math', 'fastapi', 'flask', 'celery', 'pydantic']);

export const TORCH_MODEL_BASES = /(?:^|[,.])(?:Module|LightningModule|PreTrainedModel)\b/;

function root(dotted: string): string {
  return dotted.split('.', 1)[0] as string;
}

function lastSeg(dotted: string): string {
  const i = dotted.lastIndexOf('.');
  return i < 0 ? dotted : dotted.slice(i + 1);
}

/** Estimator class from the constructor text: classifier, regressor or unknown. */
export function estimatorClass(text: string): 'classifier' | 'regressor' | 'unknown' {
  if (CLASSIFIER_CLASS.test(text)) return 'classifier';
  if (REGRESSOR_CLASS.test(text)) return 'regressor';
  return 'unknown';
}

export interface CalleeInfo {
  /** Resolved dotted name of the call's callee (aliases applied). */
  resolved: string;
  /** Masked text of the whole expression (for class names and keyword arguments). */
  masked: string;
  /** Raw text of the whole expression (for string arguments). */
  raw: string;
  /** Classes defined in this file that subclass torch.nn.Module. */
  torchClasses: ReadonlySet<string>;
}

/** boto3 clients that run models: SageMaker runtime endpoints, Bedrock, and the AI services Comprehend and Rekognition. */
export const AWS_SERVICES = ['sagemaker', 'bedrock', 'comprehend', 'rekognition'] as const;
export type AwsService = (typeof AWS_SERVICES)[number];
/** The inference calls of Comprehend and Rekognition clients (not their training, job or collection management). */
export const AWS_AI_METHODS = /^(?:detect_(?:sentiment|targeted_sentiment|entities|key_phrases|dominant_language|pii_entities|syntax|toxic_content|labels|faces|moderation_labels|text|custom_labels|protective_equipment)|classify_document|recognize_celebrities|search_faces_by_image|compare_faces)$/;

/** The inference calls of Google Cloud Vision's and Natural Language's clients. */
export const GOOGLE_CLOUD_AI_METHODS: readonly string[] = ['label_detection', 'face_detection', 'safe_search_detection', 'text_detection', 'document_text_detection', 'object_localization', 'logo_detection', 'landmark_detection', 'annotate_image', 'batch_annotate_images', 'analyze_sentiment', 'analyze_entities', 'analyze_entity_sentiment', 'classify_text', 'moderate_text', 'annotate_text'];

/** The prediction calls of Azure Custom Vision's prediction client (image classification and object detection). */
export const AZURE_CUSTOM_VISION_METHODS: readonly string[] = ['classify_image', 'classify_image_url', 'classify_image_with_no_store', 'classify_image_url_with_no_store', 'detect_image', 'detect_image_url', 'detect_image_with_no_store', 'detect_image_url_with_no_store'];

/** The inference calls of hosted AI services' SDK clients that are not LLM-shaped (Google Cloud, Azure Custom Vision). */
export const AI_SERVICE_METHODS: readonly string[] = [...GOOGLE_CLOUD_AI_METHODS, ...AZURE_CUSTOM_VISION_METHODS];

/** Keras's model loader, resolved (`tf.keras.models.load_model`, `keras.saving.load_model`, `keras.load_model`). */
export const KERAS_LOAD_MODEL = /(?:^|\.)keras(?:\.models|\.saving)?\.load_model$/;

/** Origin of a value produced by calling `resolved` (the leading call of an expression). */
export function classifyCallee(info: CalleeInfo): Origin {
  const { resolved, masked, raw } = info;
  const last = lastSeg(resolved);
  const r = root(resolved);
  if (last === 'InferenceSession') return { t: 'onnx' };
  if (resolved === 'transformers.pipeline' || resolved === 'transformers.pipelines.pipeline') return { t: 'hf' };
  if (resolved === 'pipeline' && /^\s*pipeline\s*\(\s*(?:task\s*=\s*)?[rbuRBU]?["']/.test(raw)) return { t: 'hf' };
  if (last === 'from_pretrained') {
    return /Model|ForSequence|ForToken|ForCausal|ForImage|ForQuestion|ForMasked|For\w+Classification/.test(resolved) ? { t: 'torch' } : { t: 'other' };
  }
  if (r === 'torch' && /^torch\.(?:load|jit\.load|jit\.script|jit\.trace|hub\.load|compile)$/.test(resolved)) return { t: 'torch' };
  if (r === 'torchvision' || r === 'timm') return { t: 'torch' };
  if (info.torchClasses.has(resolved)) return { t: 'torch' };
  const loader = LOADERS[resolved];
  // Raw boosters (`lgb.Booster`, `xgb.train`) predict scores or probabilities, not labels: like regressors here.
  if (loader && /(?:Booster|train)$/.test(resolved) && /^(?:xgboost|lightgbm)\./.test(resolved)) return { t: 'estimator', lib: loader, cls: 'regressor' };
  if (loader) return { t: 'estimator', lib: loader, cls: estimatorClass(masked) };
  // NLTK's and TextBlob's text classifiers (`nltk.NaiveBayesClassifier.train(…)`, `textblob.classifiers.NaiveBayesClassifier(…)`).
  if ((r === 'nltk' || r === 'textblob') && /Classifier(?:\.train)?$/.test(resolved)) return { t: 'estimator', lib: r, cls: 'classifier' };
  if (r === 'mlflow' && /load_model$/.test(last)) return { t: 'estimator', lib: 'mlflow', cls: estimatorClass(masked) };
  if (KERAS_LOAD_MODEL.test(resolved)) return { t: 'estimator', lib: 'keras', cls: 'unknown' };
  if (resolved === 'requests.Session' || resolved === 'requests.session' || resolved === 'requests.sessions.Session') return { t: 'http', lib: 'requests', timeout: 'unset' };
  if (resolved === 'httpx.Client' || resolved === 'httpx.AsyncClient') {
    const tm = /\btimeout\s*=\s*([^,)\s]+)/.exec(masked);
    return { t: 'http', lib: 'httpx', timeout: tm ? (tm[1] === 'None' ? 'none' : 'set') : 'unset' };
  }
  if (resolved === 'aiohttp.ClientSession') return { t: 'http', lib: 'aiohttp', timeout: /\btimeout\s*=/.test(masked) ? 'set' : 'unset' };
  if (r === 'sagemaker' && /Predictor$/.test(last)) return { t: 'sagemaker-sdk', timeout: /\b(?:read_timeout|connect_timeout)\s*=/.test(masked) ? 'set' : /\b(?:sagemaker_session|sagemaker_runtime_client)\s*=/.test(masked) ? 'unknown' : 'unset' };
  if (/(?:^|\.)client$/.test(resolved) && /["'](?:sagemaker-runtime|runtime\.sagemaker)["']/.test(raw)) return { t: 'sagemaker', assign: -1, service: 'sagemaker' };
  if (/(?:^|\.)client$/.test(resolved) && /["']bedrock-runtime["']/.test(raw)) return { t: 'sagemaker', assign: -1, service: 'bedrock' };
  // AWS AI services: Comprehend's and Rekognition's detectors and classifiers.
  const ai = /(?:^|\.)client$/.test(resolved) ? /["'](comprehend|rekognition)["']/.exec(raw)?.[1] : undefined;
  if (ai === 'comprehend' || ai === 'rekognition') return { t: 'sagemaker', assign: -1, service: ai };
  const llm: { lib: string; timeoutKeys: string[]; local?: boolean } | undefined = LLM_CLIENTS[resolved] ?? langchainModel(r, last);
  // `timeout=None` is no timeout (as in a request).
  if (llm) return { t: 'llm', lib: llm.lib, timeout: llm.timeoutKeys.some((k) => new RegExp(`\\b${k}\\s*=(?!\\s*None\\b)`).test(masked)), ...(llm.local ? { local: true } : {}) };
  if (r === 'transformers' && /Pipeline$/.test(last)) return { t: 'hf' };
  if (r === 'transformers' && /^(?:Seq2Seq)?Trainer$/.test(last)) return { t: 'estimator', lib: 'transformers', cls: 'unknown' };
  if (/(?:^|\.)aiplatform\.(?:Endpoint|PrivateEndpoint)$/.test(resolved) || /^google\.cloud\.aiplatform(?:\.\w+)*\.(?:Endpoint|PrivateEndpoint)$/.test(resolved)) return { t: 'vertex' };
  // The low-level client (`aiplatform.gapic.PredictionServiceClient`, `aiplatform_v1.PredictionServiceClient`).
  if (/(?:^|\.)aiplatform(?:_v1(?:beta1)?)?(?:\.gapic|\.services\.prediction_service)?\.PredictionService(?:Async)?Client$/.test(resolved)) return { t: 'vertex' };
  if (last === 'Config' && (r === 'botocore' || resolved === 'Config')) return { t: 'botocfg', timeout: /\b(?:read_timeout|connect_timeout)\s*=/.test(masked) };
  const lib = ESTIMATOR_ROOTS[r];
  if (lib && /^[A-Z]/.test(last)) return { t: 'estimator', lib, cls: estimatorClass(masked) };
  if (lib && (last === 'make_pipeline' || last === 'train' || last === 'load_model')) return { t: 'estimator', lib, cls: estimatorClass(masked) };
  if (!resolved.includes('.') && /^[A-Z]/.test(last)) {
    // A class used without an import in view (notebook cells): trust well-known estimator names.
    const cls = estimatorClass(masked);
    if (cls !== 'unknown' && (CLASSIFIER_CLASS.test(`${last}(`) || REGRESSOR_CLASS.test(`${last}(`))) return { t: 'estimator', lib: 'scikit-learn', cls };
    if (/^(?:Pipeline|GridSearchCV|RandomizedSearchCV)$/.test(last)) return { t: 'estimator', lib: 'scikit-learn', cls };
  }
  if (NOT_MODEL_ROOTS.has(r)) return { t: 'other' };
  return { t: 'unknown' };
}

/** Hosted-model and LLM SDK clients (remote inference unless `local`): constructor → library and its timeout options. */
export const LLM_CLIENTS: Record<string, { lib: string; timeoutKeys: string[]; local?: boolean }> = {
  'openai.OpenAI': { lib: 'openai', timeoutKeys: ['timeout'] },
  'openai.AsyncOpenAI': { lib: 'openai', timeoutKeys: ['timeout'] },
  'openai.AzureOpenAI': { lib: 'openai', timeoutKeys: ['timeout'] },
  'openai.AsyncAzureOpenAI': { lib: 'openai', timeoutKeys: ['timeout'] },
  'anthropic.Anthropic': { lib: 'anthropic', timeoutKeys: ['timeout'] },
  'anthropic.AsyncAnthropic': { lib: 'anthropic', timeoutKeys: ['timeout'] },
  'groq.Groq': { lib: 'groq', timeoutKeys: ['timeout'] },
  'groq.AsyncGroq': { lib: 'groq', timeoutKeys: ['timeout'] },
  'together.Together': { lib: 'together', timeoutKeys: ['timeout'] },
  'mistralai.Mistral': { lib: 'mistralai', timeoutKeys: ['timeout_ms'] },
  'huggingface_hub.InferenceClient': { lib: 'huggingface_hub', timeoutKeys: ['timeout'] },
  'huggingface_hub.AsyncInferenceClient': { lib: 'huggingface_hub', timeoutKeys: ['timeout'] },
  'cohere.Client': { lib: 'cohere', timeoutKeys: ['timeout'] },
  'cohere.ClientV2': { lib: 'cohere', timeoutKeys: ['timeout'] },
  'cohere.AsyncClient': { lib: 'cohere', timeoutKeys: ['timeout'] },
  'replicate.Client': { lib: 'replicate', timeoutKeys: ['timeout'] },
  // The module's default client, through a model object (`replicate.models.get(name).versions.get(id).predict(…)`).
  'replicate.models.get': { lib: 'replicate', timeoutKeys: [] },
  // Gemini: `genai.GenerativeModel(name).generate_content(…, request_options={"timeout": …})`; the newer SDK's
  // `genai.Client(http_options=HttpOptions(timeout=…))` with `client.models.generate_content(…)`.
  'google.generativeai.GenerativeModel': { lib: 'gemini', timeoutKeys: [] },
  // Google Cloud Vision and Natural Language: hosted models whose calls take `timeout=` (the clients take none).
  'google.cloud.vision.ImageAnnotatorClient': { lib: 'google-vision', timeoutKeys: [] },
  'google.cloud.vision_v1.ImageAnnotatorClient': { lib: 'google-vision', timeoutKeys: [] },
  'google.cloud.language.LanguageServiceClient': { lib: 'google-language', timeoutKeys: [] },
  'google.cloud.language_v1.LanguageServiceClient': { lib: 'google-language', timeoutKeys: [] },
  'google.cloud.language_v2.LanguageServiceClient': { lib: 'google-language', timeoutKeys: [] },
  // Azure Custom Vision: msrest clients take no timeout; each call takes `connection_timeout=` (or the client's
  // `config.connection.timeout` is set).
  'azure.cognitiveservices.vision.customvision.prediction.CustomVisionPredictionClient': { lib: 'azure-custom-vision', timeoutKeys: [] },
  'google.genai.Client': { lib: 'google-genai', timeoutKeys: ['timeout'] },
  // Gemini on Vertex AI: `GenerativeModel(name).generate_content(…)` takes no timeout of its own.
  'vertexai.generative_models.GenerativeModel': { lib: 'vertex-gemini', timeoutKeys: [] },
  'vertexai.preview.generative_models.GenerativeModel': { lib: 'vertex-gemini', timeoutKeys: [] },
  // Ollama: `Client(host=…, timeout=…)`, `client.chat(model=…, messages=…)`.
  'ollama.Client': { lib: 'ollama', timeoutKeys: ['timeout'] },
  'ollama.AsyncClient': { lib: 'ollama', timeoutKeys: ['timeout'] },
  // RunPod serverless endpoints: `Endpoint(id).run_sync(input, timeout=…)`.
  'runpod.Endpoint': { lib: 'runpod', timeoutKeys: [] },
  'runpod.AsyncioEndpoint': { lib: 'runpod', timeoutKeys: [] },
  'tritonclient.http.InferenceServerClient': { lib: 'tritonclient', timeoutKeys: ['network_timeout', 'connection_timeout'] },
  // The gRPC client takes no timeout; each call takes `client_timeout=`.
  'tritonclient.grpc.InferenceServerClient': { lib: 'tritonclient', timeoutKeys: [] },
  'llama_cpp.Llama': { lib: 'llama_cpp', timeoutKeys: [], local: true },
  // Local models run by calling them or their method: sentence-transformers' `model.encode(texts)`, a spaCy pipeline
  // loaded with its trained components, `nlp(text)`.
  'sentence_transformers.SentenceTransformer': { lib: 'sentence_transformers', timeoutKeys: [], local: true },
  'sentence_transformers.CrossEncoder': { lib: 'sentence_transformers', timeoutKeys: [], local: true },
  'spacy.load': { lib: 'spacy', timeoutKeys: [], local: true },
};

/**
 * LangChain's chat models and LLMs (`ChatOpenAI(…)`, `Ollama(…)`), from any of its packages (`langchain_openai`,
 * `langchain_community.llms`, `langchain.chat_models`…), and the options that set their request timeout. Each answers
 * `invoke`, `stream`, `batch` (and their `a…` forms), also as the model of a chain (`prompt | llm | parser`).
 * langchain_ollama's models take their timeout in the HTTP client's options (`client_kwargs={"timeout": …}`): no fix
 * writes one there.
 */
const LANGCHAIN_MODELS: Record<string, { lib: string; timeoutKeys: string[] }> = Object.fromEntries(
  ['ChatOpenAI', 'AzureChatOpenAI', 'OpenAI', 'AzureOpenAI', 'ChatAnthropic', 'ChatGroq', 'ChatMistralAI', 'ChatGoogleGenerativeAI', 'GoogleGenerativeAI', 'ChatTogether', 'ChatFireworks', 'ChatDeepSeek', 'ChatXAI', 'HuggingFaceEndpoint', 'Ollama', 'ChatOllama'].map((c) => [c, { lib: 'langchain', timeoutKeys: ['timeout', 'request_timeout', 'default_request_timeout'] }]),
);
const LANGCHAIN_OLLAMA: Record<string, { lib: string; timeoutKeys: string[] }> = {
  ChatOllama: { lib: 'langchain-ollama', timeoutKeys: ['client_kwargs', 'sync_client_kwargs', 'async_client_kwargs'] },
  OllamaLLM: { lib: 'langchain-ollama', timeoutKeys: ['client_kwargs', 'sync_client_kwargs', 'async_client_kwargs'] },
};

/** Whether a top-level package is one of LangChain's (`langchain`, `langchain_core`, `langchain_openai`…). */
export function isLangchainPackage(root: string): boolean {
  return root === 'langchain' || root.startsWith('langchain_');
}

/** A LangChain chat model or LLM class (see `LANGCHAIN_MODELS`), by the package it comes from and its name. */
function langchainModel(root: string, name: string): { lib: string; timeoutKeys: string[] } | undefined {
  if (root === 'langchain_ollama') return LANGCHAIN_OLLAMA[name];
  return isLangchainPackage(root) ? LANGCHAIN_MODELS[name] : undefined;
}

/** SDK functions that call a hosted model directly (no client object). */
export const LLM_FUNCTIONS: Record<string, string> = {
  'openai.ChatCompletion.create': 'openai',
  'openai.Completion.create': 'openai',
  'openai.Embedding.create': 'openai',
  'openai.Image.create': 'openai',
  'openai.chat.completions.create': 'openai',
  'openai.completions.create': 'openai',
  'openai.embeddings.create': 'openai',
  'openai.images.generate': 'openai',
  'openai.responses.create': 'openai',
  'replicate.run': 'replicate',
  'replicate.predictions.create': 'replicate',
  'litellm.completion': 'litellm',
  'litellm.acompletion': 'litellm',
  'litellm.embedding': 'litellm',
  'ollama.chat': 'ollama',
  'ollama.generate': 'ollama',
  'ollama.embed': 'ollama',
  'ollama.embeddings': 'ollama',
};

/**
 * Method chains of an LLM client that run the model (`client.chat.completions.create`; an Assistants run, which runs the
 * assistant's model on the thread).
 */
export const LLM_METHODS = /^(?:(?:beta\.)?chat\.completions\.(?:create|parse|stream)|completions\.create|embeddings\.create|images\.generate|images\.edit|responses\.(?:create|parse|stream)|beta\.threads\.runs\.(?:create|create_and_poll|stream|submit_tool_outputs|submit_tool_outputs_and_poll|submit_tool_outputs_stream)|beta\.threads\.create_and_run(?:_poll|_stream)?|moderations\.create|audio\.transcriptions\.create|(?:beta\.)?messages\.(?:create|stream)|chat\.complete|embeddings\.create|chat|embed|generate|classify|rerank|run|infer|async_infer|create_completion|create_chat_completion|create_embedding|text_generation|chat_completion|text_classification|token_classification|zero_shot_classification|feature_extraction|image_classification|object_detection|summarization|translation|question_answering|fill_mask|sentence_similarity|text_to_image|automatic_speech_recognition|image_to_text|predictions\.create|generate_content(?:_async)?|models\.generate_content(?:_stream)?|aio\.models\.generate_content(?:_stream)?|models\.embed_content|encode|run_sync|invoke|ainvoke|stream|astream|batch|abatch)$/;

/** Top-level packages that are libraries, never modules of the workspace (no file lookup for them). */
export const LIBRARY_ROOTS = new Set([...Object.keys(ESTIMATOR_ROOTS), ...NOT_MODEL_ROOTS, 'torch', 'torchvision', 'timm', 'transformers', 'onnxruntime', 'openai', 'anthropic', 'huggingface_hub', 'cohere', 'replicate', 'boto3', 'botocore', 'google', 'mlflow', 'joblib', 'pickle', 'typing', 'dataclasses', 'sys', 'asyncio', 'tritonclient', 'llama_cpp', 'runpod', 'ollama', 'vertexai', 'langchain', 'langchain_core', 'langchain_community', 'langchain_openai', 'langchain_anthropic', 'langchain_ollama', 'langchain_groq', 'langchain_mistralai', 'langchain_google_genai', 'langchain_huggingface', 'streamlit', 'gradio', 'django', 'starlette', 'uvicorn', 'sentence_transformers', 'spacy', 'nltk', 'cv2', 'PIL', 'scipy', 'statsmodels', 'prophet']);

/** What an origin is for other modules (a summary entry), or undefined when it is nothing an analyzer recognizes. */
export function externalOf(o: Origin, factory: boolean): ExternalSymbol | undefined {
  switch (o.t) {
    case 'estimator':
      return { kind: o.cls === 'classifier' ? 'classifier' : o.cls === 'regressor' ? 'regressor' : 'estimator', factory, lib: o.lib };
    case 'onnx':
      return { kind: 'onnx-session', factory };
    case 'hf':
      return { kind: 'hf-pipeline', factory };
    case 'torch':
      return { kind: 'torch-module', factory };
    case 'http':
      return { kind: 'http-client', factory, lib: o.lib, timeout: o.timeout === 'set' };
    case 'llm':
      return { kind: 'llm-client', factory, lib: o.lib, timeout: o.timeout, ...(o.local ? { local: true } : {}) };
    default:
      return undefined;
  }
}

/** The origin an imported name has, from the summary of its module. */
export function originOf(e: ExternalSymbol): Origin {
  switch (e.kind) {
    case 'estimator':
    case 'classifier':
    case 'regressor':
      return { t: 'estimator', lib: e.lib ?? 'model', cls: e.kind === 'estimator' ? 'unknown' : e.kind };
    case 'onnx-session':
      return { t: 'onnx' };
    case 'hf-pipeline':
      return { t: 'hf' };
    case 'torch-module':
      return { t: 'torch' };
    case 'http-client':
      return { t: 'http', lib: e.lib === 'httpx' || e.lib === 'aiohttp' ? e.lib : 'requests', timeout: e.timeout ? 'set' : 'unset' };
    case 'llm-client':
      return { t: 'llm', lib: e.lib ?? 'llm', timeout: e.timeout === true, ...(e.local ? { local: true } : {}) };
    case 'aws-runtime':
      return { t: 'sagemaker', assign: -1, service: AWS_SERVICES.find((x) => x === e.sdk) ?? 'sagemaker', timeout: e.timeout === true };
    case 'predict-wrapper':
      return e.methods ? { t: 'wrapper', methods: e.methods } : { t: 'other' };
    case 'model-loader':
      return { t: 'estimator', lib: 'keras', cls: 'unknown' };
    default:
      return { t: 'other' };
  }
}

/** Unpickling loaders: resolved callee → label. torch.load and numpy.load depend on their keyword arguments. */
export const UNSAFE_LOADERS: Record<string, string> = {
  'pickle.load': 'pickle.load',
  'pickle.loads': 'pickle.loads',
  '_pickle.load': 'pickle.load',
  '_pickle.loads': 'pickle.loads',
  'cPickle.load': 'pickle.load',
  'cPickle.loads': 'pickle.loads',
  'joblib.load': 'joblib.load',
  'sklearn.externals.joblib.load': 'joblib.load',
  'cloudpickle.load': 'cloudpickle.load',
  'cloudpickle.loads': 'cloudpickle.loads',
  'dill.load': 'dill.load',
  'dill.loads': 'dill.loads',
  'pandas.read_pickle': 'pandas.read_pickle',
  'torch.load': 'torch.load',
  'numpy.load': 'numpy.load',
};

/** How a name reads: a classifier, a regressor, some model, or nothing model-like. */
export function modelName(expr: string): 'classifier' | 'regressor' | 'model' | undefined {
  let e = expr;
  let subscripted = false;
  while (e.endsWith(']')) {
    const i = e.lastIndexOf('[');
    if (i <= 0) return undefined;
    e = e.slice(0, i);
    subscripted = true;
  }
  if (!/^[A-Za-z_][\w.]*$/.test(e)) return undefined;
  const n = lastSeg(e).replace(/^_+/, '').toLowerCase();
  if (/(?:^|_)(?:clf|classifier)\d*$/.test(n)) return 'classifier';
  if (/(?:^|_)regressor\d*$/.test(n)) return 'regressor';
  if (/^(?:model|estimator|booster|bst|pipeline|pipe)\d*$/.test(n) || /_(?:model|estimator|booster|pipeline|pipe)\d*$/.test(n) || /^model_\w+$/.test(n)) return 'model';
  if (subscripted && /(?:^|_)(?:models|estimators|classifiers|clfs)$/.test(n)) return /clf|classif/.test(n) ? 'classifier' : 'model';
  return undefined;
}

/** A name that reads like a torch module being called for a forward pass. */
export function torchModelName(expr: string): boolean {
  if (!/^[A-Za-z_][\w.]*$/.test(expr)) return false;
  const n = lastSeg(expr).replace(/^_+/, '').toLowerCase();
  return /^(?:model|net|network|encoder|backbone|classifier|clf|module)\d*$/.test(n) || /_(?:model|net|encoder|classifier)\d*$/.test(n) || /^model_\w+$/.test(n);
}

/** Calls that record or log something (used to tell whether the model version is traced). */
export function isRecorder(callee: string): boolean {
  if (!callee) return false;
  const parts = callee.split('.');
  const last = (parts[parts.length - 1] as string).toLowerCase();
  if (parts.length === 1) return /^(?:print|log|log_\w+|record\w*|emit\w*|track\w*|audit\w*|trace_\w+|report_\w+|publish\w*|send_metric\w*|pprint)$/.test(last);
  for (const p of parts.slice(0, -1)) {
    const q = p.replace(/^_+/, '').toLowerCase();
    if (/^(?:logger|log|logging|structlog|metrics|statsd|span|tracer|telemetry|mlflow|wandb|audit|monitor|monitoring|tracking|prometheus|otel|sentry_sdk|newrelic|datadog)$/.test(q) || /(?:logger|_log|log_|audit|tracker|metrics)/.test(q)) return true;
  }
  return /^(?:info|debug|warning|warn|error|exception|critical|log|log_\w+|record\w*|emit\w*|track\w*|set_attribute|set_attributes|set_tag|set_tags|add_event|observe|inc|increment|incr|gauge|histogram|timing|publish|put_metric_data|capture_\w+|add_breadcrumb)$/.test(last);
}

/** URL parts that name an inference endpoint: model servers, and hosted APIs (Hugging Face, OpenAI-compatible, Ollama also behind a proxy, Replicate, Vertex, SageMaker). */
export const INFERENCE_PATH = /\/predict|\/infer|\/v\d+\/models\/|:predict|\/invocations|\/score|api-inference\.huggingface\.co\/|router\.huggingface\.co\/|\/v1\/(?:chat\/)?completions|\/chat\/completions\b|\/v1\/embeddings|\/api\/(?:generate|chat|embed(?:dings)?)(?![\w/-])|\/ollama\/(?:api\/)?(?:generate|chat|embed(?:dings)?)(?![\w/-])|\/v1\/predictions|aiplatform\.googleapis\.com|runtime\.sagemaker\./g;

/** Names of variables, attributes and environment keys that hold an inference endpoint's URL (not a model download). */
export const INFERENCE_URL_NAME = /(?:predict|infer|scor(?:e|ing)|classif|sentiment|embed|llm|completion)\w*?_?(?:url|uri|endpoint|host|api|server|service)$|^(?:url|endpoint)_?(?:predict|infer|scor(?:e|ing))|(?:^|_)(?:model|ml)_?(?:api|endpoint|server|service)(?:_?url)?$/i;
