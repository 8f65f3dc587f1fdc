import { isBuiltin } from 'node:module';
import type { Plugin } from 'vite';

/**
 * A Vite plugin that fails the build as soon as anything imports a Node built-in (`fs`, `node:crypto`, ...):
 * Vite would otherwise replace it with an empty browser stub and only warn.
 */
export function forbidNodeBuiltins(): Plugin {
  return {
    name: 'settee:forbid-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (isBuiltin(source)) this.error(`The browser build imports the Node built-in "${source}" (from ${importer ?? 'the entry'})`);
      return null;
    },
  };
}
