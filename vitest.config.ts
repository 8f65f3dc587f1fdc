import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['settee-source'] },
  ssr: { resolve: { conditions: ['settee-source'], externalConditions: ['settee-source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.{ts,tsx}',
      'test/**/*.test.{ts,tsx}',
      'examples/*/src/**/*.test.{ts,tsx}',
      'examples/*/e2e/**/*.test.ts',
    ],
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      // The root tsconfig leaves React code out (JSX, DOM lib): `npm run typecheck` checks its type tests instead.
      exclude: ['packages/react/**'],
      tsconfig: './tsconfig.json',
    },
    // Starts pouchdb-server for the http:pouchdb-server conformance backend (skipped when COUCHDB_URL is set).
    // test/server/global-setup.ts starts one settee-server for the http:settee-server backend.
    globalSetup: ['./test/http/global-setup.ts', './test/server/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
