import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRateLimitChange } from '../../src/admin/rate-limit-settings.ts';
import { AdminError } from '../../src/admin/admin-error.ts';

const refused = (field: string, message: RegExp) => (e: unknown) => e instanceof AdminError && e.field === field && message.test(e.message);

describe('the rateLimit setting of tenants and clients', () => {
  it('merges the given members over what is stored; null removes one; off turns a rule off', () => {
    const stored = { token: { limit: 10, window: 1 }, login: 'off' as const };
    assert.deepEqual(applyRateLimitChange('tenant', { introspection: { limit: 500, window: 10 }, login: null }, stored), {
      token: { limit: 10, window: 1 }, introspection: { limit: 500, window: 10 },
    });
    assert.deepEqual(applyRateLimitChange('client', { token: 'off' }, {}), { token: 'off' });
  });

  it('merges a secret lockout over the stored one, or over the defaults', () => {
    const first = applyRateLimitChange('tenant', { secretLockout: { maxFailures: 3 } }, {});
    assert.deepEqual(first.secretLockout, { maxFailures: 3, waitIncrement: 60, maxWait: 900, failureReset: 43_200 });
    assert.deepEqual(applyRateLimitChange('tenant', { secretLockout: { maxWait: 120 } }, first).secretLockout, { maxFailures: 3, waitIncrement: 60, maxWait: 120, failureReset: 43_200 });
    assert.deepEqual(applyRateLimitChange('tenant', { secretLockout: null }, first), {});
  });

  const mistakes: [string, 'tenant' | 'client', unknown, string, RegExp][] = [
    ['a rule a client cannot set', 'client', { login: 'off' }, 'rateLimit.login', /is not a client rate-limit setting/],
    ['an unknown rule', 'tenant', { tokens: 'off' }, 'rateLimit.tokens', /is not a tenant rate-limit setting/],
    ['a limit of zero', 'tenant', { token: { limit: 0, window: 10 } }, 'rateLimit.token', /limit must be an integer from 1/],
    ['a window over a day', 'client', { token: { limit: 5, window: 86_401 } }, 'rateLimit.token', /window must be an integer from 1 to 86400/],
    ['an unknown member of a rate', 'client', { token: { limit: 5, window: 10, burst: 9 } }, 'rateLimit.token', /unknown member 'burst'/],
    ['a rate that is neither off nor an object', 'tenant', { token: 'fast' }, 'rateLimit.token', /must be "off" or an object/],
    ['a lock shorter than its step', 'tenant', { secretLockout: { waitIncrement: 60, maxWait: 30 } }, 'rateLimit.secretLockout.maxWait', /from 60/],
    ['an unknown lockout member', 'tenant', { secretLockout: { failures: 3 } }, 'rateLimit.secretLockout.failures', /is not a lockout setting/],
    ['something other than an object', 'client', 'off', 'rateLimit', /must be an object/],
  ];
  for (const [name, scope, input, field, message] of mistakes) {
    it(`refuses ${name}, naming the field`, () => {
      assert.throws(() => applyRateLimitChange(scope as 'tenant', input, {}), refused(field, message));
    });
  }
});
