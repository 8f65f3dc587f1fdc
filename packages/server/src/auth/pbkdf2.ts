import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';

/** CouchDB 3.4's defaults for stored passwords. */
export const DEFAULT_ITERATIONS = 600_000;

/** The password fields CouchDB stores in a user document (`password_scheme: "pbkdf2"`). */
export interface PasswordHash {
  readonly password_scheme: 'pbkdf2';
  readonly pbkdf2_prf: 'sha256';
  readonly iterations: number;
  readonly salt: string;
  readonly derived_key: string;
}

function derive(password: string, salt: string, iterations: number, digest: 'sha1' | 'sha256'): Promise<Buffer> {
  // CouchDB uses the salt's hex text itself as the salt bytes; sha1 keys are 20 bytes, sha256 ones 32.
  const length = digest === 'sha1' ? 20 : 32;
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, length, digest, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Hashes a password with a fresh random salt, as CouchDB does when a user document carries `password`. */
export async function hashPassword(password: string, iterations = DEFAULT_ITERATIONS): Promise<PasswordHash> {
  const salt = randomBytes(16).toString('hex');
  const key = await derive(password, salt, iterations, 'sha256');
  return { password_scheme: 'pbkdf2', pbkdf2_prf: 'sha256', iterations, salt, derived_key: key.toString('hex') };
}

/**
 * Checks a password against stored fields in constant time: `pbkdf2` (prf sha256, or CouchDB 2's sha1 when
 * `pbkdf2_prf` is absent), or the legacy `simple` scheme (`password_sha` = sha1 of password and salt), which is
 * what a user document without `password_scheme` uses, as in couch_httpd_auth.
 */
export async function verifyPassword(password: string, stored: Record<string, unknown>): Promise<boolean> {
  const scheme = stored['password_scheme'] ?? 'simple';
  if (scheme === 'simple') return verifySimple(password, stored);
  const { salt, derived_key: derivedKey, iterations } = stored;
  if (scheme !== 'pbkdf2') return false;
  if (typeof salt !== 'string' || typeof derivedKey !== 'string' || typeof iterations !== 'number') return false;
  const digest = stored['pbkdf2_prf'] === 'sha256' ? 'sha256' : 'sha1';
  const key = await derive(password, salt, iterations, digest);
  return sameBytes(Buffer.from(derivedKey, 'hex'), key);
}

function verifySimple(password: string, stored: Record<string, unknown>): boolean {
  const { salt, password_sha: sha } = stored;
  if (typeof sha !== 'string') return false;
  const actual = createHash('sha1').update(password + (typeof salt === 'string' ? salt : '')).digest();
  return sameBytes(Buffer.from(sha, 'hex'), actual);
}

function sameBytes(expected: Buffer, actual: Buffer): boolean {
  return expected.byteLength === actual.byteLength && timingSafeEqual(expected, actual);
}
