// What a name in the analyzed code says about what it holds, for both languages.

/** Words of a function name that evaluates, tests or trains a model: what it hands back is a metric, not a prediction. */
const NOT_SERVING_WORDS = /(?:^|_)(?:eval|evaluate|evaluation|test|tests|train|training|fit|validate|validation|benchmark|accuracy|metrics?|score_model)(?:_|$)/;

/** A function named for evaluation, testing or training (`evaluate_model`, `trainEpoch`), by its words. */
export function evaluationFunction(name: string): boolean {
  return NOT_SERVING_WORDS.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

/** Names of versions of something else than the model (`api_version`, `nodeVersion`). */
export const OTHER_VERSION_RE = /^(?:api|python|node|schema|protocol|http|app|sdk|client|package)_?version$/i;
