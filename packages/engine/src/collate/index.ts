export { collate, collateKeyAndId, collationRank } from './collate.js';
export { compareRaw, compareRawStrings } from './compare-raw.js';
export { compareStrings } from './compare-strings.js';
