/**
 * `GET /console`: the operators' web console, a single page built ahead of
 * time (`npm run build:console`, run by `npm install` through `prepare`) into
 * `console/dist/`. It talks to the public admin API and OAuth endpoints of
 * this same origin, so the page may load nothing from anywhere else: the
 * Content-Security-Policy allows this origin's files only, no inline script
 * or style, no framing.
 *
 * The files are read once, when the app is built: a console that changes
 * under a running server would not match the API it was built against.
 *
 * @see https://www.w3.org/TR/CSP3/
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { OAuthError } from '../../core/errors.ts';
import { routeConfig } from '../pipeline/fastify-pipeline.ts';

export const CONSOLE_PATH = '/console';

/** Where `npm run build:console` writes the console. */
export const CONSOLE_ASSETS_DIR = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

/** Same-origin only; `connect-src 'self'` is what lets the page call the admin API and nothing else. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
};

/** The asset folder's files whose names carry a content hash, so they may be cached for good. */
const HASHED = /-[A-Z0-9]{8,}\.[a-z]+$/;

const CONSOLE_ROUTE = routeConfig({ name: 'console', errorFormat: 'problem' });

export interface ConsoleOptions {
  /** Folder holding `index.html` and `assets/`; default {@link CONSOLE_ASSETS_DIR}. */
  assetsDir?: string;
}

export async function consoleRoutes(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const dir = options.assetsDir ?? CONSOLE_ASSETS_DIR;
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn({ dir }, "the console's assets are not built; run 'npm run build:console' (npm install does it)");
    app.get(CONSOLE_PATH, CONSOLE_ROUTE, notBuilt);
    app.get(`${CONSOLE_PATH}/*`, CONSOLE_ROUTE, notBuilt);
    return;
  }
  const index = readFileSync(indexFile);
  const assets = new Map<string, { body: Buffer; type: string; immutable: boolean }>();
  const assetDir = join(dir, 'assets');
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const type = TYPES[extname(name)];
    if (type !== undefined) assets.set(name, { body: readFileSync(join(assetDir, name)), type, immutable: HASHED.test(name) });
  }

  app.get(CONSOLE_PATH, CONSOLE_ROUTE, async (_request, reply) =>
    reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' }).type('text/html; charset=utf-8').send(index),
  );
  app.get(`${CONSOLE_PATH}/assets/:name`, CONSOLE_ROUTE, async (request, reply) => {
    const asset = assets.get((request.params as { name: string }).name);
    if (asset === undefined) return reply.callNotFound();
    return reply
      .headers({ ...SECURITY_HEADERS, 'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache' })
      .type(asset.type)
      .send(asset.body);
  });
}

async function notBuilt(): Promise<never> {
  throw new OAuthError('temporarily_unavailable', "The console's assets are not built: run 'npm run build:console'", { status: 503 });
}
