import type { Page, PageQuery } from '../../core/ports/paging.ts';
import { frozenCopy } from './copy.ts';

/** Pages an already ordered list the way the SQL adapters do, filtering by accounts first. */
export function pageOf<T>(ordered: readonly T[], query: PageQuery, accountsOf?: (item: T) => readonly string[]): Page<T> {
  const wanted = query.accounts;
  const matching = wanted && wanted.length > 0 && accountsOf
    ? ordered.filter((item) => accountsOf(item).some((a) => wanted.includes(a)))
    : ordered;
  return { items: matching.slice(query.offset, query.offset + query.limit).map((item) => frozenCopy(item as object) as T), total: matching.length };
}
