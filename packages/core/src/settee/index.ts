export { Settee, type SetteeOptions } from './settee.js';
