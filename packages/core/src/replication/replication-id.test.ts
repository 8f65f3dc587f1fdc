import { describe, expect, it } from 'vitest';
import { replicationId } from './replication-id.js';

const SRC = 'settee-engine:sqlite:/data/playlist';
const TGT = 'http://127.0.0.1:5984/backup';

describe('replicationId', () => {
  it('is a 32-hex digest that depends on both endpoints and their direction', () => {
    const id = replicationId(SRC, TGT, {});
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(replicationId(SRC, TGT, {})).toBe(id);
    expect(replicationId(TGT, SRC, {})).not.toBe(id);
    expect(replicationId(SRC, 'http://127.0.0.1:5984/other', {})).not.toBe(id);
  });

  it('ignores continuous, create_target and tuning, like CouchDB whose one-shot and continuous jobs share a checkpoint', () => {
    const id = replicationId(SRC, TGT, {});
    expect(replicationId(SRC, TGT, { continuous: true, create_target: true, batch_size: 10, batches_limit: 1, checkpoint: 'target' })).toBe(id);
  });

  it('depends on what selects the documents, not on how it is written', () => {
    const plain = replicationId(SRC, TGT, {});
    const ids = replicationId(SRC, TGT, { doc_ids: ['b', 'a'] });
    expect(ids).not.toBe(plain);
    expect(replicationId(SRC, TGT, { doc_ids: ['a', 'b', 'a'] })).toBe(ids);
    const selector = replicationId(SRC, TGT, { selector: { type: 'song', year: { $gt: 2000 } } });
    expect(replicationId(SRC, TGT, { selector: { year: { $gt: 2000 }, type: 'song' } })).toBe(selector);
    expect(replicationId(SRC, TGT, { selector: { type: 'album' } })).not.toBe(selector);
    const filter = replicationId(SRC, TGT, { filter: 'app/mine', query_params: { owner: 'ann' } });
    expect(replicationId(SRC, TGT, { filter: 'app/mine', query_params: { owner: 'bob' } })).not.toBe(filter);
    expect(replicationId(SRC, TGT, { since: 42 })).not.toBe(plain);
  });
});
