/**
 * What one JWS signature costs by each path a Node server can take, on this
 * machine: node:crypto in DER (callback and synchronous) and in IEEE P1363,
 * WebCrypto, and jose's `CompactSign` (Tessera's path), for ES256 and Ed25519,
 * with 32 signatures in flight as under the bench's load. Prints CPU time per
 * signature (all threads of this process) and signatures per second.
 *
 *   cd bench && npm run sign-paths
 */
import { generateKeyPairSync, sign, webcrypto, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { CompactSign, importJWK } from 'jose';

const COUNT = 4000;
const IN_FLIGHT = 32;
// About the size of a Tessera access token's JWS signing input.
const input = Buffer.from('x'.repeat(330));

async function measure(name: string, once: () => unknown): Promise<void> {
  for (let i = 0; i < 500; i++) await once();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < COUNT) {
        started++;
        await once();
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${name.padEnd(36)} ${((used.user + used.system) / COUNT).toFixed(1).padStart(6)} µs CPU a signature  ${Math.round(COUNT / seconds).toLocaleString('en-US').padStart(7)}/s\n`);
}

const viaCallback = (digest: string | null, key: KeyObject | SignKeyObjectInput) => () =>
  new Promise((resolve, reject) => sign(digest, input, key, (error, signature) => (error ? reject(error) : resolve(signature))));

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const ed = generateKeyPairSync('ed25519').privateKey;
await measure('ES256 node:crypto DER, callback', viaCallback('sha256', ec));
await measure('ES256 node:crypto DER, synchronous', () => sign('sha256', input, ec));
await measure('ES256 node:crypto P1363, callback', viaCallback('sha256', { key: ec, dsaEncoding: 'ieee-p1363' }));
const ecWeb = await webcrypto.subtle.importKey('jwk', ec.export({ format: 'jwk' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
await measure('ES256 WebCrypto (P1363)', () => webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, ecWeb, input));
const ecJose = await importJWK({ ...ec.export({ format: 'jwk' }), alg: 'ES256' }, 'ES256');
await measure('ES256 jose CompactSign', () => new CompactSign(input).setProtectedHeader({ alg: 'ES256' }).sign(ecJose));
await measure('Ed25519 node:crypto, callback', viaCallback(null, ed));
const edWeb = await webcrypto.subtle.importKey('jwk', ed.export({ format: 'jwk' }), { name: 'Ed25519' }, false, ['sign']);
await measure('Ed25519 WebCrypto', () => webcrypto.subtle.sign({ name: 'Ed25519' }, edWeb, input));
const edJose = await importJWK({ ...ed.export({ format: 'jwk' }), alg: 'EdDSA' }, 'EdDSA');
await measure('Ed25519 jose CompactSign', () => new CompactSign(input).setProtectedHeader({ alg: 'EdDSA' }).sign(edJose));
