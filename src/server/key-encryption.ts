/**
 * The key-encryption key (KEK) of this installation, and Tessera's own
 * provider for it: AES-256-GCM with node:crypto, under a 256-bit key that is
 * never in the database.
 *
 * Where the key comes from, first match wins:
 * 1. `keyEncryptionKey` (TESSERA_KEY_ENCRYPTION_KEY): the key itself, 32 bytes in base64 or base64url;
 * 2. `keyEncryptionKeyFile`: a file holding it;
 * 3. SQLite: the file beside the database, `<database>.kek`, generated (mode
 *    0600) on the first start that needs it, so `npm install && npm start`
 *    still works — and said so in the log (a database whose keys were sealed
 *    under another key then fails to start with a message naming both keys);
 * 4. the in-memory store: a random key for the life of the process.
 * PostgreSQL has no default: instances sharing a database must share the key,
 * so it is configured explicitly or the start fails with a message saying so.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, copyFileSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { KeyEncryptionError, type KeyEncryption, type SealedSecret } from '../core/ports/key-encryption.ts';
import type { Tenant } from '../core/model.ts';
import type { KeyStore } from '../core/ports/keys.ts';
import { rewrapStoredKeys, sealStoredKeys, type RewrapReport, type SealingReport } from '../core/tokens/sealed-keys.ts';
import { isPostgresUrl } from '../store/postgres/connection-string.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;

/** A configuration of the key-encryption key that cannot be used. */
export class KeyEncryptionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyEncryptionConfigError';
  }
}

/** The provider over a raw 256-bit key. Its id is a fingerprint of the key (SHA-256, 12 characters): naming it reveals nothing. */
export function createLocalKeyEncryption(key: Uint8Array): KeyEncryption {
  if (key.byteLength !== KEY_BYTES) throw new KeyEncryptionConfigError(`a key-encryption key is ${KEY_BYTES} bytes; this one is ${key.byteLength}`);
  const secret = Buffer.from(key);
  const id = createHash('sha256').update('tessera key-encryption key\u0000').update(secret).digest('base64url').slice(0, 12);
  return {
    id,
    async encrypt(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      cipher.setAAD(aad);
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { kek: id, enc: 'A256GCM', iv: iv.toString('base64url'), ciphertext: ciphertext.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
    },
    async decrypt(sealed: SealedSecret, aad) {
      if (sealed.kek !== id) throw new KeyEncryptionError('wrong-key', `sealed under key-encryption key ${sealed.kek}, not ${id}`);
      if (sealed.enc !== 'A256GCM') throw new KeyEncryptionError('corrupt', `unknown sealing algorithm ${sealed.enc}`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, Buffer.from(sealed.iv ?? '', 'base64url'));
        decipher.setAAD(aad);
        decipher.setAuthTag(Buffer.from(sealed.tag ?? '', 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext ?? '', 'base64url')), decipher.final()]);
      } catch {
        throw new KeyEncryptionError('corrupt', `a private key sealed under key-encryption key ${id} fails authentication: it was altered or moved to another key's row`);
      }
    },
  };
}

/** Reads a key written as base64 or base64url (whitespace around it ignored). */
export function parseKeyEncryptionKey(text: string, source: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : Buffer.alloc(0);
  if (bytes.byteLength !== KEY_BYTES) {
    throw new KeyEncryptionConfigError(`${source} must hold a 256-bit key in base64 (44 characters, e.g. from 'openssl rand -base64 32'); it does not`);
  }
  return bytes;
}

/**
 * Writes a new random key to `path`, created with mode 0600 and never
 * overwritten: when another process (a worker starting beside it) created the
 * file first, its key is the one returned.
 */
export function generateKeyEncryptionKeyFile(path: string): { key: Uint8Array; created: boolean } {
  const key = randomBytes(KEY_BYTES);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new KeyEncryptionConfigError(`cannot create the key-encryption key file ${path}: ${(error as Error).message}`);
    return { key: parseKeyEncryptionKey(readFileSync(path, 'utf8'), `the key-encryption key file ${path}`), created: false };
  }
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return { key, created: true };
}

/** The default key file of a SQLite database. */
export function defaultKeyFile(database: string): string {
  return `${resolve(database)}.kek`;
}

export interface ResolvedKeyEncryption {
  kek: KeyEncryption;
  /** Where it came from, for the log: `setting`, a file path, or `process` (memory store). */
  source: string;
  /** The file generated by this call, if one was. */
  generated?: string;
}

/**
 * The installation's key-encryption key, from the settings and the database
 * setting (see the module comment). `generate: false` (management commands on
 * an existing database) never creates the default file.
 */
