import { z } from 'zod';
import { Doc, field, model } from '@settee/core';

/** One song: what the form asks for. */
export const Song = z.object({
  title: z.string().trim().min(1, 'A song needs a title'),
  artist: z.string().trim().min(1, 'A song needs an artist'),
});
export type Song = z.infer<typeof Song>;

/** A named list of songs, stored as `{ type: 'playlist', name, songs }`. */
@model('playlist')
export class Playlist extends Doc {
  @field(z.string().min(1)) name!: string;
  @field(z.array(Song)) songs!: Song[];
}
