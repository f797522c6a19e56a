/** One client: settings, secret rotation with overlap, deletion. */
import { useState } from 'preact/hooks';
import { admin } from '../api.ts';
import { href, navigate } from '../router.ts';
import { Page } from '../shell.tsx';
import { ConfirmButton, ErrorBox, formatTime, Notice, SecretOnce } from '../components/messages.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
import { useLoad } from '../components/use-load.ts';
import { CLIENT_FIELDS, type Client } from './clients.tsx';

export function ClientPage(props: { tenant: string; clientId: string }) {
  const base = `/tenants/${encodeURIComponent(props.tenant)}/clients/${encodeURIComponent(props.clientId)}`;
  const client = useLoad(() => admin<Client>('GET', base), [base]);
  const [message, setMessage] = useState<string | undefined>();
  const [secret, setSecret] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const c = client.data?.data;
  return (
    <Page title={`Client ${props.clientId}`}>
      <p><a href={href('t', props.tenant, 'clients')}>All clients of {props.tenant}</a></p>
      {client.error !== undefined && <ErrorBox error={client.error} />}
      {message !== undefined && <Notice>{message}</Notice>}
      {error !== undefined && <ErrorBox error={error} />}
      {c && (
        <>
          <dl class="facts">
            <dt>Type</dt><dd>{c.clientType}</dd>
            <dt>Created</dt><dd>{formatTime(c.createdAt)}</dd>
            <dt>Secrets</dt>
            <dd>{c.secrets.length === 0 ? 'none' : c.secrets.map((s, i) => <span key={i} class="block">created {formatTime(s.createdAt)}{s.expiresAt !== null ? `, valid until ${formatTime(s.expiresAt)}` : ''}</span>)}</dd>
          </dl>
          <h2>Settings</h2>
          <SchemaForm
            title="Client settings"
            operationId="updateClient"
            changedOnly
            initial={c as unknown as Record<string, unknown>}
            submitLabel="Save client"
            fields={CLIENT_FIELDS}
            onSubmit={async (body) => {
              setMessage(undefined);
              await admin('PATCH', base, body);
              setMessage('Client saved.');
              client.reload();
            }}
          />
          {c.clientType === 'confidential' && (
            <>
              <h2>Rotate the secret</h2>
              {secret !== undefined ? (
                <SecretOnce label={`New secret of client ${props.clientId}`} secret={secret} onDone={() => setSecret(undefined)} />
              ) : (
                <SchemaForm
                  title="Rotate the client secret"
                  operationId="rotateClientSecret"
                  submitLabel="Rotate secret"
                  fields={[{ name: 'overlapSeconds', label: 'Overlap (seconds)', hint: 'The current secret keeps working this long, while the client is given the new one.' }]}
                  onSubmit={async (body) => {
                    setMessage(undefined);
                    const { data } = await admin<{ clientSecret?: string }>('POST', `${base}/rotate-secret`, body);
                    if (data.clientSecret !== undefined) setSecret(data.clientSecret);
                    client.reload();
                  }}
                />
              )}
            </>
          )}
          <h2>Delete</h2>
          <ConfirmButton danger label={`Delete client ${props.clientId}`} confirmLabel="Delete client"
            question={`Delete client ${props.clientId}? Its tokens stop being accepted at once. This cannot be undone.`}
            onConfirm={async () => {
              setError(undefined);
              try {
                await admin('DELETE', base);
                navigate('t', props.tenant, 'clients');
              } catch (e) {
                setError(e);
              }
            }} />
        </>
      )}
    </Page>
  );
}
