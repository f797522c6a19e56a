/** Sign-in with an admin client's credentials (client credentials grant). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { sessionNotice, signIn } from '../session.ts';
import { ErrorBox, Notice } from '../components/messages.tsx';

export function SignIn() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const notice = sessionNotice();
  useEffect(() => {
    document.title = 'Sign in · Tessera console';
    heading.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    setError(undefined);
    if (field('clientId') === '' || String(data.get('secret') ?? '') === '') {
      setError(new Error('Enter the admin client’s id and secret.'));
      return;
    }
    setBusy(true);
    try {
      await signIn({ clientId: field('clientId'), secret: String(data.get('secret')), tenant: field('tenant'), scope: field('scope') });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1} ref={heading}>Tessera console</h1>
      <p>Sign in with an admin client’s credentials (the <code>admin</code> client that <code>tessera init</code> printed, or any client with an <code>admin</code> or <code>admin:&lt;tenant&gt;</code> scope). The access token stays in this page’s memory: reloading or closing the page signs you out.</p>
      {notice !== undefined && <Notice>{notice}</Notice>}
      <form onSubmit={submit} aria-label="Sign in" class="form" noValidate>
        <div class="field">
          <label for="sign-in-client">Client id</label>
          <input id="sign-in-client" name="clientId" autocomplete="username" required spellcheck={false} />
        </div>
        <div class="field">
          <label for="sign-in-secret">Client secret</label>
          <input id="sign-in-secret" name="secret" type="password" autocomplete="current-password" required />
        </div>
        <div class="field">
          <label for="sign-in-tenant">Tenant of the client</label>
          <input id="sign-in-tenant" name="tenant" aria-describedby="sign-in-tenant-help" spellcheck={false} />
          <p id="sign-in-tenant-help" class="help">Leave empty for the default tenant.</p>
        </div>
        <div class="field">
          <label for="sign-in-scope">Scope</label>
          <input id="sign-in-scope" name="scope" aria-describedby="sign-in-scope-help" spellcheck={false} />
          <p id="sign-in-scope-help" class="help">Leave empty for all of the client’s scopes, or ask for fewer, such as <code>admin:acme</code>.</p>
        </div>
        {error !== undefined && <ErrorBox error={error} />}
        <div class="actions"><button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button></div>
      </form>
    </main>
  );
}
