/**
 * One address floods the password grant with junk logins; another address's
 * people keep logging in. Against a real `tessera serve` over real sockets,
 * each side from its own loopback address (127.0.0.2 and 127.0.0.3), with one
 * argon2 slot so the queue is what decides.
 *
 * The bound is counted, not timed: while one of B's logins waits, at most a
 * handful of A's logins may be answered after being hashed (round robin: the
 * one running, then one of A's per one of B's). A single FIFO queue put B
 * behind every one of A's 64 queued logins, or refused it with 503.
 *
 * The failures gate (`failures` rule) is off here: it would stop the flood
 * at the door after 30 failures, which is what a deployment gets by default,
 * but then the queue's fairness would not be what this test shows.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-flood-'));
const db = join(dir, 'flood.db');
let server: TesseraProcess & { url: string };

/** Bounds of the flood: it stops by itself. */
const FLOOD_CONCURRENCY = 100;
const FLOOD_MAX_REQUESTS = 4000;
const B_LOGINS = 6;

before(async () => {
  for (const args of [
    ['init'],
    ['clients', 'create', 'app', '--public', '--grants', 'password'],
    ['users', 'create', 'bea', '--password-stdin'],
  ]) {
    const res = await runCli([...args, '--db', db], { stdin: 'bea password 1\n' });
    assert.equal(res.code, 0, res.stderr);
  }
  server = await startServe(['--db', db, '--argon2-concurrency', '1', '--argon2-max-queued', '64', '--rate-limits', 'failures=off'], { TESSERA_LOG_LEVEL: 'info' });
});

after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
  rmSync(dir, { recursive: true, force: true });
});

/** A password login from `from`, over a fresh connection; resolves with its status. */
function login(from: string, username: string, password: string): Promise<number> {
  const { hostname, port } = new URL(server.url);
  const body = new URLSearchParams({ grant_type: 'password', client_id: 'app', username, password }).toString();
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname === 'localhost' ? '127.0.0.1' : hostname, port, method: 'POST', path: '/oauth/token', localAddress: from, agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a flood of junk logins from one address', () => {
  it("leaves another address's logins answering 200, each waiting behind at most a few of the flood's", async () => {
    const flood = { sent: 0, statuses: new Map<number, number>(), hashedAnswers: 0, stop: false };
    const floodWorker = async () => {
      while (!flood.stop && flood.sent < FLOOD_MAX_REQUESTS) {
        flood.sent++;
        const status = await login('127.0.0.2', `junk-${flood.sent}`, 'not a password');
        flood.statuses.set(status, (flood.statuses.get(status) ?? 0) + 1);
        if (status === 400) flood.hashedAnswers++; // invalid_grant: a password that was hashed
      }
    };
    const workers = Array.from({ length: FLOOD_CONCURRENCY }, floodWorker);
    // Let the flood fill the queue first.
    while ((flood.statuses.get(429) ?? 0) < 20 && flood.sent < FLOOD_MAX_REQUESTS) await new Promise((resolve) => setTimeout(resolve, 20));

    const waits: number[] = [];
    const answers: number[] = [];
    for (let i = 0; i < B_LOGINS; i++) {
      const before = flood.hashedAnswers;
      answers.push(await login('127.0.0.3', 'bea', 'bea password 1'));
      waits.push(flood.hashedAnswers - before);
    }
    const shedWhileBLoggedIn = flood.statuses.get(429) ?? 0;
    flood.stop = true;
    await Promise.all(workers);

    assert.deepEqual(answers, Array(B_LOGINS).fill(200), 'every login of B succeeded');
    assert.ok(Math.max(...waits) <= 6, `B waited behind ${JSON.stringify(waits)} of the flood's hashed logins (a FIFO queue: ~64)`);
    assert.ok(shedWhileBLoggedIn > 0, 'the flood was shed from its own share');
    assert.deepEqual([...flood.statuses.keys()].filter((s) => s !== 400 && s !== 429), [], `the flood got only 400 and 429: ${JSON.stringify([...flood.statuses])}`);
  });

  it('is reported in one warning line per interval with counts, never one error line per refusal', async () => {
    const line = await server.waitForLine((l) => l.msg === 'requests refused by rate limits and sign-in shares');
    assert.equal(line.level, 40);
    assert.ok(Number((line.refused as Record<string, number>)['argon2-queue']) > 0, JSON.stringify(line));
    assert.equal(server.lines.filter((l) => Number(l.level) >= 50).length, 0, 'no error-level line');
  });
});
