/**
 * Parallel refreshes of one refresh token, against real `tessera serve`
 * processes: a single process on SQLite, a two-worker cluster on one SQLite
 * file, and two instances on one PostgreSQL schema. Each round fires ten
 * refreshes of the same token at once (spread over the instances), then
 * counts the family's live refresh tokens in the store: exactly one chain
 * survives, and it is one a client received. Before consumption and
 * replacement were one step per family, two or more survived.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import { basic } from '../helpers/fixtures.ts';
import { POSTGRES_URL } from '../helpers/postgres.ts';
import { post, startRaceTarget, type Deployment, type RaceTarget } from '../helpers/race-target.ts';
import { START_TIMEOUT_MS } from '../helpers/spawn-tessera.ts';

const ROUNDS = 5;
const PARALLEL = 10;

const deployments: Deployment[] = ['sqlite', 'sqlite --workers 2', 'postgres, two instances'];

for (const deployment of deployments) {
  const skip = deployment.startsWith('postgres') && POSTGRES_URL === undefined ? 'TESSERA_TEST_POSTGRES_URL is not set' : false;
  describe(`parallel refreshes of one token (${deployment})`, { skip, timeout: 4 * START_TIMEOUT_MS }, () => {
    let target: RaceTarget;
    let rs: string;
    before(async () => {
      target = await startRaceTarget(deployment, [
        { args: ['clients', 'create', 'app', '--public', '--grants', 'password,refresh_token'] },
        // JWT access tokens are signed between the consumption and the answer: the widest window.
        { args: ['clients', 'create', 'jwt-app', '--public', '--grants', 'password,refresh_token', '--format', 'jwt'] },
        { args: ['users', 'create', 'erin', '--password-stdin'], stdin: 'erin password\n' },
      ], ['--rate-limits', 'login=off,failures=off']);
      rs = basic('rs', JSON.parse(await target.cli(['clients', 'create', 'rs'])).clientSecret);
    });
    after(() => target?.close());

    const liveRefreshTokens = async (familyId: string) =>
      Number((await target.query("SELECT COUNT(*) AS n FROM tokens WHERE family_id = ? AND kind = 'refresh' AND revoked_at IS NULL", [familyId]))[0]!.n);

    for (const clientId of ['app', 'jwt-app']) it(`leaves exactly one live refresh token after each of ${ROUNDS} bursts of ${PARALLEL} (client ${clientId})`, async () => {
      const login = await post(target.urls[0]!, '/oauth/token', { grant_type: 'password', username: 'erin', password: 'erin password', client_id: clientId });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      let current: string = login.body.refresh_token;
      const familyId = String((await target.query('SELECT family_id FROM tokens WHERE hash = ?', [tokenStorageKey(current)]))[0]!.family_id);
      for (let round = 0; round < ROUNDS; round++) {
        const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) =>
          post(target.urls[i % target.urls.length]!, '/oauth/token', { grant_type: 'refresh_token', refresh_token: current, client_id: clientId })));
        for (const a of answers) assert.ok(a.status === 200 || (a.status === 400 && a.body.error === 'invalid_grant'), JSON.stringify(a));
        assert.equal(await liveRefreshTokens(familyId), 1, `round ${round}: ${answers.map((a) => a.status).join(' ')}`);
        // The survivor is one a client holds, and refreshes on.
        const issued = answers.filter((a) => a.status === 200).map((a) => a.body.refresh_token as string);
        const active = [];
        for (const token of issued) if ((await post(target.urls[0]!, '/oauth/introspect', { token }, rs)).body.active === true) active.push(token);
        assert.equal(active.length, 1, `round ${round}: ${active.length} of ${issued.length} issued refresh tokens active`);
        current = active[0]!;
      }
    });
  });
}
