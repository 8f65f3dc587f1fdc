export * from './json.js';
export * from './errors/index.js';
export * from './adapter/index.js';
export { redactCredentials } from './redact.js';
export * from './mango/index.js';
export * from './model/index.js';
export * from './repository/index.js';
export * from './settee/index.js';
