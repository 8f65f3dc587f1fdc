/** The server package's version, shown as `vendor.version` in the welcome object. */
export const SERVER_VERSION = '0.1.0';
