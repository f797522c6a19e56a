/**
 * The Lua script the bench gives wrk: string escaping, the static request,
 * several instances behind one wrk, and the figures read back. When wrk is
 * installed (bench/setup.sh), one bounded run against a local server checks
 * that wrk sends exactly the request the script describes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runLoad } from '../../bench/lib/generators.ts';
import { luaString, parseWrkOutput, RESULT_MARKER, wrkArgs, wrkScript } from '../../bench/lib/wrk-script.ts';

const basic = `Basic ${Buffer.from('bench:s3cr"t\\x').toString('base64')}`;
const request = {
  method: 'POST' as const,
  path: '/oauth/token',
  headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', 'Content-Length': '999', host: 'elsewhere' },
  body: 'grant_type=password&username=b%C3%A9n&password="q\\uote"\n',
  origins: ['http://127.0.0.1:8080'],
};

describe('bench wrk script', () => {
  it('writes any string as a Lua literal: quotes and backslashes escaped, other bytes as \\ddd', () => {
    assert.equal(luaString('plain text'), '"plain text"');
    assert.equal(luaString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(luaString('line\nnext\t'), '"line\\010next\\009"');
    assert.equal(luaString('é'), '"\\195\\169"');
  });

  it('gives wrk a static request: method, path, headers and body, leaving Content-Length and Host to wrk', () => {
    const script = wrkScript(request);
    assert.match(script, /^wrk\.method = "POST"$/m);
    assert.match(script, /^wrk\.path = "\/oauth\/token"$/m);
    assert.ok(script.includes(`wrk.headers["authorization"] = ${luaString(basic)}`));
    assert.ok(script.includes('wrk.headers["content-type"] = "application/x-www-form-urlencoded"'));
    assert.ok(script.includes(`wrk.body = ${luaString(request.body)}`));
    assert.doesNotMatch(script, /Content-Length|"host"/i);
    // No request() function: wrk formats the request once per thread.
    assert.doesNotMatch(script, /function request/);
    assert.doesNotMatch(script, /function setup/);
    assert.match(script, /function done\(summary, latency, requests\)/);
  });

  it('pins each wrk thread to one instance when the load is spread over several', () => {
    const script = wrkScript({ ...request, origins: ['http://127.0.0.1:8080', 'http://127.0.0.1:8081'] });
    assert.ok(script.includes('local targets = { { "127.0.0.1", "8080" }, { "127.0.0.1", "8081" } }'));
    assert.match(script, /function setup\(thread\)[\s\S]*thread\.addr = wrk\.lookup\(target\[1\], target\[2\]\)\[1\]/);
    assert.throws(() => wrkScript({ ...request, origins: [] }), /at least one origin/);
    assert.throws(() => wrkScript({ ...request, origins: ['https://a', 'https://b'] }), /plain http/);
  });

  it('asks for a thread per instance at least, and a connection per thread', () => {
    assert.deepEqual(wrkArgs({ scriptPath: 's.lua', origins: ['http://127.0.0.1:1', 'http://127.0.0.1:2'], path: '/p', connections: 32, threads: 1, durationS: 10 }), [
      '-t2',
      '-c32',
      '-d10s',
      '--timeout',
      '10s',
      '-s',
      's.lua',
      'http://127.0.0.1:1/p',
    ]);
    assert.deepEqual(wrkArgs({ scriptPath: 's.lua', origins: ['http://127.0.0.1:1'], path: '/', connections: 1, threads: 4, durationS: 0.2 }).slice(0, 3), ['-t4', '-c4', '-d1s']);
  });

  it('reads the figures done() printed, in milliseconds, and counts status ≥ 400 as errors', () => {
    const out = `Running 10s test @ http://127.0.0.1:1/\n  1 threads and 32 connections\n\n${RESULT_MARKER}{"requests":200000,"durationUs":10000000,"bytes":1,"errors":{"connect":0,"read":2,"write":1,"status":5,"timeout":3},"latencyUs":{"p50":812.0,"p90":1200.5,"p99":3400.0,"p999":9000.0,"max":12000.0,"mean":900.0}}\n`;
    const figures = parseWrkOutput(out);
    assert.equal(figures.requests, 200_000);
    assert.equal(figures.durationS, 10);
    assert.equal(figures.non2xx, 5);
    assert.equal(figures.socketErrors, 3);
    assert.equal(figures.timeouts, 3);
    assert.equal(figures.p50Ms, 0.812);
    assert.equal(figures.p99Ms, 3.4);
    assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'), /no result line/);
  });
});

const hasWrk = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).status === 0;

describe('bench wrk run', { skip: hasWrk ? false : 'wrk is not installed (bench/setup.sh installs it)' }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-wrk-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('sends the scripted request to every instance and reports its own CPU', async () => {
    const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const ports = new Set<number>();
    const servers = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<ReturnType<typeof createServer>>((resolve) => {
            const server = createServer((req, res) => {
              let body = '';
              req.setEncoding('utf8');
              req.on('data', (d: string) => (body += d));
              req.on('end', () => {
                ports.add((server.address() as AddressInfo).port);
                if (seen.length < 10) seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
                res.writeHead(req.headers.authorization === basic ? 200 : 401).end('{}');
              });
            });
            server.listen(0, '127.0.0.1', () => resolve(server));
          }),
      ),
    );
    try {
      const origins = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
      const result = await runLoad('wrk', { ...request, origins, connections: 2, threads: 1, durationS: 1 }, scratch, '.');
      assert.ok(result.requests > 0);
      assert.equal(result.non2xx, 0, 'every request carried the Basic header exactly');
      assert.equal(result.ok, result.requests);
      assert.ok(result.generatorCpuMs >= 0);
      const first = seen[0]!;
      assert.equal(first.method, 'POST');
      assert.equal(first.url, '/oauth/token');
      assert.equal(first.body, request.body);
      assert.equal(first.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(first.headers['content-length'], String(Buffer.byteLength(request.body)));
      assert.equal(ports.size, 2, 'both instances received load');
    } finally {
      for (const s of servers) s.close();
    }
  });
});
