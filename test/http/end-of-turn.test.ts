import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { EndOfTurn } from '../../src/http/end-of-turn.ts';
import type { FormEndpoint } from '../../src/http/form-endpoints.ts';
import { serveFormRequest } from '../../src/http/form-request.ts';
import { createLogger } from '../../src/http/logging.ts';
import { RequestIds } from '../../src/http/pipeline/request-ids.ts';
import { RequestPipeline } from '../../src/http/pipeline/request-pipeline.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('EndOfTurn', () => {
  it("is one promise for the whole turn, settled only after the turn's pending work and microtasks", async () => {
    const turn = new EndOfTurn();
    const events: string[] = [];
    turn.requestArrived();
    const first = turn.answersDue();
    assert.equal(turn.answersDue(), first);
    void first.then(() => events.push('end of turn'));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    events.push('microtasks done');
    await first;
    assert.deepEqual(events, ['microtasks done', 'end of turn']);
  });

  it('lets answers made after the end of the turn go at once, until the next request arrives', async () => {
    const turn = new EndOfTurn();
    turn.requestArrived();
    const end = turn.answersDue();
    // What the token store's commit does: a setImmediate queued after the request arrived.
    const order: string[] = [];
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        void turn.answersDue().then(() => order.push('late answer written'));
        queueMicrotask(() => {
          order.push('same check phase');
          resolve();
        });
      }),
    );
    await end;
    assert.deepEqual(order, ['late answer written', 'same check phase']);
    // A new request starts collecting again.
    turn.requestArrived();
    const next = turn.answersDue();
    assert.notEqual(next, end);
    let settled = false;
    void next.then(() => (settled = true));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    assert.equal(settled, false);
    await next;
  });
});

describe('serveFormRequest writes its answers at the end of the turn', () => {
  /** Serves `respond` on a fresh server with a fresh EndOfTurn; `order` records when the answer is written. */
  async function serve(respond: FormEndpoint['respond'], order: string[]): Promise<void> {
    const endpoint: FormEndpoint = { path: '/x', methods: ['POST'], name: 'test endpoint', route: { name: 'test', errorFormat: 'oauth' }, respond };
    const options = { bodyLimitBytes: 1000, endOfTurn: new EndOfTurn() };
    const pipeline = new RequestPipeline({ hooks: [], log: createLogger('silent'), requestIds: new RequestIds() });
    const server = createServer((req, res) => {
      const end = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        order.push('written');
        return end(...args);
      }) as typeof res.end;
      void serveFormRequest(endpoint, req, res, undefined, pipeline.begin(req, res, endpoint.route), options);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, { method: 'POST', body: 'a=b' });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '{}');
    } finally {
      server.close();
    }
  }

  it('holds an answer made in the poll phase until the end of the turn', async () => {
    const order: string[] = [];
    await serve(async () => {
      order.push('answered');
      void (async () => {
        for (let i = 0; i < 20; i++) await Promise.resolve();
        order.push('microtasks done');
      })();
      return { headers: { 'content-type': 'application/json' }, body: '{}' };
    }, order);
    assert.deepEqual(order, ['answered', 'microtasks done', 'written']);
  });

  it('writes an answer made at the end of the turn (after a group commit) in that same check phase', async () => {
    const order: string[] = [];
    await serve(async () => {
      await nextTurn(); // as the token store's commit: the answer is ready in the check phase
      setImmediate(() => order.push('next turn'));
      return { headers: { 'content-type': 'application/json' }, body: '{}' };
    }, order);
    await nextTurn();
    assert.deepEqual(order, ['written', 'next turn']);
  });
});
