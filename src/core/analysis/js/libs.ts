// What the JavaScript/TypeScript analyzer knows about ML, HTTP and hosted-model libraries: module names (also when
// imported from a CDN URL), what their constructors and loaders yield, which methods run inference, and which
// options set a timeout.

export const ORT_RE = /^(?:onnxruntime-(?:node|web|common|react-native)|onnxjs(?:-node)?)(?:\/.*)?$/;
/** transformers.js: the npm packages and forks published under another scope (`@scope/transformers`). */
export const HF_RE = /^@(?:xenova|huggingface|[\w.-]+)\/transformers(?:\/.*)?$/;
export const TFJS_RE = /^@tensorflow\/tfjs(?:-node|-node-gpu|-layers|-converter|-core|-backend-[a-z]+)?(?:\/.*)?$/;
/** tfjs-models and libraries built the same way (face-api.js, ml5, Teachable Machine, nsfwjs). */
export const TF_MODELS_RE = /^(?:@tensorflow-models\/|face-api\.js$|@vladmandic\/face-api|ml5$|@teachablemachine\/|nsfwjs$)/;
export const SM_RE = /^@aws-sdk\/client-sagemaker-runtime$/;
export const BEDROCK_RE = /^@aws-sdk\/client-bedrock-runtime$/;
/** AWS AI services (SDK v3): Comprehend's and Rekognition's clients, and the commands that run their models. */
export const AWS_AI_RE = /^@aws-sdk\/client-(comprehend|rekognition)$/;
export const AWS_AI_COMMANDS = /^(?:Detect(?:Sentiment|TargetedSentiment|Entities|KeyPhrases|DominantLanguage|PiiEntities|Syntax|ToxicContent|Labels|Faces|ModerationLabels|Text|CustomLabels|ProtectiveEquipment)|ClassifyDocument|RecognizeCelebrities|SearchFacesByImage|CompareFaces)Command$/;

const CDN_RE = /^(?:https?:)?\/\/(?:cdn\.jsdelivr\.net\/npm|unpkg\.com|esm\.sh|esm\.run|cdn\.skypack\.dev|ga\.jspm\.io\/npm:|jspm\.dev|cdn\.esm\.sh)\/?/i;

/**
 * The npm package (and subpath) a module specifier names: CDN URLs (`https://cdn.jsdelivr.net/npm/@xenova/transformers@2.6.0`)
 * become the package (`@xenova/transformers`), versions are dropped.
 */
