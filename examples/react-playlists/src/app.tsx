import type { ReactNode } from 'react';
import type { Repository } from '@settee/core';
import { useChanges, useFind, useRepository } from '@settee/react';
import { AddSongForm } from './add-song-form.js';
import { Playlist } from './playlist.js';

/** Every playlist, live: a song added in another tab shows up here without a reload. */
export function App(): ReactNode {
  const playlists = useRepository(Playlist);
  const all = useFind(playlists, {});
  if (all.status === 'pending') return <p>Loading playlists…</p>;
  if (all.status === 'error') return <p role="alert">Could not load the playlists: {all.error.message}</p>;
  const sorted = [...all.data].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <main>
      <h1>Playlists</h1>
      {sorted.map((playlist) => (
        <PlaylistCard key={playlist._id} playlists={playlists} playlist={playlist} />
      ))}
      <LastChange playlists={playlists} />
    </main>
  );
}

function PlaylistCard({ playlists, playlist }: { playlists: Repository<Playlist>; playlist: Playlist }): ReactNode {
  return (
    <section aria-label={playlist.name}>
      <h2>{playlist.name}</h2>
      <ol>
        {playlist.songs.map((song, i) => (
          <li key={i}>
            {song.title} — {song.artist}
          </li>
        ))}
      </ol>
      <AddSongForm playlists={playlists} playlist={playlist} />
    </section>
  );
}

/** The latest change seen while the page is open, from the model's own change feed. */
function LastChange({ playlists }: { playlists: Repository<Playlist> }): ReactNode {
  const changes = useChanges(playlists, { keep: 1 });
  const last = changes.data?.at(-1);
  return <footer data-testid="last-change">{last === undefined ? 'No changes yet' : `Last change: ${last.entity?.name ?? last.id}`}</footer>;
}
