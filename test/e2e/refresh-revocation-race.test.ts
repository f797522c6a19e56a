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
 * after the revocation and stayed active until it expired. The same holds
 * for the revocations of many families at once (a password change, a
 * single-active-token client's new login): on PostgreSQL they once ran as
 * one statement no family lock ordered with a refresh, so a refresh racing
 * one kept its family alive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
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
    let adminToken: string;
    /** Erin's password now: each password change of the tests below moves it on. */
    let password = 'erin password';
    before(async () => {
      target = await startRaceTarget(deployment, [
        { args: ['clients', 'create', 'app', '--public', '--grants', 'password,refresh_token'] },
        // JWT access tokens are signed between the consumption and the store: the widest window.
        { args: ['clients', 'create', 'jwt-app', '--public', '--grants', 'password,refresh_token', '--format', 'jwt'] },
        { args: ['users', 'create', 'erin', '--password-stdin'], stdin: 'erin password\n' },
        // A user's new login revokes that user's earlier tokens for this client (seed 003).
        { args: ['clients', 'create', 'single-app', '--public', '--grants', 'password,refresh_token', '--single-active-token'] },
        // No grace: a second presentation of a used refresh token is reuse, which revokes the family.
        { args: ['tenants', 'update', 'default', '--refresh-grace', '0'] },
      ], ['--rate-limits', 'login=off,failures=off,token=off,revocation=off,introspection=off']);
      rs = basic('rs', JSON.parse(await target.cli(['clients', 'create', 'rs'])).clientSecret);
      const ops = basic('ops', JSON.parse(await target.cli(['clients', 'create', 'ops', '--scopes', 'admin'])).clientSecret);
      const granted = await post(url(0), '/oauth/token', { grant_type: 'client_credentials', scope: 'admin' }, ops);
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      adminToken = granted.body.access_token as string;
    });
    after(() => target?.close());

    const url = (i: number) => target.urls[i % target.urls.length]!;
    const login = async (clientId: string) => {
      const answer = await post(url(0), '/oauth/token', { grant_type: 'password', username: 'erin', password, client_id: clientId });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.refresh_token as string;
    };
    const refresh = (i: number, token: string, clientId: string) => post(url(i), '/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: clientId });
    const activeOnes = async (tokens: string[]) => {
      const active: string[] = [];
      for (const token of tokens) if ((await post(url(0), '/oauth/introspect', { token }, rs)).body.active === true) active.push(token);
      return active;
    };

    /** The password change an operator makes over the admin API, which revokes every token of the user. */
    const changePassword = async (i: number) => {
      password = `erin password ${Math.random()}`;
      const res = await fetch(`${url(i)}/admin/v1/tenants/default/users/erin`, {
        method: 'PATCH', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ password }),
      });
      assert.equal(res.status, 200, await res.text());
    };

    // Revocations of many families at once (a user's tokens, a client's earlier logins of a user), racing refreshes.
    const wideRaces = [
      { race: 'a password change', clientId: 'jwt-app', revoke: (round: number) => changePassword(round + 1) },
      { race: 'a new login of a single-active-token client', clientId: 'single-app', revoke: () => login('single-app') },
    ];
    for (const { race, clientId, revoke } of wideRaces) {
      it(`leaves no token of the user's families active when refresh chains race ${race}, over ${ROUNDS} rounds`, async () => {
        for (let round = 0; round < ROUNDS; round++) {
          // Two families, each refreshed in a chain (every refresh presents the token the previous one
          // gave) until the revocation has answered: some refresh is in flight when the revocation runs.
          let revoked = false;
          const chain = async (first: string, lane: number) => {
            const given: string[] = [];
            let token = first;
            for (let i = 0; !revoked || i < 2; i++) {
              const a = await refresh(lane + i, token, clientId);
              if (a.status !== 200) {
                assert.ok(a.status === 400 && a.body.error === 'invalid_grant', JSON.stringify(a));
                break;
              }
              given.push(a.body.access_token as string, a.body.refresh_token as string);
              token = a.body.refresh_token as string;
            }
            return given;
          };
          const families = [await login(clientId), await login(clientId)];
          const chains = families.map((first, lane) => chain(first, lane));
          await sleep(5 * (round % 4));
          await revoke(round);
          revoked = true;
          const given = (await Promise.all(chains)).flat();
          const active = await activeOnes(given);
          assert.deepEqual(active.map((t) => t.slice(0, 16)), [], `round ${round}: ${active.length} of ${given.length} tokens given out are active after ${race}`);
        }
      });
    }

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
