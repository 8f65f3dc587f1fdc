/**
 * Every Mango selector operator, declared once. The `Operator` type, the typed selectors in selector-types.ts
 * and the runtime checks all derive from this table, so they cannot drift apart.
 *
 * - `kind` groups operators for documentation and for the type rules;
 * - `argument` is the shape CouchDB accepts as the operator's argument;
 * - `fieldTypes` says which field values the operator can ever match (a `$regex` never matches a number), which
 *   the typed selectors enforce against the document type.
 */
export const OPERATORS = {
  $eq: { kind: 'comparison', argument: 'value', fieldTypes: 'any', description: 'Equal to (whole-value, in collation).' },
  $ne: { kind: 'comparison', argument: 'value', fieldTypes: 'any', description: 'Not equal to; the field must exist.' },
  $gt: { kind: 'comparison', argument: 'value', fieldTypes: 'any', description: 'Greater than, in CouchDB collation (across types).' },
  $gte: { kind: 'comparison', argument: 'value', fieldTypes: 'any', description: 'Greater than or equal to, in collation.' },
  $lt: { kind: 'comparison', argument: 'value', fieldTypes: 'any', description: 'Less than, in collation.' },
  $lte: { kind: 'comparison', argument: 'value', fieldTypes: 'any', description: 'Less than or equal to, in collation.' },
  $exists: { kind: 'element', argument: 'boolean', fieldTypes: 'any', description: 'The field exists (even as null), or not.' },
  $type: { kind: 'element', argument: 'type-name', fieldTypes: 'any', description: 'The value is a "null", "boolean", "number", "string", "array" or "object".' },
  $in: { kind: 'array', argument: 'values', fieldTypes: 'any', description: 'Equal to one of the values (an array field matches when one of its elements is).' },
  $nin: { kind: 'array', argument: 'values', fieldTypes: 'any', description: 'Equal to none of the values; the field must exist.' },
  $size: { kind: 'array', argument: 'non-negative-integer', fieldTypes: 'array', description: 'The array has this many elements.' },
  $all: { kind: 'array', argument: 'values', fieldTypes: 'array', description: 'The array contains all of the values.' },
  $elemMatch: { kind: 'array', argument: 'condition', fieldTypes: 'array', description: 'Some element matches the condition.' },
  $allMatch: { kind: 'array', argument: 'condition', fieldTypes: 'array', description: 'The array is not empty and every element matches.' },
  $keyMapMatch: { kind: 'object', argument: 'condition', fieldTypes: 'object', description: 'Some key of the object matches the condition.' },
  $mod: { kind: 'number', argument: 'divisor-remainder', fieldTypes: 'number', description: '[divisor, remainder]: an integer field leaves this remainder.' },
  $regex: { kind: 'string', argument: 'regex', fieldTypes: 'string', description: 'The string matches the PCRE regular expression.' },
  $beginsWith: { kind: 'string', argument: 'string', fieldTypes: 'string', description: 'The string starts with the prefix.' },
  $and: { kind: 'combination', argument: 'selectors', fieldTypes: 'any', description: 'All of the selectors match.' },
  $or: { kind: 'combination', argument: 'selectors', fieldTypes: 'any', description: 'At least one of the selectors matches.' },
  $nor: { kind: 'combination', argument: 'selectors', fieldTypes: 'any', description: 'None of the selectors matches.' },
  $not: { kind: 'combination', argument: 'selector', fieldTypes: 'any', description: 'The selector does not match.' },
} as const satisfies Record<`$${string}`, OperatorInfo>;

/** What is known about one operator; see {@link OPERATORS}. */
export interface OperatorInfo {
  readonly kind: 'comparison' | 'element' | 'array' | 'object' | 'number' | 'string' | 'combination';
  readonly argument:
    | 'value'
    | 'values'
    | 'boolean'
    | 'type-name'
    | 'non-negative-integer'
    | 'divisor-remainder'
    | 'regex'
    | 'string'
    | 'condition'
    | 'selector'
    | 'selectors';
  readonly fieldTypes: 'any' | 'array' | 'object' | 'number' | 'string';
  readonly description: string;
}

/** A Mango operator name: `'$eq' | '$gt' | ... | '$nor'`. */
export type Operator = keyof typeof OPERATORS;

/** The operators of one kind, e.g. `OperatorOfKind<'combination'>` is `'$and' | '$or' | '$nor' | '$not'`. */
export type OperatorOfKind<K extends OperatorInfo['kind']> = {
  [O in Operator]: (typeof OPERATORS)[O]['kind'] extends K ? O : never;
}[Operator];

/** The operators that only make sense on one type of field value, e.g. `OperatorForFieldType<'string'>`. */
export type OperatorForFieldType<T extends OperatorInfo['fieldTypes']> = {
  [O in Operator]: (typeof OPERATORS)[O]['fieldTypes'] extends T ? O : never;
}[Operator];

/** The `$type` names, as CouchDB spells them. */
export const MANGO_TYPE_NAMES = ['null', 'boolean', 'number', 'string', 'array', 'object'] as const;
/** A `$type` name. */
export type MangoTypeName = (typeof MANGO_TYPE_NAMES)[number];

/** MongoDB operators CouchDB knows but refuses with 400 not_supported. */
export const UNSUPPORTED_OPERATORS = ['$where', '$geoWithin', '$geoIntersects', '$near', '$nearSphere'] as const;

/**
 * `$text` (full-text search) is accepted by CouchDB only at the top of a selector and only answered by a text
 * (search) index; it is not part of the typed selectors.
 */
export const TEXT_OPERATOR = '$text';

/** True when `name` is one of the {@link OPERATORS}. */
export function isOperator(name: string): name is Operator {
  return Object.hasOwn(OPERATORS, name);
}
