/**
 * Seed 001's `tenant` parameter is a "Tenant URL" (`example.com`): the tenant
 * is found by its id or by a URL form of a host it is known by, and by
 * nothing looser.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { OAuthError } from '../../src/core/errors.ts';
import { resolveTenant } from '../../src/core/tenant-resolution.ts';
import { createTestTessera, TEST_CHANGE, type TestTessera } from '../helpers/fixtures.ts';

let t: TestTessera;

before(async () => {
  t = await createTestTessera();
  await t.tenants.create({ id: 'example.com', issuer: 'https://example.com' }, TEST_CHANGE);
  await t.tenants.create({ id: 'acme', issuer: 'https://auth.acme.test', hosts: ['auth.acme.test'] }, TEST_CHANGE);
});

const named = (parameter: string) => resolveTenant({ parameter, host: undefined, parameterRequired: true }, t.store.tenants, 'default');

describe('the tenant parameter', () => {
  const aliases: [string, string][] = [
    ['example.com', 'example.com'],
    ['https://example.com', 'example.com'],
    ['https://example.com/', 'example.com'],
    ['http://example.com', 'example.com'],
    ['HTTPS://Example.COM', 'example.com'],
    ['https://example.com:8443', 'example.com'],
    ['example.com.', 'example.com'],
    ['acme', 'acme'],
    ['auth.acme.test', 'acme'],
    ['https://auth.acme.test/', 'acme'],
  ];
  for (const [parameter, tenant] of aliases) {
    it(`finds tenant ${tenant} by ${JSON.stringify(parameter)}`, async () => {
      assert.equal((await named(parameter)).id, tenant);
    });
  }

  const strangers = ['https://example.com/configapi', 'https://example.com/?x=1', 'https://user@example.com', 'ftp://example.com', 'https://other.test', 'example', 'https://', ''];
  for (const parameter of strangers) {
    it(`refuses ${JSON.stringify(parameter)} as an unknown tenant`, async () => {
      await assert.rejects(named(parameter), (error: unknown) => error instanceof OAuthError && error.code === 'invalid_request' && error.description === 'Unknown tenant');
    });
  }
});
