// How a version name reads to people, the same in the sidebar, the deployments view, the CLI and the dashboard webview
// (which imports only src/shared): `version 2` for 2, v2 or version-2; other names as they are.

/** A folder name that is a version: 1, v2, 1.4.0, version-3, v2-rc1, 2025-10-01, 20251001. */
const VERSION_DIR = /^(?:v|version[-_]?)?\d+(?:[._-]\d+)*(?:[-+][0-9A-Za-z.]+)?$/i;

export function isVersionName(name: string): boolean {
  return VERSION_DIR.test(name);
}

/**
 * A version known by its name alone (what a server reports, with no catalog entry behind it): `version 2` for 2, v2
 * or version-2; other names as they are (`churn-gbt.onnx`, `a1b2c3`).
 */
export function namedVersion(name: string): string {
  const n = versionNumber(name);
  return n === undefined ? name : `version ${n}`;
}

/** A version where room is short (a deployment's row, a line of facts): `v2` for 2, v2 or version-2; other names as they are. */
export function shortVersion(name: string): string {
  const n = versionNumber(name);
  return n === undefined ? name : `v${n}`;
}

/** What a version name numbers: `2` for 2, v2 or version-2, `2025-10-01` for itself; undefined for other names. */
export function versionNumber(name: string): string | undefined {
  return isVersionName(name) ? withoutVersionPrefix(name) : undefined;
}

/** A version name without its `v` or `version-` before the number: `2` for v2 or version-2. */
export function withoutVersionPrefix(name: string): string {
  return name.replace(/^(?:v|version[-_]?)(?=\d)/i, '');
}
