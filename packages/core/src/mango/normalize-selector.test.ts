import { describe, expect, it } from 'vitest';
import { isSetteeError } from '../errors/index.js';
import type { JsonValue } from '../json.js';
import { normalizeSelector } from './normalize-selector.js';

function failure(selector: JsonValue): { status: number; error: string; reason: string } {
  try {
    normalizeSelector(selector);
  } catch (error) {
    if (isSetteeError(error)) return { status: error.status, error: error.error, reason: error.reason };
    throw error;
  }
  throw new Error('expected normalizeSelector to throw');
}

describe('normalizeSelector: CouchDB normal form', () => {
  it.each<[string, JsonValue, JsonValue]>([
    ['keeps {} (matches all)', {}, {}],
    ['makes equality explicit', { name: 'alice' }, { name: { $eq: 'alice' } }],
    ['keeps an array value as whole-value equality', { tags: ['a', 'b'] }, { tags: { $eq: ['a', 'b'] } }],
    ['turns several fields into $and', { name: 'alice', age: 30 }, { $and: [{ name: { $eq: 'alice' } }, { age: { $eq: 30 } }] }],
    ['turns several operators on one field into $and', { age: { $gt: 20, $lt: 30 } }, { $and: [{ age: { $gt: 20 } }, { age: { $lt: 30 } }] }],
    ['flattens nested objects into a dotted path', { address: { city: 'Paris' } }, { 'address.city': { $eq: 'Paris' } }],
    ['keeps a dotted path', { 'nested.a.b.c': { $gt: 1 } }, { 'nested.a.b.c': { $gt: 1 } }],
    ['keeps an escaped dot in the field name', { 'dotted\\.key': 'yes' }, { 'dotted\\.key': { $eq: 'yes' } }],
    ['pushes the field through $or', { a: { $or: [{ $gt: 5 }, { b: 1 }] } }, { $or: [{ a: { $gt: 5 } }, { 'a.b': { $eq: 1 } }] }],
    ['negates a comparison under $not', { age: { $not: { $gt: 25 } } }, { age: { $lte: 25 } }],
    ['negates a top-level $not', { $not: { age: { $gt: 25 } } }, { age: { $lte: 25 } }],
    ['applies De Morgan to $not/$and', { $not: { $and: [{ a: { $gt: 10 } }, { b: { $lt: 5 } }] } }, { $or: [{ a: { $lte: 10 } }, { b: { $gte: 5 } }] }],
    ['turns $nor into $and of negations', { $nor: [{ a: 1 }, { b: { $exists: false } }] }, { $and: [{ a: { $ne: 1 } }, { b: { $exists: true } }] }],
    ['cancels a double negation', { $not: { $not: { a: { $in: [1] } } } }, { a: { $in: [1] } }],
    ['swaps $in and $nin', { $not: { a: { $in: [1, 2] } } }, { a: { $nin: [1, 2] } }],
    ['keeps $not over operators it cannot negate', { a: { $not: { $size: 2 } } }, { a: { $not: { $size: 2 } } }],
    ['normalises $elemMatch arguments on their own, "" meaning the element', { s: { $elemMatch: { $gte: 80, $lt: 85 } } }, { s: { $elemMatch: { $and: [{ '': { $gte: 80 } }, { '': { $lt: 85 } }] } } }],
    ['gives $elemMatch fields paths relative to the element', { items: { $elemMatch: { n: 'x', 'q.v': { $gt: 3 } } } }, { items: { $elemMatch: { $and: [{ n: { $eq: 'x' } }, { 'q.v': { $gt: 3 } }] } } }],
    ['turns $text into the $default field', { $text: 'hello' }, { $default: { $text: 'hello' } }],
    ['treats {} as a field value (equality with an empty object)', { a: {} }, { a: { $eq: {} } }],
  ])('%s', (_label, selector, normalized) => {
    expect(normalizeSelector(selector)).toEqual(normalized);
  });
});

