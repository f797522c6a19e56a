/**
 * Child processes for the harness: servers started with this Node (each in
 * its own process, so its memory is its own), readiness, graceful stop, and
 * resident-set sampling from /proc.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseProcStat, TICK_MS } from './cpu.ts';

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  /** The ready line's fields (url and whatever the server announced). */
  info: Record<string, unknown>;
  url: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Node flags placed before the script (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Where stdout and stderr go once the server is ready. */
  logFile: string;
  /** How readiness is known: a `{"ready":true,...}` line on stdout, or a 200 from this URL. */
  ready: { kind: 'line' } | { kind: 'http'; url: string };
  timeoutMs?: number;
}

export async function startServer(script: string, options: StartOptions): Promise<RunningProcess> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), script, ...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(options.logFile);
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timeoutMs = options.timeoutMs ?? 30_000;
  let info: Record<string, unknown> = {};

  const failed = exited.then((code) => {
    throw new Error(`server exited with code ${code} before it was ready (log: ${options.logFile})`);
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`server not ready after ${timeoutMs} ms (log: ${options.logFile})`)), timeoutMs).unref());

  if (options.ready.kind === 'line') {
    const lines = createInterface({ input: child.stdout! });
    const readyLine = new Promise<Record<string, unknown>>((resolve) => {
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed.ready === true) resolve(parsed);
        } catch {
          // not the ready line
        }
      });
    });
    info = await Promise.race([readyLine, failed, timeout]);
  } else {
    child.stdout!.pipe(log, { end: false });
    const url = options.ready.url;
    const poll = (async () => {
      for (;;) {
        try {
          const response = await fetch(url);
          await response.arrayBuffer();
          if (response.ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.race([poll, failed, timeout]);
    info = { url: new URL(url).origin };
  }
  failed.catch(() => {});

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      log.end();
    })());
  return { child, pid: child.pid!, info, url: String(info.url), stop };
}

/** Runs a forked worker script that answers one message with `{ ok, result | error }`. */
export function runWorker<T>(script: string, message: unknown, onSpawn?: (pid: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    onSpawn?.(child.pid!);
    let answered = false;
    child.once('message', (reply: { ok: boolean; result?: T; error?: string }) => {
      answered = true;
      if (reply.ok) resolve(reply.result as T);
      else reject(new Error(reply.error));
    });
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`worker ${script} exited with code ${code} without answering`));
    });
    child.send(message as object);
  });
}

/** Runs a command to completion and returns its stdout (throws with stderr on failure). */
export function runCommand(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.end(options.input ?? '');
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.trim() || out.trim()}`))));
  });
}

function statusField(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pid and all its descendants (for servers that fork workers). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const tid of readdirSync(`/proc/${pids[i]}/task`)) {
        const children = readFileSync(`/proc/${pids[i]}/task/${tid}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // gone
    }
  }
  return pids;
}

/**
 * Samples the resident set of process trees every `intervalMs` until
 * stopped: the peak of their sum, and the peak of the largest single process
 * (the per-process figure, for servers that fork workers).
 */
export function sampleRss(pids: number[], intervalMs = 200): { stop(): { peakBytes: number; peakProcessBytes: number; hwmBytes: number } } {
  let peak = 0;
  let peakProcess = 0;
  const sample = () => {
    const sizes = pids.flatMap(processTree).map((p) => statusField(p, 'VmRSS'));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total > peak) peak = total;
    for (const size of sizes) if (size > peakProcess) peakProcess = size;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const hwm = pids.flatMap(processTree).reduce((sum, p) => sum + statusField(p, 'VmHWM'), 0);
      return { peakBytes: peak, peakProcessBytes: peakProcess, hwmBytes: hwm };
    },
  };
}

/** CPU time (user + system, all threads, ms) used so far by these processes alone. */
export function cpuTimeOfPids(pids: number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      const times = parseProcStat(readFileSync(`/proc/${p}/stat`, 'utf8'));
      ticks += times.utime + times.stime;
    } catch {
      // gone
    }
  }
  return ticks * TICK_MS;
}

/**
 * CPU time (user + system, ms) used so far by process trees, from
 * /proc/<pid>/stat. Divided by the requests served it gives CPU per
 * request, a figure far less disturbed by other jobs on the machine than
 * requests per second.
 */
export function cpuTimeMs(pids: number[]): number {
  return cpuTimeOfPids(pids.flatMap(processTree));
}

/** A free loopback port (bound and released; the server binds it right after). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as import('node:net').AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
