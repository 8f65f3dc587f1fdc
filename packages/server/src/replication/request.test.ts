import { describe, expect, it } from 'vitest';
import { parseReplicationRequest } from './request.js';

describe('parseReplicationRequest', () => {
  it('passes the selection options through and reads the flags', () => {
    const spec = parseReplicationRequest({
      source: 'a',
      target: 'b',
      continuous: true,
      create_target: 'true',
      doc_ids: ['x'],
      selector: { type: 'even' },
      filter: 'app/f',
      query_params: { n: 1, s: 'two' },
      since_seq: '5-abc',
      use_checkpoints: false,
    });
    expect(spec).toMatchObject({ continuous: true, createTarget: true });
    expect(spec.options).toEqual({
      doc_ids: ['x'],
      selector: { type: 'even' },
      filter: 'app/f',
      query_params: { n: '1', s: 'two' },
      since: '5-abc',
      checkpoint: false,
    });
  });

  it('refuses what CouchDB refuses, with its reasons', () => {
    expect(() => parseReplicationRequest({ source: 'a' })).toThrow(expect.objectContaining({ status: 500, reason: 'Missing replicator database' }));
    expect(() => parseReplicationRequest({ source: 'a', target: 'b', doc_ids: 'x' })).toThrow(
      expect.objectContaining({ status: 400, reason: 'parameter `doc_ids` must be an array' }),
    );
    expect(() => parseReplicationRequest({ source: 'a', target: 'b', selector: [] })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseReplicationRequest([])).toThrow(expect.objectContaining({ status: 400 }));
  });
});
