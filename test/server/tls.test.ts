/**
 * HTTPS as an operator runs it: `tessera serve --tls-cert --tls-key` with a
 * certificate made here by openssl, spoken to by curl and by Node's TLS
 * client. Only TLS 1.2+ with forward-secret AEAD ciphers is accepted; the
 * certificate is replaced on file change and on SIGHUP without dropping an
 * open connection, and a broken pair is refused while the old one serves on.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { request, Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate, type SecureVersion } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { curl } from '../helpers/curl.ts';
import { basic } from '../helpers/fixtures.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed P-256 certificate for localhost and 127.0.0.1, written to `<name>.crt` and `<name>.key`. */
function makeCertificate(name: string): { cert: string; key: string; pem: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { cert, key, pem: readFileSync(cert, 'utf8') };
}

/** Handshakes with `options` and resolves with what was agreed (or rejects with the handshake error). */
function handshake(port: number, options: { ca: string[]; minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string }) {
  return new Promise<{ protocol: string | null; cipher: string; subject: string }>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ...options }, () => {
      const peer: PeerCertificate = socket.getPeerCertificate();
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name, subject: String(peer.subject?.CN) });
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** GET over `agent` (a kept-alive connection when the agent has one); resolves with status and the certificate's CN. */
function get(url: string, path: string, agent: Agent, ca: string[]) {
  return new Promise<{ status: number; subject: string; reused: boolean }>((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, ca }, (res) => {
      const subject = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN);
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, subject, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tessera serve over HTTPS', () => {
  let server: TesseraProcess & { url: string };
  let port: number;
  let secret: string;
  const first = makeCertificate('first');
  const second = makeCertificate('second');
  const served = { cert: join(dir, 'served.crt'), key: join(dir, 'served.key') };
  const ca = [first.pem, second.pem];

  /** Replaces the served pair as a renewal does: new files renamed over the old ones. */
  const install = (pair: { cert: string; key: string }) => {
    copyFileSync(pair.cert, `${served.cert}.new`);
    copyFileSync(pair.key, `${served.key}.new`);
    renameSync(`${served.key}.new`, served.key);
    renameSync(`${served.cert}.new`, served.cert);
  };

  before(async () => {
    install(first);
    const db = join(dir, 'tls.db');
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    const created = await runCli(['clients', 'create', 'svc', '--db', db, '--grants', 'client_credentials']);
    secret = (JSON.parse(created.stdout) as { clientSecret: string }).clientSecret;
    server = await startServe(['--db', db, '--tls-cert', served.cert, '--tls-key', served.key]);
    port = Number(new URL(server.url).port);
  });
  after(() => server?.stop());

  it('announces an https URL and serves both request paths to curl', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const token = await curl(['--cacert', first.cert, '-u', `svc:${secret}`, '-d', 'grant_type=client_credentials', `${server.url}/oauth/token`]);
    assert.equal(token.status, 200, token.body);
    assert.equal(JSON.parse(token.body).token_type, 'Bearer');
    const live = await curl(['--cacert', first.cert, `${server.url}/health/live`]);
    assert.equal(live.status, 200);
    assert.deepEqual(JSON.parse(live.body), { status: 'live' });
    // Plain HTTP to the TLS port is not served.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health/live`));
  });

  it('speaks TLS 1.3 and 1.2 with forward-secret AEAD ciphers only', async () => {
    assert.equal((await handshake(port, { ca })).protocol, 'TLSv1.3');
    const tls12 = await handshake(port, { ca, maxVersion: 'TLSv1.2' });
    assert.equal(tls12.protocol, 'TLSv1.2');
    assert.match(tls12.cipher, /^ECDHE-(ECDSA|RSA)-(AES\d+-GCM|CHACHA20-POLY1305)/);
    await assert.rejects(handshake(port, { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }));
    // A TLS 1.2 client offering only CBC or static-RSA suites finds nothing in common.
    await assert.rejects(handshake(port, { ca, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:AES128-GCM-SHA256:AES128-SHA' }));
  });

  it('takes a renewed certificate on file change and on SIGHUP, keeping open connections', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await get(server.url, '/health/live', agent, ca);
      assert.deepEqual([before.status, before.subject], [200, 'first']);

      install(second);
      await server.waitForLine((l) => l.msg === 'TLS certificate reloaded');
      assert.equal((await handshake(port, { ca })).subject, 'second', 'new connections get the new certificate');
      const kept = await get(server.url, '/health/live', agent, ca);
      assert.deepEqual([kept.status, kept.subject, kept.reused], [200, 'first', true], 'the open connection carries on with the old one');

      // SIGHUP alone (no file changed) reads the files again.
      const reloads = () => server.lines.filter((l) => l.msg === 'TLS certificate reloaded').length;
      const seen = reloads();
      server.child.kill('SIGHUP');
      await server.waitForLine(() => reloads() > seen);
    } finally {
      agent.destroy();
    }
  });

  it('keeps serving the current certificate when the new pair does not load', async () => {
    const current = (await handshake(port, { ca })).subject;
    // The second certificate with the first key: a mismatched pair.
    copyFileSync(second.cert, `${served.cert}.new`);
    renameSync(`${served.cert}.new`, served.cert);
    copyFileSync(first.key, `${served.key}.new`);
    renameSync(`${served.key}.new`, served.key);
    await server.waitForLine((l) => l.msg === 'TLS certificate not reloaded; serving the previous one');
    assert.equal((await handshake(port, { ca })).subject, current);
    assert.equal(server.child.exitCode, null);
  });
});

describe('TLS configuration mistakes', () => {
  it('refuses a certificate without a key at start-up', async () => {
    const result = await runCli(['serve', '--port', '0', '--db', ':memory:', '--tls-cert', join(dir, 'first.crt')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /tlsKey is required with tlsCert/);
  });
});
