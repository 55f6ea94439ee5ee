// The one version string of MLShip's processes (CLI, language server, local server); a unit test keeps it equal to
// package.json's.
export const VERSION = '0.1.0';
