// Where a prediction goes in its function: returned, sent (an HTTP response, a queue), stored (a file, a database,
// the object's state), tested by a branch, logged or printed, shown (Streamlit, plots) or scored by a metric. Two
// rules read it: untraced-prediction reports only predictions that leave the function, and no-confidence only hard
// labels that decide something; logging or returning the score with the label counts as surfacing confidence.
// Also how the value is used: as a label (compared with a class, a truth value, a key) or as a number.

export type Sink = 'return' | 'send' | 'store' | 'branch' | 'log' | 'show' | 'plot' | 'metric';

export interface Flow {
  sinks: Set<Sink>;
  /** Used as a class label: compared with a literal, tested as a truth value, used as a key or an index, int()/bool()/str(). */
  labelUse: boolean;
  /** Used as a number: arithmetic, float(), round(), compared with < or >. */
  numericUse: boolean;
}

/** Sinks through which a prediction leaves the function. */
export const LEAVES: readonly Sink[] = ['return', 'send', 'store'];
/** Sinks where a hard label decides something: shown in an app (Streamlit, Gradio) it is the app's answer. */
export const DECIDES: readonly Sink[] = ['return', 'send', 'store', 'branch', 'show'];

const SEND = /(?:^|\.)(?:jsonify|JSONResponse|ORJSONResponse|UJSONResponse|PlainTextResponse|HTMLResponse|Response|make_response|render_template|render_template_string|render|HttpResponse|JsonResponse|StreamingResponse|emit|publish|send|send_json|send_text|send_message|reply_text|reply_markdown|reply_html|reply_photo|sendall|produce|xadd|lpush|rpush|basic_publish|put_record|put_records|apply_async|delay)$/;
const HTTP_SEND = /^(?:requests|httpx|session|client|http)\.(?:post|put|patch)$/;
const STORE = /(?:^|\.)(?:to_csv|to_parquet|to_sql|to_json|to_excel|to_pickle|to_feather|dump|write|writelines|writerow|writerows|insert|insert_one|insert_many|update_one|replace_one|bulk_write|add_all|save|savetxt|save_npz|setex|hset|hmset|execute|executemany|upload_file|upload_fileobj|put_object|put_item|batch_write_item|commit|log_table|log_predictions)$/;
const STORE_RECEIVER = /(?:^|\.)(?:db|session|cache|redis|r|rds|store|table|collection|conn|cursor|cur|bucket|queue|producer)\.(?:add|set|update|put|append)$/;
/** An app's page (Streamlit, Gradio, Dash): what is written there is the answer users get. */
const SHOW = /^(?:st|streamlit|gr|gradio|dash|panel|pn)\.|\.(?:markdown|success|metric|dataframe|subheader|header|title|caption)$/;
/** Plots and notebook display. */
const PLOT = /^(?:plt|pyplot|matplotlib|ax|axes|fig|sns|seaborn|px|plotly|IPython)\.|^(?:display|show|imshow)$|\.(?:imshow|plot|scatter|hist|bar|barh|pie|show|savefig|set_title)$/;
const METRIC = /(?:^|\.)(?:accuracy_score|f1_score|precision_score|recall_score|roc_auc_score|confusion_matrix|classification_report|mean_squared_error|mean_absolute_error|r2_score|log_loss|matthews_corrcoef|balanced_accuracy_score|cohen_kappa_score|top_k_accuracy_score|precision_recall_fscore_support|roc_curve|auc|evaluate)$/;
const CARRIER = /^([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\.(?:append|extend|insert|update|setdefault|add)$/;
const LABEL_NAME = /(?:^|_)(?:label|labels|class|classes|category|categories|species|sentiment|decision|approved|approval|status|spam|fraud|outcome|verdict|intent|emotion|topic|genre|diagnosis|disease|predicted_class|result_class)(?:_|$)|^is_|^has_/i;

type CalleeKind = { sink?: Sink; carrier?: string };

/** A metric (`accuracy_score`, `classification_report`): what it returns is a score of the predictions, not them. */
export function isMetricCallee(c: string): boolean {
  return METRIC.test(c);
}

/** Callee → what calling it does with an argument; the same few callees come back thousands of times per file. */
const calleeKinds = new Map<string, CalleeKind>();

function calleeKind(c: string, isRecorder: (callee: string) => boolean): CalleeKind {
  let k = calleeKinds.get(c);
  if (!k) {
    if (METRIC.test(c)) k = { sink: 'metric' };
    else if (SHOW.test(c)) k = { sink: 'show' };
    else if (PLOT.test(c)) k = { sink: 'plot' };
    else if (SEND.test(c) || HTTP_SEND.test(c)) k = { sink: 'send' };
    else if (STORE.test(c) || STORE_RECEIVER.test(c)) k = { sink: 'store' };
    else {
      const carrier = CARRIER.exec(c)?.[1];
      k = carrier ? { carrier } : isRecorder(c) ? { sink: 'log' } : {};
    }
    if (calleeKinds.size > 20_000) calleeKinds.clear();
    calleeKinds.set(c, k);
  }
  return k;
}

/** Classifies one mention of the prediction: the sinks its enclosing calls are, and the carrier it lands in. */
export function classifyCallees(callees: readonly string[], isRecorder: (callee: string) => boolean): CalleeKind {
  for (const c of callees) {
    if (!c) continue;
    const k = calleeKind(c, isRecorder);
    if (k.sink || k.carrier) return k;
  }
  return {};
}

/** Names that say a value is a number (a price, a duration, a probability), not a class. */
const NUMERIC_NAME = /^(?:price|value|amount|revenue|cost|eta|duration|forecast|demand|ltv|salary|rating|temperature|sales|count|quantity|time|minutes|hours|days|seconds|score|prob|proba|probability|risk|regress|estimate|yield|weight|height|distance|volume|rate|ctr|clv|income|load|usage|consumption|embedding|vector|features?)/i;

/** The words of a name: split at `_`, `.` and lower-to-upper case changes (`self.etaMinutes` → self, eta, Minutes). */
function words(name: string): string[] {
  return name.split(/[_.]|(?<=[a-z])(?=[A-Z])/);
}

export function numericName(name: string): boolean {
  // A word of the name starts with one (`predict_prices`, `forecastDemand`): `screen_accounts` holds no count.
  return words(name.replace(/^self\./, '')).some((w) => NUMERIC_NAME.test(w));
}

/** Words that name a quantity when a whole word of a key (`rate_spread`, `predicted_price`, `etaMinutes`). */
const NUMERIC_WORD = /^(?:price|prices|value|amount|revenue|cost|eta|duration|forecast|demand|ltv|salary|rating|temperature|sales|count|quantity|minutes|hours|days|seconds|rate|spread|income|usage|consumption|estimate|distance|volume|weight|height|yield|age|pct|percent|percentage|total|sum|mean|avg|average|kwh|mw|usd|eur)$/i;

/** Whether a dict key (or column name) names a quantity by one of its words and says nothing of a class. */
export function numericKey(key: string): boolean {
  return !labelName(key) && words(key).some((w) => NUMERIC_WORD.test(w));
}

/** Whether a name or dict key reads like a class label. */
export function labelName(name: string): boolean {
  return LABEL_NAME.test(name.replace(/^self\./, ''));
}

/** How a mention is used, from the text around it on its line (masked: strings blanked). */
export function useAround(before: string, after: string): { label: boolean; numeric: boolean } {
  const b = before.trimEnd();
  const a = after.trimStart();
  let label = false;
  let numeric = false;
  // `pred == 1`, `res[0] == "spam"`, `1 == pred`, `pred in {...}`, `if pred:`, `not pred`, `LABELS[pred]`, `int(pred)`.
  if (/^(?:\[[^\]]*\])*\s*(?:==|!=)\s*(?:-?\d+\b|["']|True|False)/.test(a) || /(?:==|!=)\s*$/.test(b)) label = true;
  if (/^(?:\[[^\]]*\])*\s*(?:in|not\s+in)\b/.test(a)) label = true;
  if (/(?:^|\b)(?:if|elif|while|not|and|or)\s*$/.test(b) && /^(?:\[[^\]]*\])*\s*(?::|and\b|or\b|$)/.test(a)) label = true;
  if (/[A-Za-z_\])]\s*\[\s*$/.test(b) && /^(?:\[[^\]]*\])*\s*\]/.test(a)) label = true;
  if (/\.get\s*\(\s*$/.test(b) || /\b(?:int|bool|str)\s*\(\s*$/.test(b)) label = true;
  // `'%s' % label` formats a string (the quote closes the masked literal): not arithmetic.
  if (/\b(?:float|round)\s*\(\s*$/.test(b) || /^(?:\[[^\]]*\])*\s*(?:[*/%]|[+-]\s*[\d(])/.test(a) || /(?:[*/]|[+-])\s*$/.test(b) || (/%\s*$/.test(b) && !/["']\s*%\s*$/.test(b))) numeric = true;
  if (/^(?:\[[^\]]*\])*\s*(?:<|>|<=|>=)/.test(a) || /(?:<|>|<=|>=)\s*$/.test(b)) numeric = true;
  return { label, numeric };
}
