import type { Page } from '../../core/ports/paging.ts';
import type { AdminRouteContext } from './admin-route.ts';
import { linkHeader, pageBody, parseListQuery, toPageQuery, type ListParameters, type PageBody } from './pagination.ts';

/** Runs a paged list: parses `page`/`perPage`/`account`, fetches, and sets `Link` and `X-Total-Count`. */
export async function listReply<T>(
  context: AdminRouteContext,
  fetch: (query: ReturnType<typeof toPageQuery>, list: ListParameters) => Promise<Page<T>>,
): Promise<PageBody<T>> {
  const list = parseListQuery(context.query);
  const page = await fetch(toPageQuery(list), list);
  const path = context.request.url.split('?', 1)[0]!;
  context.reply.header('link', linkHeader(path, context.query, list, page.total)).header('x-total-count', String(page.total));
  return pageBody(page, list);
}
