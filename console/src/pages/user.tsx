/** One user: details, settings, password, lock state and unlock, disabling, deletion. */
import { useState } from 'preact/hooks';
import { admin } from '../api.ts';
import { href, navigate } from '../router.ts';
import { Page } from '../shell.tsx';
import { ConfirmButton, ErrorBox, formatTime, Notice } from '../components/messages.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
import { useLoad } from '../components/use-load.ts';
import type { User } from './users.tsx';

interface LockState {
  locked: boolean;
  failedCount: number;
  lockedUntil: number | null;
  lastFailureAt: number | null;
  lastFailureAddress: string | null;
}

export function UserPage(props: { tenant: string; userRef: string }) {
  const base = `/tenants/${encodeURIComponent(props.tenant)}/users/${encodeURIComponent(props.userRef)}`;
  const user = useLoad(() => admin<User>('GET', base), [base]);
  const lock = useLoad(() => admin<LockState>('GET', `${base}/lock`), [base]);
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const u = user.data?.data;
  const l = lock.data?.data;

  const act = async (what: () => Promise<void>) => {
    setMessage(undefined);
    setError(undefined);
    try {
      await what();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={u ? `User ${u.username}` : 'User'}>
      <p><a href={href('t', props.tenant, 'users')}>All users of {props.tenant}</a></p>
      {user.error !== undefined && <ErrorBox error={user.error} />}
      {message !== undefined && <Notice>{message}</Notice>}
      {error !== undefined && <ErrorBox error={error} />}
      {u && (
        <>
          <dl class="facts">
            <dt>Id (sub)</dt><dd><code>{u.id}</code></dd>
            <dt>Enabled</dt><dd>{u.enabled ? 'yes' : 'no'}</dd>
            <dt>Created</dt><dd>{formatTime(u.createdAt)}</dd>
            <dt>Changed</dt><dd>{formatTime(u.updatedAt)}</dd>
          </dl>
          <h2 id="lock-title">Lock state</h2>
          {lock.error !== undefined && <ErrorBox error={lock.error} />}
          {l && (
            <section aria-labelledby="lock-title">
              <p data-testid="lock-state" class={l.locked ? 'state state-locked' : 'state state-active'}>
                {l.locked ? `Locked until ${formatTime(l.lockedUntil)}` : 'Not locked'}
              </p>
              <dl class="facts">
                <dt>Failed passwords in a row</dt><dd>{l.failedCount}</dd>
                <dt>Last failure</dt><dd>{formatTime(l.lastFailureAt)}{l.lastFailureAddress ? ` from ${l.lastFailureAddress}` : ''}</dd>
              </dl>
              <div class="actions">
                <button type="button" class="secondary" onClick={() => lock.reload()}>Refresh lock state</button>
                <button type="button" disabled={!l.locked && l.failedCount === 0} onClick={() => act(async () => {
                  await admin('DELETE', `${base}/lock`);
                  setMessage(`${u.username} unlocked; the failure count is reset.`);
                  lock.reload();
                })}>Unlock</button>
              </div>
            </section>
          )}
          <h2>Settings</h2>
          <SchemaForm
            title="User settings"
            operationId="updateUser"
            changedOnly
            initial={u as unknown as Record<string, unknown>}
            submitLabel="Save user"
            fields={[
              { name: 'username', label: 'Username' },
              { name: 'role', label: 'Role' },
              { name: 'phoneNumbers', label: 'Phone numbers', input: 'comma-list' },
              { name: 'accounts', label: 'Accounts' },
              { name: 'enabled', label: 'Enabled', hint: 'Disabling revokes the user’s tokens.' },
            ]}
            onSubmit={async (body) => {
              setMessage(undefined);
              await admin('PATCH', base, body);
              setMessage('User saved.');
              user.reload();
            }}
          />
          <h2>Set the password</h2>
          <SchemaForm
            title="Set the password"
            operationId="updateUser"
            submitLabel="Set password"
            fields={[{ name: 'password', label: 'New password', input: 'password', autocomplete: 'new-password' }]}
            onSubmit={async (body) => {
              setMessage(undefined);
              if (body.password === undefined) throw new Error('Enter the new password.');
              await admin('PATCH', base, body);
              setMessage('Password set; the user’s earlier tokens are revoked.');
            }}
          />
          <h2>Disable or delete</h2>
          <div class="actions">
            {u.enabled && (
              <ConfirmButton label="Disable user" confirmLabel="Disable" question={`Disable ${u.username}? Their tokens are revoked and they cannot log in until enabled again.`}
                onConfirm={() => act(async () => {
                  await admin('PATCH', base, { enabled: false });
                  setMessage(`${u.username} disabled.`);
                  user.reload();
                })} />
            )}
            <ConfirmButton danger label="Delete user" confirmLabel="Delete user" question={`Delete ${u.username}? Their tokens are revoked. This cannot be undone.`}
              onConfirm={() => act(async () => {
                await admin('DELETE', base);
                navigate('t', props.tenant, 'users');
              })} />
          </div>
        </>
      )}
    </Page>
  );
}