export function resolveKeyEncryption(config: { database: string; keyEncryptionKey?: string | undefined; keyEncryptionKeyFile?: string | undefined }): ResolvedKeyEncryption {
  if (config.keyEncryptionKey !== undefined) {
    return { kek: createLocalKeyEncryption(parseKeyEncryptionKey(config.keyEncryptionKey, 'keyEncryptionKey (TESSERA_KEY_ENCRYPTION_KEY)')), source: 'setting' };
  }
  if (config.keyEncryptionKeyFile !== undefined) {
    const path = resolve(config.keyEncryptionKeyFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new KeyEncryptionConfigError(`keyEncryptionKeyFile ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    return { kek: createLocalKeyEncryption(parseKeyEncryptionKey(text, `keyEncryptionKeyFile ${path}`)), source: path };
  }
  if (config.database === ':memory:') return { kek: createLocalKeyEncryption(randomBytes(KEY_BYTES)), source: 'process' };
  if (isPostgresUrl(config.database)) {
    throw new KeyEncryptionConfigError(
      'PostgreSQL needs a key-encryption key shared by every instance, to seal the signing keys in the database: ' +
        "set TESSERA_KEY_ENCRYPTION_KEY (e.g. to the output of 'openssl rand -base64 32') or keyEncryptionKeyFile",
    );
  }
  const path = defaultKeyFile(config.database);
  if (existsSync(path)) return { kek: createLocalKeyEncryption(parseKeyEncryptionKey(readFileSync(path, 'utf8'), `the key-encryption key file ${path}`)), source: path };
  const { key, created } = generateKeyEncryptionKeyFile(path);
  return { kek: createLocalKeyEncryption(key), source: path, ...(created ? { generated: path } : {}) };
}

/** Whether the key comes from the settings rather than a default. */
export function keyEncryptionConfigured(config: { keyEncryptionKey?: string | undefined; keyEncryptionKeyFile?: string | undefined }): boolean {
  return config.keyEncryptionKey !== undefined || config.keyEncryptionKeyFile !== undefined;
}

export interface PreparedKeyEncryption extends ResolvedKeyEncryption {
  /** What sealing the stored keys did (plaintext halves sealed now; halves already sealed and opened). */
  report: SealingReport;
}

/**
 * The installation's key, with every stored private half proven to open
 * under it and any still in plaintext sealed now: run before a store's keys
 * are used (server start, management commands, the cluster primary).
 *
 * @throws KeyEncryptionError when a private half is sealed under another key (the message names both).
 */
export async function prepareKeyEncryption(
  config: { database: string; keyEncryptionKey?: string | undefined; keyEncryptionKeyFile?: string | undefined },
  store: { keys: KeyStore; tenants: { listTenants(): Promise<Tenant[]> } },
): Promise<PreparedKeyEncryption> {
  const resolved = resolveKeyEncryption(config);
  return { ...resolved, report: await sealStoredKeys(store, resolved.kek) };
}

export interface RewrapResult extends RewrapReport {
  /** The key the private halves were sealed under. */
  from: string;
  /** The key they are sealed under now. */
  to: string;
  /** The file holding the new key. */
  keyFile: string;
  /** What the operator does next, if anything. */
  next: string;
}

/**
 * `tessera keys rewrap`: seals every private signing key under a new
 * key-encryption key. With `newKeyFile`, the key in that file (generated,
 * mode 0600, when it does not exist); the operator then configures it.
 * Without, for the default key file of a SQLite database only: a new key is
 * generated beside it and, once every key is rewrapped, replaces it.
 */
export async function rewrapKeyEncryption(
  config: { database: string; keyEncryptionKey?: string | undefined; keyEncryptionKeyFile?: string | undefined },
  current: KeyEncryption,
  store: { keys: KeyStore; tenants: { listTenants(): Promise<Tenant[]> } },
  newKeyFile: string | undefined,
): Promise<RewrapResult> {
  const replaceDefault = newKeyFile === undefined;
  if (replaceDefault && (keyEncryptionConfigured(config) || isPostgresUrl(config.database) || config.database === ':memory:')) {
    throw new KeyEncryptionConfigError('name the new key-encryption key with --new-key-file PATH (it is generated there when the file does not exist); the current key comes from the settings');
  }
  const path = resolve(newKeyFile ?? `${defaultKeyFile(config.database)}.new`);
  const next = createLocalKeyEncryption(existsSync(path) ? parseKeyEncryptionKey(readFileSync(path, 'utf8'), path) : generateKeyEncryptionKeyFile(path).key);
  const report = await rewrapStoredKeys(store, current, next);
  if (replaceDefault) {
    const target = defaultKeyFile(config.database);
    renameSync(path, target);
    return { ...report, from: current.id, to: next.id, keyFile: target, next: 'nothing: the default key file holds the new key; servers running on the old key must restart' };
  }
  return {
    ...report,
    from: current.id,
    to: next.id,
    keyFile: path,
    next: `configure the new key (keyEncryptionKeyFile ${path}, or its content in TESSERA_KEY_ENCRYPTION_KEY) on every instance and restart them; the old key opens nothing any more`,
  };
}

/**
 * Copies a SQLite database's default key file to go with a copy of the
 * database (`tessera backup`, `tessera restore`): the copy's signing keys are
 * sealed under it. Nothing is copied when the key comes from the settings
 * (it is kept elsewhere on purpose) or the source has no key file. Returns
 * the file written.
 */
export function copyDefaultKeyFile(
  config: { keyEncryptionKey?: string | undefined; keyEncryptionKeyFile?: string | undefined },
  fromDatabase: string,
  toDatabase: string,
  options: { replace?: boolean } = {},
): string | undefined {
  if (keyEncryptionConfigured(config)) return undefined;
  const from = defaultKeyFile(fromDatabase);
  if (!existsSync(from)) return undefined;
  const to = defaultKeyFile(toDatabase);
  if (options.replace !== true && existsSync(to)) throw new KeyEncryptionConfigError(`${to} exists already; it would not open the copy's signing keys`);
  const temporary = `${to}.tmp`;
  copyFileSync(from, temporary, constants.COPYFILE_EXCL);
  renameSync(temporary, to);
  return to;
}
