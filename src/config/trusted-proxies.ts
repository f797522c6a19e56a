/** The `trustedProxies` setting: a list of addresses, CIDR ranges and named ranges, each checked at start-up. */
import { addressRangeProblem } from '../core/addresses.ts';
import { ConfigError } from './setting.ts';

/** Accepts a list, or (from the environment or a flag) one comma-separated string. */
export function parseTrustedProxies(value: unknown, key: string): string[] {
  const entries = typeof value === 'string' ? value.split(',').map((e) => e.trim()).filter((e) => e !== '') : value;
  if (!Array.isArray(entries) || !entries.every((e) => typeof e === 'string')) {
    throw new ConfigError(key, 'must be a list of IP addresses or CIDR ranges');
  }
  for (const entry of entries) {
    const problem = addressRangeProblem(entry);
    if (problem !== undefined) throw new ConfigError(key, `entry ${problem}`);
  }
  return [...new Set(entries as string[])];
}
