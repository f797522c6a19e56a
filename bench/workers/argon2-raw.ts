/**
 * The raw argon2id verify rate of this machine: as many verifications as the
 * libuv thread pool completes with `concurrency` always in flight, through
 * node:crypto at OWASP's minimum (m=19456 KiB, t=2, p=1). A password grant
 * cannot beat this; it is the baseline the password figures are divided by.
 *
 * Forked by the harness; receives { concurrency, durationS, warmupS } and
 * answers { rps, p50Ms, p99Ms, count, durationS, cpuUsPerOp }.
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

const OWASP = { memory: 19_456, passes: 2, parallelism: 1 };
const password = Buffer.from('correct horse battery staple');
const salt = randomBytes(16);

function derive(): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    argon2('argon2id', { message: password, nonce: salt, ...OWASP, tagLength: 32 }, (e, k) => (e ? reject(e) : resolve(k))),
  );
}

export async function measureArgon2(concurrency: number, durationS: number, warmupS: number) {
  const expected = await derive();
  const latencies: number[] = [];
  let recording = false;
  let count = 0;
  let stopAt = performance.now() + warmupS * 1000;
  const loop = async () => {
    while (performance.now() < stopAt) {
      const start = performance.now();
      const tag = await derive();
      if (!timingSafeEqual(tag, expected)) throw new Error('argon2id verification mismatch');
      if (recording) {
        count++;
        latencies.push(performance.now() - start);
      }
    }
  };
  if (warmupS > 0) await Promise.all(Array.from({ length: concurrency }, loop));
  recording = true;
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  stopAt = begin + durationS * 1000;
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - begin) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0;
  return { rps: count / elapsed, count, durationS: elapsed, cpuUsPerOp: (cpu.user + cpu.system) / Math.max(1, count), p50Ms: pct(50), p99Ms: pct(99), threadPool: Number(process.env.UV_THREADPOOL_SIZE ?? 4) };
}

if (import.meta.main && process.send) {
  process.once('message', async (m: { concurrency: number; durationS: number; warmupS: number }) => {
    try {
      process.send!({ ok: true, result: await measureArgon2(m.concurrency, m.durationS, m.warmupS) });
    } catch (error) {
      process.send!({ ok: false, error: String(error) });
    }
    process.disconnect();
  });
}
