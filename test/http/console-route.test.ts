import { createLogger } from '../../src/http/logging.ts';
import { installPipeline } from '../../src/http/pipeline/fastify-pipeline.ts';
import { RequestIds } from '../../src/http/pipeline/request-ids.ts';
import { RequestPipeline } from '../../src/http/pipeline/request-pipeline.ts';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { validateConfig } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { buildApp } from '../../src/http/app.ts';
import { CONSOLE_CSP, consoleRoutes } from '../../src/http/routes/console.ts';
import { createTestTessera } from '../helpers/fixtures.ts';

describe('console route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-console-assets-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const appWith = async (assetsDir: string) => {
    const app = Fastify({ logger: false });
    // The answers of a real app: its pipeline and its one error writer.
    installPipeline(app, new RequestPipeline({ hooks: [], log: createLogger('silent'), requestIds: new RequestIds() }));
    await app.register(consoleRoutes, { assetsDir });
    return app;
  };

  it('serves the page and its hashed assets with the CSP, and nothing else from the folder', async () => {
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dir, 'assets', 'app-ABCDEFGH.js'), 'export {};');
    writeFileSync(join(dir, 'assets', 'app-ABCDEFGH.css'), 'body{}');
    writeFileSync(join(dir, 'assets', 'notes.txt'), 'private');
    const app = await appWith(dir);
    const page = await app.inject('/console');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['content-security-policy'], CONSOLE_CSP);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['cache-control'], 'no-cache');
    const script = await app.inject('/console/assets/app-ABCDEFGH.js');
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await app.inject('/console/assets/app-ABCDEFGH.css')).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await app.inject('/console/assets/notes.txt')).statusCode, 404);
    assert.equal((await app.inject('/console/assets/..%2Findex.html')).statusCode, 404);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe|\*|https?:/);
  });

  it('answers 503 with a problem naming the build command when the assets are not built', async () => {
    const app = await appWith(join(dir, 'missing'));
    const res = await app.inject('/console');
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.match(res.json().detail, /npm run build:console/);
  });

  it('is not served when the console is turned off', async () => {
    const t = await createTestTessera();
    const app = await buildApp({ services: t.tessera.services, tokenRoutes: [], bodyLimitBytes: 16_384, logLevel: 'silent', console: false });
    assert.equal((await app.inject('/console')).statusCode, 404);
  });

  it('reads the console setting from the file, TESSERA_CONSOLE and its default', () => {
    assert.equal(validateConfig({}).console, true);
    assert.equal(validateConfig({ console: false }).console, false);
    assert.equal(loadConfig({ env: { TESSERA_CONSOLE: 'false' } }).console, false);
    assert.throws(() => validateConfig({ console: 'off' }), /configuration: console must be true or false/);
  });
});
