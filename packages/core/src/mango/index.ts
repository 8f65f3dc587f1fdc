export {
  OPERATORS,
  MANGO_TYPE_NAMES,
  UNSUPPORTED_OPERATORS,
  TEXT_OPERATOR,
  isOperator,
  type Operator,
  type OperatorInfo,
  type OperatorOfKind,
  type OperatorForFieldType,
  type MangoTypeName,
} from './operators.js';
export type {
  MangoSelector,
  Selector,
  Condition,
  FieldOperators,
  CombinationOperators,
  Paths,
  PathValue,
  Sort,
  SortField,
  SortDirection,
  Fields,
  Projected,
  MangoTypeError,
  MAX_DEPTH,
} from './selector-types.js';
export { validateSelector, assertValidSelector } from './validate-selector.js';
export { normalizeSelector, isNormalizedSelector, type NormalizedSelector } from './normalize-selector.js';
export { MangoSelectorError } from './mango-errors.js';
export { parseField } from './parse-field.js';
export { compileMangoRegex, type MangoRegex } from './pcre-regex.js';
export { formatErlangTerm } from './erlang-format.js';
