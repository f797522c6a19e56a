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
import { tenantCorsAndIssuer } from './008-tenant-cors-and-issuer.ts';
import { rateLimits } from './009-rate-limits.ts';
import { usernamesAsGiven } from './010-usernames-as-given.ts';
import { claimMapping } from './011-claim-mapping.ts';
import { activity } from './012-activity.ts';
import { cacheCounters } from './013-cache-counters.ts';
import { cacheNotify } from './014-cache-notify.ts';
import { tokenNotify } from './015-token-notify.ts';
import { keyRevocation } from './016-key-revocation.ts';
import { auditChain } from './017-audit-chain.ts';

export const SQLITE_MIGRATIONS: readonly Migration[] = [initial, accessNumbersAndAudit, keyRotation, users, tokenSubjectIndexAppend, tokenSubjectIndexLoginsOnly, cacheVersion, tenantCorsAndIssuer, rateLimits, usernamesAsGiven, claimMapping, activity, cacheCounters, cacheNotify, tokenNotify, keyRevocation, auditChain];
