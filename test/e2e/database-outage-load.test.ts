/**
 * A real `tessera serve` on PostgreSQL losing its database under load, through
 * a TCP proxy the test cuts (connections refused and severed) and stalls
 * (connections open, nothing answered: a partition, which only the query and
 * connect timeouts end). Throughout, every request is answered 200 or 503
 * with Retry-After, never 500 and never left hanging; the server recovers by
 * itself each time; and every token it answered 200 introspects active once
 * the database is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { createTestSchema, POSTGRES_URL, postgresSkip, schemaUrl, type TestSchema } from '../helpers/postgres.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const skip = postgresSkip('the database outage under load test');
const QUERY_TIMEOUT_MS = 1500;

interface Outcome {
  status: number | 'error';
  retryAfter: string | null;
  ms: number;
  token?: string;
  at: number;
}

describe('tessera serve through PostgreSQL outages under load', { skip, timeout: 180_000 }, () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let server: TesseraProcess & { url: string };
  let secret: string;

  before(async () => {
    schema = await createTestSchema();
    secret = (JSON.parse((await runCli(['init', '--db', schema.url])).stdout) as { clientSecret: string }).clientSecret;
    const direct = new URL(POSTGRES_URL!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(schemaUrl(POSTGRES_URL!, schema.name));
    viaProxy.port = String(proxy.port);
    server = await startServe(['--db', viaProxy.toString(), '--database-query-timeout-ms', String(QUERY_TIMEOUT_MS)], { TESSERA_REQUEST_LOG_LEVEL: 'debug' });
  });
  after(async () => {
    await server?.stop();
    await proxy?.close();
    await schema?.drop();
  });

  const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: '' };

  it('answers 200 or 503 with Retry-After while the database is refused and while it stalls, recovers, and loses no token', async () => {
    form.authorization = basic('admin', secret);
    const outcomes: Outcome[] = [];
    let running = true;
    const start = performance.now();
    const loop = async () => {
      while (running) {
        const t0 = performance.now();
        try {
          const res = await fetch(`${server.url}/oauth/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials', signal: AbortSignal.timeout(20_000) });
          const body = (await res.json()) as { access_token?: string; error?: string };
          outcomes.push({ status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - t0, token: body.access_token, at: t0 - start });
          if (res.status !== 200) await sleep(20);
        } catch {
          outcomes.push({ status: 'error', retryAfter: null, ms: performance.now() - t0, at: t0 - start });
        }
      }
    };
    const loops = Array.from({ length: 8 }, loop);
    const okSince = async (t: number) => {
      const deadline = performance.now() + 30_000;
      while (outcomes.filter((o) => o.status === 200 && o.at > t).length < 20) {
        assert.ok(performance.now() < deadline, 'no recovery within 30 s');
        await sleep(50);
      }
    };
    await okSince(0);
    await sleep(1500); // tokens issued before the first outage, to find again after both

    const cutAt = performance.now() - start;
    await proxy.cut();
    await sleep(2500);
    await proxy.restore();
    await okSince(performance.now() - start);

    const stallAt = performance.now() - start;
    proxy.stall();
    await sleep(QUERY_TIMEOUT_MS * 3);
    proxy.unstall();
    await okSince(performance.now() - start);
    running = false;
    await Promise.all(loops);

    const statuses = new Map<string, number>();
    for (const o of outcomes) statuses.set(String(o.status), (statuses.get(String(o.status)) ?? 0) + 1);
    assert.deepEqual([...statuses.keys()].filter((s) => s !== '200' && s !== '503'), [], `statuses: ${JSON.stringify([...statuses])}`);
    assert.ok(outcomes.some((o) => o.status === 503 && o.at > cutAt && o.at < stallAt), 'the cut was answered 503');
    assert.ok(outcomes.some((o) => o.status === 503 && o.at > stallAt), 'the stall was answered 503');
    assert.deepEqual(outcomes.filter((o) => o.status === 503 && o.retryAfter === null), [], 'every 503 carries Retry-After');
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    // The pool's 5 s connect timeout plus the query timeout bound any one request.
    assert.ok(slowest < 5000 + QUERY_TIMEOUT_MS + 2000, `slowest answer took ${Math.round(slowest)} ms`);

    const tokens = outcomes.flatMap((o) => (o.status === 200 && o.token !== undefined ? [o.token] : []));
    const inactive: string[] = [];
    for (let i = 0; i < tokens.length; i += 16) {
      await Promise.all(tokens.slice(i, i + 16).map(async (token) => {
        const res = await fetch(`${server.url}/oauth/introspect`, { method: 'POST', headers: form, body: `token=${encodeURIComponent(token)}` });
        if (!((await res.json()) as { active: boolean }).active) inactive.push(token);
      }));
    }
    assert.deepEqual(inactive.length, 0, `${inactive.length} of ${tokens.length} tokens answered 200 are not active`);
    // Each 503 is logged (the database is away); nothing else may fail.
    const errors = server.lines.filter((l) => (l.level as number) >= 50 && l.status !== 503);
    assert.deepEqual(errors.map((l) => `${l.msg} ${String(l.err)}`).slice(0, 5), [], 'no request failed as a server error');
    const counts = Object.fromEntries(statuses);
    console.log(`# ${tokens.length} tokens answered 200 all active; statuses ${JSON.stringify(counts)}; slowest ${Math.round(slowest)} ms`);
  });
});
