// What a file's path says about it.

/** Test files: predictions there are assertions, not answers, so untraced-prediction is not reported. */
export function isTestFile(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return /(?:^|\/)(?:tests?|__tests__|spec)\//.test(p) || /(?:^|\/)(?:test_[^/]*\.py|[^/]*_test\.py|conftest\.py|[^/]*\.(?:test|spec)\.[cm]?[jt]sx?)$/.test(p);
}
