/**
 * How management commands print what they did: JSON by default (the admin
 * API's representation, for scripts and `jq`), or a table for people
 * (`--output table`), where times read as ISO 8601 instead of milliseconds.
 */
import type { CliIo } from './io.ts';

export const OUTPUT_FORMATS = ['json', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * Fields holding an instant as milliseconds since the epoch: `createdAt`,
 * `lockedUntil`, an audit entry's `at`, and every other `…At` and `…Until`.
 */
const TIME_FIELD = /(^at$|At$|Until$)/;

/** An instant as ISO 8601 (UTC), or the value unchanged when it is not a time in milliseconds. */
function asTime(key: string, value: unknown): unknown {
  return TIME_FIELD.test(key) && typeof value === 'number' && Number.isFinite(value) ? new Date(value).toISOString() : value;
}

export function printResult(io: CliIo, value: unknown, format: OutputFormat): void {
  io.out(format === 'table' ? table(value) : `${JSON.stringify(value, null, 2)}\n`);
}

/** A list of records as rows and columns; anything else as `field  value` lines, nested fields named by their path. */
export function table(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)\n';
    if (value.every(isRecord)) return columns(value);
    return `${value.map((item) => cell('', item)).join('\n')}\n`;
  }
  if (!isRecord(value)) return `${cell('', value)}\n`;
  const rows = flatten(value, '');
  return columns(rows.map(([field, text]) => ({ field, value: text })), false);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Nested objects and lists of objects as `path.to.field` rows; lists of plain values joined by commas. */
function flatten(record: Record<string, unknown>, prefix: string): [string, string][] {
  return Object.entries(record).flatMap(([key, value]): [string, string][] => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isRecord(value)) return flatten(value, path);
    if (Array.isArray(value) && value.some(isRecord)) return value.flatMap((item, i) => (isRecord(item) ? flatten(item, `${path}[${i}]`) : [[`${path}[${i}]`, cell('', item)]]));
    return [[path, cell(key, value)]];
  });
}

/** One value as table text: times as ISO 8601, lists comma-separated, null and empty as `-`, nested records as JSON. */
function cell(key: string, value: unknown): string {
  const shown = humanTimes(key, value);
  if (shown === null || shown === undefined || shown === '') return '-';
  if (Array.isArray(shown)) return shown.length === 0 ? '-' : shown.map((item) => (isRecord(item) ? JSON.stringify(item) : String(item))).join(', ');
  if (isRecord(shown)) return JSON.stringify(shown);
  return String(shown);
}

/** The value with every time field in it, at any depth, as ISO 8601. */
function humanTimes(key: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => humanTimes('', item));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, humanTimes(k, v)]));
  return asTime(key, value);
}

function columns(rows: Record<string, unknown>[], header = true): string {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const body = rows.map((row) => names.map((name) => (header ? cell(name, row[name]) : String(row[name] ?? ''))));
  const lines = header ? [names.map((name) => name.toUpperCase()), ...body] : body;
  const widths = names.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  return `${lines.map((line) => line.map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
