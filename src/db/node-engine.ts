/**
 * The engine for node (CLI, tests, benchmarks): native DuckDB by default, or duckdb-wasm's
 * blocking build with `engine: 'wasm'` (the browser's engine, for comparisons). Both carry
 * DuckDB 1.4.3, so the same SQL gives the same results.
 */
import type { Engine } from './engine.ts';
import { openNativeEngine } from './native-engine.ts';
import { openWasmNodeEngine } from './wasm-node-engine.ts';

export type NodeEngineKind = 'native' | 'wasm';
export const NODE_ENGINES: readonly NodeEngineKind[] = ['native', 'wasm'];

export interface NodeEngineOptions {
  /** Local paths SQL may read directly after lock-down (the CLI's input files). */
  allowedPaths?: string[];
  /** Directories SQL may read and write after lock-down (native only: a load's export). */
  directories?: string[];
  /** Default: native, or the SURGESCOPE_ENGINE environment variable. */
  engine?: NodeEngineKind;
}

export function openNodeEngine(options: NodeEngineOptions = {}): Promise<Engine> {
  const kind = options.engine ?? (process.env.SURGESCOPE_ENGINE === 'wasm' ? 'wasm' : 'native');
  return kind === 'wasm' ? openWasmNodeEngine(options) : openNativeEngine(options);
}
