// What the analyzer knows about Python ML and HTTP libraries: which constructors and loaders yield a model,
// a session or a client, which estimators are classifiers, which loaders unpickle, which calls record things.

/** What a receiver or a variable holds, as far as the file tells. */
export type Origin =
  | { t: 'estimator'; lib: string; cls: 'classifier' | 'regressor' | 'unknown' }
  | { t: 'onnx' }
  | { t: 'hf' }
  | { t: 'torch' }
  | { t: 'http'; lib: 'requests' | 'httpx' | 'aiohttp'; timeout: 'set' | 'none' | 'unset' }
  | { t: 'sagemaker'; assign: number }
  | { t: 'vertex' }
  | { t: 'botocfg'; timeout: boolean }
  | { t: 'module'; name: string }
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
  if (loader) return { t: 'estimator', lib: loader, cls: estimatorClass(masked) };
  if (r === 'mlflow' && /load_model$/.test(last)) return { t: 'estimator', lib: 'mlflow', cls: estimatorClass(masked) };
  if (/(?:^|\.)(?:keras\.models|keras\.saving|keras)\.load_model$/.test(resolved)) return { t: 'estimator', lib: 'keras', cls: 'unknown' };
  if (resolved === 'requests.Session' || resolved === 'requests.session' || resolved === 'requests.sessions.Session') return { t: 'http', lib: 'requests', timeout: 'unset' };
  if (resolved === 'httpx.Client' || resolved === 'httpx.AsyncClient') {
    const tm = /\btimeout\s*=\s*([^,)\s]+)/.exec(masked);
    return { t: 'http', lib: 'httpx', timeout: tm ? (tm[1] === 'None' ? 'none' : 'set') : 'unset' };
  }
  if (resolved === 'aiohttp.ClientSession') return { t: 'http', lib: 'aiohttp', timeout: /\btimeout\s*=/.test(masked) ? 'set' : 'unset' };
  if (/(?:^|\.)client$/.test(resolved) && /["']sagemaker-runtime["']/.test(raw)) return { t: 'sagemaker', assign: -1 };
  if (/(?:^|\.)aiplatform\.(?:Endpoint|PrivateEndpoint)$/.test(resolved) || /^google\.cloud\.aiplatform(?:\.\w+)*\.(?:Endpoint|PrivateEndpoint)$/.test(resolved)) return { t: 'vertex' };
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

export const INFERENCE_PATH = /\/predict|\/infer|\/v\d+\/models\/|:predict|\/invocations|\/score/g;
