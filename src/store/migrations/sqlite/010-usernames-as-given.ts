import type { Migration } from '../migration.ts';

/**
 * Usernames kept as created (seed 003 answers `userName` as the user was
 * created): `username` stays the normal form that the unique index keeps and
 * logins look up; `username_given` holds the name as given. Rows written
 * before this version stored only the lower-cased form, and the original case
 * is gone: they keep NULL here and show that form until the name is set again.
 * Processes of the previous version (a rolling upgrade) keep writing the
 * normal form alone, which reads the same way.
 */
export const usernamesAsGiven: Migration = {
  version: 10,
  name: 'usernames kept as created beside their normal form',
  sql: `ALTER TABLE users ADD COLUMN username_given TEXT;`,
};
