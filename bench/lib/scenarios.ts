/**
 * The benchmark's scenario table: what is measured, against what, and in
 * which comparison group. Pure data, so a root-level test can check it is
 * well-formed without starting anything.
 *
 * A scenario is one comparison group. Its members are its own cases, the
 * baselines it names from other scenarios, and the bare node:http ceiling
 * unless it says otherwise. The harness runs a group's members one after
 * the other, round after round (A B A B …), and every ratio is taken between
 * two runs of the same round.
 *
 * Adding a case for a new feature's hot path is one entry: a Tessera variant
 * with the `serve` flags or config keys that switch the feature on, the
 * `serve-flag:` it needs (the case reports "n/a (not built yet)" until
 * `tessera serve --help` lists it), and the case it is compared with as
 * baseline. See `cc-opaque-metrics` and `cc-opaque-rate-limit` below.
 */

/** The servers (and the two non-HTTP measurements) the harness knows how to start. */
export type ServerId = 'ceiling' | 'fastify-ceiling' | 'tessera' | 'oidc-provider' | 'oauth2-server' | 'argon2-raw' | 'sign-raw';

/** The servers that are other projects (left out by `--skip-peers`). */
export const PEER_SERVERS: readonly ServerId[] = ['oidc-provider', 'oauth2-server'];

export type SigningAlg = 'ES256' | 'RS256' | 'EdDSA';

/**
 * What a Tessera case cannot run without; the harness reports the case as
 * "n/a (not built yet)" while it is missing. `serve-flag:--x` is met when
 * `tessera serve --help` mentions `--x`.
 */
export type TesseraFeature = 'introspection' | 'verify' | 'password' | `serve-flag:--${string}`;

/** How a Tessera case is set up. */
export interface TesseraVariant {
  format: 'opaque' | 'jwt';
  /** The tenant's signing algorithm (a tenant created with `--alg`; ES256 is the default tenant's). */
  alg?: SigningAlg;
  /** Tokens stored before the server starts (SQLite only). */
  seedTokens?: number;
  /** What the load requests: the token endpoint (default), introspection, a Bearer-protected resource, the password grant. */
  operation?: 'client_credentials' | 'introspect' | 'bearer' | 'password';
  /** `tessera serve --workers N`: several processes on one port (reported apart from the single-process targets). */
  workers?: number;
  /** Where Tessera stores: a fresh SQLite file (default) or a fresh schema of the bench's PostgreSQL. */
  store?: 'sqlite' | 'postgres';
  /** Separate `tessera serve` processes on one database, each on its own port, the load spread over them. */
  instances?: number;
  /** Extra `tessera serve` arguments (a feature's switch). */
  serveArgs?: string[];
  /** Keys written to a JSON config file given to `serve --config` (a feature's settings). */
  config?: Record<string, unknown>;
  /** Another checkout of Tessera that serves this case (`--base`: the build before a change); this one by default. */
  root?: string;
}

/** How a peer case is configured. */
export interface PeerVariant {
  /** oidc-provider: access-token format of the resource server. */
  format?: 'opaque' | 'jwt';
  alg?: SigningAlg;
  operation?: 'client_credentials' | 'introspect' | 'password';
}

export interface BenchCase {
  /** `<scenario>/<name>`, unique in the table. */
  id: string;
  scenario: string;
  server: ServerId;
  /** Short label for the table. */
  label: string;
  tessera?: TesseraVariant;
  peer?: PeerVariant;
  /** sign-raw: the algorithm node:crypto signs. */
  sign?: { alg: SigningAlg };
  /** Tessera features the case cannot run without. */
  needs?: TesseraFeature[];
}

export interface Scenario {
  id: string;
  title: string;
  cases: BenchCase[];
  /** Case ids (in other scenarios) run in this group too, and compared with. */
  baselines?: string[];
  /** Whether the bare node:http ceiling runs in this group (default true). */
  ceiling?: boolean;
}

export const CEILING_CASE_ID = 'ceiling/node-http';
/** Fastify set up as Tessera's app, answering the ceiling's body: the framework's share. */
export const FASTIFY_CEILING_CASE_ID = 'ceiling/fastify';

const DEFAULT_NAMES: Record<ServerId, string> = {
  ceiling: 'node-http',
  'fastify-ceiling': 'fastify',
  tessera: 'tessera',
  'oidc-provider': 'oidc-provider',
  'oauth2-server': 'oauth2-server',
  'argon2-raw': 'argon2-raw',
  'sign-raw': 'node-crypto-sign',
};

type CaseEntry = Omit<BenchCase, 'id' | 'scenario'> & { name?: string };

function scenario(id: string, title: string, cases: CaseEntry[], options: { baselines?: string[]; ceiling?: boolean } = {}): Scenario {
  return {
    id,
    title,
    cases: cases.map(({ name, ...c }) => ({ ...c, id: `${id}/${name ?? DEFAULT_NAMES[c.server]}`, scenario: id })),
    ...(options.baselines ? { baselines: options.baselines } : {}),
    ...(options.ceiling === false ? { ceiling: false } : {}),
  };
}

