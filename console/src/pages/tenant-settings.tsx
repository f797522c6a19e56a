/** A tenant's settings: issuer, lifetimes, login policy, signing algorithm, host names. */
import { useState } from 'preact/hooks';
import { admin } from '../api.ts';
import { Page } from '../shell.tsx';
import { ErrorBox, formatTime, Notice } from '../components/messages.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
import { useLoad } from '../components/use-load.ts';
import type { Tenant } from './tenants.tsx';

export function TenantSettingsPage(props: { tenant: string }) {
  const tenant = useLoad(() => admin<Tenant>('GET', `/tenants/${encodeURIComponent(props.tenant)}`), [props.tenant]);
  const [saved, setSaved] = useState(false);
  const t = tenant.data?.data;
  return (
    <Page title={`Tenant ${props.tenant}: settings`}>
      {tenant.error !== undefined && <ErrorBox error={tenant.error} />}
      {t && (
        <>
          <p class="muted">Created {formatTime(t.createdAt)}, last changed {formatTime(t.updatedAt)}.</p>
          {saved && <Notice>Settings saved.</Notice>}
          <SchemaForm
            title="Tenant settings"
            operationId="updateTenant"
            changedOnly
            initial={t as unknown as Record<string, unknown>}
            submitLabel="Save settings"
            fields={[
              { name: 'issuer', label: 'Issuer' },
              { name: 'signingAlg', label: 'Signing algorithm', hint: 'A change takes effect with the next key rotation.' },
              { name: 'accessTokenLifetime', label: 'Access token lifetime (seconds)' },
              { name: 'hosts', label: 'Host names' },
              { name: 'loginPolicy.lockout.maxFailures', label: 'Lockout: failures before a lock' },
              { name: 'loginPolicy.lockout.waitIncrement', label: 'Lockout: first lock (seconds)' },
              { name: 'loginPolicy.lockout.maxWait', label: 'Lockout: longest lock (seconds)' },
              { name: 'loginPolicy.lockout.failureReset', label: 'Lockout: failures forgotten after (seconds)' },
              { name: 'loginPolicy.refreshTokenLifetime', label: 'Refresh token lifetime (seconds)' },
              { name: 'loginPolicy.refreshTokenReuseGrace', label: 'Refresh token reuse grace (seconds)' },
              { name: 'loginPolicy.defaultPublicClient', label: 'Default public client' },
            ]}
            onSubmit={async (body) => {
              setSaved(false);
              await admin('PATCH', `/tenants/${encodeURIComponent(props.tenant)}`, body);
              setSaved(true);
              tenant.reload();
            }}
          />
        </>
      )}
    </Page>
  );
}
