/** A tenant's users: list with the account filter, find by username or id, create. */
import { useState } from 'preact/hooks';
import { admin, ApiError, type PageBody } from '../api.ts';
import { href, navigate } from '../router.ts';
import { Page } from '../shell.tsx';
import { ErrorBox, Pager } from '../components/messages.tsx';
import { ListFilter } from '../components/list-filter.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
import { useLoad } from '../components/use-load.ts';
import { Scroll } from '../components/scroll.tsx';

export interface User {
  tenantId: string;
  id: string;
  username: string;
  role: string;
  phoneNumbers: string[];
  accounts: string[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export function UsersPage(props: { tenant: string }) {
  const base = `/tenants/${encodeURIComponent(props.tenant)}/users`;
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const [account, setAccount] = useState('');
  const list = useLoad(() => {
    const query = new URLSearchParams({ perPage: String(perPage), page: String(page) });
    if (account !== '') query.set('account', account);
    return admin<PageBody<User>>('GET', `${base}?${query}`);
  }, [props.tenant, page, perPage, account]);
  const [searchError, setSearchError] = useState<unknown>();

  const search = async (event: Event) => {
    event.preventDefault();
    const wanted = String(new FormData(event.currentTarget as HTMLFormElement).get('user') ?? '').trim();
    setSearchError(undefined);
    if (wanted === '') return;
    try {
      const { data } = await admin<User>('GET', `${base}/${encodeURIComponent(wanted)}`);
      navigate('t', props.tenant, 'users', data.id);
    } catch (e) {
      setSearchError(e instanceof ApiError && e.status === 404 ? new Error(`No user named ${wanted} (or with that id) in ${props.tenant}.`) : e);
    }
  };

  return (
    <Page title={`Tenant ${props.tenant}: users`}>
      <form class="filters" onSubmit={search} role="search" aria-label="Find a user">
        <div class="field">
          <label for="user-search">Username or id</label>
          <input id="user-search" name="user" spellcheck={false} aria-describedby="user-search-help" />
          <p id="user-search-help" class="help">Usernames match without regard to case.</p>
        </div>
        <div class="actions"><button type="submit" class="secondary">Find</button></div>
      </form>
      {searchError !== undefined && <ErrorBox error={searchError} />}
      <ListFilter operationId="listUsers" account={account} perPage={perPage} onChange={(f) => { setAccount(f.account); setPerPage(f.perPage); setPage(1); }} />
      {list.error !== undefined && <ErrorBox error={list.error} />}
      {list.data && (
        <>
          <Scroll label="Users by username">
            <table>
              <caption class="sr-only">Users by username</caption>
              <thead><tr><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Phone numbers</th><th scope="col">Accounts</th><th scope="col">Enabled</th></tr></thead>
              <tbody>
                {list.data.data.items.map((u) => (
                  <tr key={u.id}>
                    <th scope="row"><a href={href('t', props.tenant, 'users', u.id)}>{u.username}</a></th>
                    <td>{u.role}</td><td class="wrap">{u.phoneNumbers.join(', ')}</td><td class="wrap">{u.accounts.join(' ')}</td><td>{u.enabled ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          {list.data.data.items.length === 0 && <p>No user{account ? ` acts for ${account}` : ''}.</p>}
          <Pager page={list.data.data.page} perPage={list.data.data.perPage} total={list.data.data.total} onPage={setPage} />
        </>
      )}
      <h2>Create a user</h2>
      <SchemaForm
        title="Create a user"
        operationId="createUser"
        submitLabel="Create user"
        initial={{ enabled: true }}
        fields={[
          { name: 'username', label: 'Username' },
          { name: 'password', label: 'Password', input: 'password', autocomplete: 'new-password' },
          { name: 'role', label: 'Role', hint: 'Empty: User.' },
          { name: 'phoneNumbers', label: 'Phone numbers', input: 'comma-list' },
          { name: 'accounts', label: 'Accounts' },
          { name: 'enabled', label: 'Enabled' },
        ]}
        onSubmit={async (body) => {
          const { data } = await admin<User>('POST', base, body);
          navigate('t', props.tenant, 'users', data.id);
        }}
      />
    </Page>
  );
}