function jwtScenario(alg: SigningAlg): Scenario {
  return scenario(
    `cc-jwt-${alg.toLowerCase()}`,
    `client credentials, HTTP Basic, JWT access token signed ${alg}; the bound is node:crypto signing ${alg} alone`,
    [
      { server: 'sign-raw', label: `node:crypto signs ${alg} (no HTTP)`, sign: { alg } },
      { server: 'tessera', label: 'Tessera', tessera: { format: 'jwt', alg } },
      { server: 'oidc-provider', label: 'oidc-provider', peer: { format: 'jwt', alg } },
    ],
    { ceiling: false },
  );
}

/** The table; `useBaseBuild` adds the other build's twins to it for a run. */
export let SCENARIOS: readonly Scenario[] = [
  scenario('ceiling', 'a fixed 150-byte JSON body: bare node:http (the ceiling), and Fastify set up as Tessera is', [
    { server: 'ceiling', label: 'node:http ceiling' },
    { server: 'fastify-ceiling', label: 'Fastify, no token logic' },
  ]),
  scenario('cc-opaque', 'client credentials, HTTP Basic, opaque token persisted to SQLite', [
    { server: 'tessera', label: 'Tessera (SQLite)', tessera: { format: 'opaque' } },
    { server: 'oidc-provider', label: 'oidc-provider', peer: { format: 'opaque' } },
    { server: 'oauth2-server', label: '@node-oauth/oauth2-server', peer: { operation: 'client_credentials' } },
  ]),
  jwtScenario('ES256'),
  jwtScenario('RS256'),
  jwtScenario('EdDSA'),
  scenario(
    'cc-opaque-1m',
    'client credentials, opaque, 1,000,000 tokens already stored, against the empty store',
    [{ server: 'tessera', label: 'Tessera (SQLite, 1M rows)', tessera: { format: 'opaque', seedTokens: 1_000_000 } }],
    { baselines: ['cc-opaque/tessera'], ceiling: false },
  ),
  scenario(
    'cc-opaque-workers',
    'client credentials, opaque, `tessera serve --workers 2` on one SQLite file, against one process (by CPU per token)',
    [{ server: 'tessera', label: 'Tessera (SQLite, 2 workers)', tessera: { format: 'opaque', workers: 2 } }],
    { baselines: ['cc-opaque/tessera'], ceiling: false },
  ),
  scenario(
    'cc-opaque-pg',
    'client credentials, opaque, one instance on PostgreSQL, against SQLite',
    [{ server: 'tessera', label: 'Tessera (PostgreSQL)', tessera: { format: 'opaque', store: 'postgres' } }],
    { baselines: ['cc-opaque/tessera'], ceiling: false },
  ),
  scenario(
    'cc-opaque-pg-2',
    'client credentials, opaque, two instances on one PostgreSQL database, the connections split between them, against one instance',
    [{ server: 'tessera', label: 'Tessera (PostgreSQL, 2 instances)', tessera: { format: 'opaque', store: 'postgres', instances: 2 } }],
    { baselines: ['cc-opaque-pg/tessera'], ceiling: false },
  ),
  scenario(
    'cc-jwt-es256-pg',
    'client credentials, JWT signed ES256, one instance on PostgreSQL (a JWT needs no token row), against SQLite',
    [{ server: 'tessera', label: 'Tessera (PostgreSQL)', tessera: { format: 'jwt', alg: 'ES256', store: 'postgres' } }],
    { baselines: ['cc-jwt-es256/tessera'], ceiling: false },
  ),
  scenario('introspect', 'introspection (RFC 7662) of an opaque token, HTTP Basic', [
    { server: 'tessera', label: 'Tessera (SQLite)', tessera: { format: 'opaque', operation: 'introspect' }, needs: ['introspection'] },
    { server: 'oidc-provider', label: 'oidc-provider', peer: { format: 'opaque', operation: 'introspect' } },
  ]),
  scenario(
    'introspect-pg',
    'introspection of an opaque token, one instance on PostgreSQL, against SQLite',
    [{ server: 'tessera', label: 'Tessera (PostgreSQL)', tessera: { format: 'opaque', operation: 'introspect', store: 'postgres' }, needs: ['introspection'] }],
    { baselines: ['introspect/tessera'], ceiling: false },
  ),
  scenario('bearer-jwt', 'GET of a Bearer-protected resource, JWT verified by tessera/verify', [
    { server: 'tessera', label: 'tessera/verify', tessera: { format: 'jwt', alg: 'ES256', operation: 'bearer' }, needs: ['verify'] },
  ]),
  scenario(
    'password',
    'password grant, argon2id m=19456 t=2 p=1; the bound is node:crypto argon2id alone',
    [
      { server: 'argon2-raw', label: 'raw argon2id verify (node:crypto)' },
      { server: 'tessera', label: 'Tessera (SQLite)', tessera: { format: 'opaque', operation: 'password' }, needs: ['password'] },
      { server: 'oauth2-server', label: '@node-oauth/oauth2-server', peer: { operation: 'password' } },
    ],
    { ceiling: false },
  ),
  // Hot paths of features as they land: each against the same server without the feature.
  scenario(
    'cc-opaque-metrics',
    'client credentials, opaque, with Prometheus metrics collected (`serve --metrics-port 0`), against the same without',
    [{ server: 'tessera', label: 'Tessera (SQLite, metrics on)', tessera: { format: 'opaque', serveArgs: ['--metrics-port', '0'] }, needs: ['serve-flag:--metrics-port'] }],
    { baselines: ['cc-opaque/tessera'], ceiling: false },
  ),
  scenario(
    'cc-opaque-rate-limit',
    'client credentials, opaque, with the per-client and per-address token rules on every request at limits far above the load (the cost of checking them), against the defaults',
    [
      {
        server: 'tessera',
        label: 'Tessera (SQLite, rate limits checked)',
        // Limits far above what two cores can serve: every request pays for its buckets, none is refused.
        tessera: { format: 'opaque', serveArgs: ['--rate-limits', 'token=1000000/1s,oauth-address=1000000/1s'] },
        needs: ['serve-flag:--rate-limits'],
      },
    ],
    { baselines: ['cc-opaque/tessera'], ceiling: false },
  ),
];

