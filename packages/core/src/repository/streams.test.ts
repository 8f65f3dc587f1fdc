import { firstValueFrom, take, throwError, toArray, type Observable } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '@settee/engine';
import type { DatabaseAdapter, ServerAdapter } from '../adapter/index.js';
import { NotFoundError, ValidationError } from '../errors/index.js';
import { Doc, field, model } from '../model/index.js';
import type { ModelChange } from './model-changes.js';
import { Repository } from './repository.js';

@model('note')
class Note extends Doc {
  @field(z.string()) text!: string;
  shout(): string {
    return this.text.toUpperCase();
  }
}

@model('tag')
class Tag extends Doc {
  @field(z.string()) label!: string;
}

let server: ServerAdapter;
let db: DatabaseAdapter;
let notes: Repository<Note>;
let tags: Repository<Tag>;

beforeEach(async () => {
  server = createEngine({ storage: 'memory' });
  await server.createDb('streams');
  db = server.db('streams');
  notes = new Repository(db, Note);
  tags = new Repository(db, Tag);
});
afterEach(() => server.close());

/** The first `count` values of a stream. */
function first<T>(source: Observable<T>, count: number): Promise<T[]> {
  return firstValueFrom(source.pipe(take(count), toArray()));
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Polls until `condition` holds (fails the test after a second). */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 1000) throw new Error('timed out waiting for the stream');
    await tick();
  }
}

describe('changes$', () => {
  it("emits only the model's documents, as entities, and deletions made through a repository", async () => {
    const a = await notes.create({ text: 'a' });
    const seen: ModelChange<Note>[] = [];
    const sub = notes.changes$({ since: 'now' }).subscribe((c) => seen.push(c));
    await tags.create({ label: 'not a note' });
    const b = await notes.create({ text: 'b' });
    await waitFor(() => seen.length === 1);
    await notes.update(b._id, (d) => void (d.text = 'b2'));
    await waitFor(() => seen.length === 2);
    await notes.delete(a);
    await waitFor(() => seen.length === 3);
    await tags.create({ label: 'still not a note' });
    await tick();
    sub.unsubscribe();
    expect(seen.map((c) => [c.id, c.deleted, c.entity?.text])).toEqual([
      [b._id, false, 'b'],
      [b._id, false, 'b2'],
      [a._id, true, undefined],
    ]);
    expect(seen[0]?.entity).toBeInstanceOf(Note);
    expect(seen[1]?.entity?.shout()).toBe('B2');
    expect(seen[2]).toMatchObject({ id: a._id, deleted: true, rev: a._rev });
  });

  it('replays the model from the beginning by default, each document once', async () => {
    await notes.create({ _id: 'n1', text: 'x' });
    await tags.create({ label: 't' });
    await notes.create({ _id: 'n2', text: 'y' });
    const seen = await first(notes.changes$(), 2);
    expect(seen.map((c) => c.id)).toEqual(['n1', 'n2']);
  });

  it('errors when a stored document no longer matches the model', async () => {
    const error = firstValueFrom(notes.changes$({ since: 'now' })).catch((e: unknown) => e);
    await db.put({ _id: 'bad', type: 'note', text: 7 });
    expect(await error).toBeInstanceOf(ValidationError);
  });

  it('stops the underlying feed when unsubscribed', async () => {
    const seen: string[] = [];
    const sub = notes.changes$({ since: 'now' }).subscribe((c) => seen.push(c.id));
    await notes.create({ _id: 'one', text: '1' });
    await tick();
    sub.unsubscribe();
    await notes.create({ _id: 'two', text: '2' });
    await tick();
    expect(seen).toEqual(['one']);
  });
});

describe('get$', () => {
  it('emits the current entity, then each new revision, then undefined once deleted', async () => {
    const n = await notes.create({ _id: 'n', text: 'v1' });
    const seen: Array<Note | undefined> = [];
    const sub = notes.get$('n').subscribe((v) => seen.push(v));
    await waitFor(() => seen.length === 1);
    await notes.update('n', (d) => void (d.text = 'v2'));
    await waitFor(() => seen.length === 2);
    await tags.create({ label: 'noise' });
    await notes.update('n', (d) => void (d.text = 'v3'));
    await waitFor(() => seen.length === 3);
    await notes.delete('n');
    await waitFor(() => seen.length === 4);
    await tick();
    sub.unsubscribe();
    expect(seen.map((v) => v?.text)).toEqual(['v1', 'v2', 'v3', undefined]);
    expect(seen[0]?._rev).toBe(n._rev);
    expect(seen[1]).toBeInstanceOf(Note);
  });

  it('starts with undefined for a document that does not exist yet', async () => {
    const values = first(notes.get$('later'), 2);
    await tick();
    await notes.create({ _id: 'later', text: 'hi' });
    expect((await values).map((v) => v?.text)).toEqual([undefined, 'hi']);
  });
});

describe('servers without the _selector changes filter', () => {
  it('fall back to the whole feed, filtered by the repository', async () => {
    // An engine that answers `_selector` feeds as PouchDB Server does: 404 missing.
    const oldServer = new Proxy(db, {
      get(target, key, receiver) {
        if (key !== 'liveChanges') return Reflect.get(target, key, receiver);
        return (options: Parameters<DatabaseAdapter['liveChanges']>[0] = {}) =>
          options.filter === '_selector' ? throwError(() => new NotFoundError('missing')) : target.liveChanges(options);
      },
    });
    const oldNotes = new Repository(oldServer, Note);
    const seen: ModelChange<Note>[] = [];
    const sub = oldNotes.changes$({ since: 'now' }).subscribe((c) => seen.push(c));
    await tags.create({ label: 'not a note' });
    const n = await notes.create({ text: 'n' });
    await waitFor(() => seen.length === 1);
    await notes.delete(n);
    await waitFor(() => seen.length === 2);
    sub.unsubscribe();
    expect(seen.map((c) => [c.id, c.deleted])).toEqual([[n._id, false], [n._id, true]]);
  });
});
