import { defineConfig } from 'tsup';

export default defineConfig({
  // index: browser-safe (global fetch); node: the same API with a keep-alive node:http transport.
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
