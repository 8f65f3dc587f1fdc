import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['settee-source'] },
  ssr: { resolve: { conditions: ['settee-source'], externalConditions: ['settee-source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    // Starts pouchdb-server for the http:pouchdb-server conformance backend (skipped when COUCHDB_URL is set).
    globalSetup: ['./test/http/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
