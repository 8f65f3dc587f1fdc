/**
 * Bodies per chunk of a hashing batch: small enough to split a batch evenly between threads, large enough that one
 * `JSON.stringify` of the chunk's bodies costs clearly less than one per body.
 */
export const REV_HASH_CHUNK = 64;
