/** Field checks shared by the management services; each failure names its field. */
import { invalid } from './admin-error.ts';

export function requireString(value: unknown, field: string, pattern: RegExp, explain: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(field, explain);
  return value;
}

export function requireInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(field, 'must be true or false');
  return value;
}

export function requireList(value: unknown, field: string, item: RegExp, explain: string): string[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be a list');
  value.forEach((v, i) => {
    if (typeof v !== 'string' || !item.test(v)) throw invalid(`${field}[${i}]`, explain);
  });
  return [...new Set(value as string[])];
}

export function requireOneOf<T extends string>(value: unknown, field: string, values: readonly T[]): T {
  if (typeof value !== 'string' || !values.includes(value as T)) throw invalid(field, `must be one of ${values.join(', ')}`);
  return value as T;
}

export function requireUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw invalid(field, 'must be an http(s) URL');
  }
  return value.replace(/\/+$/, '');
}

/** RFC 6749 §3.3 scope-token. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
/** Account numbers (seed 000: `20000`): letters, digits, `-`, `_`. */
export const ACCOUNT = /^[0-9A-Za-z_-]{1,64}$/;
/** Host names and simple ids: seed 001 names tenants by host (`example.com`). */
export const TENANT_ID = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
/** Client ids: visible ASCII without ':' (it separates id and secret in Basic). */
export const CLIENT_ID = /^[\x21-\x39\x3B-\x7E]{1,255}$/;
