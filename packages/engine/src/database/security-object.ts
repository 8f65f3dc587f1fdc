import { BadRequestError, isJsonObject, type JsonValue } from '@settee/core';

/**
 * couch_db's validate_security_object: `admins` and `members` (or `readers`, CouchDB 1's name for members, when
 * `members` is absent) are objects whose `names` and `roles`, when present, are lists of strings. Other members of
 * the object are kept as they are. CouchDB's clustered answer to a bad object is a bare 500 `no_majority`; the
 * engine says what is wrong instead.
 */
export function checkSecurityObject(security: unknown): void {
  if (!isJsonObject(security)) throw new BadRequestError('The security object must be a JSON object');
  const members = security['members'] !== undefined ? 'members' : 'readers';
  for (const section of ['admins', members]) checkGroup(section, security[section]);
}

function checkGroup(section: string, group: JsonValue | undefined): void {
  if (group === undefined) return;
  if (!isJsonObject(group)) throw new BadRequestError(`\`${section}\` must be an object with \`names\` and \`roles\` lists`);
  for (const list of ['names', 'roles'] as const) {
    const value = group[list];
    if (value !== undefined && !(Array.isArray(value) && value.every((entry) => typeof entry === 'string'))) {
      throw new BadRequestError(`${list} must be a JSON list of strings`);
    }
  }
}
