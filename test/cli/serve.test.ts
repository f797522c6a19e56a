/** `tessera serve` end to end: a fresh start, a token over a socket, and a graceful stop. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { json, runCli, startCliServer } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('tessera serve', () => {
  it('starts on a fresh directory with tessera.db created there, and answers /healthz', async () => {
    const cwd = mkdtempSync(join(dir, 'fresh-'));
    const server = await startCliServer([], { cwd });
    try {
      assert.ok(existsSync(join(cwd, 'tessera.db')), 'the SQLite file is created in the working directory');
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok', store: 'sqlite', rateLimitStore: { kind: 'memory', available: true } });
      assert.ok(server.logs.some((l) => l.msg === 'created the default tenant; run \'tessera init\' for an admin client'));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('gives a default tenant created on --port 0 the port it actually bound, not port 0', async () => {
    const cwd = mkdtempSync(join(dir, 'port0-'));
    const server = await startCliServer([], { cwd });
    try {
      const port = new URL(server.url).port;
      const metadata = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json();
      assert.equal(metadata.issuer, `http://localhost:${port}`);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('issues a token to the init admin client and never logs the secret or the token', async () => {
    const db = join(dir, 'tokens.db');
    const admin = json(await runCli(['init', '--db', db]));
    const server = await startCliServer(['--db', db]);
    const res = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`admin:${admin.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=admin',
    });
    assert.equal(res.status, 200);
    const token = (await res.json()).access_token as string;
    assert.equal(await server.stop(), 0);
    const logged = JSON.stringify(server.logs);
    assert.ok(server.logs.some((l) => l.msg === 'request' && l.path === '/oauth/token' && l.status === 200));
    assert.ok(!logged.includes(String(admin.clientSecret)));
    assert.ok(!logged.includes(token));
  });

  it('finishes an in-flight request on SIGTERM, then exits 0 and closes the database', async () => {
    const db = join(dir, 'graceful.db');
    const admin = json(await runCli(['init', '--db', db]));
    const server = await startCliServer(['--db', db]);
    const port = Number(new URL(server.url).port);
    const body = 'grant_type=client_credentials';
    const head = `POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic ${Buffer.from(`admin:${admin.clientSecret}`).toString('base64')}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (response += d));
    const ended = new Promise((resolve) => socket.on('close', resolve));
    await new Promise<void>((resolve) => socket.write(head, () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the request is now in flight, its body not yet sent
    const exit = server.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.write(body);
    await ended;
    assert.match(response, /^HTTP\/1\.1 200 /, response);
    assert.equal(await exit, 0);
    assert.ok(server.logs.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'));
  });

  it('exits non-zero with a clear message when the port is taken', async () => {
    const first = await startCliServer(['--db', join(dir, 'port.db')]);
    const port = new URL(first.url).port;
    const second = await runCli(['serve', '--port', port, '--db', join(dir, 'port2.db')]);
    await first.stop();
    assert.equal(second.code, 1);
    assert.match(second.stderr, /cannot start: .*EADDRINUSE/);
  });
});
