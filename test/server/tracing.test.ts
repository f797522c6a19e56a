/**
 * OpenTelemetry traces of a real `tessera serve` process with the SDK
 * registered by an `--import` file (the in-memory exporter, its spans copied
 * to a file): a server span per request continuing the caller's W3C
 * `traceparent`, carrying the request id, with client authentication,
 * argon2, JWT signing and store calls as its children, on the direct path
 * and on Fastify's routes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-tracing-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PRELOAD = pathToFileURL(fileURLToPath(new URL('../helpers/otel-preload.ts', import.meta.url))).href;

interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
  status: { code: number };
}

const SERVER = 1; // SpanKind.SERVER

describe('OpenTelemetry spans with an SDK registered', () => {
  const spansFile = join(dir, 'spans.jsonl');
  let server: TesseraProcess & { url: string };
  let chosenSecret: string;
  let adminSecret: string;

  const spans = (): ExportedSpan[] =>
    existsSync(spansFile) ? readFileSync(spansFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ExportedSpan) : [];

  /** The spans of one trace once its server span has ended (exported last, after its children). */
  async function trace(traceId: string): Promise<ExportedSpan[]> {
    for (let i = 0; i < 100; i++) {
      const found = spans().filter((s) => s.traceId === traceId);
      if (found.some((s) => s.kind === SERVER)) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no server span of trace ${traceId}`);
  }

  before(async () => {
    const db = join(dir, 'traced.db');
    const init = await runCli(['init', '--db', db]);
    adminSecret = (JSON.parse(init.stdout) as { clientSecret: string }).clientSecret;
    chosenSecret = 'a chosen secret, hashed with argon2id';
    const created = await runCli(['clients', 'create', 'signer', '--db', db, '--grants', 'client_credentials', '--format', 'jwt', '--secret-env', 'SECRET'], { env: { SECRET: chosenSecret } });
    assert.equal(created.code, 0, created.stderr);
    server = await startServe(['--db', db], { NODE_OPTIONS: `--import ${PRELOAD}`, TESSERA_TEST_SPANS: spansFile });
  });
  after(() => server?.stop());

  it('continues the caller\'s trace on the token endpoint, with client authentication, argon2, signing and the store inside', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('signer', chosenSecret), traceparent: `00-${traceId}-${callerSpan}-01` },
      body: 'grant_type=client_credentials',
    });
    assert.equal(res.status, 200);
    const requestId = res.headers.get('x-request-id');
    const found = await trace(traceId);
    const root = found.find((s) => s.kind === SERVER)!;
    assert.equal(root.name, 'POST token');
    assert.equal(root.parentSpanId, callerSpan, 'the server span is a child of the caller\'s');
    assert.equal(root.attributes['tessera.request_id'], requestId);
    assert.equal(root.attributes['http.response.status_code'], 200);
    assert.equal(root.attributes['tessera.tenant'], 'default');
    assert.equal(root.attributes['tessera.client_id'], 'signer');
    assert.equal(root.attributes['tessera.grant_type'], 'client_credentials');
    assert.equal(root.attributes['tessera.token_format'], 'jwt');
    const byName = (name: string) => found.find((s) => s.name === name);
    const auth = byName('client authentication');
    assert.equal(auth?.parentSpanId, root.spanId);
    assert.equal(byName('argon2id')?.parentSpanId, auth!.spanId, 'argon2 runs inside client authentication');
    assert.equal(byName('store clients.getClient')?.parentSpanId, auth!.spanId);
    assert.equal(byName('sign JWT')?.parentSpanId, root.spanId);
    assert.ok(byName('store tenants.getTenant') ?? byName('store tenants.findTenantByHost'), found.map((s) => s.name).join(', '));
  });

  it('marks the refusal on the span without failing it (a 4xx is an answer, not a fault)', async () => {
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4737';
    const res = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('signer', 'wrong'), traceparent: `00-${traceId}-00f067aa0ba902b8-01` },
      body: 'grant_type=client_credentials',
    });
    assert.equal(res.status, 401);
    const root = (await trace(traceId)).find((s) => s.kind === SERVER)!;
    assert.equal(root.attributes['tessera.error'], 'invalid_client');
    assert.equal(root.status.code, 0, 'UNSET');
  });

  it('traces Fastify routes too: the admin API\'s store calls are children of its server span', async () => {
    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('admin', adminSecret) },
      body: 'grant_type=client_credentials&scope=admin',
    });
    const { access_token: bearer } = (await token.json()) as { access_token: string };
    const traceId = '6bf92f3577b34da6a3ce929d0e0e4738';
    const res = await fetch(`${server.url}/admin/v1/tenants/default/clients`, {
      headers: { authorization: `Bearer ${bearer}`, traceparent: `00-${traceId}-00f067aa0ba902b9-01` },
    });
    assert.equal(res.status, 200);
    const found = await trace(traceId);
    const root = found.find((s) => s.kind === SERVER)!;
    assert.equal(root.name, 'GET admin');
    const listing = found.find((s) => s.name.startsWith('store clients.'));
    assert.equal(listing?.parentSpanId, root.spanId, found.map((s) => `${s.name}<-${s.parentSpanId}`).join(', '));
  });
});
