/**
 * The two load generators behind one call: wrk (the default: C, one thread
 * per address, a small fraction of a core at these rates) and autocannon (in
 * a forked Node process; kept as the second generator, so a figure can be
 * checked against a generator built differently). Each run reports the
 * generator's own CPU, because on a 2-core machine whatever the generator
 * takes the server cannot have.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TICK_MS, parseProcStat } from './cpu.ts';
import { runWorker } from './proc.ts';
import { parseWrkOutput, wrkArgs, wrkScript } from './wrk-script.ts';

export type GeneratorId = 'wrk' | 'autocannon';
export const GENERATORS: readonly GeneratorId[] = ['wrk', 'autocannon'];

export interface LoadRequest {
  /** Every `http://host:port` origin the load goes to (several for a multi-instance case). */
  origins: string[];
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
  /** wrk threads (at least one per origin); autocannon ignores it. */
  threads: number;
}

export interface LoadResult {
  durationS: number;
  /** Every response, whatever its status. */
  requests: number;
  /** Responses the generator counted as successful (2xx for autocannon, below 400 for wrk). */
  ok: number;
  /** `ok` per second. */
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  socketErrors: number;
  timeouts: number;
  /** CPU time (user + system) the generator spent in this window, all its threads (ms). */
  generatorCpuMs: number;
  statusCodes?: Record<string, number>;
}

const WRK_CPU_MARKER = '__WRK_CPU__';

/**
 * Runs wrk under a shell that, once wrk has exited, prints its own
 * /proc/<pid>/stat: the shell has waited for wrk, so wrk's whole CPU time
 * (both its threads) is in the shell's children's times.
 */
async function runWrk(request: LoadRequest, scratchDir: string): Promise<LoadResult> {
  const scriptPath = join(scratchDir, 'wrk-request.lua');
  writeFileSync(scriptPath, wrkScript({ method: request.method, path: request.path, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}), origins: request.origins }));
  const args = wrkArgs({ scriptPath, origins: request.origins, path: request.path, connections: request.connections, threads: request.threads, durationS: request.durationS });
  const shell = `wrk "$@"; status=$?; read -r stat < /proc/$$/stat; echo; echo "${WRK_CPU_MARKER} $stat"; exit $status`;
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('sh', ['-c', shell, 'sh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  if (code === 127 || /wrk: (command )?not found/.test(stderr)) throw new Error('wrk is not installed: run bench/setup.sh (apt-get install wrk), or pass --generator autocannon');
  if (code !== 0) throw new Error(`wrk exited ${code}: ${stderr.trim() || stdout.slice(-500)}`);
  const figures = parseWrkOutput(stdout);
  const cpuLine = stdout.split('\n').find((l) => l.startsWith(WRK_CPU_MARKER));
  if (cpuLine === undefined) throw new Error('the wrk wrapper printed no CPU line');
  const times = parseProcStat(cpuLine.slice(WRK_CPU_MARKER.length + 1));
  const ok = figures.requests - figures.non2xx;
  return {
    durationS: figures.durationS,
    requests: figures.requests,
    ok,
    rps: ok / figures.durationS,
    p50Ms: figures.p50Ms,
    p90Ms: figures.p90Ms,
    p99Ms: figures.p99Ms,
    maxMs: figures.maxMs,
    non2xx: figures.non2xx,
    socketErrors: figures.socketErrors,
    timeouts: figures.timeouts,
    generatorCpuMs: (times.cutime + times.cstime) * TICK_MS,
  };
}

/** Runs one load window with the chosen generator. */
export async function runLoad(generator: GeneratorId, request: LoadRequest, scratchDir: string, benchDir: string): Promise<LoadResult> {
  if (generator === 'wrk') return runWrk(request, scratchDir);
  return runWorker<LoadResult>(join(benchDir, 'workers/load.ts'), request);
}
