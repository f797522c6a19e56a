/** How node:sqlite hands over Tessera's columns: JSON as text, lists as JSON arrays, booleans as 0/1. */
import { createRowMapper } from '../rows.ts';

export type { Row } from '../rows.ts';

export const mapRow = createRowMapper({
  json: (v) => JSON.parse(v as string),
  strings: (v) => JSON.parse(v as string) as string[],
  scope: (v) => ((v as string) === '' ? [] : (v as string).split(' ')),
  boolean: (v) => Number(v) === 1,
});
