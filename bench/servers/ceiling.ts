/**
 * The ceiling: a bare node:http server that reads the request body and answers
 * a fixed 150-byte JSON body shaped like a token response. Nothing a token
 * server does can be faster on this machine with this load generator.
 */
import { createServer } from 'node:http';
import { announce, stopOnSignal } from './ready.ts';

const prefix = '{"access_token":"';
const suffix = '","token_type":"Bearer","expires_in":3600}';
export const CEILING_BODY = Buffer.from(`${prefix}${'x'.repeat(150 - prefix.length - suffix.length)}${suffix}`);
if (CEILING_BODY.length !== 150) throw new Error(`ceiling body is ${CEILING_BODY.length} bytes, not 150`);

const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(CEILING_BODY.length), 'cache-control': 'no-store' };

const server = createServer((req, res) => {
  req.resume(); // drain the form body, as a real endpoint must read it
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(CEILING_BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server));
stopOnSignal(server);
