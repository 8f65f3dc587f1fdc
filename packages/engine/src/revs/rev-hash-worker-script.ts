import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

/** The part of esbuild's API used here (esbuild is present wherever the engine runs from its TypeScript sources). */
interface Esbuild {
  buildSync(options: {
    entryPoints: string[];
    bundle: true;
    write: false;
    format: 'iife';
    platform: 'node';
    target: string;
  }): { outputFiles: Array<{ text: string }> };
}

/**
 * What to start the revision-hashing worker from. The published build ships the worker as JavaScript beside the
 * engine. Run from the TypeScript sources (tests, benchmarks), a worker thread cannot load `.ts` (loader hooks do
 * not reach it on Node 20), so the worker's few modules are bundled to one script in memory first.
 */
export function revHashWorkerScript(moduleUrl: string): { script: string | URL; options: WorkerOptions } {
  if (!moduleUrl.endsWith('.ts')) return { script: new URL('./rev-hash-worker.js', moduleUrl), options: {} };
  const esbuild = createRequire(moduleUrl)('esbuild') as Esbuild;
  const built = esbuild.buildSync({
    entryPoints: [fileURLToPath(new URL('./rev-hash-worker.ts', moduleUrl))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'node',
    target: 'node20',
  });
  return { script: built.outputFiles[0]!.text, options: { eval: true } };
}
