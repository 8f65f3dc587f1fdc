import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The page's build: React, and Settee's packages from their TypeScript sources (the workspace's `settee-source`
 * condition) resolved with the browser's conditions, so `@settee/http` is its fetch entry. The proxy to the
 * settee-server is added by `scripts/start-playlists.ts`, which knows the server's address and credentials.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: { conditions: ['settee-source', ...defaultClientConditions] },
  // One small page: a single chunk of about 400 kB (React, zod, rxjs, Settee) is fine here.
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1024 },
});
