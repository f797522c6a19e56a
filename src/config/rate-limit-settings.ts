/**
 * The server-wide rate-limit settings: `rateLimits` (rules set apart from
 * their defaults) and `rateLimitStore` (where buckets live). The rules
 * themselves, their defaults and their meaning are core/rate-limit/rules.ts.
 */
import {
  formatRate, parseRate, RATE_LIMIT_RULES, rateSettingProblem, type RateSetting, type RuleName,
} from '../core/rate-limit/rules.ts';
import { ConfigError } from './setting.ts';

export type RuleOverrides = Partial<Record<RuleName, RateSetting>>;

/**
 * A file gives an object (`{"token": {"limit": 1000, "window": 10}, "login": "off"}`);
 * the environment and flags a list (`token=1000/10s,login=off`).
 */
export function parseRuleOverrides(value: unknown, key: string): RuleOverrides {
  const entries: [string, unknown][] = typeof value === 'string' ? listEntries(value, key) : objectEntries(value, key);
  const rules: RuleOverrides = {};
  for (const [name, setting] of entries) {
    if (!Object.hasOwn(RATE_LIMIT_RULES, name)) throw new ConfigError(`${key}.${name}`, `is not a rule (rules: ${Object.keys(RATE_LIMIT_RULES).join(', ')})`);
    const problem = rateSettingProblem(setting);
    if (problem !== undefined) throw new ConfigError(`${key}.${name}`, problem);
    rules[name as RuleName] = setting === 'off' ? 'off' : { limit: (setting as { limit: number }).limit, window: (setting as { window: number }).window };
  }
  return rules;
}

function objectEntries(value: unknown, key: string): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(key, 'must be an object of rule names to rates');
  return Object.entries(value);
}

function listEntries(text: string, key: string): [string, unknown][] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '').map((item) => {
    const eq = item.indexOf('=');
    const rate = eq === -1 ? undefined : parseRate(item.slice(eq + 1));
    if (rate === undefined) throw new ConfigError(key, `entry '${item}' is not RULE=LIMIT/WINDOW (e.g. token=1000/10s, login=10/1m) or RULE=off`);
    return [item.slice(0, eq).trim(), rate];
  });
}

/** `memory`, or a `redis://` / `rediss://` URL (the message never repeats it: it may hold a password). */
export function parseRateLimitStore(value: unknown, key: string): string {
  if (value === 'memory') return value;
  if (typeof value === 'string' && /^rediss?:\/\//i.test(value) && URL.canParse(value)) return value;
  throw new ConfigError(key, 'must be "memory" or a redis:// or rediss:// URL (percent-encode reserved characters in the password)');
}

/** The defaults, as the docs table shows them. */
export function defaultRulesDoc(): string {
  return Object.entries(RATE_LIMIT_RULES).map(([name, rule]) => `${name}=${formatRate(rule.default)}`).join(', ');
}
