/**
 * @node-oauth/oauth2-server on plain node:http with an in-memory model, for
 * the client credentials and password grants.
 *
 * The model mirrors what Tessera does with the same inputs, so the comparison
 * is of servers, not of shortcuts: the client secret is stored as a SHA-256
 * and compared in constant time; the user's password is stored as an argon2id
 * hash with OWASP's minimum parameters (m=19456, t=2, p=1) and verified with
 * node:crypto on every request; issued tokens are kept in a Map.
 *
 * Config arrives as JSON in BENCH_SERVER_CONFIG:
 *   { clientId, clientSecret, username?, password? }
 */
import { argon2, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import OAuth2Server from '@node-oauth/oauth2-server';
import { announce, readBody, stopOnSignal } from './ready.ts';

const { Request, Response } = OAuth2Server;
const config = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? '{}') as {
  clientId: string;
  clientSecret: string;
  username?: string;
  password?: string;
};

const OWASP = { memory: 19_456, passes: 2, parallelism: 1 };
function argon2id(message: Buffer, nonce: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    argon2('argon2id', { message, nonce, ...OWASP, tagLength: 32 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}
const sha256 = (s: string) => createHash('sha256').update(s).digest();

const client = {
  id: config.clientId,
  secretHash: sha256(config.clientSecret),
  grants: ['client_credentials', 'password'],
  accessTokenLifetime: 3600,
};
const user = config.username
  ? { id: 'user-1', username: config.username, salt: randomBytes(16), hash: Buffer.alloc(0) as Buffer }
  : undefined;
if (user && config.password) user.hash = await argon2id(Buffer.from(config.password), user.salt);
const tokens = new Map<string, unknown>();

const model = {
  async getClient(clientId: string, clientSecret: string | null) {
    if (clientId !== client.id) return false;
    if (clientSecret !== null && !timingSafeEqual(sha256(clientSecret), client.secretHash)) return false;
    return { id: client.id, grants: client.grants, accessTokenLifetime: client.accessTokenLifetime };
  },
  async getUserFromClient() {
    return { id: client.id };
  },
  async getUser(username: string, password: string) {
    if (!user || username !== user.username) return false;
    const tag = await argon2id(Buffer.from(password), user.salt);
    return timingSafeEqual(tag, user.hash) ? { id: user.id, username: user.username } : false;
  },
  async saveToken(token: { accessToken: string; accessTokenExpiresAt: Date; scope?: string[] }, c: unknown, u: unknown) {
    const saved = { ...token, client: c, user: u };
    tokens.set(token.accessToken, saved);
    return saved;
  },
  async validateScope(_u: unknown, _c: unknown, scope: string[] | undefined) {
    return scope ?? [];
  },
};

const oauth = new OAuth2Server({ model: model as never, requireClientAuthentication: { password: true } });

const server = createServer(async (req, res) => {
  try {
    const raw = (await readBody(req)).toString('utf8');
    const request = new Request({
      headers: req.headers as Record<string, string>,
      method: req.method!,
      query: {},
      body: Object.fromEntries(new URLSearchParams(raw)),
    });
    const response = new Response();
    try {
      await oauth.token(request, response);
    } catch (error) {
      // Errors thrown inside the grant are already written into `response`;
      // the method and Content-Type checks throw before it is touched.
      if (response.status === 200) {
        const e = error as { code?: number; name?: string; message?: string };
        response.status = e.code ?? 400;
        response.body = { error: e.name ?? 'invalid_request', error_description: e.message };
      }
    }
    res.writeHead(response.status ?? 500, { ...response.headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(response.body));
  } catch {
    res.writeHead(500).end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server, { tokenPath: '/oauth/token' }));
stopOnSignal(server);
