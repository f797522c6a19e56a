import { invalid } from '../../admin/admin-error.ts';
import type { Page } from '../../core/ports/paging.ts';
import type { AdminRouteContext } from './admin-route.ts';
import { linkHeader, pageBody, parseListQuery, toPageQuery, type ListParameters, type PageBody } from './pagination.ts';

export interface ListOptions {
  /**
   * What the listed items are, when they carry no account numbers: seed
   * 000's `account` filter is then refused (400) rather than ignored, so a
   * caller never takes an unfiltered list for a filtered one.
   */
  withoutAccounts?: string;
}

/**
 * Runs a paged list, seed 000's conventions on every list of the admin API:
 * parses `page`/`perPage`/`account` (a 400 problem naming the parameter for a
 * malformed one), fetches, and sets `Link` and `X-Total-Count`.
 */
export async function listReply<T>(
  context: AdminRouteContext,
  fetch: (query: ReturnType<typeof toPageQuery>, list: ListParameters) => Promise<Page<T>>,
  options: ListOptions = {},
): Promise<PageBody<T>> {
  const list = parseListQuery(context.query);
  if (list.accounts !== undefined && options.withoutAccounts !== undefined) throw invalid('account', `${options.withoutAccounts} carry no accounts`);
  const page = await fetch(toPageQuery(list), list);
  const path = context.request.url.split('?', 1)[0]!;
  context.reply.header('link', linkHeader(path, context.query, list, page.total)).header('x-total-count', String(page.total));
  return pageBody(page, list);
}

/** One page of a list held whole in memory (lists that are always short: tenants, signing keys). */
export function pageOfAll<T>(all: readonly T[], query: { offset: number; limit: number }): Page<T> {
  return { items: all.slice(query.offset, query.offset + query.limit), total: all.length };
}
