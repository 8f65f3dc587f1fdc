/**
 * Deterministic playlist documents shared by every contender. Document `i` depends only on `(seed, i)`, so a child
 * process can generate batch after batch without keeping earlier ones alive, and every store gets identical bytes.
 */

export interface Song {
  artist: string;
  title: string;
  duration: number;
}

export interface Playlist {
  _id: string;
  type: 'playlist';
  name: string;
  owner: string;
  tags: string[];
  songs: Song[];
}

export const DEFAULT_SEED = 20240611;

const ADJECTIVES = ['Late Night', 'Sunday', 'Electric', 'Golden', 'Rainy Day', 'Velvet', 'Midnight', 'Summer', 'Northern', 'Quiet'];
const NOUNS = ['Drive', 'Grooves', 'Anthems', 'Sessions', 'Classics', 'Mix', 'Journey', 'Essentials', 'Favourites', 'Waves'];
const TAGS = ['jazz', 'rock', 'indie', 'chill', 'workout', 'focus', '90s', 'classical', 'soul', 'electronic', 'folk', 'road-trip'];
const ARTISTS = ['The Velvet Owls', 'Nina Carver', 'Lisbon Radio', 'Harbour Lights', 'Miles Arden', 'Paper Tigers', 'Sofia Marin', 'Northern Static', 'The Quiet Ones', 'Jonah Reyes'];
const TITLE_WORDS = ['Midnight', 'River', 'Neon', 'Heart', 'Summer', 'Echoes', 'Gold', 'Lisbon', 'Run', 'Blue', 'Fire', 'Home', 'Stars', 'Avenue'];

/** mulberry32: a tiny, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** `playlist:000123`: zero-padded so ids sort numerically in every store. */
export function playlistId(index: number): string {
  return `playlist:${String(index).padStart(6, '0')}`;
}

/** Playlist number `index`, about 650 bytes of JSON. */
export function makePlaylist(index: number, seed = DEFAULT_SEED): Playlist {
  const random = seededRandom(seed ^ Math.imul(index + 1, 0x9e3779b1));
  const songs: Song[] = [];
  for (let s = 0; s < 8; s++) {
    songs.push({
      artist: pick(random, ARTISTS),
      title: `${pick(random, TITLE_WORDS)} ${pick(random, TITLE_WORDS)}`,
      duration: 120 + Math.floor(random() * 240),
    });
  }
  const tagCount = 2 + Math.floor(random() * 3);
  const tags = Array.from({ length: tagCount }, () => pick(random, TAGS));
  return {
    _id: playlistId(index),
    type: 'playlist',
    name: `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${index}`,
    owner: `user:${String(Math.floor(random() * 5000)).padStart(5, '0')}`,
    tags,
    songs,
  };
}

/** Playlists `from` .. `from + count - 1`. */
export function makePlaylists(from: number, count: number, seed = DEFAULT_SEED): Playlist[] {
  return Array.from({ length: count }, (_, i) => makePlaylist(from + i, seed));
}

/** Mean JSON size of a sample, printed so the report shows what "a document" is. */
export function meanJsonBytes(sample: readonly Playlist[]): number {
  const total = sample.reduce((sum, doc) => sum + Buffer.byteLength(JSON.stringify(doc)), 0);
  return sample.length === 0 ? 0 : total / sample.length;
}
