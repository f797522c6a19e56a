/** Paging of the admin lists (seed 000's `perPage`/`page`/`account` conventions, already translated). */

/** One page of a list: 0-based offset, at most `limit` items, optionally only items carrying one of `accounts`. */
export interface PageQuery {
  offset: number;
  limit: number;
  /** Seed 000's `?account=20000,20001`: keep items that carry at least one of these. */
  accounts?: readonly string[];
}

export interface Page<T> {
  items: T[];
  /** Items matching the query across all pages. */
  total: number;
}
