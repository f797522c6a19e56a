/**
 * Refreshes racing a revocation of their family, against real `tessera
 * serve` processes (a single process on SQLite, a two-worker cluster on one
 * SQLite file, two instances on one PostgreSQL schema): each round logs in
 * afresh, then fires refreshes of the new refresh token together with a
 * revocation of it (/revoke), or several refreshes of it with no reuse grace
 * (reuse detection revokes the family). Afterwards the family is revoked,
 * and no token any of those requests was given may introspect active. Before
 * the refresh grant looked at its family again once its access token was
 * stored, an access token minted by a refresh that lost the race was stored
 * after the revocation and stayed active until it expired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic } from '../helpers/fixtures.ts';
import { POSTGRES_URL } from '../helpers/postgres.ts';
import { post, startRaceTarget, type Deployment, type RaceTarget } from '../helpers/race-target.ts';
import { START_TIMEOUT_MS } from '../helpers/spawn-tessera.ts';

const ROUNDS = 8;

const deployments: Deployment[] = ['sqlite', 'sqlite --workers 2', 'postgres, two instances'];

for (const deployment of deployments) {
  const skip = deployment.startsWith('postgres') && POSTGRES_URL === undefined ? 'TESSERA_TEST_POSTGRES_URL is not set' : false;
  describe(`refreshes racing the revocation of their family (${deployment})`, { skip, timeout: 6 * START_TIMEOUT_MS }, () => {
    let target: RaceTarget;
    let rs: string;
    before(async () => {
      target = await startRaceTarget(deployment, [
        { args: ['clients', 'create', 'app', '--public', '--grants', 'password,refresh_token'] },
        // JWT access tokens are signed between the consumption and the store: the widest window.
        { args: ['clients', 'create', 'jwt-app', '--public', '--grants', 'password,refresh_token', '--format', 'jwt'] },
        { args: ['users', 'create', 'erin', '--password-stdin'], stdin: 'erin password\n' },
        // No grace: a second presentation of a used refresh token is reuse, which revokes the family.
        { args: ['tenants', 'update', 'default', '--refresh-grace', '0'] },
      ], ['--rate-limits', 'login=off,failures=off,token=off,revocation=off,introspection=off']);
      rs = basic('rs', JSON.parse(await target.cli(['clients', 'create', 'rs'])).clientSecret);
    });
    after(() => target?.close());

    const url = (i: number) => target.urls[i % target.urls.length]!;
    const login = async (clientId: string) => {
      const answer = await post(url(0), '/oauth/token', { grant_type: 'password', username: 'erin', password: 'erin password', client_id: clientId });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.refresh_token as string;
    };
    const refresh = (i: number, token: string, clientId: string) => post(url(i), '/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: clientId });
    const activeOnes = async (tokens: string[]) => {
      const active: string[] = [];
      for (const token of tokens) if ((await post(url(0), '/oauth/introspect', { token }, rs)).body.active === true) active.push(token);
      return active;
    };

    for (const clientId of ['app', 'jwt-app']) {
      for (const race of ['a revocation of the refresh token', 'reuse detection'] as const) {
        it(`leaves no token of the family active when refreshes race ${race}, over ${ROUNDS} rounds (client ${clientId})`, async () => {
          for (let round = 0; round < ROUNDS; round++) {
            const token = await login(clientId);
            const refreshes = Array.from({ length: race === 'reuse detection' ? 6 : 3 }, (_, i) => refresh(i, token, clientId));
            const revocation = race === 'reuse detection' ? [] : [post(url(round + 1), '/oauth/revoke', { token, client_id: clientId })];
            const [answers] = await Promise.all([Promise.all(refreshes), ...revocation]);
            for (const a of answers) assert.ok(a.status === 200 || (a.status === 400 && a.body.error === 'invalid_grant'), JSON.stringify(a));
            const given = answers.filter((a) => a.status === 200).flatMap((a) => [a.body.access_token as string, a.body.refresh_token as string]);
            const active = await activeOnes(given);
            assert.deepEqual(active.map((t) => t.slice(0, 16)), [], `round ${round}: ${active.length} of ${given.length} tokens given out are active after their family was revoked (${answers.map((a) => a.status).join(' ')})`);
          }
        });
      }
    }
  });
}
