/**
 * The rate at which node:crypto alone signs JWT access tokens with one
 * algorithm on this machine: the bound a token server that signs cannot beat,
 * and what the JWT issuance figures are divided by.
 *
 * Fairness: the server signs through jose's WebCrypto calls, which run on
 * libuv's thread pool; so does the callback form of `crypto.sign` used here,
 * with the same pool (UV_THREADPOOL_SIZE, 4 unless set, inherited from the
 * harness exactly as the servers inherit it) and `concurrency` signatures in
 * flight, as the server has `connections` requests in flight. The input is a
 * JWS signing input of the size Tessera signs (RFC 9068 header and claims).
 * ES256 is signed in DER and converted to JWS's R‖S in JavaScript (counted
 * in the rate): on this machine node's `dsaEncoding: 'ieee-p1363'` costs
 * more than the conversion. Unlike the servers, this process shares the cores
 * with no load generator.
 *
 * Forked by the harness; receives { alg, concurrency, durationS, warmupS } and
 * answers { rps, count, durationS, cpuUsPerOp, p50Ms, p99Ms, threadPool }.
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../lib/scenarios.ts';

export interface SignRequest {
  alg: SigningAlg;
  concurrency: number;
  durationS: number;
  warmupS: number;
}

function keyFor(alg: SigningAlg): KeyObject {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  if (alg === 'RS256') return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return generateKeyPairSync('ed25519').privateKey;
}

/** A JWS signing input shaped like an RFC 9068 access token of Tessera's. */
function signingInput(alg: SigningAlg): Buffer {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const header = { alg, typ: 'at+jwt', kid: 'k_2d7b0c4f9a1e6d3b8c5f0a2e7d4b9c1f' };
  const claims = {
    iss: 'http://127.0.0.1:8080',
    exp: now + 3600,
    aud: 'http://127.0.0.1:8080',
    sub: 'bench',
    client_id: 'bench',
    iat: now,
    jti: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE',
    scope: '',
  };
  return Buffer.from(`${b64(header)}.${b64(claims)}`);
}

/** An ECDSA signature in DER (SEQUENCE of two INTEGERs) as JWS's fixed-size R‖S (RFC 7518 §3.4). */
export function derToJose(der: Buffer, size = 32): Buffer {
  let offset = 2;
  if (der[0] !== 0x30) throw new Error('not a DER ECDSA signature');
  if (der[1]! & 0x80) offset += der[1]! & 0x7f;
  const out = Buffer.alloc(size * 2);
  for (let i = 0; i < 2; i++) {
    if (der[offset] !== 0x02) throw new Error('not a DER ECDSA signature');
    const length = der[offset + 1]!;
    let value = der.subarray(offset + 2, offset + 2 + length);
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    value.copy(out, i * size + size - value.length);
    offset += 2 + length;
  }
  return out;
}

export async function measureSigning(request: SignRequest) {
  const key = keyFor(request.alg);
  const input = signingInput(request.alg);
  const digest = request.alg === 'EdDSA' ? null : 'sha256';
  const once = () =>
    new Promise<Buffer>((resolve, reject) =>
      sign(digest, input, key, (error, signature) => (error ? reject(error) : resolve(request.alg === 'ES256' ? derToJose(signature) : signature))),
    );
  // The signature must be one a verifier accepts, in JWS form.
  const check = await once();
  const publicKey = createPublicKey(key);
  const verified = request.alg === 'ES256' ? verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, check) : verify(digest, input, publicKey, check);
  if (!verified) throw new Error(`${request.alg} signature does not verify`);

  const latencies: number[] = [];
  let recording = false;
  let count = 0;
  let stopAt = performance.now() + request.warmupS * 1000;
  const loop = async () => {
    while (performance.now() < stopAt) {
      const start = performance.now();
      await once();
      if (recording) {
        count++;
        latencies.push(performance.now() - start);
      }
    }
  };
  if (request.warmupS > 0) await Promise.all(Array.from({ length: request.concurrency }, loop));
  recording = true;
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  stopAt = begin + request.durationS * 1000;
  await Promise.all(Array.from({ length: request.concurrency }, loop));
  const elapsed = (performance.now() - begin) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0;
  return {
    rps: count / elapsed,
    count,
    durationS: elapsed,
    cpuUsPerOp: (cpu.user + cpu.system) / Math.max(1, count),
    p50Ms: pct(50),
    p99Ms: pct(99),
    threadPool: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  };
}

if (import.meta.main && process.send) {
  process.once('message', async (m: SignRequest) => {
    try {
      process.send!({ ok: true, result: await measureSigning(m) });
    } catch (error) {
      process.send!({ ok: false, error: String((error as Error).stack ?? error) });
    }
    process.disconnect();
  });
}
