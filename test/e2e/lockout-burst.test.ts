/**
 * A parallel burst of wrong passwords and the right one, against real
 * `tessera serve` processes (one on SQLite, a two-worker cluster on one
 * SQLite file, two instances on one PostgreSQL schema): the tenant's policy
 * allows 5 guesses before a lock, and the burst gets no more than 5 checked,
 * however the requests are spread. Before attempts were reserved in the
 * store ahead of the argon2 wait, all 41 were checked and the right one
 * logged in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { POSTGRES_URL } from '../helpers/postgres.ts';
import { assertLockAfterBurst, post, startRaceTarget, type Deployment, type RaceTarget } from '../helpers/race-target.ts';
import { START_TIMEOUT_MS } from '../helpers/spawn-tessera.ts';

const WRONG = 40;
const MAX_FAILURES = 5;
const ROUNDS = 3;

const deployments: Deployment[] = ['sqlite', 'sqlite --workers 2', 'postgres, two instances'];

for (const deployment of deployments) {
  const skip = deployment.startsWith('postgres') && POSTGRES_URL === undefined ? 'TESSERA_TEST_POSTGRES_URL is not set' : false;
  describe(`a burst of password guesses (${deployment})`, { skip, timeout: 6 * START_TIMEOUT_MS }, () => {
    let target: RaceTarget;
    before(async () => {
      const users = Array.from({ length: ROUNDS }, (_, round) => ({ args: ['users', 'create', `fay${round}`, '--password-stdin'], stdin: 'the right password\n' }));
      users.push({ args: ['users', 'create', 'pool', '--password-stdin'], stdin: 'the pool password\n' });
      target = await startRaceTarget(deployment, [
        { args: ['clients', 'create', 'app', '--public', '--grants', 'password'] },
        ...users,
      // Only the lockout is under test: the per-user-name and failure rate limits, which would refuse most
      // of the burst at the door, are off, and the argon2 queue holds the whole burst.
      ], ['--rate-limits', 'login=off,failures=off', '--argon2-max-queued', '256']);
    });
    after(() => target?.close());

    it('lets a client log one user in many times at once with the right password: all succeed, no lock remains', async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        post(target.urls[i % target.urls.length]!, '/oauth/token', { grant_type: 'password', username: 'pool', password: 'the pool password', client_id: 'app' })));
      assert.deepEqual(answers.map((a) => a.status), Array(12).fill(200), JSON.stringify(answers.filter((a) => a.status !== 200)));
      const lock = (await target.query('SELECT failed_count, locked_until FROM user_lockouts WHERE user_id = (SELECT id FROM users WHERE username = ?)', ['pool']))[0];
      assert.equal(Number(lock?.failed_count ?? 0) < MAX_FAILURES && (lock?.locked_until ?? null) === null, true, JSON.stringify(lock));
    });

    for (let round = 0; round < ROUNDS; round++) {
      it(`checks at most ${MAX_FAILURES} of ${WRONG} wrong passwords and the right one fired together (user ${round + 1} of ${ROUNDS})`, async () => {
        const username = `fay${round}`;
        const attempt = (i: number, password: string) =>
          post(target.urls[i % target.urls.length]!, '/oauth/token', { grant_type: 'password', username, password, client_id: 'app' });
        const wrong = Array.from({ length: WRONG }, (_, i) => attempt(i, `guess ${i}`));
        const right = attempt(WRONG, 'the right password');
        const answers = await Promise.all([...wrong, right]);
        for (const a of answers) assert.ok([200, 400, 429, 503].includes(a.status), JSON.stringify(a));
        const lock = (await target.query('SELECT failed_count, locked_until FROM user_lockouts WHERE user_id = (SELECT id FROM users WHERE username = ?)', [username]))[0];
        const rightAnswer = answers.at(-1)!;
        assertLockAfterBurst(rightAnswer.status, lock, MAX_FAILURES);
        // Which passwords were checked, the servers' refusal log says (the answers are alike on purpose).
        const refusals = target.lines().filter((l) => l.msg === 'request refused' && String(l.detail).includes(`(${username})`)).map((l) => String(l.detail));
        const checked = refusals.filter((d) => /wrong password for|LOCKED until .* after|; attempt with/.test(d)).length + (rightAnswer.status === 200 ? 1 : 0);
        const budget = rightAnswer.status === 200 ? 2 * MAX_FAILURES : MAX_FAILURES;
        assert.ok(checked <= budget, `${checked} passwords checked:\n${refusals.join('\n')}`);
        assert.ok(refusals.length >= WRONG - 5, `the refusals are logged (${refusals.length})`);
      });
    }
  });
}
