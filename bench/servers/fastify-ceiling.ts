/**
 * A second ceiling: Fastify configured as Tessera's app is (same options,
 * logger at `warn`, the request-logging hook, a raw-body content-type
 * parser) answering the same fixed 150-byte JSON body as the node:http
 * ceiling, with no token logic at all. The gap between the two ceilings is
 * what the framework costs; the gap from here to Tessera is Tessera's own
 * work (parsing, client authentication, minting, storing).
 */
import { LogController } from 'fastify';
import Fastify from 'fastify';
import { createLogger } from '../../src/http/logging.ts';

const prefix = '{"access_token":"';
const suffix = '","token_type":"Bearer","expires_in":3600}';
const body = `${prefix}${'x'.repeat(150 - prefix.length - suffix.length)}${suffix}`;
const headers = { 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json; charset=utf-8' };

const app = Fastify({
  loggerInstance: createLogger('warn'),
  logController: new LogController({ disableRequestLogging: true }),
  trustProxy: false,
  bodyLimit: 16_384,
  routerOptions: { ignoreTrailingSlash: true },
  requestTimeout: 30_000,
  return503OnClosing: false,
});
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 16_384 }, (_request, raw, done) => done(null, raw));
app.post('/oauth/token', async (_request, reply) => reply.code(200).headers(headers).send(body));

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ ready: true, url: address })}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
