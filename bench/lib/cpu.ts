/**
 * CPU time from Linux's /proc, and the per-request arithmetic. CPU per
 * request moves far less than requests per second when other jobs share the
 * machine: a slowed server serves fewer requests but spends about the same
 * CPU on each.
 */

/** Linux reports process times in clock ticks of 1/USER_HZ s; USER_HZ is 100 on every mainstream build. */
export const TICK_MS = 10;

export interface ProcStatTimes {
  /** User and system time of the process (all its threads), in ticks. */
  utime: number;
  stime: number;
  /** User and system time of its children that it has waited for, in ticks. */
  cutime: number;
  cstime: number;
}

/**
 * Reads the times out of a `/proc/<pid>/stat` line. The command name (field
 * 2) is in parentheses and may itself hold spaces or parentheses, so the
 * fields are counted from the last `)`: utime, stime, cutime, cstime are
 * fields 14–17 of proc(5).
 */
export function parseProcStat(line: string): ProcStatTimes {
  const close = line.lastIndexOf(')');
  if (close === -1) throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 80)}`);
  // After ") " come field 3 (state) onwards, so field k is at index k - 3.
  const fields = line.slice(close + 2).trim().split(' ');
  const field = (k: number) => {
    const value = Number(fields[k - 3]);
    if (!Number.isFinite(value)) throw new Error(`field ${k} of a /proc/<pid>/stat line is not a number: ${line.slice(0, 80)}`);
    return value;
  };
  return { utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

/** CPU microseconds per request: CPU milliseconds spent over the requests served in the same window. */
export function cpuUsPerRequest(cpuMs: number, requests: number): number {
  if (!(requests > 0) || !(cpuMs >= 0)) return Number.NaN;
  return (cpuMs * 1000) / requests;
}

/** How many cores a process kept busy on average: CPU time over wall time. */
export function coresBusy(cpuMs: number, wallS: number): number {
  if (!(wallS > 0)) return Number.NaN;
  return cpuMs / 1000 / wallS;
}

/**
 * The throughput two instances would give together if each had cores of its
 * own, from what one instance spends per request alone and what each spends
 * per request when two share the load and the database: `instances ×
 * single ÷ shared`. It reads only CPU per request, so it holds on a machine
 * with fewer cores than instances; it assumes the database is not the bound
 * (docs/scaling.md checks that against the database's own measured rates).
 */
export function projectedScaling(instances: number, singleCpuUs: number, sharedCpuUs: number): number {
  if (!(singleCpuUs > 0) || !(sharedCpuUs > 0) || !(instances > 0)) return Number.NaN;
  return (instances * singleCpuUs) / sharedCpuUs;
}
