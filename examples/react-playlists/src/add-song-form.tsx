import { useState, type FormEvent, type ReactNode } from 'react';
import type { Repository } from '@settee/core';
import { useMutations, type MutationFailure } from '@settee/react';
import type { Playlist } from './playlist.js';

/** Title and artist inputs that append a song to one playlist; refusals are shown, not thrown. */
export function AddSongForm({ playlists, playlist }: { playlists: Repository<Playlist>; playlist: Playlist }): ReactNode {
  const [title, setTitle] = useState('');
  const [artist, setArtist] = useState('');
  const { update } = useMutations(playlists);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    // update() re-reads and retries after conflicts, so two tabs adding at once both keep their song.
    const outcome = await update.mutate(playlist._id, (draft) => {
      draft.songs.push({ title, artist });
    });
    if (outcome.ok) {
      setTitle('');
      setArtist('');
    }
  };

  const label = `Add a song to ${playlist.name}`;
  return (
    <form aria-label={label} onSubmit={(event) => void submit(event)}>
      <input aria-label="Title" placeholder="Title" value={title} onChange={(e) => setTitle(e.target.value)} />
      <input aria-label="Artist" placeholder="Artist" value={artist} onChange={(e) => setArtist(e.target.value)} />
      <button type="submit" disabled={update.state.status === 'pending'}>
        Add song
      </button>
      {update.state.status === 'failure' && <p role="alert">{describe(update.state.failure)}</p>}
    </form>
  );
}

/** A refusal in words a person can act on. */
function describe(failure: MutationFailure): string {
  switch (failure.kind) {
    case 'invalid':
      return failure.error.issues.map((issue) => issue.message).join('; ');
    case 'conflict':
      return 'Someone else changed this playlist at the same time; try again.';
    case 'not-found':
      return 'This playlist was deleted.';
    case 'denied':
      return 'You may not change this playlist.';
    case 'failed':
      return `Could not save: ${failure.error.message}`;
  }
}
