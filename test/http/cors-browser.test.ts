/**
 * CORS as a browser enforces it: pages served from one origin call a Tessera
 * on another in Debian's Chromium (test/console/browser.ts), with the client
 * SDK bundled for the browser as an app would bundle it. The browser makes
 * the preflights itself, so what is tested is what a browser accepts.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { tokenRoutes } from '../../src/http/form-endpoints.ts';
import { launchBrowser, type Browser } from '../console/browser.ts';
import { addClient, createTestTessera, TEST_CHANGE } from '../helpers/fixtures.ts';

/** A page server: an empty page and the bundled SDK, on an origin of its own. */
async function pageServer(sdk: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

interface PageResult {
  token?: string;
  challenge?: string | null;
  error?: string;
}

describe('CORS in a real browser', { timeout: 120_000 }, () => {
  let browser: Browser;
  let tessera: FastifyInstance;
  let url: string;
  let allowed: { server: Server; origin: string };
  let refused: { server: Server; origin: string };
  let secret: string;

  before(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('../../src/client/index.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'error',
    });
    const sdk = bundle.outputFiles[0]!.text;
    allowed = await pageServer(sdk);
    refused = await pageServer(sdk);
    const t = await createTestTessera();
    await t.tenants.update('default', { corsOrigins: [allowed.origin] }, TEST_CHANGE);
    secret = await addClient(t, { id: 'spa-backend' });
    tessera = await buildApp({ services: t.tessera.services, tokenRoutes: tokenRoutes([]), bodyLimitBytes: 16_384, logLevel: 'silent' });
    url = await tessera.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tessera?.close();
    allowed?.server.close();
    refused?.server.close();
  });

  /** Runs in the page: the SDK gets a token, then a wrong secret's 401 is read. */
  async function fromPage(origin: string): Promise<PageResult> {
    await browser.page.goto(`${origin}/`);
    return browser.page.evaluate(
      async ({ tokenEndpoint, clientSecret }) => {
        try {
          const { createTokenSource } = (await import('/sdk.js' as string)) as typeof import('../../src/client/index.ts');
          const { accessToken } = await createTokenSource({ tokenEndpoint, clientId: 'spa-backend', clientSecret }).getToken();
          const wrong = await fetch(tokenEndpoint, {
            method: 'POST',
            headers: { authorization: `Basic ${btoa('spa-backend:wrong')}`, 'content-type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials',
          });
          return { token: accessToken, challenge: wrong.headers.get('www-authenticate') };
        } catch (error) {
          return { error: String(error) };
        }
      },
      { tokenEndpoint: `${url}/oauth/token`, clientSecret: secret },
    );
  }

  it("gives a page of an origin the tenant allows a token through the client SDK, and lets it read a 401's challenge", async () => {
    const result = await fromPage(allowed.origin);
    assert.equal(result.error, undefined);
    assert.match(result.token ?? '', /^tat_/);
    assert.match(result.challenge ?? '', /^Basic realm=/);
  });

  it('keeps a page of any other origin from calling the token endpoint: the browser refuses after the preflight', async () => {
    const result = await fromPage(refused.origin);
    assert.equal(result.token, undefined);
    assert.match(result.error ?? '', /Failed to fetch/);
  });

  it('lets the allowed page read the metadata and the key set', async () => {
    await browser.page.goto(`${allowed.origin}/`);
    const issuer = await browser.page.evaluate(async (base) => {
      const metadata = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as { issuer: string; jwks_uri: string };
      const keys = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
      return `${metadata.issuer} ${keys.keys.length}`;
    }, url);
    assert.equal(issuer, 'https://auth.example.test 1');
  });
});