export function normalizeModule(spec: string): string {
  // Deno's npm and JSR specifiers name a package with its version range (`npm:openai@^4.52.5`, `npm:@xenova/transformers`).
  const deno = /^(?:npm|jsr):(@[^/@]+\/[^/@]+|[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(spec);
  if (deno) return `${deno[1]}${deno[2] ?? ''}`;
  const m = CDN_RE.exec(spec);
  if (!m) return spec;
  const rest = spec.slice(m[0].length).replace(/^v\d+\//, '');
  const parts = rest.split('/');
  const scoped = parts[0]?.startsWith('@');
  const nameParts = parts.slice(0, scoped ? 2 : 1).map((p, i, all) => (i === all.length - 1 ? p.replace(/@[^/]*$/, '') : p));
  const sub = parts.slice(scoped ? 2 : 1).join('/');
  const name = nameParts.join('/');
  // Only the package matters for recognition; a file inside it (dist/…min.js) is the package too.
  return sub && !/\.(?:m?js|cjs)$/.test(sub) && !/^(?:dist|build|lib|esm)\b/.test(sub) ? `${name}/${sub}` : name;
}

/** Globals that script tags define (`<script src=".../coco-ssd">`), used when the name is not bound in the file. */
export const SCRIPT_GLOBALS: Record<string, string> = {
  ort: 'onnxruntime-web',
  tf: '@tensorflow/tfjs',
  mobilenet: '@tensorflow-models/mobilenet',
  cocoSsd: '@tensorflow-models/coco-ssd',
  posenet: '@tensorflow-models/posenet',
  handpose: '@tensorflow-models/handpose',
  facemesh: '@tensorflow-models/facemesh',
  blazeface: '@tensorflow-models/blazeface',
  toxicity: '@tensorflow-models/toxicity',
  knnClassifier: '@tensorflow-models/knn-classifier',
  speechCommands: '@tensorflow-models/speech-commands',
  bodyPix: '@tensorflow-models/body-pix',
  deeplab: '@tensorflow-models/deeplab',
  qna: '@tensorflow-models/qna',
  use: '@tensorflow-models/universal-sentence-encoder',
  poseDetection: '@tensorflow-models/pose-detection',
  handPoseDetection: '@tensorflow-models/hand-pose-detection',
  faceLandmarksDetection: '@tensorflow-models/face-landmarks-detection',
  faceDetection: '@tensorflow-models/face-detection',
  bodySegmentation: '@tensorflow-models/body-segmentation',
  faceapi: 'face-api.js',
  ml5: 'ml5',
  tmImage: '@teachablemachine/image',
  tmPose: '@teachablemachine/pose',
  nsfwjs: 'nsfwjs',
  brain: 'brain.js',
};

/** tfjs loaders (`tf.loadLayersModel`, the legacy `tf.loadModel`). */
export const TF_LOADERS = new Set(['loadLayersModel', 'loadGraphModel', 'loadGraphModelSync', 'loadSavedModel', 'loadModel', 'loadFrozenModel']);
/** tfjs-models factories: `cocoSsd.load()`, `poseDetection.createDetector()`, `knnClassifier.create()`, ml5's `imageClassifier()`. */
export function isTfModelsFactory(mod: string, name: string): boolean {
  if (mod === 'ml5') return /^(?:imageClassifier|soundClassifier|neuralNetwork|sentiment|objectDetector|handpose|facemesh|bodyPix|uNet|styleTransfer|pix2pix|CVAE|DCGAN|charRNN|featureExtractor|KNNClassifier|poseNet|bodyPose|handPose|faceMesh)$/.test(name);
  if (/face-api/.test(mod)) return false;
  return /^(?:load|createDetector|createSegmenter|create|loadModel)$/.test(name);
}

/** Methods of tfjs models that run inference. */
export const TF_METHODS = new Set(['predict', 'execute', 'executeAsync', 'predictOnBatch']);
/** Methods of tfjs-models objects (and ml5 / Teachable Machine models) that run inference. */
export const TF_MODELS_METHODS = new Set([
  'predict', 'classify', 'detect', 'estimatePose', 'estimatePoses', 'estimateFaces', 'estimateHands', 'estimateSinglePose', 'estimateMultiplePoses',
  'segmentPeople', 'segmentPerson', 'segmentPersonParts', 'segmentMultiPerson', 'segment', 'embed', 'findAnswers', 'infer',
  'predictClass', 'recognize', 'predictTopK', 'generate', 'executeAsync', 'execute',
]);
/** face-api.js runs inference through module functions (`faceapi.detectAllFaces(img)`). */
export const FACE_API_FUNCTIONS = new Set([
  'detectAllFaces', 'detectSingleFace', 'locateFaces', 'detectLandmarks', 'computeFaceDescriptor', 'recognizeFaceExpressions',
  'predictAgeAndGender', 'allFaces', 'allFacesSsdMobilenetv1', 'allFacesTinyYolov2', 'allFacesMtcnn', 'mtcnn', 'tinyFaceDetector', 'ssdMobilenetv1', 'tinyYolov2',
]);

/**
 * Local ML libraries of Node and the browser besides tfjs and ONNX Runtime: the classes whose instances are models
 * (made with `new`, or restored by a static loader such as `BayesClassifier.load(path, stemmer, callback)` or
 * `RandomForestClassifier.load(json)`), the methods that run inference, and which answers are the class label alone.
 */
export interface LocalModelLib {
  module: RegExp;
  label: string;
  classes: RegExp;
  /** Static methods of those classes that restore a model (its value, or the second argument of an error-first callback). */
  loaders: RegExp;
  infers: RegExp;
  /** The answer of `method` on an instance of `cls` is a class label with no score. */
  hardLabel: (cls: string, method: string) => boolean;
  /** The answer holds every class with its score (`[{ label, value }]`). */
  scored?: RegExp;
  /** Module functions that run a model and answer with the class alone (brain.js's `likely(input, net)`). */
  functions?: RegExp;
}

export const LOCAL_MODEL_LIBS: readonly LocalModelLib[] = [
  {
    module: /^natural$/,
    label: 'natural',
    classes: /^(?:BayesClassifier|LogisticRegressionClassifier|MaxEntClassifier)$/,
    loaders: /^(?:load|restore)$/,
    infers: /^(?:classify|getClassifications)$/,
    hardLabel: (_cls, m) => m === 'classify',
    scored: /^getClassifications$/,
  },
  {
    module: /^brain(?:\.js)?$/,
    label: 'brain.js',
    classes: /^(?:NeuralNetwork|NeuralNetworkGPU|LSTM|RNN|GRU|LSTMTimeStep|RNNTimeStep|GRUTimeStep|FeedForward)$/,
    loaders: /^$/,
    infers: /^(?:run|forecast)$/,
    hardLabel: () => false,
    functions: /^likely$/,
  },
  {
    module: /^(?:ml-(?:random-forest|cart|naivebayes|knn|logistic-regression|svm)|libsvm-js(?:\/.*)?)$/,
    label: 'ml.js',
    classes: /^(?:RandomForestClassifier|RandomForestRegression|DecisionTreeClassifier|DecisionTreeRegression|GaussianNB|MultinomialNB|KNN|LogisticRegression|SVM)$/,
    loaders: /^load$/,
    infers: /^predict$/,
    hardLabel: (cls) => !/Regression$/.test(cls),
  },
];

/** The local ML library a module is, if any. */
export function localModelLib(mod: string): LocalModelLib | undefined {
  return LOCAL_MODEL_LIBS.find((l) => l.module.test(mod));
}

/** Hosted-model SDKs: how a client is made and which of its methods run inference. */
export type SdkName = 'openai' | 'anthropic' | 'mistral' | 'cohere' | 'hf-inference' | 'replicate' | 'vertex' | 'bedrock' | 'gemini' | 'google-cloud-ai' | 'langchain';

interface SdkInfo {
  module: RegExp;
  /** Constructors (`new OpenAI()`), with `default` for a default export. */
  ctors: RegExp;
  label: string;
  /** Whether a method path (`chat.completions.create`) runs inference. */
  infers: (path: string[]) => boolean;
  /** Results carry a label with its score (classification tasks), or are generated (confidence is n/a). */
  labels?: (path: string[]) => boolean;
  /** The option that bounds a request, as the quick fix writes it at the call (`T` is the timeout constant). */
  fixOption: (t: string) => string;
  /** Where that option goes: a new argument at this index, or into the object at this index. */
  fixArg: number;
  /** Which constructor argument holds the client's options (`new HfInference(token, options)`). */
  ctorOptions?: number;
}

const OPENAI_METHODS = /^(?:(?:beta\.)?chat\.completions\.(?:create|parse|stream)|beta\.threads\.runs\.(?:create|createAndPoll|createAndStream|stream|submitToolOutputs|submitToolOutputsAndPoll|submitToolOutputsStream)|beta\.threads\.createAndRun(?:Poll|Stream)?|completions\.create|embeddings\.create|images\.(?:generate|edit|createVariation)|responses\.(?:create|stream|parse)|audio\.(?:transcriptions|translations|speech)\.create|moderations\.create|messages\.(?:create|stream)|beta\.messages\.create)$/;
const HF_TASKS = /^(?:textClassification|textGeneration|textGenerationStream|chatCompletion|chatCompletionStream|featureExtraction|imageClassification|objectDetection|imageSegmentation|summarization|translation|questionAnswering|tableQuestionAnswering|tokenClassification|zeroShotClassification|zeroShotImageClassification|sentenceSimilarity|fillMask|automaticSpeechRecognition|audioClassification|textToSpeech|textToImage|imageToText|imageToImage|textToVideo|documentQuestionAnswering|visualQuestionAnswering|conversational|audioToAudio|tabularClassification|tabularRegression|request|streamingRequest)$/;
const HF_LABEL_TASKS = /^(?:textClassification|imageClassification|audioClassification|zeroShotClassification|zeroShotImageClassification|tokenClassification|tabularClassification|objectDetection)$/;

export const SDKS: Record<SdkName, SdkInfo> = {
  openai: {
    module: /^(?:openai|groq-sdk|together-ai|@azure\/openai|openai\/.*)$/,
    ctors: /^(?:OpenAI|AzureOpenAI|Groq|Together|OpenAIClient|default)$/,
    label: 'OpenAI-style',
    // Also Azure's OpenAIClient and the v3 SDK's OpenAIApi (`createChatCompletion`, request options as for axios).
    infers: (p) => OPENAI_METHODS.test(p.join('.')) || /^(?:getChatCompletions|getCompletions|getEmbeddings|streamChatCompletions|createChatCompletion|createCompletion|createEmbedding|createImage|createTranscription|createModeration)$/.test(p.join('.')),
    // A moderation model classifies: its `flagged` and `categories` are hard labels, its `category_scores` the scores.
    labels: (p) => /^(?:moderations\.create|createModeration)$/.test(p.join('.')),
    fixOption: (t) => `timeout: ${t}`,
    fixArg: 1,
  },
  anthropic: {
    module: /^@anthropic-ai\/sdk$/,
    ctors: /^(?:Anthropic|default)$/,
    label: 'Anthropic',
    infers: (p) => /^(?:beta\.)?messages\.(?:create|stream)$|^completions\.create$/.test(p.join('.')),
    fixOption: (t) => `timeout: ${t}`,
    fixArg: 1,
  },
  mistral: {
    module: /^@mistralai\/mistralai$/,
    ctors: /^(?:Mistral|MistralClient|default)$/,
    label: 'Mistral',
    infers: (p) => /^(?:chat\.(?:complete|stream)|fim\.(?:complete|stream)|embeddings\.create|classifiers\.\w+|agents\.(?:complete|stream)|chat|chatStream|embeddings)$/.test(p.join('.')),
    fixOption: (t) => `timeoutMs: ${t}`,
    fixArg: 1,
  },
  cohere: {
    module: /^cohere-ai$/,
    ctors: /^(?:CohereClient|CohereClientV2|default)$/,
    label: 'Cohere',
    infers: (p) => /^(?:chat|chatStream|generate|generateStream|embed|classify|rerank|summarize)$/.test(p.join('.')),
    labels: (p) => p.join('.') === 'classify',
    fixOption: (t) => `timeoutInSeconds: ${t} / 1000`,
    fixArg: 1,
  },
  'hf-inference': {
    module: /^@huggingface\/inference$/,
    ctors: /^(?:HfInference|InferenceClient|HfInferenceEndpoint|default)$/,
    label: 'Hugging Face Inference',
    infers: (p) => p.length === 1 && HF_TASKS.test(p[0] as string),
    labels: (p) => p.length === 1 && HF_LABEL_TASKS.test(p[0] as string),
    fixOption: (t) => `signal: AbortSignal.timeout(${t})`,
    fixArg: 1,
    ctorOptions: 1,
  },
  replicate: {
    module: /^replicate$/,
    ctors: /^(?:Replicate|default)$/,
    label: 'Replicate',
    infers: (p) => /^(?:run|stream|predictions\.create|deployments\.predictions\.create)$/.test(p.join('.')),
    fixOption: (t) => `signal: AbortSignal.timeout(${t})`,
    fixArg: 1,
  },
  vertex: {
    module: /^@google-cloud\/(?:aiplatform|vertexai)$/,
    ctors: /^(?:PredictionServiceClient|VertexAI)$/,
    label: 'Vertex AI',
    infers: (p) => /^(?:predict|rawPredict|streamRawPredict|explain|generateContent|streamGenerateContent|model\.generateContent|model\.generateContentStream)$/.test(p.join('.')),
    fixOption: (t) => `timeout: ${t}`,
    fixArg: 1,
  },
  gemini: {
    module: /^@google\/(?:generative-ai|genai)$/,
    ctors: /^(?:GoogleGenerativeAI|GoogleGenAI)$/,
    label: 'Gemini',
    infers: (p) => /^(?:model\.(?:generateContent|generateContentStream|embedContent|batchEmbedContents)|models\.(?:generateContent|generateContentStream|embedContent)|chats\.\w+|model\.startChat\.sendMessage)$/.test(p.join('.')),
    fixOption: (t) => `signal: AbortSignal.timeout(${t})`,
    fixArg: 1,
    // new GoogleGenerativeAI(apiKey): no client options.
    ctorOptions: -1,
  },
  // Google Cloud Vision and Natural Language: call options (`{ timeout }`) follow the request.
  'google-cloud-ai': {
    module: /^@google-cloud\/(?:vision|language)$/,
    ctors: /^(?:ImageAnnotatorClient|LanguageServiceClient)$/,
    label: 'Google Cloud',
    infers: (p) => /^(?:labelDetection|faceDetection|safeSearchDetection|textDetection|documentTextDetection|objectLocalization|logoDetection|landmarkDetection|annotateImage|batchAnnotateImages|analyzeSentiment|analyzeEntities|analyzeEntitySentiment|classifyText|moderateText|annotateText)$/.test(p.join('.')),
    fixOption: (t) => `timeout: ${t}`,
    fixArg: 1,
  },
  // LangChain's chat models and LLMs (`new ChatOpenAI({ model, timeout })`), also as the model of a chain built on one
  // (`prompt.pipe(model)`, `RunnableSequence.from([prompt, model, parser])`): each call takes run options after its
  // input, a `timeout` (ms) or a `signal` among them.
  langchain: {
    module: /^@langchain\/(?:openai|anthropic|groq|mistralai|google-genai|google-vertexai|ollama|cohere|aws|community\/(?:chat_models|llms)\/[\w-]+)$|^langchain\/(?:chat_models|llms)\/[\w-]+$/,
    ctors: /^(?:ChatOpenAI|AzureChatOpenAI|OpenAI|AzureOpenAI|ChatAnthropic|ChatGroq|ChatMistralAI|ChatGoogleGenerativeAI|ChatVertexAI|ChatOllama|Ollama|ChatCohere|ChatBedrockConverse)$/,
    label: 'LangChain',
    infers: (p) => /^(?:invoke|stream|batch|streamEvents)$/.test(p.join('.')),
    fixOption: (t) => `timeout: ${t}`,
    fixArg: 1,
  },
  bedrock: {
    module: BEDROCK_RE,
    ctors: /^(?:BedrockRuntimeClient|BedrockRuntime)$/,
    label: 'Bedrock',
    infers: (p) => /^(?:invokeModel|invokeModelWithResponseStream|converse|converseStream)$/.test(p.join('.')),
    fixOption: (t) => `abortSignal: AbortSignal.timeout(${t})`,
    fixArg: 1,
  },
};

/** The SDK a module is, if any. */
export function sdkOfModule(mod: string): SdkName | undefined {
  for (const [name, info] of Object.entries(SDKS) as [SdkName, SdkInfo][]) if (info.module.test(mod)) return name;
  return undefined;
}

/** Bedrock commands sent through `client.send(new ConverseCommand(…))`. */
export const BEDROCK_COMMANDS = /^(?:InvokeModel|InvokeModelWithResponseStream|Converse|ConverseStream)Command$/;
/** Option keys that bound a request (on the call, or on the client that makes it). */
export const TIMEOUT_KEYS = ['timeout', 'timeoutMs', 'timeoutInSeconds', 'signal', 'abortSignal', 'requestTimeout', 'socketTimeout'];

/** jQuery's request functions (`$.ajax`, `$.post`, `$.get`, `$.getJSON`). */
export const JQUERY_REQUESTS = /^(?:ajax|post|get|getJSON)$/;
/** HTTP clients. */
export const FETCH_MODULES = new Set(['node-fetch', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch', 'unfetch']);
export const AXIOS_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'postForm', 'putForm', 'patchForm']);
/** request-promise and its variants (request's promise API): `rp(options)`, `rp.post(url, options)`. */
export const REQUEST_PROMISE_RE = /^request-promise(?:-native|-any)?$/;
export const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
