/**
 * SQLite schema, as ordered, append-only migrations. Never edit a shipped
 * migration: add the next file and list it here. The runner records each
 * applied version in `schema_migrations`.
 */
import type { Migration } from '../migration.ts';
import { initial } from './001-initial.ts';
import { tokenSubjectIndexAppend } from './002-token-subject-index-append.ts';

export const SQLITE_MIGRATIONS: readonly Migration[] = [initial, tokenSubjectIndexAppend];
