/**
 * A parallel burst of wrong client secrets and the right one, for clients
 * with an operator-chosen secret, against real `tessera serve` processes (one
 * on SQLite, a two-worker cluster on one SQLite file, two instances on one
 * PostgreSQL schema): the tenant's secret lockout allows 5 guesses before a
 * lock, and the burst gets no more than 5 checked, however the requests are
 * spread; once locked, the right secret is refused too. Before attempts were
 * reserved in the store ahead of the argon2 wait, every secret of the burst
 * was checked (the lock was read before and counted after) and the right one
 * could get a token after more than 5 failures.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic } from '../helpers/fixtures.ts';
import { POSTGRES_URL } from '../helpers/postgres.ts';
import { assertLockAfterBurst, post, startRaceTarget, type Deployment, type RaceTarget } from '../helpers/race-target.ts';
import { START_TIMEOUT_MS } from '../helpers/spawn-tessera.ts';

const WRONG = 40;
const MAX_FAILURES = 5;
const ROUNDS = 3;
const RIGHT = 'the right secret';

const deployments: Deployment[] = ['sqlite', 'sqlite --workers 2', 'postgres, two instances'];

for (const deployment of deployments) {
  const skip = deployment.startsWith('postgres') && POSTGRES_URL === undefined ? 'TESSERA_TEST_POSTGRES_URL is not set' : false;
  describe(`a burst of client secret guesses (${deployment})`, { skip, timeout: 6 * START_TIMEOUT_MS }, () => {
    let target: RaceTarget;
    before(async () => {
      const clients = Array.from({ length: ROUNDS }, (_, round) => ({ args: ['clients', 'create', `kay${round}`, '--secret-stdin'], stdin: `${RIGHT}\n` }));
      clients.push({ args: ['clients', 'create', 'pool', '--secret-stdin'], stdin: 'the pool secret\n' });
      target = await startRaceTarget(deployment, [
        ...clients,
        { args: ['tenants', 'update', 'default', '--secret-lockout-failures', String(MAX_FAILURES)] },
      // Only the lockout is under test: the failure and token rate limits, which would refuse most of the
      // burst at the door, are off, and the argon2 queue holds the whole burst.
      ], ['--rate-limits', 'token=off,failures=off', '--argon2-max-queued', '256']);
    });
    after(() => target?.close());

    const lockRow = async (clientId: string) =>
      (await target.query('SELECT failed_count, locked_until FROM client_lockouts WHERE client_id = ?', [clientId]))[0];
    const token = (i: number, clientId: string, secret: string) =>
      post(target.urls[i % target.urls.length]!, '/oauth/token', { grant_type: 'client_credentials' }, basic(clientId, secret));

    it('lets a client with a chosen secret authenticate many times at once: all succeed, no lock remains', async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => token(i, 'pool', 'the pool secret')));
      assert.deepEqual(answers.map((a) => a.status), Array(12).fill(200), JSON.stringify(answers.filter((a) => a.status !== 200)));
      const lock = await lockRow('pool');
      assert.equal(Number(lock?.failed_count ?? 0) < MAX_FAILURES && (lock?.locked_until ?? null) === null, true, JSON.stringify(lock));
    });

    for (let round = 0; round < ROUNDS; round++) {
      it(`checks at most ${MAX_FAILURES} of ${WRONG} wrong secrets and the right one fired together, then refuses the right one (client ${round + 1} of ${ROUNDS})`, async () => {
        const clientId = `kay${round}`;
        const wrong = Array.from({ length: WRONG }, (_, i) => token(i, clientId, `guess ${i}`));
        const right = token(WRONG, clientId, RIGHT);
        const answers = await Promise.all([...wrong, right]);
        for (const a of answers) assert.ok([200, 401, 429, 503].includes(a.status), JSON.stringify(a));
        const lock = await lockRow(clientId);
        const rightAnswer = answers.at(-1)!;
        if (!assertLockAfterBurst(rightAnswer.status, lock, MAX_FAILURES)) {
          // Locked: the right secret, which no process has verified, is refused everywhere until the lock ends.
          for (let i = 0; i < target.urls.length * 2; i++) assert.equal((await token(i, clientId, RIGHT)).status, 401, 'the right secret during the lock');
          assert.equal(Number((await lockRow(clientId))!.failed_count), MAX_FAILURES, 'attempts during the lock are not counted');
        }
        // Which secrets were checked, the servers' refusal log says (the answers are alike on purpose).
        const refusals = target.lines().filter((l) => l.msg === 'request refused' && new RegExp(`client ${clientId}\\b`).test(String(l.detail))).map((l) => String(l.detail));
        const checked = refusals.filter((d) => /wrong secret for client|LOCKED until .* after|; attempt with/.test(d)).length + (rightAnswer.status === 200 ? 1 : 0);
        const budget = rightAnswer.status === 200 ? 2 * MAX_FAILURES : MAX_FAILURES;
        assert.ok(checked <= budget, `${checked} secrets checked:\n${refusals.join('\n')}`);
        assert.ok(refusals.length >= WRONG - 5, `the refusals are logged (${refusals.length})`);
      });
    }
  });
}
