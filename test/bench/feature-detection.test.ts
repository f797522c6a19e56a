/** A bench case waiting for a `serve` flag starts running when `tessera serve --help` lists exactly that flag. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mentionsFlag, tesseraHas } from '../../bench/lib/drivers.ts';
import { allCases } from '../../bench/lib/scenarios.ts';

const usage = `usage: tessera serve [--port N] [--metrics-port N] [--workers N]
--rate-limit RATE caps each client's token requests.`;

describe('bench feature detection', () => {
  it('finds a flag the usage lists, wherever it stands', () => {
    assert.equal(mentionsFlag(usage, '--port'), true);
    assert.equal(mentionsFlag(usage, '--rate-limit'), true);
    assert.equal(mentionsFlag(usage, '--workers'), true);
  });

  it('does not take a longer flag, or a flag inside another, for the one asked', () => {
    assert.equal(mentionsFlag(usage, '--metrics'), false);
    assert.equal(mentionsFlag(usage, '--rate'), false);
    assert.equal(mentionsFlag(usage, '--limit'), false);
  });

  it("runs every case of this build: each flag a case waits for is one this build's serve has", () => {
    const waiting = allCases().flatMap((c) => (c.needs ?? []).filter((need) => !tesseraHas(need)).map((need) => `${c.id} needs ${need}`));
    assert.deepEqual(waiting, []);
  });
});
