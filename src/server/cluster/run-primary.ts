/**
 * `tessera serve --workers N`: this process becomes the cluster primary. It
 * serves nothing itself; N workers run the ordinary single-process server on
 * one shared port (node:cluster hands each accepted connection to a worker).
 * The primary replaces crashed workers and, on SIGTERM or SIGINT, forwards
 * SIGTERM so each worker shuts down gracefully.
 *
 * @see https://nodejs.org/api/cluster.html
 */
import cluster from 'node:cluster';
import { startManagementListener, type ManagementListener } from '../observability/management-listener.ts';
import { clusterExposition } from '../observability/prometheus.ts';
import { Supervisor, type SupervisorLog } from './supervisor.ts';
import type { RestartBackoff } from './restart-backoff.ts';

export interface PrimaryOptions {
  workers: number;
  /** The module each worker runs, and its arguments. */
  exec: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** Resolves with the signal that asks the cluster to stop. */
  stopSignal: Promise<string>;
  /** How long workers get to finish before they are killed. */
  stopTimeoutMs: number;
  /** Writes one log line (JSON, like the workers' own). */
  write(line: string): void;
  backoff?: RestartBackoff;
  /**
   * The management listener, served by the primary: `/metrics` sums every
   * worker's series (asked of each worker at the scrape), and `/health/ready`
   * is ready while every worker is listening.
   */
  management?: { host: string; port: number; token: string | undefined };
  /** Forward SIGHUP to the workers (they reload their TLS certificate); otherwise SIGHUP keeps its default meaning. */
  forwardHangup?: boolean;
}

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

/** Runs the primary until the stop signal; resolves with the exit code (1 if a worker had to be killed). */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  // The workers' lines come from pino; the primary's take the same shape so one log pipeline reads both.
  const log: SupervisorLog = (level, msg, fields) =>
    options.write(`${JSON.stringify({ level: LEVELS[level], time: Date.now(), pid: process.pid, service: 'tessera', role: 'primary', ...fields, msg })}\n`);
  cluster.setupPrimary({ exec: options.exec, args: options.args });
  const env = Object.fromEntries(Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined));
  const supervisor = new Supervisor({
    workers: options.workers,
    fork: () => {
      const worker = cluster.fork(env);
      return { pid: worker.process.pid, kill: (signal) => worker.process.kill(signal), once: (event, listener) => worker.once(event, listener) };
    },
    log,
    stopTimeoutMs: options.stopTimeoutMs,
    backoff: options.backoff,
  });
  // Each worker reports listening on its own; the group is ready while all of them are.
  const listening = new Set<number>();
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker) => listening.delete(worker.id));
  // A reload of the certificate (SIGHUP) is each worker's to do.
  const forwardHangup = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
  };
  if (options.forwardHangup === true) process.on('SIGHUP', forwardHangup);
  supervisor.start();
  let management: ManagementListener | undefined;
  if (options.management !== undefined) {
    const ready = async () => {
      const workers = `${listening.size} of ${options.workers} listening`;
      return { ready: listening.size === options.workers, checks: { workers: listening.size === options.workers ? 'ok' : workers } };
    };
    management = await startManagementListener({
      ...options.management,
      metrics: clusterExposition(),
      ready,
      onError: (error) => log('error', 'metrics scrape failed', { err: String(error) }),
    });
  }
  log('info', 'cluster primary started', { workers: options.workers, managementUrl: management?.url });
  const signal = await options.stopSignal;
  process.off('SIGHUP', forwardHangup);
  await management?.close();
  const { forced } = await supervisor.stop('SIGTERM');
  log('info', 'cluster stopped', { signal, forced });
  return forced === 0 ? 0 : 1;
}
