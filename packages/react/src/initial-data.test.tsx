// @vitest-environment happy-dom
import { StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settee, type Repository } from '@settee/core';
import { createEngine } from '@settee/engine';
import type { LiveState } from './live-state.js';
import { countAnswers, type CountedRepository } from './test-support/answer-counter.js';
import { countFeeds, type CountedServer } from './test-support/feed-counter.js';
import { Playlist } from './test-support/playlist-model.js';
import { useDoc } from './use-doc.js';
import { useFind } from './use-find.js';

let counted: CountedServer;
let settee: Settee;
let playlists: Repository<Playlist>;
let answering: CountedRepository<Playlist>;
/** Every state a component rendered, in order. */
let seen: Array<LiveState<unknown>>;

beforeEach(async () => {
  counted = countFeeds(createEngine({ storage: 'memory' }));
  settee = await Settee.open(counted.server, 'music');
  playlists = settee.repository(Playlist);
  answering = countAnswers(playlists);
  seen = [];
});
afterEach(async () => {
  cleanup();
  await settee.close();
});

function OnePlaylist({ id, initialData }: { id: string; initialData?: Playlist | undefined }) {
  const playlist = useDoc(answering.repository, id, { initialData });
  seen.push(playlist);
  return <p data-testid="one">{shown(playlist, (p) => p?.name ?? 'missing')}</p>;
}

function AnasPlaylists({ initialData }: { initialData?: readonly Playlist[] }) {
  const result = useFind(answering.repository, { owner: 'ana' }, { sort: [{ owner: 'asc' }, { name: 'asc' }], initialData });
  seen.push(result);
  return <p data-testid="all">{shown(result, (list) => list.map((p) => p.name).join(', '))}</p>;
}

/** What the page shows for a state: its status, its data and whether that data is the initial one. */
function shown<T>(state: LiveState<T>, show: (data: T) => string): string {
  if (state.status === 'pending') return 'pending';
  if (state.status === 'error') return `error: ${state.error.message}`;
  return `${show(state.data)}${state.isInitial ? ' (initial)' : ''}`;
}

const text = (id: string) => screen.getByTestId(id).textContent;
/** Lets React commit whatever the feeds delivered. */
const settle = () => act(async () => {});

describe('useDoc with initialData', () => {
  it('shows the initial entity at once, and does not re-render when the live answer is the same revision', async () => {
    const a = await playlists.create({ name: 'Road trip', owner: 'ana', songs: [] });
    const cached = await playlists.get(a._id);
    render(<OnePlaylist id={a._id} initialData={cached} />);
    expect(text('one')).toBe('Road trip (initial)');
    await answering.answered(1);
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ status: 'success', isInitial: true, isPrevious: false });
    expect(seen[0]?.data).toBe(cached);
    expect(counted.openFeeds()).toBe(1);

    // The feed stays open: the next revision replaces the initial data.
    await act(() => playlists.update(a._id, (p) => void (p.name = 'Road trip 2')));
    await waitFor(() => expect(text('one')).toBe('Road trip 2'));
    expect(seen.at(-1)).toMatchObject({ status: 'success', isInitial: false });
    expect(seen).toHaveLength(2);
  });

  it('replaces initial data that is older than the stored revision with one re-render', async () => {
    const a = await playlists.create({ name: 'Old name', owner: 'ana', songs: [] });
    const stale = await playlists.get(a._id);
    await playlists.update(a._id, (p) => void (p.name = 'New name'));
    render(<OnePlaylist id={a._id} initialData={stale} />);
    expect(text('one')).toBe('Old name (initial)');
    await waitFor(() => expect(text('one')).toBe('New name'));
    expect(seen.map((s) => s.status)).toEqual(['success', 'success']);
  });

  it('replaces a plain copy (initial data that went through JSON) with the entity', async () => {
    const a = await playlists.create({ name: 'Road trip', owner: 'ana', songs: [] });
    // What a page gets from the HTML the server rendered: the fields, without the repository's revision tracking.
    const plain = JSON.parse(JSON.stringify(await playlists.get(a._id))) as Playlist;
    render(<OnePlaylist id={a._id} initialData={plain} />);
    expect(text('one')).toBe('Road trip (initial)');
    await waitFor(() => expect(text('one')).toBe('Road trip'));
    expect(seen.at(-1)?.data).toBeInstanceOf(Playlist);
    expect(seen.at(-1)?.data).not.toBe(plain);
  });

  it('uses the initial data for the first id only: another id starts pending', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const b = await playlists.create({ name: 'B', owner: 'ana', songs: [] });
    const cachedA = await playlists.get(a._id);
    const view = render(<OnePlaylist id={a._id} initialData={cachedA} />);
    view.rerender(<OnePlaylist id={b._id} initialData={cachedA} />);
    expect(text('one')).toBe('pending');
    await waitFor(() => expect(text('one')).toBe('B'));
  });

  it('opens exactly one feed under StrictMode and closes it on unmount', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const cached = await playlists.get(a._id);
    const view = render(
      <StrictMode>
        <OnePlaylist id={a._id} initialData={cached} />
      </StrictMode>,
    );
    expect(text('one')).toBe('A (initial)');
    await waitFor(() => expect(counted.openFeeds()).toBe(1));
    await act(() => playlists.update(a._id, (p) => void (p.name = 'A2')));
    await waitFor(() => expect(text('one')).toBe('A2'));
    view.unmount();
    expect(counted.openFeeds()).toBe(0);
  });
});

