/**
 * The issuer a server advertises, through the real commands: the default
 * tenant's (and a CLI-made tenant's) issuer follows `publicUrl` and the port
 * of a later `serve` unless an operator chose one, and a start whose
 * advertised issuer is not where it listens says so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { json, runCli, startCliServer, type CliServer } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-issuer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshDb = () => join(dir, `issuer-${n++}.db`);

const metadataIssuer = async (url: string, path = '/.well-known/oauth-authorization-server') =>
  ((await (await fetch(`${url}${path}`)).json()) as { issuer: string }).issuer;

const mismatchWarning = (server: CliServer) => server.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith("the default tenant's issuer"));

async function serving<T>(args: string[], body: (server: CliServer) => Promise<T>): Promise<T> {
  const server = await startCliServer(args);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

describe('the advertised issuer', () => {
  it('follows the port of a later serve when init chose none, and says nothing', async () => {
    const db = freshDb();
    const init = json(await runCli(['init', '--db', db]));
    assert.equal(init.issuer, 'http://localhost:8080');
    assert.equal(json(await runCli(['tenants', 'show', 'default', '--db', db])).issuerFollowsServer, true);
    await serving(['--db', db], async (server) => {
      const port = new URL(server.url).port;
      assert.equal(await metadataIssuer(server.url), `http://localhost:${port}`);
      assert.equal(mismatchWarning(server), undefined);
    });
  });

  it('follows publicUrl, for the default tenant and for a tenant the CLI created without --issuer', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    assert.equal(json(await runCli(['tenants', 'create', 'acme', '--db', db])).issuer, 'http://localhost:8080/t/acme');
    await serving(['--db', db, '--public-url', 'https://auth.example.test'], async (server) => {
      assert.equal(await metadataIssuer(server.url), 'https://auth.example.test');
      assert.equal(await metadataIssuer(server.url, '/t/acme/.well-known/oauth-authorization-server'), 'https://auth.example.test/t/acme');
      assert.ok(server.logs.some((l) => l.tenant === 'acme' && l.issuer === 'https://auth.example.test/t/acme'), 'the change is logged');
      assert.equal(mismatchWarning(server), undefined);
    });
  });

  it('keeps an issuer an operator chose, and warns at start when it is not where the server listens', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    const updated = json(await runCli(['tenants', 'update', 'default', '--issuer', 'http://localhost:9', '--db', db]));
    assert.equal(updated.issuerFollowsServer, false);
    await serving(['--db', db], async (server) => {
      assert.equal(await metadataIssuer(server.url), 'http://localhost:9');
      const warning = mismatchWarning(server);
      assert.ok(warning, 'a warning names the mismatch');
      assert.equal(warning.issuer, 'http://localhost:9');
      assert.equal(warning.listening, server.url);
      assert.match(String(warning.msg), /is not where this server listens .* Set publicUrl .* 'tessera tenants update default --issuer URL'/);
    });
  });

  it('warns when a chosen issuer is not below publicUrl, and not when it is', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    await runCli(['tenants', 'update', 'default', '--issuer', 'https://old.example.test', '--db', db]);
    await serving(['--db', db, '--public-url', 'https://auth.example.test'], async (server) => {
      assert.match(String(mismatchWarning(server)?.msg), /is not below publicUrl https:\/\/auth\.example\.test/);
    });
    await serving(['--db', db, '--public-url', 'https://old.example.test'], async (server) => {
      assert.equal(mismatchWarning(server), undefined);
    });
  });
});
