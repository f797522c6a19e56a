/**
 * `tessera token`, run in-process against a stub token endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { run } from '../../src/cli/commands/token.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { decodeBasic, startStub, type RecordedRequest, type StubReply, type StubServer } from './helpers/stub-server.ts';

interface FakeIo extends CliIo {
  stdout: string;
  stderr: string;
}

function fakeIo(env: Record<string, string> = {}, stdin = ''): FakeIo {
  const io: FakeIo = {
    stdout: '',
    stderr: '',
    out: (text) => {
      io.stdout += text;
    },
    err: (text) => {
      io.stderr += text;
    },
    readStdin: async () => stdin,
    env,
    stopSignal: new Promise<string>(() => {}),
  };
  return io;
}

describe('tessera token', () => {
  const SECRET = 'cli-s3cret-value';
  let reply: (request: RecordedRequest) => StubReply = () => ({ status: 500 });
  let stub: StubServer;
  before(async () => {
    stub = await startStub((request) => reply(request));
  });
  after(() => stub.close());
  beforeEach(() => {
    stub.requests.length = 0;
    reply = () => ({ body: { access_token: 'cli-token', token_type: 'Bearer', expires_in: 3600, scope: 'read' } });
  });

  describe('tessera token: success', () => {
    test('prints the access token and a newline, with the secret taken from TESSERA_CLIENT_SECRET', async () => {
      const io = fakeIo({ TESSERA_CLIENT_SECRET: SECRET });

      const code = await run(['--url', `${stub.url}/oauth/token`, '--client-id', 'svc', '--scope', 'read'], io);

      assert.equal(code, 0);
      assert.equal(io.stdout, 'cli-token\n');
      assert.equal(io.stderr, '');
      assert.equal(decodeBasic(stub.requests[0]?.headers.authorization), `svc:${SECRET}`);
      assert.equal(stub.requests[0]?.body, 'grant_type=client_credentials&scope=read');
    });

    test('--json prints the whole token response', async () => {
      const io = fakeIo({ TESSERA_CLIENT_SECRET: SECRET });

      const code = await run(['--url', `${stub.url}/oauth/token`, '--client-id', 'svc', '--json'], io);

      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(io.stdout), { access_token: 'cli-token', token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    });

    test('--client-secret-env names another variable', async () => {
      const io = fakeIo({ VENDOR_SECRET: SECRET });

      const code = await run(['--url', `${stub.url}/t`, '--client-id', 'svc', '--client-secret-env', 'VENDOR_SECRET', '--auth', 'post'], io);

      assert.equal(code, 0);
      assert.equal(stub.requests[0]?.body, `grant_type=client_credentials&client_id=svc&client_secret=${SECRET}`);
    });

    test('--client-secret-stdin reads the secret without its trailing newline', async () => {
      const io = fakeIo({}, `${SECRET}\n`);

      const code = await run(['--url', `${stub.url}/t`, '--client-id', 'svc', '--client-secret-stdin', '--auth', 'json'], io);

      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(stub.requests[0]?.body ?? ''), { grant_type: 'client_credentials', client_id: 'svc', client_secret: SECRET });
      assert.equal(stub.requests[0]?.headers['content-type'], 'application/json');
    });

    test('--preset formWithTenant with --param tenant=... sends seed 001’s body', async () => {
      const io = fakeIo({ TESSERA_CLIENT_SECRET: SECRET });

      const code = await run(['--url', `${stub.url}/configapi/v2/oauth/token`, '--preset', 'formWithTenant', '--client-id', 'client-id', '--param', 'tenant=example.com'], io);

      assert.equal(code, 0);
      assert.equal(stub.requests[0]?.body, `grant_type=client_credentials&client_id=client-id&client_secret=${SECRET}&tenant=example.com`);
    });

    test('--preset owinPassword sends a GET with a body, the password from TESSERA_PASSWORD', async () => {
      const io = fakeIo({ TESSERA_PASSWORD: 'pw' });

      const code = await run(['--url', `${stub.url}/Token`, '--preset', 'owinPassword', '--username', 'alice'], io);

      assert.equal(code, 0, io.stderr);
      assert.equal(stub.requests[0]?.method, 'GET');
      assert.equal(stub.requests[0]?.headers['content-type'], 'application/json');
      assert.equal(stub.requests[0]?.body, 'grant_type=password&username=alice&password=pw');
    });

    test('--method GET with a body uses the Node transport', async () => {
      const io = fakeIo({ TESSERA_CLIENT_SECRET: SECRET });

      const code = await run(['--url', `${stub.url}/oauth/token`, '--client-id', 'svc', '--method', 'get', '--auth', 'json'], io);

      assert.equal(code, 0, io.stderr);
      assert.equal(stub.requests[0]?.method, 'GET');
      assert.equal(JSON.parse(stub.requests[0]?.body ?? '{}').client_secret, SECRET);
    });

    test('--issuer discovers the token endpoint', async () => {
      reply = (request) =>
        request.path === '/.well-known/oauth-authorization-server'
          ? { body: { issuer: stub.url, token_endpoint: `${stub.url}/oauth/token` } }
          : { body: { access_token: 'discovered', token_type: 'bearer' } };
      const io = fakeIo({ TESSERA_CLIENT_SECRET: SECRET });

      const code = await run(['--issuer', stub.url, '--client-id', 'svc'], io);

      assert.equal(code, 0, io.stderr);
      assert.equal(io.stdout, 'discovered\n');
      assert.equal(stub.requests[1]?.path, '/oauth/token');
    });

    test('--help prints usage and exits 0', async () => {
      const io = fakeIo();
      assert.equal(await run(['--help'], io), 0);
      assert.match(io.stdout, /usage: tessera token/);
    });
  });

  describe('tessera token: vendor errors exit 1', () => {
    test('prints "tessera token: <error>: <vendor description>" to stderr', async () => {
      reply = () => ({ status: 400, body: { error_description: 'Invalid client_id', error: 'Invalid_request' } });
      const io = fakeIo({ TESSERA_CLIENT_SECRET: SECRET });

      const code = await run(['--url', `${stub.url}/t`, '--client-id', 'nope', '--preset', 'basicForm'], io);

      assert.equal(code, 1);
      assert.equal(io.stdout, '');
      assert.equal(io.stderr, 'tessera token: invalid_request: Invalid client_id\n');
    });

    test('an error page echoing the request does not print the secret', async () => {
      reply = (request) => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: `failed for ${request.body}` });
      const io = fakeIo({ TESSERA_CLIENT_SECRET: SECRET });

      const code = await run(['--url', `${stub.url}/t`, '--client-id', 'svc', '--auth', 'post'], io);

      assert.equal(code, 1);
      assert.match(io.stderr, /^tessera token: unknown_error: failed for .*\[redacted\]/);
      assert.ok(!io.stderr.includes(SECRET));
    });

    test('a non-JSON success body exits 1 with a message', async () => {
      reply = () => ({ headers: { 'content-type': 'text/html' }, body: '<html>login</html>' });
      const io = fakeIo({ TESSERA_CLIENT_SECRET: SECRET });

      assert.equal(await run(['--url', `${stub.url}/t`, '--client-id', 'svc'], io), 1);
      assert.match(io.stderr, /^tessera token: token endpoint answered HTTP 200 with a body that is not a JSON object/);
    });
  });

  describe('tessera token: usage errors exit 2', () => {
    const cases: Array<{ name: string; args: string[]; env?: Record<string, string>; stderr: RegExp }> = [
      { name: 'no --url', args: ['--client-id', 'svc'], stderr: /exactly one of --url or --issuer/ },
      { name: 'an unknown option', args: ['--url', 'https://x.example/t', '--frobnicate'], stderr: /unknown option --frobnicate/ },
      { name: 'a bad --auth', args: ['--url', 'https://x.example/t', '--auth', 'digest'], stderr: /--auth must be one of/ },
      { name: 'a bad --method', args: ['--url', 'https://x.example/t', '--method', 'PUT'], stderr: /--method must be GET or POST/ },
      { name: 'an unknown preset', args: ['--url', 'https://x.example/t', '--preset', 'nope'], stderr: /unknown preset 'nope'/ },
      { name: 'a missing secret variable', args: ['--url', 'https://x.example/t', '--client-id', 'svc'], stderr: /TESSERA_CLIENT_SECRET is not set/ },
      { name: 'a reserved --param', args: ['--url', 'https://x.example/t', '--client-id', 'svc', '--param', 'grant_type=password'], env: { TESSERA_CLIENT_SECRET: 's' }, stderr: /may not set 'grant_type'/ },
      { name: 'a --param without =', args: ['--url', 'https://x.example/t', '--param', 'tenant'], stderr: /NAME=VALUE/ },
      { name: 'the password grant without --username', args: ['--url', 'https://x.example/t', '--grant', 'password'], stderr: /--username/ },
    ];
    for (const c of cases) {
      test(`${c.name}`, async () => {
        const io = fakeIo(c.env);
        assert.equal(await run(c.args, io), 2);
        assert.match(io.stderr, c.stderr);
        assert.equal(io.stdout, '');
      });
    }

    test('a secret on the command line is refused without being echoed', async () => {
      const io = fakeIo();

      const code = await run(['--url', `${stub.url}/t`, '--client-id', 'svc', `--client-secret=${SECRET}`], io);

      assert.equal(code, 2);
      assert.match(io.stderr, /--client-secret is not accepted/);
      assert.ok(!io.stderr.includes(SECRET));
      assert.equal(stub.requests.length, 0);
    });

    test('a stray positional argument is refused without being echoed', async () => {
      const io = fakeIo({ TESSERA_CLIENT_SECRET: 's' });

      assert.equal(await run(['--url', `${stub.url}/t`, '--client-id', 'svc', SECRET], io), 2);
      assert.ok(!io.stderr.includes(SECRET));
    });
  });
});