describe('useFind with initialData', () => {
  it('shows the initial result at once and keeps it, without a re-render, when the live result is the same', async () => {
    await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    await playlists.create({ name: 'Beach', owner: 'ana', songs: [] });
    const cached = await playlists.find({ owner: 'ana' }, { sort: [{ owner: 'asc' }, { name: 'asc' }] });
    render(<AnasPlaylists initialData={cached} />);
    expect(text('all')).toBe('Autumn, Beach (initial)');
    await answering.answered(1);
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.data).toBe(cached);

    await act(() => playlists.create({ name: 'City', owner: 'ana', songs: [] }));
    await waitFor(() => expect(text('all')).toBe('Autumn, Beach, City'));
    expect(seen).toHaveLength(2);
  });

  it('replaces an initial result that no longer matches what is stored', async () => {
    await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    const cached = await playlists.find({ owner: 'ana' });
    await playlists.create({ name: 'Beach', owner: 'ana', songs: [] });
    render(<AnasPlaylists initialData={cached} />);
    expect(text('all')).toBe('Autumn (initial)');
    await waitFor(() => expect(text('all')).toBe('Autumn, Beach'));
    expect(seen).toHaveLength(2);
  });
});

describe('hydrating server-rendered initial data', () => {
  it('hydrates without a mismatch, renders once more only when the live data differs', async () => {
    const a = await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    const cached = await playlists.find({ owner: 'ana' });
    const html = renderToString(<AnasPlaylists initialData={cached} />);
    expect(html).toContain('Autumn (initial)');
    expect(counted.openedFeeds()).toBe(0);

    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const failures: unknown[] = [];
    seen = [];
    const root = await act(() => hydrateRoot(container, <AnasPlaylists initialData={cached} />, { onRecoverableError: (error) => failures.push(error) }));
    await answering.answered(1);
    await settle();
    expect(failures).toEqual([]);
    expect(container.textContent).toBe('Autumn (initial)');
    expect(seen).toHaveLength(1);

    await act(() => playlists.update(a._id, (p) => void (p.name = 'Winter')));
    await waitFor(() => expect(container.textContent).toBe('Winter'));
    expect(seen).toHaveLength(2);
    act(() => root.unmount());
    container.remove();
    expect(counted.openFeeds()).toBe(0);
  });
});
