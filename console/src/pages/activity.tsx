/**
 * Activity: tokens issued per minute (by grant or by client) and error
 * answers per minute (by `error` code), from
 * `GET /admin/v1/tenants/{tenantId}/activity?minutes=N` (docs/console.md
 * gives the contract). A server whose admin API lacks the route says so; the
 * page never makes numbers up.
 */
import { useState } from 'preact/hooks';
import { admin, ApiError } from '../api.ts';
import { Page } from '../shell.tsx';
import { BarChart, type Stack } from '../components/bar-chart.tsx';
import { ErrorBox } from '../components/messages.tsx';
import { useLoad } from '../components/use-load.ts';

export interface Activity {
  tenant: string;
  /** ms: start of the first minute, end of the last (exclusive). */
  from: number;
  to: number;
  /** Every minute of the window, oldest first; a quiet minute has empty lists. */
  perMinute: {
    at: number;
    issued: { grant: string; clientId: string; count: number }[];
    errors: { error: string; count: number }[];
  }[];
}

const WINDOWS = [15, 60, 360, 1440];

export function ActivityPage(props: { tenant: string }) {
  const [minutes, setMinutes] = useState(60);
  const [by, setBy] = useState<'grant' | 'clientId'>('grant');
  const activity = useLoad(() => admin<Activity>('GET', `/tenants/${encodeURIComponent(props.tenant)}/activity?minutes=${minutes}`), [props.tenant, minutes]);
  const missing = activity.error instanceof ApiError && (activity.error.status === 405 || (activity.error.status === 404 && String(activity.error.body?.detail ?? '').startsWith('No route')));
  const data = activity.data?.data;
  const issued: Stack[] = (data?.perMinute ?? []).map((m) => ({ at: m.at, values: sum(m.issued.map((i) => [i[by], i.count])) }));
  const errors: Stack[] = (data?.perMinute ?? []).map((m) => ({ at: m.at, values: sum(m.errors.map((e) => [e.error, e.count])) }));
  return (
    <Page title={`Tenant ${props.tenant}: activity`}>
      <div class="filters">
        <div class="field">
          <label for="activity-window">Window</label>
          <select id="activity-window" value={String(minutes)} onChange={(e) => setMinutes(Number((e.currentTarget as HTMLSelectElement).value))}>
            {WINDOWS.map((w) => <option key={w} value={w}>last {w >= 60 ? `${w / 60} h` : `${w} min`}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="activity-by">Tokens by</label>
          <select id="activity-by" value={by} onChange={(e) => setBy((e.currentTarget as HTMLSelectElement).value as 'grant' | 'clientId')}>
            <option value="grant">grant type</option>
            <option value="clientId">client</option>
          </select>
        </div>
      </div>
      {missing ? (
        <div role="status" class="notice">
          <p><strong>This server does not report activity yet.</strong> Its admin API answered {(activity.error as ApiError).status} to <code>GET /admin/v1/tenants/{props.tenant}/activity</code>: {(activity.error as ApiError).message}.</p>
          <p>Tessera releases before the activity route do not count tokens and errors per minute; upgrade the server to see them here.</p>
        </div>
      ) : activity.error !== undefined ? (
        <ErrorBox error={activity.error} />
      ) : data ? (
        <>
          <BarChart title={`Tokens issued per minute, by ${by === 'grant' ? 'grant type' : 'client'}`} stacks={issued} unit="tokens" />
          <BarChart title="Error answers per minute, by error code" stacks={errors} unit="errors" />
        </>
      ) : (
        <p aria-busy="true">Loading…</p>
      )}
    </Page>
  );
}

function sum(entries: [string, number][]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, count] of entries) out[name] = (out[name] ?? 0) + count;
  return out;
}
