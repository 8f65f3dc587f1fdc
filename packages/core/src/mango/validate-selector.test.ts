import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../errors/index.js';
import type { JsonValue } from '../json.js';
import { MangoSelectorError } from './mango-errors.js';
import { isOperator, OPERATORS, UNSUPPORTED_OPERATORS, type Operator, type OperatorInfo } from './operators.js';
import { validateSelector } from './validate-selector.js';

function failure(selector: unknown): { error: string; reason: string; path: string; operator: string | undefined; message: string } {
  try {
    validateSelector(selector);
  } catch (error) {
    if (error instanceof MangoSelectorError) {
      return { error: error.error, reason: error.reason, path: error.selectorPath, operator: error.operator, message: error.message };
    }
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(selector)} to be refused`);
}

describe('validateSelector: CouchDB errors, with the place in the selector', () => {
  // The reasons CouchDB 3.4.3 answered with (find.json).
  it.each<[string, JsonValue, string, string, string]>([
    ['$in with a non-array', { name: { $in: 'alice' } }, 'bad_arg', 'Bad argument for operator $in: <<97,108,105,99,101>>', 'name.$in'],
    ['$size with a non-integer', { tags: { $size: 1.5 } }, 'bad_arg', 'Bad argument for operator $size: 1.5', 'tags.$size'],
    ['$mod with a float divisor', { age: { $mod: [1.5, 0] } }, 'bad_arg', 'Bad argument for operator $mod: [1.5,0]', 'age.$mod'],
    ['$mod with one argument', { age: { $mod: [5] } }, 'bad_arg', 'Bad argument for operator $mod: [5]', 'age.$mod'],
    ['$regex that does not compile', { name: { $regex: '(' } }, 'bad_arg', 'Bad argument for operator $regex: <<40>>', 'name.$regex'],
    ['$beginsWith with a number', { name: { $beginsWith: 1 } }, 'invalid_operator', 'Invalid operator: $beginsWith', 'name.$beginsWith'],
    ['$all with a string', { tags: { $all: 'a' } }, 'bad_arg', 'Bad argument for operator $all: <<97>>', 'tags.$all'],
    ['$and with an object', { $and: { age: 1 } }, 'bad_arg', 'Bad argument for operator $and: {[{<<97,103,101>>,1}]}', '$and'],
    ['an unknown operator', { age: { $foo: 1 } }, 'invalid_operator', 'Invalid operator: $foo', 'age.$foo'],
    ['$where', { $where: 'this.age > 1' }, 'not_supported', 'Unsupported operator: $where', '$where'],
    ['an unknown top-level operator', { $foo: [] }, 'invalid_operator', 'Invalid operator: $foo', '$foo'],
    ['a string selector', 'age', 'invalid_selector_json', 'Selector must be a JSON object, not: <<97,103,101>>', ''],
    ['an array selector', [{ age: 1 }], 'invalid_selector_json', 'Selector must be a JSON object, not: [{[{<<97,103,101>>,1}]}]', ''],
  ])('%s', (_label, selector, error, reason, path) => {
    const got = failure(selector);
    expect({ error: got.error, reason: got.reason, path: got.path }).toEqual({ error, reason, path });
    if (path !== '') expect(got.message).toBe(`${error}: ${reason} (at ${path})`);
  });

  it('locates problems inside combinations and nested fields', () => {
    expect(failure({ $or: [{ a: 1 }, { b: { c: { $size: 'x' } } }] }).path).toBe('$or[1].b.c.$size');
    expect(failure({ items: { $elemMatch: { q: { $in: 3 } } } }).path).toBe('items.$elemMatch.q.$in');
  });

  it('is a BadRequestError (HTTP 400)', () => {
    let thrown: unknown;
    try {
      validateSelector({ a: { $in: 1 } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect((thrown as BadRequestError).status).toBe(400);
    expect((thrown as BadRequestError).toJSON()).toEqual({ error: 'bad_arg', reason: 'Bad argument for operator $in: 1' });
  });

  it('refuses up front what CouchDB only fails on while running the query', () => {
    expect(failure({ age: { $mod: [0, 1] } })).toMatchObject({ error: 'bad_arg', reason: 'Bad argument for operator $mod: [0,1]', path: 'age.$mod' });
    expect(failure({ 'a..b': 1 })).toMatchObject({ error: 'invalid_field_name', path: 'a..b' });
    expect(failure({ a: { 'b.': 1 } })).toMatchObject({ error: 'invalid_field_name' });
    expect(failure({ a: Number.NaN })).toMatchObject({ error: 'invalid_selector_json', path: 'a' });
    expect(failure({ a: { $in: [() => 1] } })).toMatchObject({ error: 'invalid_selector_json', path: 'a.$in[0]' });
    expect(failure({ a: new Map() })).toMatchObject({ error: 'invalid_selector_json', path: 'a' });
  });

  it('accepts valid selectors and returns their normal form', () => {
    expect(validateSelector({})).toEqual({});
    expect(validateSelector({ name: 'a', age: { $gt: 1 }, skipped: undefined })).toEqual({ $and: [{ name: { $eq: 'a' } }, { age: { $gt: 1 } }] });
    expect(validateSelector({ 'dotted\\.key': { $exists: true }, $text: 'x' })).toEqual({ $and: [{ 'dotted\\.key': { $exists: true } }, { $default: { $text: 'x' } }] });
  });
});

/** An argument each operator accepts, and one it refuses, by the argument kind the table declares. */
const SAMPLES: Record<OperatorInfo['argument'], { good: JsonValue; bad?: JsonValue; badError?: string }> = {
  value: { good: 1 },
  values: { good: [1, 'a'], bad: 'a' },
  boolean: { good: true, bad: 'yes' },
  'type-name': { good: 'string', bad: 1 },
  'non-negative-integer': { good: 2, bad: -1 },
  'divisor-remainder': { good: [3, 1], bad: [3] },
  regex: { good: '^a', bad: '(' },
  string: { good: 'a', bad: 1, badError: 'invalid_operator' },
  condition: { good: { $gt: 1 }, bad: [1] },
  selector: { good: { $gt: 1 }, bad: 'x' },
  selectors: { good: [{ a: 1 }], bad: { a: 1 } },
};

describe('the OPERATORS table drives the runtime checks', () => {
  const operators = Object.keys(OPERATORS) as Operator[];

  it('lists the 22 Mango operators', () => {
    expect(operators).toHaveLength(22);
    expect(operators.every(isOperator)).toBe(true);
    expect(isOperator('$where')).toBe(false);
  });

  it.each(operators)('%s accepts the argument its table entry declares and refuses a wrong one', (operator) => {
    const sample = SAMPLES[OPERATORS[operator].argument];
    expect(() => validateSelector({ field: { [operator]: sample.good } })).not.toThrow();
    if (sample.bad !== undefined) {
      expect(failure({ field: { [operator]: sample.bad } })).toMatchObject({ error: sample.badError ?? 'bad_arg', operator });
    }
  });

  it.each([...UNSUPPORTED_OPERATORS])('%s is refused as not supported', (operator) => {
    expect(failure({ field: { [operator]: 1 } }).error).toBe('not_supported');
  });

  it('refuses operator names that are not in the table', () => {
    for (const name of ['$foo', '$EQ', '$elemmatch', '$regexp', '$exist', '$text2']) {
      expect(failure({ field: { [name]: 1 } }).error).toBe('invalid_operator');
    }
  });
});
