/**
 * wrk's side of a case: the Lua script that gives wrk its request (method,
 * path, headers such as HTTP Basic, a form or JSON body), spreads its
 * threads over several server addresses when a case has more than one
 * instance, and prints the figures the harness reads; and the parsing of
 * what wrk prints.
 *
 * The request is static (no `request()` function), so wrk formats it once per
 * thread and then only writes bytes: the generator's own cost stays that of
 * the socket calls, which the harness measures and reports.
 */

export interface WrkRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Every address the load goes to, as `http://host:port` origins; one wrk thread per address at least. */
  origins: string[];
}

/** The line the script's `done()` prints, before its JSON. */
export const RESULT_MARKER = '__TESSERA_BENCH__';

/**
 * A Lua string literal for any bytes: printable ASCII as itself, quotes and
 * backslashes escaped, everything else (control characters, UTF-8 bytes) as
 * a decimal `\ddd` escape, which Lua 5.1 and LuaJIT (wrk's) read as one byte.
 */
export function luaString(value: string): string {
  let out = '"';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function hostAndPort(origin: string): { host: string; port: string } {
  const url = new URL(origin);
  if (url.protocol !== 'http:') throw new Error(`wrk is given plain http origins only, not ${origin}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || '80' };
}

/**
 * The Lua script for one case. With several origins, `setup` gives thread i
 * the address of origin i modulo their count (wrk calls `setup` once per
 * thread before it starts), so each instance gets its share of the
 * connections for the whole run, as an L4 load balancer would spread them.
 */
export function wrkScript(request: WrkRequest): string {
  if (request.origins.length === 0) throw new Error('a wrk request needs at least one origin');
  const lines = ['-- Written by bench/lib/wrk-script.ts for one bench case.', `wrk.method = ${luaString(request.method)}`, `wrk.path = ${luaString(request.path)}`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.toLowerCase() === 'content-length' || name.toLowerCase() === 'host') continue; // wrk writes these itself
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  }
  if (request.body !== undefined) lines.push(`wrk.body = ${luaString(request.body)}`);
  if (request.origins.length > 1) {
    const targets = request.origins.map(hostAndPort);
    lines.push(
      '',
      `local targets = { ${targets.map((t) => `{ ${luaString(t.host)}, ${luaString(t.port)} }`).join(', ')} }`,
      'local assigned = 0',
      'function setup(thread)',
      '  local target = targets[assigned % #targets + 1]',
      '  thread.addr = wrk.lookup(target[1], target[2])[1]',
      '  assigned = assigned + 1',
      'end',
    );
  }
  lines.push(
    '',
    'function done(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('\\n${RESULT_MARKER}{"requests":%d,"durationUs":%d,"bytes":%d,' ..`,
    `    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..`,
    `    '"latencyUs":{"p50":%.1f,"p90":%.1f,"p99":%.1f,"p999":%.1f,"max":%.1f,"mean":%.1f}}\\n',`,
    '    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))',
    'end',
    '',
  );
  return lines.join('\n');
}

/** The command-line arguments of one wrk run (the script file written beforehand). */
export function wrkArgs(options: { scriptPath: string; origins: string[]; path: string; connections: number; threads: number; durationS: number; timeoutS?: number }): string[] {
  // Every origin needs a thread of its own, and wrk needs at least one connection per thread.
  const threads = Math.max(options.threads, options.origins.length);
  const connections = Math.max(options.connections, threads);
  return [
    `-t${threads}`,
    `-c${connections}`,
    `-d${Math.max(1, Math.round(options.durationS))}s`,
    `--timeout`,
    `${options.timeoutS ?? 10}s`,
    '-s',
    options.scriptPath,
    `${options.origins[0]}${options.path}`,
  ];
}

export interface WrkFigures {
  requests: number;
  durationS: number;
  /** Responses with a status of 400 or more (wrk's `errors.status`). */
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Reads the figures the script's `done()` printed; throws with wrk's own output when they are missing. */
export function parseWrkOutput(stdout: string): WrkFigures {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) throw new Error(`wrk printed no result line:\n${stdout.slice(-2000)}`);
  const raw = JSON.parse(line.slice(RESULT_MARKER.length)) as {
    requests: number;
    durationUs: number;
    errors: { connect: number; read: number; write: number; status: number; timeout: number };
    latencyUs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  };
  const ms = (us: number) => us / 1000;
  return {
    requests: raw.requests,
    durationS: raw.durationUs / 1e6,
    non2xx: raw.errors.status,
    socketErrors: raw.errors.connect + raw.errors.read + raw.errors.write,
    timeouts: raw.errors.timeout,
    p50Ms: ms(raw.latencyUs.p50),
    p90Ms: ms(raw.latencyUs.p90),
    p99Ms: ms(raw.latencyUs.p99),
    p999Ms: ms(raw.latencyUs.p999),
    maxMs: ms(raw.latencyUs.max),
    meanMs: ms(raw.latencyUs.mean),
  };
}
