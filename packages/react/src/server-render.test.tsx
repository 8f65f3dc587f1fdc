import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settee, type Repository } from '@settee/core';
import { createEngine } from '@settee/engine';
import { SetteeProvider } from './settee-context.js';
import { countFeeds, type CountedServer } from './test-support/feed-counter.js';
import { Playlist } from './test-support/playlist-model.js';
import { useDoc } from './use-doc.js';
import { useFind } from './use-find.js';
import { useRepository } from './use-repository.js';

let counted: CountedServer;
let settee: Settee;
let playlists: Repository<Playlist>;

beforeEach(async () => {
  counted = countFeeds(createEngine({ storage: 'memory' }));
  settee = await Settee.open(counted.server, 'music');
  playlists = settee.repository(Playlist);
});
afterEach(() => settee.close());

function Page({ id }: { id: string }) {
  const repo = useRepository(Playlist);
  const one = useDoc(repo, id);
  const all = useFind(repo, {});
  return (
    <p>
      {one.status}/{all.status}
    </p>
  );
}

describe('server rendering', () => {
  it('renders the pending state from getServerSnapshot and opens no feed', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const html = renderToString(
      <SetteeProvider settee={settee}>
        <Page id={a._id} />
      </SetteeProvider>,
    );
    expect(html).toBe('<p>pending<!-- -->/<!-- -->pending</p>');
    expect(counted.openedFeeds()).toBe(0);
  });

  it('renders the initial data from getServerSnapshot, with status success, and opens no feed', async () => {
    const a = await playlists.create({ name: 'Road trip', owner: 'ana', songs: [{ title: 'Holocene', artist: 'Bon Iver' }] });
    await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    const doc = await playlists.get(a._id);
    const list = await playlists.find({});
    function Prefilled() {
      const repo = useRepository(Playlist);
      const one = useDoc(repo, a._id, { initialData: doc });
      const all = useFind(repo, {}, { initialData: list });
      const songs = one.data?.songs.map((song) => song.title).join(', ');
      const names = all.data?.map((p) => p.name).sort().join(', ');
      return (
        <p>
          {`${one.status} ${String(one.isInitial)}: ${one.data?.name} (${songs}) / ${all.status} ${String(all.isInitial)}: ${names}`}
        </p>
      );
    }
    const html = renderToString(
      <SetteeProvider settee={settee}>
        <Prefilled />
      </SetteeProvider>,
    );
    expect(html).toBe('<p>success true: Road trip (Holocene) / success true: Autumn, Road trip</p>');
    expect(counted.openedFeeds()).toBe(0);
  });

  it('says what is missing when there is no provider', () => {
    expect(() => renderToString(<Page id="x" />)).toThrow('no Settee given and no <SetteeProvider>');
  });
});
