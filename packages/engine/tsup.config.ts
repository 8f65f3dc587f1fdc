import { defineConfig } from 'tsup';

export default defineConfig({
  // The revision-hashing worker is its own entry: worker threads load it by file (dist/rev-hash-worker.js).
  entry: { index: 'src/index.ts', 'rev-hash-worker': 'src/revs/rev-hash-worker.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // import.meta.url locates the worker from the CommonJS build too.
  shims: true,
});
