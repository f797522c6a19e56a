/**
 * A seeded generator of hostile HTTP/1.1 requests, as raw bytes: malformed
 * request lines and headers, chunked bodies and encodings that lie, content
 * types and percent-encodings that do not fit, huge and NUL-laden values,
 * Upgrade and CONNECT, mixed with valid requests (real credentials, real
 * tokens) so the deep paths run too. The same seed gives the same requests.
 */

/** mulberry32: small, fast and good enough to pick cases; seeded, so a failing case can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the generator may use to make requests that get past authentication. */
export interface Credentials {
  clientId: string;
  clientSecret: string;
  /** An admin API bearer token, if any. */
  adminToken?: string;
  /** Tokens the server issued, to introspect and revoke. */
  tokens: readonly string[];
}

export interface HostileRequest {
  /** Which generator made it, for the report. */
  kind: string;
  /** The bytes to send, in pieces (a piece may be large). */
  parts: Buffer[];
  /** Half-close after sending. */
  halfClose: boolean;
}

const OAUTH_PATHS = ['/oauth/token', '/oauth/introspect', '/oauth/revoke', '/Token', '/v2/token/', '/oauth/token/'];
const OTHER_PATHS = [
  '/.well-known/oauth-authorization-server', '/.well-known/jwks.json', '/healthz', '/health/ready', '/health/live', '/admin/v1/tenants',
  '/admin/v1/tenants/default/clients', '/admin/v1/tenants/default/users', '/admin/v1/openapi.json', '/console', '/', '/nowhere', '*',
];
const METHODS = ['POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'PROPFIND', 'post', 'G\u0000ET', 'POST ', 'BREW', ''];
const CONTENT_TYPES = [
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=utf-16',
  'application/json', 'application/json; charset=latin1', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded;;;',
  '', ';', 'application/\u0000json', 'APPLICATION/JSON', 'application/x-www-form-urlencoded, application/json', '*/*', 'application/jwt',
];
const NASTY_VALUES = [
  '%00', 'a%00b', '%ED%A0%80', '%FF%FE', '%zz', '%', '%C0%AF', '\u0000', '%E2%82', '..%2F..%2F', '%0d%0aset-cookie:%20x', '+', '%2B%2B',
  'x'.repeat(300), 'y'.repeat(70_000), '\u{1F511}', '%F0%9F%94%91', "'; DROP TABLE clients; --", '${jndi:x}', '<script>', '%u0000', '\\u0000',
  '-1', '9'.repeat(400), 'NaN', 'null', '[]', '{}', 'admin', 'default', '%5B%5D',
];
const GRANTS = ['client_credentials', 'password', 'refresh_token', 'authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer', '', '%00', 'client_credentials%00'];
const PARAMS = ['grant_type', 'client_id', 'client_secret', 'scope', 'username', 'password', 'refresh_token', 'token', 'token_type_hint', 'tenant', 'audience', 'resource', ''];

function decodeURIComponentLenient(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%ED%A0%80/g, '\ud800');
  }
}

export class HostileGenerator {
  readonly #next: () => number;
  readonly #credentials: Credentials;

  constructor(seed: number, credentials: Credentials) {
    this.#next = random(seed);
    this.#credentials = credentials;
  }

