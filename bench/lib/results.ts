/** The shape of one case's outcome, as printed and as written to results/<timestamp>.json. */
import type { ServerId } from './scenarios.ts';

export type CaseStatus = 'ok' | 'n/a' | 'error';

export interface CaseResult {
  id: string;
  scenario: string;
  server: ServerId;
  label: string;
  status: CaseStatus;
  /** Why a case is n/a or failed. */
  note?: string;
  /** Successful (2xx) responses per second over the measured window. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx responses plus socket errors and timeouts. */
  errors: number;
  /** Total responses in the measured window. */
  requests: number;
  /** Server CPU time (user + system) per response, warm-up included (µs). */
  cpuUsPerRequest: number;
  /** Peak resident set of the server's process tree, sampled during load (MB). */
  rssPeakMb: number;
  /** The kernel's high-water mark of the server process over its whole life (MB), for reference. */
  vmHwmMb: number;
  /** Ratios of this case's rps to the cases it is compared with (case id → ratio). */
  ratios: Record<string, number>;
  /**
   * The same comparisons by CPU time per request (other ÷ this): how many
   * times less CPU this case spends per request. Steadier than req/s when
   * other jobs share the machine, because cases run one after the other.
   */
  cpuRatios?: Record<string, number>;
  /** Status codes seen during load (code → count). */
  statusCodes?: Record<string, number>;
  /** Extra facts: versions, seed time, token format checks. */
  facts?: Record<string, unknown>;
}

export function emptyResult(base: Pick<CaseResult, 'id' | 'scenario' | 'server' | 'label'>, status: CaseStatus, note?: string): CaseResult {
  return { ...base, status, ...(note ? { note } : {}), rps: 0, cpuUsPerRequest: 0, p50Ms: 0, p99Ms: 0, errors: 0, requests: 0, rssPeakMb: 0, vmHwmMb: 0, ratios: {} };
}
