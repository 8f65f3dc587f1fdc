import { defineMetadata, getOwnMetadata } from 'reflect-metadata/no-conflict';
import type { ZodType } from 'zod';
import type { ModelIndex } from './index-definition.js';
import type { ModelOptions } from './model-options.js';

// reflect-metadata's no-conflict entry point: the same metadata store, without patching the global `Reflect`.
const FIELDS = 'settee:fields';
const INDEXES = 'settee:indexes';
const MODEL = 'settee:model';

/** What `@model` recorded on a class. */
export interface ModelDeclaration {
  readonly type: string;
  readonly options: ModelOptions<never>;
}

/** Records a `@field` on a class prototype. */
export function recordField(prototype: object, key: string, schema: ZodType): void {
  const own = ownFields(prototype);
  own.set(key, schema);
  defineMetadata(FIELDS, own, prototype);
}

/** Records an `@index` on a class prototype (property form) or constructor (class form). */
export function recordIndex(target: object, index: ModelIndex): void {
  const own: ModelIndex[] = getOwnMetadata(INDEXES, target) ?? [];
  defineMetadata(INDEXES, [...own, index], target);
}

/** Records `@model(type, options)` on a class. */
export function recordModel(ctor: object, declaration: ModelDeclaration): void {
  defineMetadata(MODEL, declaration, ctor);
}

/** The `@model` declaration of exactly this class (not inherited), if any. */
export function declarationOf(ctor: object): ModelDeclaration | undefined {
  return getOwnMetadata(MODEL, ctor);
}

/** The fields of a class and its ancestors, ancestors first (a subclass may redeclare a field). */
export function fieldsOf(prototype: object): Map<string, ZodType> {
  const merged = new Map<string, ZodType>();
  for (const proto of prototypeChain(prototype)) {
    for (const [key, schema] of ownFields(proto)) merged.set(key, schema);
  }
  return merged;
}

/** Every `@index` of a class and its ancestors (class and property forms). */
export function indexesOf(ctor: { prototype: object }): ModelIndex[] {
  return prototypeChain(ctor.prototype).flatMap((proto) => [
    ...((getOwnMetadata(INDEXES, proto.constructor) as ModelIndex[] | undefined) ?? []),
    ...((getOwnMetadata(INDEXES, proto) as ModelIndex[] | undefined) ?? []),
  ]);
}

function ownFields(prototype: object): Map<string, ZodType> {
  const own: Map<string, ZodType> | undefined = getOwnMetadata(FIELDS, prototype);
  return new Map(own ?? []);
}

/** The prototypes from the root ancestor down to `prototype` (Object.prototype excluded). */
function prototypeChain(prototype: object): object[] {
  const chain: object[] = [];
  for (let p: object | null = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    chain.unshift(p);
  }
  return chain;
}
