/** Seed 000's list options: items per page and the `account` filter, checked against the list route's query schema. */
import { useEffect, useState } from 'preact/hooks';
import { querySchema, validate, type Schema } from '../schema.ts';
import { HelpText } from './help-text.tsx';

export function ListFilter(props: { operationId: string; account: string; perPage: number; onChange(filter: { account: string; perPage: number }): void }) {
  const [schema, setSchema] = useState<Schema | undefined>();
  const [account, setAccount] = useState(props.account);
  const [perPage, setPerPage] = useState(String(props.perPage));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    querySchema(props.operationId).then(setSchema, () => setSchema(undefined));
  }, [props.operationId]);
  const perPageHelp = schema?.properties?.perPage?.description;
  const accountHelp = schema?.properties?.account?.description;
  const submit = (event: Event) => {
    event.preventDefault();
    const wanted = account.split(/[\s,]+/).filter(Boolean).join(',');
    const problems = schema === undefined ? [] : validate(schema, { perPage, ...(wanted ? { account: wanted } : {}) });
    // The range is the server's to check; its problem detail shows above the list.
    if (!/^\d+$/.test(perPage)) problems.push({ field: 'perPage', message: 'must be a whole number' });
    if (problems.length > 0) {
      setError(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
      return;
    }
    setError(undefined);
    props.onChange({ account: wanted, perPage: Number(perPage) });
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="List options" noValidate>
      <div class="field">
        <label for="filter-account">Accounts</label>
        <input id="filter-account" value={account} onInput={(e) => setAccount((e.currentTarget as HTMLInputElement).value)} aria-describedby="filter-account-help" spellcheck={false} />
        <p id="filter-account-help" class="help"><HelpText text={accountHelp ?? 'Account numbers, comma-separated.'} /></p>
      </div>
      <div class="field">
        <label for="filter-per-page">Per page</label>
        <input id="filter-per-page" type="number" inputMode="numeric" min={1} value={perPage} onInput={(e) => setPerPage((e.currentTarget as HTMLInputElement).value)} aria-describedby="filter-per-page-help" aria-invalid={error?.includes('perPage') ? 'true' : undefined} />
        <p id="filter-per-page-help" class="help"><HelpText text={perPageHelp ?? ''} /></p>
      </div>
      <div class="actions"><button type="submit" class="secondary">Apply</button></div>
      {error !== undefined && <p role="alert" class="error-text">{error}</p>}
    </form>
  );
}
