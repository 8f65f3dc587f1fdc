import { describe, expect, it } from 'vitest';
import { parseReplicationRequest } from './request.js';

describe('parseReplicationRequest', () => {
  it('passes the selection options through and reads the flags', () => {
    const spec = parseReplicationRequest({
      source: 'a',
      target: 'b',
      continuous: true,
      create_target: true,
      create_target_params: { q: 1, partitioned: true },
      filter: 'app/f',
      query_params: { n: 1, s: 'two' },
      since_seq: '5-abc',
      use_checkpoints: false,
      winning_revs_only: true,
    });
    expect(spec).toMatchObject({ continuous: true, createTarget: true, createTargetParams: { q: 1, partitioned: true } });
    expect(spec.options).toEqual({
      filter: 'app/f',
      query_params: { n: '1', s: 'two' },
      since: '5-abc',
      checkpoint: false,
      winning_revs_only: true,
    });
    expect(parseReplicationRequest({ source: 'a', target: 'b', selector: { type: 'even' } }).options).toEqual({ selector: { type: 'even' } });
  });

  it('takes doc_ids percent-encoded, as the old replicator did, and keeps each once in order', () => {
    const spec = parseReplicationRequest({ source: 'a', target: 'b', doc_ids: ['8', '_design%2Ffoo', '_design/foo', '10'] });
    expect(spec.options.doc_ids).toEqual(['10', '8', '_design/foo']);
  });

  it('refuses what CouchDB refuses, with its reasons', () => {
    expect(() => parseReplicationRequest({ source: 'a' })).toThrow(expect.objectContaining({ status: 500, reason: 'Missing replicator database' }));
    expect(() => parseReplicationRequest({ source: 'a', target: 'b', doc_ids: 'x' })).toThrow(
      expect.objectContaining({ status: 400, reason: 'parameter `doc_ids` must be an array' }),
    );
    expect(() => parseReplicationRequest({ source: 'a', target: 'b', selector: [] })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseReplicationRequest([])).toThrow(expect.objectContaining({ status: 400 }));
    for (const name of ['continuous', 'create_target', 'winning_revs_only']) {
      expect(() => parseReplicationRequest({ source: 'a', target: 'b', [name]: 'true' })).toThrow(
        expect.objectContaining({ status: 400, error: 'bad_request', reason: `parameter \`${name}\` must be a boolean` }),
      );
    }
    expect(() => parseReplicationRequest({ source: 'a', target: 'b', create_target_params: 1 })).toThrow(
      expect.objectContaining({ status: 400, reason: 'parameter `create_target_params` must be a JSON object' }),
    );
    expect(() => parseReplicationRequest({ source: 'a', target: 'b', doc_ids: ['x'], selector: {} })).toThrow(
      expect.objectContaining({ status: 400, reason: '`doc_ids`,`filter`,`selector` are mutually exclusive' }),
    );
    expect(() => parseReplicationRequest({ source: 'a', target: 'b', filter: 'nofilter' })).toThrow(
      expect.objectContaining({ status: 500, error: 'error', reason: 'Invalid filter. Must match `ddocname/filtername`.' }),
    );
    // Options are checked before the endpoints.
    expect(() => parseReplicationRequest({ continuous: 'yes' })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
