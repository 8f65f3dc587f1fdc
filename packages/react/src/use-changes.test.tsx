// @vitest-environment happy-dom
import { StrictMode } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settee, type Repository } from '@settee/core';
import { createEngine } from '@settee/engine';
import { countFeeds, type CountedServer } from './test-support/feed-counter.js';
import { Playlist } from './test-support/playlist-model.js';
import { useChanges, type UseChangesOptions } from './use-changes.js';

let counted: CountedServer;
let settee: Settee;
let playlists: Repository<Playlist>;

beforeEach(async () => {
  counted = countFeeds(createEngine({ storage: 'memory' }));
  settee = await Settee.open(counted.server, 'music');
  playlists = settee.repository(Playlist);
});
afterEach(async () => {
  cleanup();
  await settee.close();
});

function Feed(options: UseChangesOptions) {
  const changes = useChanges(playlists, options);
  const lines = (changes.data ?? []).map((c) => (c.deleted ? `-${c.id}` : `${c.id}:${c.entity.name}`));
  return <p data-testid="feed">{changes.status === 'pending' ? 'waiting' : lines.join(' ')}</p>;
}

const feed = () => screen.getByTestId('feed').textContent;

describe('useChanges', () => {
  it('starts from now by default and shows each change with its entity, deletions included', async () => {
    await playlists.create({ _id: 'old', name: 'Old', owner: 'ana', songs: [] });
    render(
      <StrictMode>
        <Feed />
      </StrictMode>,
    );
    await waitFor(() => expect(counted.openFeeds()).toBe(1));
    expect(feed()).toBe('waiting');
    const a = await act(() => playlists.create({ _id: 'a', name: 'A', owner: 'ana', songs: [] }));
    await waitFor(() => expect(feed()).toBe('a:A'));
    await act(() => playlists.delete(a));
    await waitFor(() => expect(feed()).toBe('a:A -a'));
  });

  it('replays from the beginning with since: 0 and keeps only the latest `keep` changes', async () => {
    for (const id of ['a', 'b', 'c']) await playlists.create({ _id: id, name: id.toUpperCase(), owner: 'ana', songs: [] });
    const view = render(<Feed since={0} keep={2} />);
    await waitFor(() => expect(feed()).toBe('b:B c:C'));
    await act(() => playlists.create({ _id: 'd', name: 'D', owner: 'ana', songs: [] }));
    await waitFor(() => expect(feed()).toBe('c:C d:D'));
    view.unmount();
    expect(counted.openFeeds()).toBe(0);
  });
});