  #int(n: number): number {
    return Math.floor(this.#next() * n);
  }
  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)]!;
  }
  #chance(p: number): boolean {
    return this.#next() < p;
  }

  #basic(): string {
    const c = this.#credentials;
    const user = this.#chance(0.6) ? c.clientId : this.#pick(NASTY_VALUES);
    const password = this.#chance(0.6) ? c.clientSecret : this.#pick(NASTY_VALUES);
    const raw = this.#chance(0.1) ? this.#pick(['', ':', 'no-colon', '\u0000:\u0000']) : `${user}:${password}`;
    const encoded = this.#chance(0.1) ? this.#pick(['!!!not base64', '', '=', 'YQ', 'Og==']) : Buffer.from(raw, 'latin1').toString('base64');
    return `${this.#pick(['Basic', 'basic', 'Bearer', 'Basic  ', 'Digest'])} ${encoded}`;
  }

  #formBody(): string {
    const params: string[] = [];
    const c = this.#credentials;
    const n = this.#int(6);
    if (this.#chance(0.7)) params.push(`grant_type=${this.#chance(0.6) ? 'client_credentials' : this.#pick(GRANTS)}`);
    if (this.#chance(0.5)) params.push(`client_id=${this.#chance(0.5) ? c.clientId : this.#pick(NASTY_VALUES)}`, `client_secret=${this.#chance(0.5) ? c.clientSecret : this.#pick(NASTY_VALUES)}`);
    if (this.#chance(0.4) && c.tokens.length > 0) params.push(`token=${this.#chance(0.7) ? this.#pick(c.tokens) : this.#pick(NASTY_VALUES)}`);
    for (let i = 0; i < n; i++) params.push(`${this.#pick(PARAMS)}=${this.#pick(NASTY_VALUES)}`);
    if (this.#chance(0.1)) params.push('tenant=%00', 'tenant=default');
    let body = params.join(this.#chance(0.9) ? '&' : this.#pick([';', '&&', '\u0000', '\r\n']));
    if (this.#chance(0.05)) body = Buffer.from(body).toString('base64');
    return body;
  }

  #jsonBody(): string {
    const c = this.#credentials;
    switch (this.#int(8)) {
      case 0: return '{"grant_type":"client_credentials","client_id":"a\\u0000b","client_secret":"x"}';
      case 1: return `{"grant_type":"client_credentials","client_id":"${c.clientId}","client_secret":"${c.clientSecret}"}`;
      case 2: return '{"client_id":"\\ud800","client_secret":"\\udfff","grant_type":"client_credentials"}';
      case 3: return '['.repeat(5000) + ']'.repeat(5000);
      case 4: return '{"grant_type":"client_credentials","client_id":1e999,"client_secret":null}';
      case 5: return '{"__proto__":{"admin":true},"grant_type":"client_credentials","constructor":{"prototype":{}}}';
      case 6: return '{"grant_type":"client_credentials"';
      default: return JSON.stringify({ grant_type: this.#pick(GRANTS), client_id: this.#pick(NASTY_VALUES), client_secret: this.#pick(NASTY_VALUES) });
    }
  }

  #path(): string {
    let path = this.#chance(0.6) ? this.#pick(OAUTH_PATHS) : this.#pick(OTHER_PATHS);
    if (this.#chance(0.15)) path = `/t/${this.#pick(NASTY_VALUES)}${path}`;
    if (this.#chance(0.1) && this.#credentials.adminToken !== undefined) {
      path = `/admin/v1/tenants/${this.#pick(['default', ...NASTY_VALUES])}/${this.#pick(['clients', 'users', 'access-numbers', 'audit', 'activity', 'keys'])}/${this.#pick(NASTY_VALUES)}`;
    }
    if (this.#chance(0.15)) path += `?${this.#pick(['tenant', 'perPage', 'page', 'account', 'cursor', 'offset', 'limit', 'minutes'])}=${this.#pick(NASTY_VALUES)}`;
    if (this.#chance(0.03)) path = `http://evil.example${path}`;
    if (this.#chance(0.02)) path = '/' + 'a'.repeat(this.#pick([5000, 70_000]));
    return path;
  }

  /** A well-formed request with text no store holds (U+0000, a lone surrogate, over-long) in exactly one identifier. */
  #identifier(): HostileRequest {
    const c = this.#credentials;
    const bad = this.#pick(['a%00b', '%00', 'x%ED%A0%80', 'a'.repeat(5000), '%F0%9F%94%91%00']);
    const raw = decodeURIComponentLenient(bad);
    const form = (path: string, body: string, extra: [string, string][] = []) =>
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n${extra.map(([k, v]) => `${k}: ${v}\r\n`).join('')}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const basic = (user: string) => `Basic ${Buffer.from(`${user}:${c.clientSecret}`).toString('base64')}`;
    const endpoint = this.#pick(['/oauth/token', '/oauth/introspect', '/oauth/revoke']);
    const params = endpoint === '/oauth/token' ? 'grant_type=client_credentials' : `token=${c.tokens[0] ?? 'x'}`;
    const get = (path: string, bearer?: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${bearer === undefined ? '' : `Authorization: Bearer ${bearer}\r\n`}\r\n`;
    const text = this.#pick([
      () => form(endpoint, `${params}&client_id=${bad}&client_secret=x`),
      () => form(endpoint, params, [['Authorization', basic(bad)]]),
      () => form('/oauth/token', `grant_type=client_credentials&tenant=${bad}`, [['Authorization', basic(c.clientId)]]),
      () => form(`/t/${bad}${endpoint}`, `${params}&client_id=${c.clientId}&client_secret=${c.clientSecret}`),
      () => form('/oauth/token', `grant_type=password&username=${bad}&password=x&client_id=${c.clientId}&client_secret=${c.clientSecret}`),
      () => `POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(JSON.stringify({ grant_type: 'client_credentials', client_id: raw, client_secret: 'x' }))}\r\n\r\n${JSON.stringify({ grant_type: 'client_credentials', client_id: raw, client_secret: 'x' })}`,
      () => get(`/.well-known/${this.#pick(['oauth-authorization-server', 'jwks.json', 'openid-configuration'])}?tenant=${bad}`),
      () => get(`/t/${bad}/.well-known/${this.#pick(['oauth-authorization-server', 'jwks.json'])}`),
      () => get(`/admin/v1/tenants/${bad}`, c.adminToken),
      () => get(`/admin/v1/tenants/default/${this.#pick(['clients', 'users', 'access-numbers'])}/${bad}`, c.adminToken),
      () => get(`/admin/v1/tenants/${bad}/${this.#pick(['clients', 'users', 'audit', 'activity', 'keys'])}`, c.adminToken),
      () => get(`/admin/v1/tenants/default/audit?${this.#pick(['actor', 'target', 'action'])}=${bad}`, c.adminToken),
      () => get(`/admin/v1/tenants/default/clients?account=${bad}`, c.adminToken),
    ])();
    return { kind: 'identifier', parts: [Buffer.from(text, 'utf8')], halfClose: this.#chance(0.3) };
  }

  /** The next request. */
  next(): HostileRequest {
    if (this.#chance(0.12)) return this.#identifier();
    const kind = this.#pick(['valid', 'valid', 'mutated', 'mutated', 'mutated', 'request-line', 'headers', 'chunked', 'length', 'huge', 'upgrade', 'connect', 'garbage']);
    const halfClose = this.#chance(0.3);
    const method = kind === 'valid' ? 'POST' : this.#chance(0.7) ? 'POST' : this.#pick(METHODS);
    const path = kind === 'valid' ? this.#pick(OAUTH_PATHS.slice(0, 3)) : this.#path();
    const json = kind !== 'valid' && this.#chance(0.2);
    let body = json ? this.#jsonBody() : this.#formBody();
    if (kind === 'valid') body = path === '/oauth/token' ? 'grant_type=client_credentials' : `token=${this.#credentials.tokens.length > 0 ? this.#pick(this.#credentials.tokens) : 'x'}`;
    const headers: [string, string][] = [['Host', this.#chance(0.95) ? 'localhost' : this.#pick(['', 'evil.example', '\u0000', 'a'.repeat(300), 'default'])]];
    headers.push(['Content-Type', kind === 'valid' ? 'application/x-www-form-urlencoded' : json ? 'application/json' : this.#pick(CONTENT_TYPES)]);
    if (kind === 'valid' || this.#chance(0.6)) headers.push(['Authorization', kind === 'valid' ? `Basic ${Buffer.from(`${this.#credentials.clientId}:${this.#credentials.clientSecret}`).toString('base64')}` : this.#basic()]);
    if (this.#chance(0.1) && this.#credentials.adminToken !== undefined) headers.push(['Authorization', `Bearer ${this.#credentials.adminToken}`]);
    let bodyBytes = Buffer.from(body, this.#chance(0.05) ? 'latin1' : 'utf8');
    let framing: 'length' | 'chunked' | 'none' = 'length';

    switch (kind) {
      case 'request-line': {
        const line = this.#pick([
          `${method} ${path}`, `${method} ${path} HTTP/1.1 extra`, `${method}  ${path} HTTP/1.1`, `${method} ${path} HTTP/2.0`, `${method} ${path} HTTP/0.9`,
          `${method} ${path} HTTP/1.10`, `${method}\t${path}\tHTTP/1.1`, `${method} ${path} http/1.1`, ` ${method} ${path} HTTP/1.1`, `${method} ${path}\u0000 HTTP/1.1`,
          `${method} ${path} HTTP/1.1\r\u0000`, `${method} /\u00ff\u0080 HTTP/1.1`, `${method} ${'/'.repeat(20_000)} HTTP/1.1`, `${method} HTTP/1.1`, '',
        ]);
        return this.#finish(kind, [Buffer.from(`${line}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nContent-Length: ${bodyBytes.length}\r\n\r\n`, 'latin1'), bodyBytes], halfClose);
      }
      case 'headers':
        switch (this.#int(12)) {
          case 0: headers.push(['Content-Length', String(bodyBytes.length)], ['Content-Length', String(bodyBytes.length + 1)]); framing = 'none'; break;
          case 1: headers.push(['Transfer-Encoding', 'chunked'], ['Content-Length', String(bodyBytes.length)]); framing = 'none'; break;
          case 2: headers.push(['X-Bad\u0000Name', 'v']); break;
          case 3: headers.push(['X-Fold', 'a\r\n  folded']); break;
          case 4: headers.push(['X-Nul', 'a\u0000b']); break;
          case 5: headers.push(['Authorization', `Basic ${Buffer.from('a\u0000b:x').toString('base64')}`]); break;
          case 6: for (let i = 0; i < 3000; i++) headers.push([`X-H${i}`, 'v']); break;
          case 7: headers.push(['X-Big', 'b'.repeat(this.#pick([17_000, 80_000, 300_000]))]); break;
          case 8: headers.push(['Host', 'second.example']); break;
          case 9: headers.push(['Content-Encoding', this.#pick(['gzip', 'br', 'deflate', 'identity, gzip'])]); break;
          case 10: headers.push(['Expect', this.#pick(['100-continue', 'nonsense'])]); break;
          default: headers.push(['Content-Length', this.#pick(['-1', 'abc', '1e3', ' 5', '99999999999999999999', '0x10'])]); framing = 'none'; break;
        }
        break;
      case 'chunked': {
        framing = 'none';
        headers.push(['Transfer-Encoding', this.#pick(['chunked', 'Chunked', 'gzip, chunked', 'chunked, gzip', 'chunked\u0000', 'identity'])]);
        const size = bodyBytes.length.toString(16);
        const chunk = this.#pick([
          `${size}\r\n${body}\r\n0\r\n\r\n`, `${size};ext=${'e'.repeat(20_000)}\r\n${body}\r\n0\r\n\r\n`, `zz\r\n${body}\r\n0\r\n\r\n`, `${size}\r\n${body}0\r\n\r\n`,
          `ffffffffffffffff\r\n${body}\r\n`, `${size}\r\n${body}\r\n0\r\nX-Trailer: ${'t'.repeat(20_000)}\r\n\r\n`, `${size}\n${body}\n0\n\n`, `-1\r\n\r\n`,
          `${size}\r\n${body}`, `1\r\na\r\n`.repeat(5000) + '0\r\n\r\n',
        ]);
        bodyBytes = Buffer.from(chunk, 'latin1');
        break;
      }
      case 'length':
        framing = 'none';
        headers.push(['Content-Length', String(Math.max(0, bodyBytes.length + this.#pick([-5, -1, 1, 100, 100_000])))]);
        break;
      case 'huge': {
        const size = this.#pick([20_000, 1_100_000, 3_000_000]);
        const filler = this.#pick(['a', '%00', '\u0000', '&a=b']);
        bodyBytes = Buffer.from(`${body}&x=${filler.repeat(Math.ceil(size / filler.length))}`, 'latin1');
        if (this.#chance(0.5)) {
          framing = 'none';
          headers.push(['Transfer-Encoding', 'chunked']);
          bodyBytes = Buffer.concat([Buffer.from(`${bodyBytes.length.toString(16)}\r\n`), bodyBytes, Buffer.from('\r\n0\r\n\r\n')]);
        }
        break;
      }
      case 'upgrade':
        headers.push(['Connection', this.#pick(['Upgrade', 'upgrade, keep-alive', 'Upgrade, HTTP2-Settings'])], ['Upgrade', this.#pick(['websocket', 'h2c', 'HTTP/2.0', 'tls/1.3', '\u0000'])]);
        headers.push(['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='], ['Sec-WebSocket-Version', '13']);
        if (this.#chance(0.5)) {
          framing = 'none';
          headers.push(['Transfer-Encoding', 'chunked']);
          bodyBytes = Buffer.from(this.#pick(['zz\r\nnot a chunk\r\n', `${bodyBytes.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`, '5\r\nab']), 'latin1');
        }
        break;
      case 'connect':
        return this.#finish(kind, [Buffer.from(`CONNECT ${this.#pick(['example.com:443', 'localhost:22', '[::1]:80', '%00:1', '/'])} HTTP/1.1\r\nHost: example.com:443\r\n\r\n${this.#chance(0.5) ? 'GET / HTTP/1.1\r\n\r\n' : ''}`, 'latin1')], halfClose);
      case 'garbage': {
        const bytes = Buffer.alloc(this.#pick([1, 16, 512, 8192]));
        for (let i = 0; i < bytes.length; i++) bytes[i] = this.#int(256);
        if (this.#chance(0.5)) bytes.write(`${method} ${path} HTTP/1.1\r\n`, 0, 'latin1');
        return this.#finish(kind, [bytes], halfClose);
      }
      case 'mutated':
        if (this.#chance(0.3)) headers.push(['Connection', this.#pick(['close', 'keep-alive', 'nonsense', 'Upgrade'])]);
        if (this.#chance(0.2)) headers.push(['Content-Type', this.#pick(CONTENT_TYPES)]);
        if (this.#chance(0.1)) headers.push(['X-Forwarded-For', this.#pick(['1.2.3.4', '%00', 'a'.repeat(1000), '::1, 10.0.0.1'])], ['Forwarded', this.#pick(['for=1.2.3.4', 'for="[::1]"', '\u0000', 'for=;;;'])]);
        if (this.#chance(0.1)) headers.push(['Origin', this.#pick(['https://evil.example', 'null', '\u0000'])]);
        break;
    }
    const head = `${method} ${path} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n${framing === 'length' ? `Content-Length: ${bodyBytes.length}\r\n` : ''}\r\n`;
    return this.#finish(kind, [Buffer.from(head, 'latin1'), bodyBytes], halfClose);
  }

  #finish(kind: string, parts: Buffer[], halfClose: boolean): HostileRequest {
    return { kind, parts, halfClose };
  }
}
