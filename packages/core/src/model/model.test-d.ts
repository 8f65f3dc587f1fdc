import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { Doc } from './doc.js';
import { field } from './field-decorator.js';
import { model } from './model-decorator.js';
import type { CreateInput, ModelData } from './model-types.js';

const Song = z.object({ title: z.string(), artist: z.string() });
type Song = z.infer<typeof Song>;

@model('playlist', { id: (p: Playlist) => `playlist:${p.owner}:${p.name}` })
class Playlist extends Doc {
  @field(z.string().min(1)) name!: string;
  @field(z.array(Song)) songs!: Song[];
  @field(z.string()) owner!: string;
  @field(z.number().optional()) rating?: number;
  @field(z.string().default('private')) visibility?: string;

  get size(): number {
    return this.songs.length;
  }
  readonly kind = 'playlist';
  describe(): string {
    return `${this.name} (${this.size})`;
  }
}

describe('ModelData and CreateInput: inferred from the class', () => {
  it('keeps the stored fields with their optionality; drops methods, getters, readonly members and Doc members', () => {
    expectTypeOf<ModelData<Playlist>>().toEqualTypeOf<{
      name: string;
      songs: Song[];
      owner: string;
      rating?: number;
      visibility?: string;
    }>();
  });

  it('create input requires the required fields, allows an _id, and rejects unknown ones', () => {
    const ok: CreateInput<Playlist> = { name: 'Mix', songs: [], owner: 'ana' };
    const withId: CreateInput<Playlist> = { _id: 'p1', name: 'Mix', songs: [], owner: 'ana', rating: 4 };
    void ok;
    void withId;
    // @ts-expect-error owner is required
    const missing: CreateInput<Playlist> = { name: 'Mix', songs: [] };
    // @ts-expect-error colour is not a field
    const unknown: CreateInput<Playlist> = { name: 'Mix', songs: [], owner: 'ana', colour: 'red' };
    // @ts-expect-error name is a string
    const wrong: CreateInput<Playlist> = { name: 1, songs: [], owner: 'ana' };
    // @ts-expect-error size is computed, not stored
    const computed: CreateInput<Playlist> = { name: 'Mix', songs: [], owner: 'ana', size: 1 };
    void [missing, unknown, wrong, computed];
  });
});

describe('@field checks the schema against the declared property', () => {
  it('accepts a matching schema, optional and defaulted ones on optional properties', () => {
    class Ok extends Doc {
      @field(z.string()) a!: string;
      @field(z.string().optional()) b?: string;
      @field(z.number().default(0)) c?: number;
      @field(z.array(z.string())) d!: string[];
    }
    void Ok;
  });

  it('refuses a schema whose output the property cannot hold, or a property wider than the schema', () => {
    class Bad extends Doc {
      // @ts-expect-error the schema gives numbers, the property holds strings
      @field(z.number()) a!: string;
      // @ts-expect-error an optional schema needs an optional property
      @field(z.string().optional()) b!: string;
      // @ts-expect-error the property allows numbers the schema rejects
      @field(z.string()) c!: string | number;
    }
    void Bad;
  });
});

describe('@model checks the id strategy against the class', () => {
  it('refuses an id function written for another model', () => {
    class Other extends Doc {
      @field(z.string()) title!: string;
    }
    // @ts-expect-error the id function takes a Playlist, but decorates Other
    model('other', { id: (p: Playlist) => p.name })(Other);
    model('other', { id: (o: Other) => o.title })(Other);
  });
});
