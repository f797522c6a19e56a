/**
 * The command line's spelling of the `rateLimit` setting of tenants and
 * clients: `--rate-limit RULE=LIMIT/WINDOW` (`token=1000/10s`, `login=5/1m`),
 * `RULE=off`, or `RULE=default` to drop the override; repeatable. Tenants add
 * `--secret-lockout-*` like the user lockout's flags. The values are checked
 * by the same function as the admin API's (admin/rate-limit-settings.ts).
 */
import { parseRate } from '../core/rate-limit/rules.ts';
import { integerFlag, UsageError } from './common.ts';

/** Options every command that changes rate limits takes. */
export const RATE_LIMIT_OPTIONS = { 'rate-limit': { type: 'string', multiple: true } } as const;

export const SECRET_LOCKOUT_OPTIONS = {
  'secret-lockout-failures': { type: 'string' },
  'secret-lockout-wait': { type: 'string' },
  'secret-lockout-max-wait': { type: 'string' },
  'secret-lockout-reset': { type: 'string' },
} as const;

export const RATE_LIMIT_USAGE = `--rate-limit RULE=LIMIT/WINDOW (e.g. token=1000/10s, login=5/1m), RULE=off, or RULE=default
(drop this override); repeatable. Rules: token, introspection, revocation (tenant and client),
login (tenant). See docs/rate-limits.md.`;

/** The change the flags ask for, or undefined when they ask for none. */
export function rateLimitFlags(values: Record<string, unknown>): Record<string, unknown> | undefined {
  const change: Record<string, unknown> = {};
  for (const item of (values['rate-limit'] as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    const rule = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    const setting = text === 'default' ? null : parseRate(text);
    if (eq <= 0 || setting === undefined) throw new UsageError(`--rate-limit ${item}: expected RULE=LIMIT/WINDOW (e.g. token=1000/10s), RULE=off or RULE=default`);
    change[rule] = setting;
  }
  const lockout = Object.fromEntries(
    ([['failures', 'maxFailures'], ['wait', 'waitIncrement'], ['max-wait', 'maxWait'], ['reset', 'failureReset']] as const)
      .map(([flag, key]) => [key, integerFlag(values[`secret-lockout-${flag}`] as string | undefined, `secret-lockout-${flag}`)])
      .filter(([, v]) => v !== undefined),
  );
  if (Object.keys(lockout).length > 0) change.secretLockout = lockout;
  return Object.keys(change).length === 0 ? undefined : change;
}
