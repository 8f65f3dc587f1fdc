import { defineMetadata, getOwnMetadata } from 'reflect-metadata/no-conflict';
import type { JsonValue } from '../json.js';
import type { ViewSpec } from './define-view.js';

const VIEWS = 'settee:views';

/** Any declared view, whatever its types. */
export type AnyViewSpec = ViewSpec<unknown, JsonValue, JsonValue, unknown>;

/**
 * Declares views on a model class, deployed by `repository.deployViews()` (idempotently) and queried with
 * `repository.view(spec, ...)`:
 *
 * ```ts
 * @view(byRegion, totals)
 * @model('sale')
 * class Sale extends Doc { ... }
 * ```
 */
export function view<D>(...specs: ReadonlyArray<ViewSpec<D, JsonValue, JsonValue, unknown>>): (ctor: abstract new (...args: never[]) => object) => void {
  return (ctor) => {
    const own: AnyViewSpec[] = getOwnMetadata(VIEWS, ctor) ?? [];
    defineMetadata(VIEWS, [...own, ...(specs as unknown as AnyViewSpec[])], ctor);
  };
}

/** The views declared with `@view` on a class and its ancestors. */
export function viewsOf(ctor: object): AnyViewSpec[] {
  const out: AnyViewSpec[] = [];
  for (let c: object | null = ctor; c !== null && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    out.unshift(...((getOwnMetadata(VIEWS, c) as AnyViewSpec[] | undefined) ?? []));
  }
  return out;
}
