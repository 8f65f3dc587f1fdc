import { BadRequestError } from '@settee/core';

const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;
const MAX_DB_NAME_LENGTH = 238;

/** Throws CouchDB's exact error when `name` is not a legal database name. */
export function assertDatabaseName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new BadRequestError(`Database name must be a string, got ${typeof name}.`, { error: 'illegal_database_name' });
  }
  if (name.length > MAX_DB_NAME_LENGTH) {
    throw new BadRequestError(`At least one path segment of \`${name}\` is too long.`, { error: 'database_name_too_long' });
  }
  if (!DB_NAME.test(name)) {
    throw new BadRequestError(
      `Name: '${name}'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.`,
      { error: 'illegal_database_name' },
    );
  }
}
