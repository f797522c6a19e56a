/**
 * The version of the installed package, read from its package.json: two
 * folders up from this module both in the sources (src/server/) and in the
 * built package (dist/server/).
 */
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}
