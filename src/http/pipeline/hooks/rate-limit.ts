/**
 * Rate limits as a pipeline hook, so they hold on both request paths (the
 * direct dispatcher and every Fastify route). Per-address rules are checked
 * when a request arrives; per-client and per-user rules when the endpoint
 * reports who is calling (core/caller.ts), before the costly part of its
 * work. A refusal is a {@link RateLimitedError}: 429 with `Retry-After` and
 * the IETF `RateLimit-Policy` and `RateLimit` fields, written by the one
 * error writer in the route's format (RFC 6749 §5.2 JSON on the OAuth
 * endpoints, an RFC 9457 problem on the admin API).
 *
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4 429 Too Many Requests
 */
import { addressKey } from '../../../core/addresses.ts';
import type { CallerEvent } from '../../../core/caller.ts';
import { RateLimitedError, type LimitOutcome, type RateLimiter } from '../../../core/rate-limit/limiter.ts';
import { clientSubject, effectiveRate, userSubject } from '../../../core/rate-limit/policy.ts';
import type { ClientRule, RuleName, RuleSettings } from '../../../core/rate-limit/rules.ts';
import type { RequestContext } from '../request-context.ts';
import type { RequestHook } from '../request-pipeline.ts';

/** The per-address rule of each route (by RouteInfo name); routes not listed (health, console) have none. */
const ADDRESS_RULES: Readonly<Record<string, RuleName>> = {
  token: 'oauth-address',
  introspection: 'oauth-address',
  revocation: 'oauth-address',
  metadata: 'discovery-address',
  jwks: 'discovery-address',
  admin: 'admin-address',
  'not-found': 'admin-address',
};

/** The per-client rule of each route whose client authenticates in the core. */
const CLIENT_RULES: Readonly<Record<string, ClientRule>> = { token: 'token', introspection: 'introspection', revocation: 'revocation' };

/** The RateLimit fields of a refusal, and Retry-After no earlier than the effective window's end (as the draft asks). */
export function rateLimitHeaders(outcome: LimitOutcome): Record<string, string> {
  return {
    'retry-after': String(outcome.resetSeconds),
    'ratelimit-policy': `"${outcome.rule}";q=${outcome.rate.limit};w=${outcome.rate.window}`,
    ratelimit: `"${outcome.rule}";r=${outcome.remaining};t=${outcome.resetSeconds}`,
  };
}

function refuseUnlessAllowed(outcome: LimitOutcome): void {
  if (!outcome.allowed) throw new RateLimitedError(outcome, rateLimitHeaders(outcome));
}

/** Throws the refusal now, or rejects with it later when the store answers asynchronously. */
function settle(outcome: LimitOutcome | Promise<LimitOutcome>): void | Promise<void> {
  if (outcome instanceof Promise) return outcome.then(refuseUnlessAllowed);
  refuseUnlessAllowed(outcome);
}

export interface RateLimitHookOptions {
  limiter: RateLimiter;
  /** Server-wide settings of every rule (configuration over the defaults). */
  rules: RuleSettings;
}

export function rateLimitHook({ limiter, rules }: RateLimitHookOptions): RequestHook {
  const failures = rules.failures === 'off' ? undefined : rules.failures;
  const login = (context: RequestContext, event: Extract<CallerEvent, { kind: 'login-attempt' }>) => {
    const rate = effectiveRate(rules, 'login', event.tenant);
    const byUser = rate === undefined ? undefined : () => settle(limiter.take('login', userSubject(event.tenant, event.username), rate));
    const gate = failures === undefined ? undefined : limiter.peek('failures', addressKey(context.remoteAddress), failures);
    if (gate === undefined) return byUser?.();
    // The address's failure gate first: a refused address must not spend the user's quota.
    if (gate instanceof Promise) return gate.then((g) => { refuseUnlessAllowed(g); return byUser?.(); });
    refuseUnlessAllowed(gate);
    return byUser?.();
  };
  return {
    name: 'rate-limit',
    onRequest(context) {
      const rule = ADDRESS_RULES[context.route.name];
      if (rule === undefined) return;
      const rate = rules[rule];
      if (rate === 'off') return;
      return settle(limiter.take(rule, addressKey(context.remoteAddress), rate));
    },
    onCaller(context, event) {
      switch (event.kind) {
        case 'client-authenticated': {
          const rule = CLIENT_RULES[context.route.name];
          const rate = rule === undefined ? undefined : effectiveRate(rules, rule, event.tenant, event.client);
          return rate === undefined ? undefined : settle(limiter.take(rule!, clientSubject(event.tenant, event.client), rate));
        }
        case 'administrator': {
          const rate = effectiveRate(rules, 'admin');
          return rate === undefined ? undefined : settle(limiter.take('admin', `${event.tenantId}/${event.clientId}`, rate));
        }
        case 'login-attempt':
          return login(context, event);
        case 'secret-check':
          return failures === undefined ? undefined : settle(limiter.peek('failures', addressKey(context.remoteAddress), failures));
        case 'credentials-refused': {
          if (failures === undefined) return;
          const charged = limiter.charge('failures', addressKey(context.remoteAddress), failures);
          return charged instanceof Promise ? charged.then(() => undefined) : undefined;
        }
      }
    },
  };
}
