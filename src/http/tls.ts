/**
 * How Tessera serves HTTPS when given a certificate: TLS 1.2 and 1.3 only,
 * and for TLS 1.2 only AEAD ciphers with forward secrecy (Mozilla's
 * "intermediate" profile, which every client of the last decade speaks).
 * TLS 1.3's suites are all acceptable and stay Node's defaults.
 *
 * @see https://wiki.mozilla.org/Security/Server_Side_TLS
 * @see https://www.rfc-editor.org/rfc/rfc9325 (BCP 195: recommendations for secure use of TLS)
 */
import type { SecureContextOptions } from 'node:tls';

/** A certificate chain and its private key, PEM. */
export interface TlsMaterial {
  cert: string | Buffer;
  key: string | Buffer;
}

const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

const TLS13_CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** The secure-context options of `material`: the HTTPS server's, and each reload's. */
export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return {
    cert: material.cert,
    key: material.key,
    minVersion: 'TLSv1.2',
    ciphers: [...TLS13_CIPHERS, ...TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
  };
}
