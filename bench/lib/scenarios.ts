/**
 * The benchmark's scenario table: what is measured, against which servers,
 * and what each Tessera figure is compared with. Pure data, so a root-level
 * test can check it is well-formed without starting anything.
 *
 * A scenario is one request shape. Each of its cases is one server answering
 * that request. Ratios are printed for every Tessera case against each other
 * case of its scenario (the peers), against the ceiling, and against any
 * extra baselines the scenario names (the empty-store run, the raw argon2 rate).
 */

/** The servers (and the one non-HTTP measurement) the harness knows how to start. */
export type ServerId = 'ceiling' | 'fastify-ceiling' | 'tessera' | 'oidc-provider' | 'oauth2-server' | 'argon2-raw';

/** Which Tessera feature a case needs; the harness reports the case as "n/a (not built yet)" while it is missing. */
export type TesseraFeature = 'introspection' | 'verify' | 'password';

/** How a Tessera case is set up: token format, signing algorithm, pre-stored tokens. */
export interface TesseraVariant {
  format: 'opaque' | 'jwt';
  alg?: 'ES256' | 'RS256';
  /** Tokens stored in the SQLite file before the server starts. */
  seedTokens?: number;
  /** What the load requests: the token endpoint (default), introspection, a Bearer-protected resource, the password grant. */
  operation?: 'client_credentials' | 'introspect' | 'bearer' | 'password';
  /** `tessera serve --workers N`: several processes (reported apart from the single-process targets). */
  workers?: number;
}

/** How a peer case is configured. */
export interface PeerVariant {
  /** oidc-provider: access-token format of the resource server. */
  format?: 'opaque' | 'jwt';
  alg?: 'ES256' | 'RS256';
  operation?: 'client_credentials' | 'introspect' | 'password';
}

export interface BenchCase {
  /** `<scenario>/<server>`, unique in the table. */
  id: string;
  scenario: string;
  server: ServerId;
  /** Short label for the table. */
  label: string;
  tessera?: TesseraVariant;
  peer?: PeerVariant;
  /** Tessera features the case cannot run without. */
  needs?: TesseraFeature[];
}

export interface Scenario {
  id: string;
  title: string;
  cases: BenchCase[];
  /** Case ids (in other scenarios) every Tessera case of this scenario is also compared with. */
  baselines?: string[];
}

export const CEILING_CASE_ID = 'ceiling/node-http';
/** Fastify set up as Tessera's app, answering the ceiling's body: the framework's share. */
export const FASTIFY_CEILING_CASE_ID = 'ceiling/fastify';

function scenario(id: string, title: string, cases: Omit<BenchCase, 'id' | 'scenario'>[], baselines?: string[]): Scenario {
  return {
    id,
    title,
    cases: cases.map((c) => ({ ...c, id: `${id}/${c.server === 'ceiling' ? 'node-http' : c.server === 'fastify-ceiling' ? 'fastify' : c.server}`, scenario: id })),
    ...(baselines ? { baselines } : {}),
  };
}

export const SCENARIOS: readonly Scenario[] = [
  scenario('ceiling', 'a fixed 150-byte JSON body: bare node:http (the ceiling), and Fastify set up as Tessera is', [
    { server: 'ceiling', label: 'node:http ceiling' },
    { server: 'fastify-ceiling', label: 'Fastify, no token logic' },
  ]),
  scenario('cc-opaque', 'client credentials, HTTP Basic, opaque token', [
    { server: 'tessera', label: 'Tessera (SQLite)', tessera: { format: 'opaque' } },
    { server: 'oidc-provider', label: 'oidc-provider', peer: { format: 'opaque' } },
    { server: 'oauth2-server', label: '@node-oauth/oauth2-server', peer: { operation: 'client_credentials' } },
  ]),
  scenario('cc-jwt-es256', 'client credentials, HTTP Basic, JWT access token signed ES256', [
    { server: 'tessera', label: 'Tessera', tessera: { format: 'jwt', alg: 'ES256' } },
    { server: 'oidc-provider', label: 'oidc-provider', peer: { format: 'jwt', alg: 'ES256' } },
  ]),
  scenario('cc-jwt-rs256', 'client credentials, HTTP Basic, JWT access token signed RS256', [
    { server: 'tessera', label: 'Tessera', tessera: { format: 'jwt', alg: 'RS256' } },
    { server: 'oidc-provider', label: 'oidc-provider', peer: { format: 'jwt', alg: 'RS256' } },
  ]),
  scenario(
    'cc-opaque-1m',
    'client credentials, opaque, 1,000,000 tokens already stored',
    [{ server: 'tessera', label: 'Tessera (SQLite, 1M rows)', tessera: { format: 'opaque', seedTokens: 1_000_000 } }],
    ['cc-opaque/tessera'],
  ),
  scenario(
    'cc-opaque-workers',
    'client credentials, opaque, `tessera serve --workers 2` (multi-process; outside the single-process targets)',
    [{ server: 'tessera', label: 'Tessera (SQLite, 2 workers)', tessera: { format: 'opaque', workers: 2 } }],
    ['cc-opaque/tessera'],
  ),
  scenario('introspect', 'introspection (RFC 7662) of an opaque token, HTTP Basic', [
    { server: 'tessera', label: 'Tessera (SQLite)', tessera: { format: 'opaque', operation: 'introspect' }, needs: ['introspection'] },
    { server: 'oidc-provider', label: 'oidc-provider', peer: { format: 'opaque', operation: 'introspect' } },
  ]),
  scenario('bearer-jwt', 'GET of a Bearer-protected resource, JWT verified by tessera/verify', [
    { server: 'tessera', label: 'tessera/verify', tessera: { format: 'jwt', alg: 'ES256', operation: 'bearer' }, needs: ['verify'] },
  ]),
  scenario(
    'password',
    'password grant, argon2id m=19456 t=2 p=1',
    [
      { server: 'argon2-raw', label: 'raw argon2id verify (node:crypto)' },
      { server: 'tessera', label: 'Tessera (SQLite)', tessera: { format: 'opaque', operation: 'password' }, needs: ['password'] },
      { server: 'oauth2-server', label: '@node-oauth/oauth2-server', peer: { operation: 'password' } },
    ],
    ['password/argon2-raw'],
  ),
];

