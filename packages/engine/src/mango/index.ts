export { compileSelector, matchesSelector, type SelectorPredicate } from './match-selector.js';
export { parseField } from './parse-field.js';
export { compilePath, getField, NOT_FOUND, BAD_PATH, type FieldLookup } from './get-field.js';
export { parseFields, projectFields } from './find-fields.js';
export { parseSort, type SortField } from './find-sort.js';
export { formatErlangPretty } from './erlang-pretty.js';