describe('normalizeSelector: CouchDB errors', () => {
  it.each<[string, JsonValue, string, string]>([
    ['$in with a string', { name: { $in: 'alice' } }, 'bad_arg', 'Bad argument for operator $in: <<97,108,105,99,101>>'],
    ['$size with a float', { tags: { $size: 1.5 } }, 'bad_arg', 'Bad argument for operator $size: 1.5'],
    ['$size below zero', { tags: { $size: -1 } }, 'bad_arg', 'Bad argument for operator $size: -1'],
    ['$mod with a float divisor', { age: { $mod: [1.5, 0] } }, 'bad_arg', 'Bad argument for operator $mod: [1.5,0]'],
    ['$mod with one argument', { age: { $mod: [5] } }, 'bad_arg', 'Bad argument for operator $mod: [5]'],
    ['$regex that does not compile', { name: { $regex: '(' } }, 'bad_arg', 'Bad argument for operator $regex: <<40>>'],
    ['$regex with a number', { name: { $regex: 1 } }, 'invalid_operator', 'Invalid operator: $regex'],
    ['$beginsWith with a number', { name: { $beginsWith: 1 } }, 'invalid_operator', 'Invalid operator: $beginsWith'],
    ['$all with a string', { tags: { $all: 'a' } }, 'bad_arg', 'Bad argument for operator $all: <<97>>'],
    ['$and with an object', { $and: { age: 1 } }, 'bad_arg', 'Bad argument for operator $and: {[{<<97,103,101>>,1}]}'],
    ['$or with null', { $or: null }, 'bad_arg', 'Bad argument for operator $or: null'],
    ['$not with an array', { a: { $not: [1] } }, 'bad_arg', 'Bad argument for operator $not: [1]'],
    ['$exists with a string', { a: { $exists: 'yes' } }, 'bad_arg', 'Bad argument for operator $exists: <<121,101,115>>'],
    ['$type with a number', { a: { $type: 1 } }, 'bad_arg', 'Bad argument for operator $type: 1'],
    ['$elemMatch with a list', { a: { $elemMatch: [1] } }, 'bad_arg', 'Bad argument for operator $elemMatch: [1]'],
    ['$keyMapMatch with true', { a: { $keyMapMatch: true } }, 'bad_arg', 'Bad argument for operator $keyMapMatch: true'],
    ['$text with an object', { $text: { a: 1 } }, 'bad_arg', 'Bad argument for operator $text: {[{<<97>>,1}]}'],
    ['unicode in an argument (UTF-8 bytes)', { a: { $in: 'é' } }, 'bad_arg', 'Bad argument for operator $in: <<195,169>>'],
    ['an unknown operator', { age: { $foo: 1 } }, 'invalid_operator', 'Invalid operator: $foo'],
    ['an unknown top-level operator', { $foo: [] }, 'invalid_operator', 'Invalid operator: $foo'],
    ['$where', { $where: 'this.a > 1' }, 'not_supported', 'Unsupported operator: $where'],
    ['$near', { loc: { $near: [1, 2] } }, 'not_supported', 'Unsupported operator: $near'],
    ['a condition with no field', { $gt: 5 }, 'invalid_selector', 'One or more conditions is missing a field name.'],
    ['$text below a field', { a: { $text: 'x' } }, 'bad_field', 'Invalid field normalization on selector: {[{<<36,100,101,102,97,117,108,116>>,{[{<<36,116,101,120,116>>,<<120>>}]}}]}'],
    ['$not over $text', { $not: { $text: 'x' } }, 'bad_arg', 'Bad argument for operator $not: {[{<<36,100,101,102,97,117,108,116>>,{[{<<36,116,101,120,116>>,<<120>>}]}}]}'],
    ['a string selector', 'age', 'invalid_selector_json', 'Selector must be a JSON object, not: <<97,103,101>>'],
    ['an array selector', [{ age: 1 }], 'invalid_selector_json', 'Selector must be a JSON object, not: [{[{<<97,103,101>>,1}]}]'],
  ])('%s', (_label, selector, error, reason) => {
    expect(failure(selector)).toEqual({ status: 400, error, reason });
  });

  it('reports the first bad operator in document order', () => {
    expect(failure({ $and: [{ a: { $size: 'x' } }, { b: { $in: 1 } }] }).reason).toBe('Bad argument for operator $size: <<120>>');
  });
});