/** Every case, in table order. */
export function allCases(): BenchCase[] {
  return SCENARIOS.flatMap((s) => s.cases);
}

export function findCase(id: string): BenchCase | undefined {
  return allCases().find((c) => c.id === id);
}

/**
 * The cases a filter selects: comma-separated substrings matched against the
 * case id (`cc-opaque`, `tessera`, `cc-jwt-es256/oidc-provider`). The ceiling
 * is always kept, since every ratio needs it; so are the baselines the
 * selected scenarios name, and the Fastify ceiling beside it.
 */
export function selectCases(filter: string | undefined): BenchCase[] {
  const cases = allCases();
  if (filter === undefined || filter.trim() === '') return cases;
  const terms = filter.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const picked = new Set(cases.filter((c) => terms.some((t) => c.id.includes(t))).map((c) => c.id));
  picked.add(CEILING_CASE_ID);
  picked.add(FASTIFY_CEILING_CASE_ID);
  for (const s of SCENARIOS) {
    if (s.cases.some((c) => picked.has(c.id) && c.server === 'tessera')) for (const b of s.baselines ?? []) picked.add(b);
  }
  return cases.filter((c) => picked.has(c.id));
}

/** What each Tessera case is compared with: its scenario's other cases, its baselines, the ceiling. */
export function comparisonsFor(benchCase: BenchCase): string[] {
  if (benchCase.server !== 'tessera') return [];
  const s = SCENARIOS.find((x) => x.id === benchCase.scenario)!;
  const ids = [...s.cases.filter((c) => c.id !== benchCase.id && c.server !== 'argon2-raw').map((c) => c.id), ...(s.baselines ?? [])];
  ids.push(FASTIFY_CEILING_CASE_ID, CEILING_CASE_ID);
  return [...new Set(ids)];
}

/** Checks the table's invariants; returns the problems found (empty when well-formed). */
export function validateScenarios(scenarios: readonly Scenario[] = SCENARIOS): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const all = scenarios.flatMap((s) => s.cases);
  for (const s of scenarios) {
    if (!/^[a-z0-9-]+$/.test(s.id)) problems.push(`scenario id '${s.id}' is not kebab-case`);
    if (s.cases.length === 0) problems.push(`scenario '${s.id}' has no case`);
    for (const c of s.cases) {
      if (ids.has(c.id)) problems.push(`case id '${c.id}' is not unique`);
      ids.add(c.id);
      if (c.scenario !== s.id) problems.push(`case '${c.id}' names scenario '${c.scenario}'`);
      if (c.server === 'tessera' && c.tessera === undefined) problems.push(`Tessera case '${c.id}' has no variant`);
      if (c.server !== 'tessera' && c.needs !== undefined) problems.push(`peer case '${c.id}' cannot need a Tessera feature`);
    }
    for (const b of s.baselines ?? []) if (!all.some((c) => c.id === b)) problems.push(`scenario '${s.id}' names unknown baseline '${b}'`);
  }
  if (!ids.has(CEILING_CASE_ID)) problems.push(`the ceiling case '${CEILING_CASE_ID}' is missing`);
  return problems;
}
