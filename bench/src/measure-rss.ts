import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RssResult } from './rss-child.js';
import type { ContenderId } from './store.js';

const CHILD = fileURLToPath(new URL('./rss-child.ts', import.meta.url));
const TIMEOUT_MS = 150_000;

/** Loads `docs` playlists into `id` in a fresh node process and returns its RSS before and after. */
export function measureRss(id: ContenderId, docs: number): Promise<RssResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      // Compacting full GCs make RSS after gc() reflect live data rather than how fragmented the load left the heap.
      ['--expose-gc', '--compact-on-every-full-gc', '--conditions=settee-source', '--import', 'tsx', CHILD, id, String(docs)],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: TIMEOUT_MS },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        const tail = stderr.trim().split('\n').slice(-6).join('\n');
        reject(new Error(`rss child for ${id} exited with ${code ?? signal}: ${tail}`));
        return;
      }
      resolve(JSON.parse(last) as RssResult);
    });
  });
}
