import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // Runs in browsers and on Node (server rendering); React stays the app's own copy.
  target: 'es2022',
  external: ['react', '@settee/core', 'rxjs'],
});
