import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { profileName, profileThread } from '../../bench/lib/profile.ts';

// Names as node --cpu-prof wrote them for one Tessera server: its main thread and the WAL checkpoint worker.
const MAIN = 'CPU.20261124.073646.5957.0.001.cpuprofile';
const WORKER = 'CPU.20261124.073647.5957.1.002.cpuprofile';

describe('bench profile names', () => {
  it("tells the main thread's profile from a worker's", () => {
    assert.equal(profileThread(MAIN), 0);
    assert.equal(profileThread(WORKER), 1);
    assert.equal(profileThread('introspect__tessera.cpuprofile'), undefined);
    assert.equal(profileThread('CPU.notes.txt'), undefined);
  });

  it("keeps the main thread's profile under the case's name and a worker's beside it", () => {
    assert.equal(profileName('introspect/tessera', MAIN), 'introspect__tessera.cpuprofile');
    assert.equal(profileName('introspect/tessera', WORKER), 'introspect__tessera.thread-1.cpuprofile');
  });
});
