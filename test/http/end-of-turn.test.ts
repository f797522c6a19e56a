import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endOfTurn, requestArrived } from '../../src/http/end-of-turn.ts';
import type { FormEndpoint } from '../../src/http/form-endpoints.ts';
import { serveFormRequest } from '../../src/http/form-request.ts';

describe('endOfTurn', () => {
  it("is one promise for the whole turn, settled only after the turn's pending work and microtasks", async () => {
    const events: string[] = [];
    requestArrived();
    const first = endOfTurn();
    const second = endOfTurn();
    assert.equal(first, second);
    void first.then(() => events.push('end of turn'));
    // Work the turn still has: microtasks queued after the call settle first.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    events.push('microtasks done');
    await first;
    assert.deepEqual(events, ['microtasks done', 'end of turn']);
  });

  it('lets answers made after the end of the turn go at once, until the next request arrives', async () => {
    requestArrived();
    const end = endOfTurn();
    // What the token store's commit does: a setImmediate queued after the request arrived.
    const order: string[] = [];
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        void endOfTurn().then(() => order.push('late answer written'));
        queueMicrotask(() => {
          order.push('same check phase');
          resolve();
        });
      }),
    );
    await end;
    assert.deepEqual(order, ['late answer written', 'same check phase']);
    // A new request starts collecting again.
    requestArrived();
    const next = endOfTurn();
    assert.notEqual(next, end);
    let settled = false;
    void next.then(() => (settled = true));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    assert.equal(settled, false);
    await next;
  });

  it('holds a ready answer of a form endpoint until the end of the turn', async () => {
    const order: string[] = [];
    const endpoint: FormEndpoint = {
      path: '/x',
      methods: ['POST'],
      name: 'test endpoint',
      async respond() {
        order.push('answered');
        void (async () => {
          for (let i = 0; i < 20; i++) await Promise.resolve();
          order.push('microtasks done');
        })();
        return { headers: { 'content-type': 'application/json' }, body: '{}' };
      },
    };
    const server = createServer((req, res) => {
      const end = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        order.push('written');
        return end(...args);
      }) as typeof res.end;
      void serveFormRequest(endpoint, req, res, undefined, { bodyLimitBytes: 1000, trustProxy: false }, () => {
        throw new Error('nothing to log');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: 'a=b' });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '{}');
    server.close();
    assert.deepEqual(order, ['answered', 'microtasks done', 'written']);
  });
});
