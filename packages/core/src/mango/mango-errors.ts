import { BadRequestError } from '../errors/index.js';
import type { JsonValue } from '../json.js';
import { formatErlangTerm } from './erlang-format.js';

/**
 * A Mango selector CouchDB would refuse. `error` and `reason` are CouchDB's own (mango_error.erl), so a selector
 * refused here reads exactly like the server's answer; `selectorPath` and `operator` say where the problem is.
 */
export class MangoSelectorError extends BadRequestError {
  /** Where in the selector the problem is, e.g. `$and[1].age.$in` ("" for the whole selector). */
  readonly selectorPath: string;
  /** The operator at fault, when there is one. */
  readonly operator: string | undefined;

  constructor(reason: string, error: string, selectorPath: string, operator?: string) {
    super(reason, { error });
    this.selectorPath = selectorPath;
    this.operator = operator;
    if (selectorPath !== '') this.message = `${this.message} (at ${selectorPath})`;
  }
}

function selectorError(reason: string, error: string, at: string, operator?: string): MangoSelectorError {
  return new MangoSelectorError(reason, error, at, operator);
}

/*
 * The factories below have the same names and signatures as the engine's (packages/engine/src/mango), so the
 * normaliser is the same code in both packages.
 */

/** 400 bad_arg: an operator got an argument of the wrong shape. */
export function badArg(operator: string, argument: JsonValue, at = ''): MangoSelectorError {
  return selectorError(`Bad argument for operator ${operator}: ${formatErlangTerm(argument)}`, 'bad_arg', at, operator);
}

/** 400 invalid_operator: an unknown `$` operator (or `$regex`/`$beginsWith` with a non-string). */
export function invalidOperator(operator: string, at = ''): MangoSelectorError {
  return selectorError(`Invalid operator: ${operator}`, 'invalid_operator', at, operator);
}

/** 400 not_supported: a MongoDB operator Mango knows but does not implement (`$where`, `$near`, ...). */
export function notSupported(operator: string, at = ''): MangoSelectorError {
  return selectorError(`Unsupported operator: ${operator}`, 'not_supported', at, operator);
}

/** 400 bad_field: a selector part that cannot be normalised into field conditions (`$text` below a field). */
export function badField(selector: JsonValue): MangoSelectorError {
  return selectorError(`Invalid field normalization on selector: ${formatErlangTerm(selector)}`, 'bad_field', '');
}

/** 400 invalid_selector: an operator condition at the top level, with no field to apply to. */
export function missingFieldName(): MangoSelectorError {
  return selectorError('One or more conditions is missing a field name.', 'invalid_selector', '');
}

/** 400 invalid_selector_json: the selector is not a JSON object. */
export function invalidSelectorJson(selector: JsonValue): MangoSelectorError {
  return selectorError(`Selector must be a JSON object, not: ${formatErlangTerm(selector)}`, 'invalid_selector_json', '');
}

/**
 * A field path with an empty segment ("a..b", "a."). CouchDB only notices while matching and then answers
 * 500 unknown_error; refusing it up front is more useful.
 */
export function invalidFieldName(field: string): MangoSelectorError {
  return selectorError(`Invalid field name: ${JSON.stringify(field)}`, 'invalid_field_name', field);
}
