export { normalizeSelector, isNormalizedSelector, type NormalizedSelector } from './normalize-selector.js';
export { compileSelector, matchesSelector, type SelectorPredicate } from './match-selector.js';
export { parseField } from './parse-field.js';
export { compilePath, getField, NOT_FOUND, BAD_PATH, type FieldLookup } from './get-field.js';
export { compileMangoRegex, type MangoRegex } from './pcre-regex.js';
export { formatErlangTerm } from './erlang-format.js';
