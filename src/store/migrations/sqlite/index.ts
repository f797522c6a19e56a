/**
 * SQLite schema, as ordered, append-only migrations. Never edit a shipped
 * migration: add the next file and list it here. The runner records each
 * applied version in `schema_migrations`.
 */
import type { Migration } from '../migration.ts';
import { initial } from './001-initial.ts';
import { accessNumbersAndAudit } from './002-access-numbers-and-audit.ts';
import { keyRotation } from './003-key-rotation.ts';
import { users } from './004-users.ts';
import { tokenSubjectIndexAppend } from './005-token-subject-index-append.ts';
import { tokenSubjectIndexLoginsOnly } from './006-token-subject-index-logins-only.ts';
import { cacheVersion } from './007-cache-version.ts';
import { activity } from './008-activity.ts';

export const SQLITE_MIGRATIONS: readonly Migration[] = [initial, accessNumbersAndAudit, keyRotation, users, tokenSubjectIndexAppend, tokenSubjectIndexLoginsOnly, cacheVersion, activity];
