import type { Migration } from '../migration.ts';

/** PostgreSQL twin of sqlite/008-usernames-as-given.ts. */
export const usernamesAsGiven: Migration = {
  version: 10,
  name: 'usernames kept as created beside their normal form',
  sql: `ALTER TABLE users ADD COLUMN username_given text;`,
};