/**
 * Adds to every scenario a twin of each of its Tessera cases served by the
 * checkout at `root` (id `<case>@base`), run in the same group right after
 * it, so each round compares this build with that one.
 */
export function useBaseBuild(root: string, name: string): void {
  SCENARIOS = SCENARIOS.map((s) => ({
    ...s,
    cases: s.cases.flatMap((c) => (c.server === 'tessera' ? [c, { ...c, id: `${c.id}@base`, label: `${c.label} @ ${name}`, tessera: { ...c.tessera!, root } }] : [c])),
  }));
}

/** Every case, in table order. */
export function allCases(scenarios: readonly Scenario[] = SCENARIOS): BenchCase[] {
  return scenarios.flatMap((s) => s.cases);
}

export function findCase(id: string, scenarios: readonly Scenario[] = SCENARIOS): BenchCase | undefined {
  return allCases(scenarios).find((c) => c.id === id);
}

/** The case ids a scenario's group runs, in run order: the ceiling, its baselines, its own cases. */
export function groupMembers(s: Scenario, options: { skipPeers?: boolean } = {}, scenarios: readonly Scenario[] = SCENARIOS): string[] {
  const ids = [...(s.ceiling === false || s.id === 'ceiling' ? [] : [CEILING_CASE_ID]), ...(s.baselines ?? []), ...s.cases.map((c) => c.id)];
  const kept = options.skipPeers ? ids.filter((id) => !PEER_SERVERS.includes(findCase(id, scenarios)?.server ?? 'ceiling')) : ids;
  return [...new Set(kept)];
}

/**
 * The scenarios a filter selects: comma-separated terms, each matching a
 * scenario whose id equals it, or whose id or one of whose case ids
 * contains it. No filter selects them all.
 */
export function selectScenarios(filter: string | undefined, scenarios: readonly Scenario[] = SCENARIOS): Scenario[] {
  const terms = (filter ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (terms.length === 0) return [...scenarios];
  const exact = new Set(terms.filter((t) => scenarios.some((s) => s.id === t)));
  return scenarios.filter((s) => terms.some((t) => (exact.has(t) ? s.id === t : s.id.includes(t) || s.cases.some((c) => c.id.includes(t)))));
}

/** What each case is compared with inside its group: every other member (a ratio for each, taken round by round). */
export function comparisonsFor(caseId: string, members: readonly string[]): string[] {
  return members.filter((m) => m !== caseId);
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
      if (c.server === 'sign-raw' && c.sign === undefined) problems.push(`signing case '${c.id}' names no algorithm`);
      if (c.server !== 'tessera' && c.needs !== undefined) problems.push(`case '${c.id}' is not Tessera's and cannot need a Tessera feature`);
      const t = c.tessera;
      if (t?.seedTokens !== undefined && t.store === 'postgres') problems.push(`case '${c.id}' seeds tokens, which only the SQLite store supports`);
      if (t?.instances !== undefined && t.instances > 1 && t.store !== 'postgres') problems.push(`case '${c.id}' runs several instances on SQLite (use workers for one file)`);
    }
    for (const b of s.baselines ?? []) if (!all.some((c) => c.id === b)) problems.push(`scenario '${s.id}' names unknown baseline '${b}'`);
  }
  if (!ids.has(CEILING_CASE_ID)) problems.push(`the ceiling case '${CEILING_CASE_ID}' is missing`);
  return problems;
}
