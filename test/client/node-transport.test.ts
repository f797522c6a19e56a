/**
 * nodeTransport: the optional Node transport that can send what fetch() cannot.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nodeTransport } from '../../src/client/node-transport.ts';
import { startStub, type StubReply, type StubServer } from './helpers/stub-server.ts';

describe('node transport', () => {
  let reply: StubReply = {};
  let stub: StubServer;
  before(async () => {
    stub = await startStub(() => reply);
  });
  after(() => stub.close());

  describe('nodeTransport', () => {
    test('fetch() itself refuses a GET with a body, which is why this transport exists', async () => {
      await assert.rejects(fetch(`${stub.url}/Token`, { method: 'GET', body: 'grant_type=password' }), TypeError);
    });

    test('sends a GET with a body and its Content-Length', async () => {
      reply = { body: { ok: true } };
      const before = stub.requests.length;

      const response = await nodeTransport(`${stub.url}/Token`, {
        method: 'GET',
        headers: new Headers({ 'content-type': 'application/json' }),
        body: 'grant_type=password&username=ü',
      });

      const request = stub.requests[before];
      assert.equal(request?.method, 'GET');
      assert.equal(request?.body, 'grant_type=password&username=ü');
      assert.equal(request?.headers['content-length'], String(new TextEncoder().encode('grant_type=password&username=ü').byteLength));
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { ok: true });
    });

    test('returns status, headers and body of an error response as a Response', async () => {
      reply = { status: 400, headers: { 'content-type': 'text/html', 'x-request-id': 'r1' }, body: '<html>bad</html>' };

      const response = await nodeTransport(`${stub.url}/x`, { method: 'POST', headers: new Headers(), body: 'a=b' });

      assert.equal(response.status, 400);
      assert.equal(response.headers.get('x-request-id'), 'r1');
      assert.equal(await response.text(), '<html>bad</html>');
    });

    test('a 204 becomes a Response without a body', async () => {
      reply = { status: 204 };
      const response = await nodeTransport(`${stub.url}/x`, { method: 'GET', headers: new Headers() });
      assert.equal(response.status, 204);
      assert.equal(await response.text(), '');
    });

    test('rejects when the signal aborts', async () => {
      reply = { delay: 500, body: {} };
      const controller = new AbortController();
      const pending = nodeTransport(`${stub.url}/slow`, { method: 'GET', headers: new Headers(), signal: controller.signal });
      controller.abort();
      await assert.rejects(pending, { name: 'AbortError' });
    });
  });
});
