/**
 * Streamed exports: rows go to the socket as they are read from the store,
 * in batches, so exporting 100,000 rows holds one batch in memory, not the file.
 */
import { Readable } from 'node:stream';
import { invalid } from '../../admin/admin-error.ts';
import type { AdminRouteContext } from './admin-route.ts';
import { csvRow } from './csv.ts';

export type ExportFormat = 'csv' | 'json';

export const EXPORT_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { type: 'string', enum: ['csv', 'json'], description: 'Default json' } },
} as const;

/** Column name → value, in order; the same for CSV headers and JSON members. */
export type Columns<T> = readonly [string, (row: T) => unknown][];

/** Rows written per chunk: few syscalls, small memory. */
const ROWS_PER_CHUNK = 256;

export function sendExport<T>(context: AdminRouteContext, name: string, columns: Columns<T>, rows: AsyncIterable<T>): unknown {
  const format = (context.query.format ?? 'json') as ExportFormat;
  if (format !== 'csv' && format !== 'json') throw invalid('format', 'must be csv or json');
  const body = Readable.from(format === 'csv' ? csvChunks(columns, rows) : jsonChunks(columns, rows));
  return context.reply
    .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .header('cache-control', 'no-store')
    .send(body);
}

async function* csvChunks<T>(columns: Columns<T>, rows: AsyncIterable<T>): AsyncGenerator<string> {
  yield csvRow(columns.map(([header]) => header));
  let chunk = '';
  let n = 0;
  for await (const row of rows) {
    chunk += csvRow(columns.map(([, value]) => value(row)));
    if (++n % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

async function* jsonChunks<T>(columns: Columns<T>, rows: AsyncIterable<T>): AsyncGenerator<string> {
  let chunk = '[';
  let n = 0;
  for await (const row of rows) {
    chunk += (n === 0 ? '' : ',') + JSON.stringify(Object.fromEntries(columns.map(([key, value]) => [key, value(row)])));
    if (++n % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]`;
}
