/** The signed-in frame: header, tenant picker, navigation, and the page for the route. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { signOut, type SessionInfo } from './session.ts';
import { href, navigate, useRoute } from './router.ts';
import { TenantsPage } from './pages/tenants.tsx';
import { TenantSettingsPage } from './pages/tenant-settings.tsx';
import { KeysPage } from './pages/keys.tsx';
import { ClientsPage } from './pages/clients.tsx';
import { ClientPage } from './pages/client.tsx';
import { UsersPage } from './pages/users.tsx';
import { UserPage } from './pages/user.tsx';
import { AccessNumbersPage } from './pages/access-numbers.tsx';
import { AuditPage } from './pages/audit.tsx';
import { TokenToolsPage } from './pages/token-tools.tsx';
import { ActivityPage } from './pages/activity.tsx';

const SECTIONS: [string, string][] = [
  ['settings', 'Settings'],
  ['keys', 'Keys'],
  ['clients', 'Clients'],
  ['users', 'Users'],
  ['access-numbers', 'Access numbers & exports'],
  ['audit', 'Audit log'],
  ['tokens', 'Token tools'],
  ['activity', 'Activity'],
];

export function Shell(props: { session: SessionInfo }) {
  const { session } = props;
  const route = useRoute();
  const [first, tenantSegment, section = 'settings', item] = route.segments;
  const tenant = first === 't' ? tenantSegment : undefined;

  useEffect(() => {
    if (first !== undefined) return;
    // A tenant administrator with one tenant has nothing to choose.
    if (!session.global && session.tenants.length === 1) navigate('t', session.tenants[0]!, 'settings');
    else navigate('tenants');
  }, [first]);

  const page = pageFor(tenant, section, item, first);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('page-title')?.focus(); }}>Skip to content</a>
      <header class="top">
        <a class="brand" href={href('tenants')}>Tessera console</a>
        <TenantPicker session={session} tenant={tenant} section={section} />
        <SessionBadge session={session} />
        <button type="button" class="secondary" onClick={() => signOut()}>Sign out</button>
      </header>
      <div class="layout">
        <nav class="side" aria-label="Sections">
          <ul>
            <li><a href={href('tenants')} aria-current={first === 'tenants' ? 'page' : undefined}>Tenants</a></li>
          </ul>
          {tenant !== undefined && (
            <>
              <h2 class="nav-title">Tenant {tenant}</h2>
              <ul>
                {SECTIONS.map(([key, label]) => (
                  <li key={key}><a href={href('t', tenant, key)} aria-current={section === key ? 'page' : undefined}>{label}</a></li>
                ))}
              </ul>
            </>
          )}
        </nav>
        <main id="main">{page}</main>
      </div>
    </>
  );
}

function pageFor(tenant: string | undefined, section: string, item: string | undefined, first: string | undefined): ComponentChildren {
  if (tenant === undefined) return first === 'tenants' || first === undefined ? <TenantsPage /> : <NotFound />;
  switch (section) {
    case 'settings': return <TenantSettingsPage tenant={tenant} />;
    case 'keys': return <KeysPage tenant={tenant} />;
    case 'clients': return item === undefined ? <ClientsPage tenant={tenant} /> : <ClientPage tenant={tenant} clientId={item} />;
    case 'users': return item === undefined ? <UsersPage tenant={tenant} /> : <UserPage tenant={tenant} userRef={item} />;
    case 'access-numbers': return <AccessNumbersPage tenant={tenant} />;
    case 'audit': return <AuditPage tenant={tenant} />;
    case 'tokens': return <TokenToolsPage tenant={tenant} />;
    case 'activity': return <ActivityPage tenant={tenant} />;
    default: return <NotFound />;
  }
}

function NotFound() {
  return <Page title="Not found"><p>No such page. <a href={href('tenants')}>Back to the tenants</a>.</p></Page>;
}

/** A page: its title is the focus target after navigation, so screen readers announce it. */
export function Page(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Tessera console`;
    ref.current?.focus();
  }, [props.title]);
  return (
    <>
      <div class="page-head">
        <h1 id="page-title" tabIndex={-1} ref={ref}>{props.title}</h1>
        {props.actions}
      </div>
      {props.children}
    </>
  );
}

function TenantPicker(props: { session: SessionInfo; tenant: string | undefined; section: string }) {
  const { tenants } = props.session;
  return (
    <div class="picker">
      <label for="tenant-picker">Tenant</label>
      <select id="tenant-picker" value={props.tenant ?? ''} onChange={(e) => {
        const value = (e.currentTarget as HTMLSelectElement).value;
        if (value === '') navigate('tenants');
        else navigate('t', value, props.tenant === undefined ? 'settings' : props.section);
      }}>
        <option value="">All tenants</option>
        {tenants.map((t) => <option key={t} value={t}>{t}</option>)}
      </select>
    </div>
  );
}

function SessionBadge(props: { session: SessionInfo }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((props.session.expiresAt - now) / 1000));
  const scope = props.session.global ? 'every tenant' : props.session.tenants.join(', ') || 'no tenant';
  return (
    <p class="badge" aria-label="Session">
      <span>Signed in as <strong>{props.session.clientId}</strong>{props.session.tenant ? ` (${props.session.tenant})` : ''}</span>
      <span>Administers <strong data-testid="administers">{scope}</strong></span>
      <span>Token expires in <time>{Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}</time></span>
    </p>
  );
}
