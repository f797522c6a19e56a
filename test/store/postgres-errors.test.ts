/** PostgreSQL error mapping and URL redaction: no database needed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailableError, UnstorableValueError } from '../../src/core/ports/errors.ts';
import { isPostgresUrl, redactConnectionString } from '../../src/store/postgres/connection-string.ts';
import { isUnavailable, toStoreError } from '../../src/store/postgres/errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('postgres connection strings', () => {
  it('recognises both URL schemes and nothing else', () => {
    assert.equal(isPostgresUrl('postgres://h/db'), true);
    assert.equal(isPostgresUrl('POSTGRESQL://h/db'), true);
    assert.equal(isPostgresUrl('postgres.db'), false);
    assert.equal(isPostgresUrl('./data/tessera.db'), false);
  });

  for (const [name, input, expected] of [
    ['a password in the user info', 'postgres://tessera:s3cret@db:5432/tessera', 'postgres://tessera:***@db:5432/tessera'],
    ['a percent-encoded password', 'postgres://u:p%40ss%2Fw@db/x', 'postgres://u:***@db/x'],
    ['a password query parameter', 'postgres://u@db/x?password=s3cret&sslmode=require', 'postgres://u@db/x?password=***&sslmode=require'],
    ['an sslpassword query parameter', 'postgresql://db/x?sslpassword=s3cret', 'postgresql://db/x?sslpassword=***'],
    ['no password at all', 'postgres://u@db/x', 'postgres://u@db/x'],
  ] as const) {
    it(`masks ${name}`, () => {
      const redacted = redactConnectionString(input);
      assert.equal(decodeURIComponent(redacted), decodeURIComponent(expected));
      assert.doesNotMatch(redacted, /s3cret|p%40ss/);
    });
  }

  it('masks the user info of a URL it cannot parse', () => {
    const redacted = redactConnectionString('postgres://u:s3cret@[bad/x?password=s3cret');
    assert.doesNotMatch(redacted, /s3cret/);
  });
});

describe('postgres error mapping', () => {
  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '08006', '08001', '08P01', '57P01', '57P03', '53300', '3D000', '28P01']) {
    it(`treats ${code} as unavailable`, () => assert.equal(isUnavailable(withCode(code)), true));
  }

  for (const message of ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect']) {
    it(`treats "${message}" as unavailable`, () => assert.equal(isUnavailable(new Error(message)), true));
  }

  for (const code of ['23505', '42601', '22P02', '40001']) {
    it(`leaves ${code} alone: it is a conflict or a bug, not an outage`, () => {
      const error = withCode(code);
      assert.equal(toStoreError(error, 'db'), error);
    });
  }

  for (const code of ['22021', '22P05', '54000']) {
    it(`maps ${code} to UnstorableValueError: a value refused, answered 400, not a server fault`, () => {
      assert.ok(toStoreError(withCode(code, 'invalid byte sequence for encoding "UTF8": 0x00'), 'db') instanceof UnstorableValueError);
    });
  }

  it('names the database and the reason, keeps the cause, and reads dual-stack AggregateErrors', () => {
    const aggregate = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')], ''), {
      code: 'ECONNREFUSED',
    });
    const mapped = toStoreError(aggregate, 'postgres://u:***@localhost/x');
    assert.ok(mapped instanceof StoreUnavailableError);
    assert.equal(mapped.message, 'PostgreSQL at postgres://u:***@localhost/x is unavailable: connect ECONNREFUSED ::1:5432');
    assert.equal(mapped.cause, aggregate);
  });
});
