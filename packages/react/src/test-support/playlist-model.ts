import { z } from 'zod';
import { Doc, field, index, model } from '@settee/core';

/** One song of a test playlist. */
export const Song = z.object({ title: z.string().min(1), artist: z.string() });
export type Song = z.infer<typeof Song>;

/** The model the hook tests read and write. */
@model('playlist')
@index(['owner', 'name'])
export class Playlist extends Doc {
  @field(z.string().min(1)) name!: string;
  @field(z.string()) owner!: string;
  @field(z.array(Song)) songs!: Song[];
}
