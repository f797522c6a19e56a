/**
 * The key-encryption key (KEK) that seals tenants' private signing keys at
 * rest. Tessera's own is a local AES-256-GCM key (server/key-encryption.ts);
 * a cloud KMS plugs in by implementing this interface, the way such services
 * are called: encrypt and decrypt a small secret under a key the database
 * never holds, with additional authenticated data binding the result to
 * what it protects.
 */

export interface KeyEncryption {
  /**
   * A stable, non-secret name for the key (a fingerprint, or a KMS key's
   * id), stored beside each sealed key so a wrong key is named in errors
   * rather than failing as corrupt data.
   */
  readonly id: string;
  /** Seals `plaintext`; `aad` is authenticated, not stored: the same `aad` must be given to {@link decrypt}. */
  encrypt(plaintext: Uint8Array, aad: Uint8Array): Promise<SealedSecret>;
  /** @throws KeyEncryptionError when the data was altered, sealed with other `aad`, or under another key. */
  decrypt(sealed: SealedSecret, aad: Uint8Array): Promise<Uint8Array>;
}

/** A sealed secret as stored: the sealing key's id and the provider's own fields (base64url strings). */
export interface SealedSecret {
  /** The {@link KeyEncryption.id} that sealed it. */
  kek: string;
  /** The provider's algorithm name, e.g. `A256GCM`. */
  enc: string;
  [field: string]: string;
}

/** A private key that cannot be unsealed: the reason says whether the key-encryption key is the wrong one. */
export class KeyEncryptionError extends Error {
  readonly reason: 'wrong-key' | 'corrupt';
  constructor(reason: 'wrong-key' | 'corrupt', message: string) {
    super(message);
    this.name = 'KeyEncryptionError';
    this.reason = reason;
  }
}
