import { describe, expect, it } from 'vitest';
import type { DbContext } from '../database/db-context.js';
import { createEngine } from '../engine.js';
import { loadedDesignDocCount } from './design-docs.js';

const VDU = 'function (newDoc) { if (newDoc.refused) throw({ forbidden: "no" }); }';

describe('compiled design documents', () => {
  it('are released when their design document is deleted', async () => {
    const engine = createEngine({ storage: 'memory' });
    try {
      await engine.createDb('db');
      const db = engine.db('db');
      // The engine's own handle on the open database (private to the adapter).
      const ctx = (db as unknown as { ctx: DbContext }).ctx;
      for (let i = 0; i < 30; i += 1) {
        const ddoc = await db.put({ _id: `_design/tmp${i}`, validate_doc_update: VDU });
        // A document write compiles every validator.
        await db.put({ _id: `doc${i}` });
        await expect(db.put({ _id: `refused${i}`, refused: true })).rejects.toMatchObject({ status: 403 });
        await db.remove(`_design/tmp${i}`, ddoc.rev);
      }
      await db.put({ _id: 'last' });
      expect(loadedDesignDocCount(ctx)).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
