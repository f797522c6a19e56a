/**
 * Token paths matched in any letter case, as ASP.NET OWIN matches them
 * (seed 003's `/Token` also answers `/token` and `/TOKEN`): the dialect's
 * `pathCase: "insensitive"`. Both request paths use this one table: the
 * direct dispatcher to find the endpoint, Fastify to rewrite the URL to the
 * configured spelling before routing (so a method the path does not serve
 * still gets the endpoint's 405, not a 404). An exact match always wins.
 */

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export class CaseInsensitivePaths {
  /** Folded path → the path as configured (without a trailing slash). */
  readonly #canonical = new Map<string, string>();

  constructor(paths: readonly string[]) {
    for (const path of paths) {
      const bare = withoutTrailingSlash(path);
      this.#canonical.set(bare.toLowerCase(), bare);
    }
  }

  get size(): number {
    return this.#canonical.size;
  }

  /** The configured spelling of `path` (no query, no trailing slash), or undefined when it names none of these paths. */
  canonical(path: string): string | undefined {
    return this.#canonical.get(path.toLowerCase());
  }

  /**
   * `url` with its path spelled as configured, also under the `/t/<tenant>`
   * prefix (whose tenant keeps its case), keeping the query; undefined when
   * `url` names none of these paths.
   */
  rewrite(url: string): string | undefined {
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = queryStart === -1 ? '' : url.slice(queryStart);
    const slash = path.length > 1 && path.endsWith('/') ? '/' : '';
    const bare = withoutTrailingSlash(path);
    const whole = this.canonical(bare);
    if (whole !== undefined) return whole === bare ? undefined : `${whole}${slash}${query}`;
    if (!bare.startsWith('/t/')) return undefined;
    const end = bare.indexOf('/', 3);
    if (end <= 3) return undefined;
    const rest = this.canonical(bare.slice(end));
    if (rest === undefined || rest === bare.slice(end)) return undefined;
    return `${bare.slice(0, end)}${rest}${slash}${query}`;
  }
}
