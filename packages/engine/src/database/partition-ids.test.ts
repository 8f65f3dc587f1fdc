import { describe, expect, it } from 'vitest';
import { SetteeError } from '@settee/core';
import { assertPartitionName, assertPartitionedDocId, assertReadablePartitionedId, inPartition, partitionOf } from './partition-ids.js';

/** The `[error, reason]` a check throws, or undefined when it passes. */
function refusal(check: () => void): [string, string] | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!(error instanceof SetteeError)) throw error;
    expect(error.status).toBe(400);
    return [error.error, error.reason];
  }
}

// couch_partition:validate_partition / validate_docid (apache/couchdb 3.x), reason by reason.
describe('partition ids', () => {
  it('names: non-empty strings without a leading underscore, a colon or a lone surrogate', () => {
    expect(refusal(() => assertPartitionName('p1'))).toBeUndefined();
    expect(refusal(() => assertPartitionName(''))).toStrictEqual(['illegal_partition', 'Partition must not be empty']);
    expect(refusal(() => assertPartitionName('_p'))).toStrictEqual(['illegal_partition', 'Partition must not start with an underscore']);
    expect(refusal(() => assertPartitionName('a:b'))).toStrictEqual(['illegal_partition', 'Partition must not contain a colon']);
    expect(refusal(() => assertPartitionName('a\uD800'))).toStrictEqual(['illegal_partition', 'Partition must be valid UTF-8']);
    expect(refusal(() => assertPartitionName(7))).toStrictEqual(['illegal_partition', 'Partition must be a string']);
  });

  it('written ids: partition:docid, or a _design/ or _local/ id', () => {
    for (const id of ['p:1', 'p:a:b', '_design/x', '_local/y']) expect(refusal(() => assertPartitionedDocId(id))).toBeUndefined();
    expect(refusal(() => assertPartitionedDocId('nocolon'))).toStrictEqual(['illegal_docid', 'Doc id must be of form partition:id']);
    expect(refusal(() => assertPartitionedDocId(':x'))).toStrictEqual(['illegal_partition', 'Partition must not be empty']);
    expect(refusal(() => assertPartitionedDocId('p:'))).toStrictEqual(['illegal_docid', 'Document id must not be empty']);
    expect(refusal(() => assertPartitionedDocId('p:_x'))).toStrictEqual(['illegal_docid', 'Only reserved document ids may start with underscore.']);
  });

  it('read ids need a colon unless they start with "_"', () => {
    expect(refusal(() => assertReadablePartitionedId('nocolon'))).toStrictEqual(['illegal_docid', 'Doc id must be of form partition:id']);
    expect(refusal(() => assertReadablePartitionedId('_design/x'))).toBeUndefined();
    expect(refusal(() => assertReadablePartitionedId(':x'))).toBeUndefined();
  });

  it('membership is by the text before the first colon', () => {
    expect(partitionOf('a:b:c')).toBe('a');
    expect(partitionOf('abc')).toBeUndefined();
    expect(inPartition('p1:x', 'p1')).toBe(true);
    expect(inPartition('p10:x', 'p1')).toBe(false);
    expect(inPartition('p1', 'p1')).toBe(false);
  });
});
