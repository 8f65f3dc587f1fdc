import { filter, firstValueFrom, Subject, tap, type Observable } from 'rxjs';
import type { Doc, Repository } from '@settee/core';

/** A real repository whose live reads (`get$`, `find$`) report each answer they give. */
export interface CountedRepository<M extends Doc> {
  readonly repository: Repository<M>;
  /** Answers given so far, over every live read. */
  answers(): number;
  /** Resolves once `count` answers have been given in all (at once when they already have). */
  answered(count: number): Promise<void>;
}

/**
 * Wraps `repository` so tests can tell when a live read answered even when nothing re-rendered (the answer was
 * the data already on screen): every call goes to the repository unchanged.
 */
export function countAnswers<M extends Doc>(repository: Repository<M>): CountedRepository<M> {
  let count = 0;
  const answered = new Subject<number>();
  const counted = <T>(source: Observable<T>): Observable<T> =>
    source.pipe(
      tap(() => {
        count++;
        answered.next(count);
      }),
    );
  const proxy = new Proxy(repository, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'get$' || key === 'find$') return (...args: unknown[]) => counted(Reflect.apply(value, target, args) as Observable<unknown>);
      return value.bind(target);
    },
  });
  return {
    repository: proxy,
    answers: () => count,
    answered: (wanted) => (count >= wanted ? Promise.resolve() : firstValueFrom(answered.pipe(filter((n) => n >= wanted))).then(() => undefined)),
  };
}
