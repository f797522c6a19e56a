/** Phone access numbers (seed 001) and the CSV/JSON exports of numbers and users. */
import { useState } from 'preact/hooks';
import { admin, adminFetch, readError, type PageBody } from '../api.ts';
import { Page } from '../shell.tsx';
import { ConfirmButton, ErrorBox, formatTime, Notice, Pager } from '../components/messages.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
import { useLoad } from '../components/use-load.ts';
import { Scroll } from '../components/scroll.tsx';

interface AccessNumber {
  id: string;
  number: string;
  label: string;
  createdAt: number;
}

export function AccessNumbersPage(props: { tenant: string }) {
  const tenantPath = `/tenants/${encodeURIComponent(props.tenant)}`;
  const [page, setPage] = useState(1);
  const list = useLoad(() => admin<PageBody<AccessNumber>>('GET', `${tenantPath}/access-numbers?perPage=50&page=${page}`), [props.tenant, page]);
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();

  const download = async (what: 'users' | 'access-numbers', format: 'csv' | 'json') => {
    setMessage(undefined);
    setError(undefined);
    try {
      const response = await adminFetch('GET', `${tenantPath}/exports/${what}?format=${format}`);
      if (!response.ok) throw await readError(response);
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${what}.${format}`;
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `${props.tenant}-${name}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setMessage(`Downloaded ${link.download}.`);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={`Tenant ${props.tenant}: access numbers and exports`}>
      {message !== undefined && <Notice>{message}</Notice>}
      {error !== undefined && <ErrorBox error={error} />}
      <h2>Exports</h2>
      <p>Every row of the tenant, streamed by the server. CSV cells a spreadsheet would run as formulas are defused.</p>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => download('users', 'csv')}>Export users (CSV)</button>
        <button type="button" class="secondary" onClick={() => download('users', 'json')}>Export users (JSON)</button>
        <button type="button" class="secondary" onClick={() => download('access-numbers', 'csv')}>Export access numbers (CSV)</button>
        <button type="button" class="secondary" onClick={() => download('access-numbers', 'json')}>Export access numbers (JSON)</button>
      </div>
      <h2>Access numbers</h2>
      {list.error !== undefined && <ErrorBox error={list.error} />}
      {list.data && (
        <>
          <Scroll label="Access numbers">
            <table>
              <caption class="sr-only">Access numbers</caption>
              <thead><tr><th scope="col">Number</th><th scope="col">Label</th><th scope="col">Added</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {list.data.data.items.map((n) => (
                  <tr key={n.id}>
                    <th scope="row">{n.number}</th><td>{n.label}</td><td>{formatTime(n.createdAt)}</td>
                    <td><ConfirmButton danger label={`Remove ${n.number}`} confirmLabel="Remove" question={`Remove access number ${n.number}?`}
                      onConfirm={async () => {
                        setError(undefined);
                        try {
                          await admin('DELETE', `${tenantPath}/access-numbers/${encodeURIComponent(n.id)}`);
                          list.reload();
                        } catch (e) {
                          setError(e);
                        }
                      }} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          {list.data.data.items.length === 0 && <p>No access number yet.</p>}
          <Pager page={list.data.data.page} perPage={list.data.data.perPage} total={list.data.data.total} onPage={setPage} />
        </>
      )}
      <h3>Add an access number</h3>
      <SchemaForm
        title="Add an access number"
        operationId="createAccessNumber"
        submitLabel="Add number"
        fields={[{ name: 'number', label: 'Number' }, { name: 'label', label: 'Label' }]}
        onSubmit={async (body) => {
          const { data } = await admin<AccessNumber>('POST', `${tenantPath}/access-numbers`, body);
          setMessage(`Added ${data.number}.`);
          list.reload();
        }}
      />
    </Page>
  );
}
