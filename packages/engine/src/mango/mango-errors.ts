import { BadRequestError, InternalServerError, type JsonValue } from '@settee/core';
import { formatErlangTerm } from '@settee/core';

/**
 * The errors CouchDB's Mango raises while normalising and matching selectors, with its exact error names and
 * reasons (mango_error.erl). Each is a function so call sites read like CouchDB's `?MANGO_ERROR(...)`.
 *
 * `at` is where in the selector the problem is (`$and[1].age.$in`). @settee/core's copy of these factories keeps
 * it on its MangoSelectorError; the engine answers with CouchDB's plain error, so it is not used here.
 */
function selectorError(reason: string, error: string, _at: string): BadRequestError {
  return new BadRequestError(reason, { error });
}

/** 400 bad_arg: an operator got an argument of the wrong shape. */
export function badArg(operator: string, argument: JsonValue, at = ''): BadRequestError {
  return selectorError(`Bad argument for operator ${operator}: ${formatErlangTerm(argument)}`, 'bad_arg', at);
}

/** 400 invalid_operator: an unknown `$` operator (or `$regex`/`$beginsWith` with a non-string). */
export function invalidOperator(operator: string, at = ''): BadRequestError {
  return selectorError(`Invalid operator: ${operator}`, 'invalid_operator', at);
}

/** 400 not_supported: a MongoDB operator Mango knows but does not implement (`$where`, `$near`, ...). */
export function notSupported(operator: string, at = ''): BadRequestError {
  return selectorError(`Unsupported operator: ${operator}`, 'not_supported', at);
}

/** 400 bad_field: a selector part that cannot be normalised into field conditions (`$text` below a field). */
export function badField(selector: JsonValue): BadRequestError {
  return selectorError(`Invalid field normalization on selector: ${formatErlangTerm(selector)}`, 'bad_field', '');
}

/** 400 invalid_selector: an operator condition at the top level, with no field to apply to. */
export function missingFieldName(): BadRequestError {
  return selectorError('One or more conditions is missing a field name.', 'invalid_selector', '');
}

/** 400 invalid_selector_json: the selector is not a JSON object. */
export function invalidSelectorJson(selector: JsonValue): BadRequestError {
  return selectorError(`Selector must be a JSON object, not: ${formatErlangTerm(selector)}`, 'invalid_selector_json', '');
}

/**
 * A field path with an empty segment ("a..b", "a."). CouchDB has no entry for it in mango_error, so it answers
 * 500 unknown_error with the raw Erlang reason.
 */
export function invalidFieldName(field: string): InternalServerError {
  return new InternalServerError(`Unknown Error: mango_util :: {invalid_field_name,${formatErlangTerm(field)}}`);
}

/** `$mod` with divisor 0 meets an integer: Erlang's `rem` crashes and CouchDB answers 500 unknown_error "badarith". */
export function badArith(): InternalServerError {
  return new InternalServerError('badarith');
}
