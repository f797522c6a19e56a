/**
 * Error bodies, whatever their casing, shape, status or content type, become
 * TokenEndpointErrors with a normalised code and the vendor's description.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normaliseErrorCode, processTokenResponse, TokenEndpointError, UNKNOWN_ERROR } from '../../src/client/index.ts';

async function failure(body: string, status: number, contentType?: string): Promise<TokenEndpointError> {
  const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
  const error = await processTokenResponse(new Response(body, { status, headers })).then(
    () => assert.fail('expected a TokenEndpointError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TokenEndpointError, `got ${String(error)}`);
  return error;
}

describe('JSON error bodies', () => {
  const cases: Array<{ name: string; body: unknown; error: string; description: string | undefined }> = [
    { name: 'RFC 6749 §5.2 as specified', body: { error: 'invalid_client', error_description: 'bad secret' }, error: 'invalid_client', description: 'bad secret' },
    { name: 'seed 002: capitalised code', body: { error_description: 'Invalid client_id', error: 'Invalid_request' }, error: 'invalid_request', description: 'Invalid client_id' },
    { name: 'upper-case keys and code', body: { ERROR: 'INVALID_GRANT', ERROR_DESCRIPTION: 'expired' }, error: 'invalid_grant', description: 'expired' },
    { name: 'camelCase keys and code', body: { error: 'unauthorizedClient', errorDescription: 'no' }, error: 'unauthorized_client', description: 'no' },
    { name: 'hyphenated code', body: { error: 'invalid-scope' }, error: 'invalid_scope', description: undefined },
    { name: 'nested error object', body: { error: { code: 'InvalidClient', message: 'unknown app' } }, error: 'invalid_client', description: 'unknown app' },
    { name: 'message without a code', body: { message: 'Unauthorized' }, error: UNKNOWN_ERROR, description: 'Unauthorized' },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.error}`, async () => {
      const error = await failure(JSON.stringify(c.body), 400, 'application/json');
      assert.equal(error.error, c.error);
      assert.equal(error.errorDescription, c.description);
      assert.equal(error.status, 400);
    });
  }

  test('keeps the code as the vendor spelled it in rawError', async () => {
    const error = await failure('{"error":"Invalid_request"}', 400);
    assert.equal(error.rawError, 'Invalid_request');
  });

  test('reads JSON labelled text/html, and error_uri', async () => {
    const error = await failure('{"error":"invalid_client","error_uri":"https://docs.example/errors"}', 401, 'text/html');
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.errorUri, 'https://docs.example/errors');
    assert.equal(error.status, 401);
  });
});

describe('non-JSON error bodies', () => {
  test('a form-encoded error body is read', async () => {
    const error = await failure('error=invalid_request&error_description=missing+tenant', 400, 'application/x-www-form-urlencoded');
    assert.equal(error.error, 'invalid_request');
    assert.equal(error.errorDescription, 'missing tenant');
  });

  test('an HTML error page gives unknown_error with the page title as description', async () => {
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>';
    const error = await failure(html, 502, 'text/html');
    assert.equal(error.error, UNKNOWN_ERROR);
    assert.equal(error.rawError, undefined);
    assert.equal(error.errorDescription, '502 Bad Gateway');
    assert.equal(error.status, 502);
  });

  test('an HTML page without a title gives its text, shortened', async () => {
    const error = await failure(`<html><body><script>var x = 1;</script><p>${'denied '.repeat(100)}</p></body></html>`, 403);
    assert.ok(error.errorDescription?.startsWith('denied denied'));
    assert.ok((error.errorDescription?.length ?? 0) <= 300);
    assert.doesNotMatch(error.errorDescription ?? '', /var x/);
  });

  test('a plain-text error body is the description', async () => {
    const error = await failure('Unauthorized', 401, 'text/plain');
    assert.equal(error.error, UNKNOWN_ERROR);
    assert.equal(error.errorDescription, 'Unauthorized');
  });

  test('an empty error body gives unknown_error and the status in the message', async () => {
    const error = await failure('', 401);
    assert.equal(error.error, UNKNOWN_ERROR);
    assert.equal(error.errorDescription, undefined);
    assert.equal(error.message, 'unknown_error (HTTP 401)');
  });
});

describe('normaliseErrorCode', () => {
  for (const [raw, expected] of [
    ['Invalid_request', 'invalid_request'],
    ['INVALID_CLIENT', 'invalid_client'],
    ['invalidGrant', 'invalid_grant'],
    [' unsupported-grant-type ', 'unsupported_grant_type'],
    ['access_denied', 'access_denied'],
  ] as const) {
    test(`${JSON.stringify(raw)} → ${expected}`, () => {
      assert.equal(normaliseErrorCode(raw), expected);
    });
  }
});
