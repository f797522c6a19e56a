/**
 * A resource server protected by Tessera: seed 000's account list, where a
 * caller sees only the accounts its access token carries.
 *
 *   GET /v2/accounts?account=20000,20001&perPage=10&page=1
 *   Authorization: Bearer <token with scope "accounts:read">
 *
 * Run it beside a Tessera (see docs/tokens-and-verification.md); in a checkout,
 * build the packages it imports first:
 *
 *   npm run build && TESSERA_ISSUER=http://localhost:8080 npx node examples/accounts-api.ts
 *
 * Environment: TESSERA_ISSUER (the tenant's issuer, default http://localhost:8080),
 * TESSERA_TENANT (default `default`), TESSERA_URL (where Tessera answers, when not at
 * the issuer), TESSERA_CLIENT_ID and TESSERA_CLIENT_SECRET (this API's own client,
 * needed only to accept opaque tokens), PORT (default 3000).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createBearerVerifier, type BearerVerifier } from '@tessera-oauth/verify';
import { fastifyBearer } from '@tessera-oauth/verify/fastify';

/** The API's data: what a real service would read from its database. */
const ACCOUNTS = Array.from({ length: 5 }, (_, i) => ({ number: String(20000 + i), name: `Account ${20000 + i}`, balance: 1000 * (i + 1) }));

export function buildAccountsApi(verifier: BearerVerifier): FastifyInstance {
  const app = Fastify();
  app.get(
    '/v2/accounts',
    // Token checked, scope required, and ?account= narrowed to the accounts the token carries.
    { onRequest: fastifyBearer(verifier, { scopes: ['accounts:read'], accountParameter: 'account' }) },
    async (request, reply) => {
      const query = request.query as { perPage?: string; page?: string };
      // Seed 000: "perPage" up to 2000, "page" from 1.
      const perPage = Math.min(Math.max(Number.parseInt(query.perPage ?? '10', 10) || 10, 1), 2000);
      const page = Math.max(Number.parseInt(query.page ?? '1', 10) || 1, 1);
      const visible = ACCOUNTS.filter((a) => request.auth!.selectedAccounts.includes(a.number));
      return reply.send({
        client: request.auth!.clientId,
        page,
        perPage,
        total: visible.length,
        accounts: visible.slice((page - 1) * perPage, page * perPage),
      });
    },
  );
  return app;
}

/** The verifier this example configures from its environment. */
export function verifierFromEnv(env: Record<string, string | undefined>): BearerVerifier {
  const issuer = env.TESSERA_ISSUER ?? 'http://localhost:8080';
  const tenant = env.TESSERA_TENANT ?? 'default';
  // Tessera's endpoints sit below the issuer; reached at another URL, /t/<tenant> names the tenant.
  const base = env.TESSERA_URL === undefined ? issuer : `${env.TESSERA_URL.replace(/\/+$/, '')}/t/${tenant}`;
  return createBearerVerifier({
    issuer,
    tenant,
    realm: 'accounts',
    jwksUri: `${base}/.well-known/jwks.json`,
    introspection:
      env.TESSERA_CLIENT_ID && env.TESSERA_CLIENT_SECRET
        ? { endpoint: `${base}/oauth/introspect`, clientId: env.TESSERA_CLIENT_ID, clientSecret: env.TESSERA_CLIENT_SECRET }
        : undefined,
  });
}

if (import.meta.main) {
  const app = buildAccountsApi(verifierFromEnv(process.env));
  const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
  console.log(`accounts API listening on ${address}`);
  const stop = () => void app.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
