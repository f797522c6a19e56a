/**
 * List conventions of the admin API, after seed 000: `?perPage=10&page=1`
 * (perPage up to 2000) and `?account=20000,20001`. Answers carry the total
 * and RFC 8288 `Link` headers to the first, previous, next and last pages.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8288
 */
import { invalid } from '../../admin/admin-error.ts';
import { ACCOUNT } from '../../admin/validate.ts';
import type { Page, PageQuery } from '../../core/ports/paging.ts';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 2000;

export interface ListParameters {
  page: number;
  perPage: number;
  accounts: string[] | undefined;
}

/** Query schema shared by every list route (strings, checked by {@link parseListQuery}). */
export const LIST_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    page: { type: 'string', description: 'Page number, from 1. Default 1.' },
    perPage: { type: 'string', description: `Items per page, 1-${MAX_PER_PAGE}. Default ${DEFAULT_PER_PAGE}. Larger is an error, not a silent clamp.` },
    account: { type: 'string', description: 'Comma-separated account numbers; items carrying any of them are listed.' },
  },
} as const;

export function parseListQuery(query: { page?: string; perPage?: string; account?: string }): ListParameters {
  const page = wholeNumber(query.page, 'page', 1);
  const perPage = wholeNumber(query.perPage, 'perPage', DEFAULT_PER_PAGE);
  if (page < 1) throw invalid('page', 'must be 1 or more');
  if (perPage < 1 || perPage > MAX_PER_PAGE) throw invalid('perPage', `must be from 1 to ${MAX_PER_PAGE}`);
  let accounts: string[] | undefined;
  if (query.account !== undefined) {
    accounts = query.account.split(',').map((a) => a.trim());
    accounts.forEach((a, i) => {
      if (!ACCOUNT.test(a)) throw invalid(`account[${i}]`, 'must be an account number of letters, digits, - or _');
    });
  }
  return { page, perPage, accounts };
}

export function toPageQuery(list: ListParameters): PageQuery {
  return { offset: (list.page - 1) * list.perPage, limit: list.perPage, ...(list.accounts ? { accounts: list.accounts } : {}) };
}

export interface PageBody<T> {
  items: T[];
  page: number;
  perPage: number;
  total: number;
}

export function pageBody<T>(page: Page<T>, list: ListParameters): PageBody<T> {
  return { items: page.items, page: list.page, perPage: list.perPage, total: page.total };
}

/** The `Link` header for a page of `total` items, keeping the request's other query parameters. */
export function linkHeader(path: string, query: Record<string, string | undefined>, list: ListParameters, total: number): string {
  const last = Math.max(1, Math.ceil(total / list.perPage));
  const at = (page: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'page' && k !== 'perPage') params.set(k, v);
    params.set('page', String(page));
    params.set('perPage', String(list.perPage));
    return `<${path}?${params}>`;
  };
  const links = [`${at(1)}; rel="first"`];
  if (list.page > 1) links.push(`${at(Math.min(list.page - 1, last))}; rel="prev"`);
  if (list.page < last) links.push(`${at(list.page + 1)}; rel="next"`);
  links.push(`${at(last)}; rel="last"`);
  return links.join(', ');
}

function wholeNumber(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) throw invalid(field, 'must be a whole number');
  return Number(value);
}
