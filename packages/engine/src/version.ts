/** The engine package's version, reported in the server welcome's `vendor`. */
export const ENGINE_VERSION = '0.1.0';
