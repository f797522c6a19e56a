import { createHash, randomBytes } from 'node:crypto';

/** `prefix` + 256 random bits in base64url: unguessable, and recognisable by its prefix in logs and secret scanners. */
export function randomToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** base64url SHA-256, the lookup key for anything stored by hash. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
