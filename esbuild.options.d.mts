import type { BuildOptions } from 'esbuild';

export declare const WASM: readonly string[];
export declare const NODE: BuildOptions;
export declare function commonOptions(production: boolean): BuildOptions;
