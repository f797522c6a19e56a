/** The audit log with the admin API's filters: action (or prefix.*), actor, target, time range. */
import { useEffect, useState } from 'preact/hooks';
import { admin, type PageBody } from '../api.ts';
import { currentSession } from '../session.ts';
import { Page } from '../shell.tsx';
import { ErrorBox, formatTime, Pager } from '../components/messages.tsx';
import { useLoad } from '../components/use-load.ts';
import { querySchema, validate, type Schema } from '../schema.ts';
import { Scroll } from '../components/scroll.tsx';
import { HelpText } from '../components/help-text.tsx';

interface AuditEntry {
  at: number;
  actor: string;
  tenantId: string | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

const FILTERS = [
  ['action', 'Action', 'text'],
  ['actor', 'Actor', 'text'],
  ['target', 'Target', 'text'],
  ['from', 'From', 'datetime-local'],
  ['to', 'Until', 'datetime-local'],
] as const;

type Filters = Partial<Record<(typeof FILTERS)[number][0], string>>;

export function AuditPage(props: { tenant: string }) {
  const global = currentSession()?.global === true;
  const [everyTenant, setEveryTenant] = useState(false);
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [schema, setSchema] = useState<Schema | undefined>();
  const [filterError, setFilterError] = useState<string | undefined>();
  useEffect(() => {
    querySchema('listTenantAudit').then(setSchema, () => setSchema(undefined));
  }, []);
  const path = everyTenant ? '/audit' : `/tenants/${encodeURIComponent(props.tenant)}/audit`;
  const list = useLoad(() => {
    const query = new URLSearchParams({ ...filters, perPage: '50', page: String(page) } as Record<string, string>);
    return admin<PageBody<AuditEntry>>('GET', `${path}?${query}`);
  }, [path, JSON.stringify(filters), page]);

  const submit = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const next: Filters = {};
    for (const [name, , type] of FILTERS) {
      const value = String(data.get(name) ?? '').trim();
      if (value === '') continue;
      // datetime-local is the operator's local time without an offset; the API takes RFC 3339 with one.
      next[name] = type === 'datetime-local' ? new Date(value).toISOString() : value;
    }
    const problems = schema === undefined ? [] : validate(schema, next);
    if (problems.length > 0) {
      setFilterError(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
      return;
    }
    setFilterError(undefined);
    setFilters(next);
    setPage(1);
  };

  return (
    <Page title={`Tenant ${props.tenant}: audit log`}>
      <form class="filters" onSubmit={submit} aria-label="Audit filters" noValidate>
        {FILTERS.map(([name, label, type]) => {
          const help = schema?.properties?.[name]?.description;
          return (
            <div class="field" key={name}>
              <label for={`audit-${name}`}>{label}</label>
              <input id={`audit-${name}`} name={name} type={type as 'text'} spellcheck={false} step={type === 'datetime-local' ? 1 : undefined} aria-describedby={help ? `audit-${name}-help` : undefined} />
              {help && <p id={`audit-${name}-help`} class="help"><HelpText text={help} /></p>}
            </div>
          );
        })}
        {global && (
          <div class="field check">
            <input id="audit-every" type="checkbox" checked={everyTenant} onChange={(e) => { setEveryTenant((e.currentTarget as HTMLInputElement).checked); setPage(1); }} />
            <label for="audit-every">Every tenant</label>
          </div>
        )}
        <div class="actions"><button type="submit" class="secondary">Filter</button></div>
        {filterError !== undefined && <p role="alert" class="error-text">{filterError}</p>}
      </form>
      {list.error !== undefined && <ErrorBox error={list.error} />}
      {list.data && (
        <>
          <Scroll label="Audit entries, newest first">
            <table class="audit">
              <caption class="sr-only">Audit entries, newest first</caption>
              <thead><tr><th scope="col">When</th><th scope="col">Actor</th>{everyTenant && <th scope="col">Tenant</th>}<th scope="col">Action</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
              <tbody>
                {list.data.data.items.map((e, i) => (
                  <tr key={i}>
                    <td class="nowrap">{formatTime(e.at)}</td><td class="wrap">{e.actor}</td>{everyTenant && <td>{e.tenantId ?? '—'}</td>}
                    <th scope="row">{e.action}</th><td class="wrap"><code>{e.target}</code></td>
                    <td class="wrap"><code class="details">{JSON.stringify(e.details)}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          {list.data.data.items.length === 0 && <p>No entry matches.</p>}
          <Pager page={list.data.data.page} perPage={list.data.data.perPage} total={list.data.data.total} onPage={setPage} />
        </>
      )}
    </Page>
  );
}
