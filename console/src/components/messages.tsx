/** Errors, notices, the one-time secret and confirmations. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.ts';

/** An error as the server put it: a problem's title and detail, or an OAuth error and its description. */
export function ErrorBox(props: { error: unknown }) {
  const error = props.error;
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError ? error.status : undefined;
  return (
    <div role="alert" class="error-box">
      <strong>{status === undefined ? 'Error' : `HTTP ${status}`}</strong> {message}
    </div>
  );
}

export function Notice(props: { children: ComponentChildren }) {
  return <div role="status" class="notice">{props.children}</div>;
}

/** A generated secret, shown in this answer only, with a copy button. */
export function SecretOnce(props: { label: string; secret: string; onDone(): void }) {
  const [copied, setCopied] = useState<string | undefined>();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied('Copied to the clipboard.');
    } catch {
      const selection = getSelection();
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('secret-value')!);
      selection?.removeAllRanges();
      selection?.addRange(range);
      setCopied('The clipboard is not available here: the secret is selected, copy it with your keyboard.');
    }
  };
  return (
    <section class="secret" aria-labelledby="secret-title" tabIndex={-1} ref={ref}>
      <h2 id="secret-title">{props.label}</h2>
      <p><strong>Shown once.</strong> Tessera stores only a hash: copy the secret now, it cannot be shown again.</p>
      <code id="secret-value" class="secret-value">{props.secret}</code>
      <div class="actions">
        <button type="button" onClick={copy}>Copy secret</button>
        <button type="button" class="secondary" onClick={props.onDone}>I have stored it</button>
      </div>
      <p role="status">{copied}</p>
    </section>
  );
}

/** A modal confirmation (the native dialog traps focus and closes on Escape). */
export function ConfirmButton(props: { label: string; question: string; confirmLabel: string; danger?: boolean; onConfirm(): Promise<void> | void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      dialog.current?.close();
    }
  };
  return (
    <>
      <button type="button" class={props.danger ? 'danger' : 'secondary'} onClick={() => dialog.current?.showModal()}>{props.label}</button>
      <dialog ref={dialog} aria-label={props.label}>
        <p>{props.question}</p>
        <div class="actions">
          <button type="button" class={props.danger ? 'danger' : ''} disabled={busy} onClick={confirm}>{props.confirmLabel}</button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()} autofocus>Cancel</button>
        </div>
      </dialog>
    </>
  );
}

/** Seed 000's paging: page and perPage, from the list answer and its Link header. */
export function Pager(props: { page: number; perPage: number; total: number; onPage(page: number): void }) {
  const last = Math.max(1, Math.ceil(props.total / props.perPage));
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" class="secondary" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>Previous</button>
      <span>Page {props.page} of {last} · {props.total} in all</span>
      <button type="button" class="secondary" disabled={props.page >= last} onClick={() => props.onPage(props.page + 1)}>Next</button>
    </nav>
  );
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
