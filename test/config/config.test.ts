import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_CONFIG, validateConfig } from '../../src/config/config.ts';
import { tokenRoutes as routesOf } from '../../src/http/form-endpoints.ts';
import { ENVIRONMENT_KEYS, loadConfig } from '../../src/config/load-config.ts';
import { withSettingsTable } from '../../src/config/settings-table.ts';
import { DIALECT_PRESETS, STRICT_DIALECT } from '../../src/config/dialect.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('configuration', () => {
  it('defaults to a strict /oauth/token on 127.0.0.1:8080 with tessera.db', () => {
    const config = validateConfig({});
    assert.deepEqual(config, DEFAULT_CONFIG);
    assert.deepEqual(routesOf(config.tokenEndpoints), [{ path: '/oauth/token', dialect: STRICT_DIALECT }]);
  });

  it('layers file, environment and flags, later sources winning', () => {
    const file = join(dir, 'layers.json');
    writeFileSync(file, JSON.stringify({ port: 9000, host: '0.0.0.0', logLevel: 'warn' }));
    const config = loadConfig({ file, env: { TESSERA_PORT: '9100', TESSERA_DB: 'env.db' }, flags: { port: 9200 } });
    assert.equal(config.port, 9200);
    assert.equal(config.database, 'env.db');
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.logLevel, 'warn');
  });

  it('merges a dialect preset with single options and lets a path redefine /oauth/token', () => {
    const routes = routesOf(validateConfig({
      tokenEndpoints: [{ path: '/oauth/token', dialect: 'json' }, { path: '/Token', dialect: 'owin', options: { tokenType: 'Bearer' } }],
    }).tokenEndpoints);
    assert.deepEqual(routes.map((r) => r.path), ['/oauth/token', '/Token']);
    assert.deepEqual(routes[0]!.dialect.bodyFormats, ['form', 'json']);
    assert.deepEqual(routes[1]!.dialect.methods, ['GET', 'POST']);
    assert.equal(routes[1]!.dialect.tokenType, 'Bearer');
  });

  const mistakes: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown key', { prot: 80 }, /prot is not a known key/],
    ['a port out of range', { port: 70000 }, /port must be an integer from 0 to 65535/],
    ['an unknown log level', { logLevel: 'loud' }, /logLevel must be one of/],
    ['a public URL that is not http(s)', { publicUrl: 'ftp://x' }, /publicUrl must be an http\(s\) URL/],
    ['an unknown dialect', { tokenEndpoints: [{ path: '/t', dialect: 'soap' }] }, /tokenEndpoints\[0\]\.dialect must be one of/],
    ['an unknown dialect option', { tokenEndpoints: [{ path: '/t', options: { lenient: true } }] }, /tokenEndpoints\[0\]\.options\.lenient is not a known option/],
    ['a bad dialect option value', { tokenEndpoints: [{ path: '/t', options: { methods: ['DELETE'] } }] }, /options\.methods has an invalid value/],
    ['a path without a leading slash', { tokenEndpoints: [{ path: 'token' }] }, /path must be a path starting with/],
    ['a trusted proxy that is no address or range', { trustedProxies: ['10.0.0.0/8', 'lb.internal'] }, /trustedProxies entry 'lb\.internal' is not an IP address/],
    ['the replaced trustProxy, saying what replaced it', { trustProxy: true }, /trustProxy was replaced by trustedProxies/],
    ['an expires_in type that is neither number nor string', { tokenEndpoints: [{ path: '/t', options: { expiresInType: 'integer' } }] }, /options\.expiresInType has an invalid value/],
    ['an error mapping for a code that does not exist', { tokenEndpoints: [{ path: '/t', options: { errors: { bad_client: {} } } }] }, /options\.errors\.bad_client is not one of invalid_request/],
    ['an error mapping with a status that is no error', { tokenEndpoints: [{ path: '/t', options: { errors: { invalid_client: { status: 200 } } } }] }, /options\.errors\.invalid_client\.status must be an HTTP status from 400 to 599/],
    ['an error description RFC 6749 forbids', { tokenEndpoints: [{ path: '/t', options: { errors: { invalid_client: { description: 'say "no"' } } } }] }, /errors\.invalid_client\.description must be 1-200 printable ASCII/],
    ['an error mapping member that is not one', { tokenEndpoints: [{ path: '/t', options: { errors: { invalid_client: { uri: 'x' } } } }] }, /errors\.invalid_client\.uri is not one of error, status, description/],
    ['two case-insensitive paths that match the same requests', { tokenEndpoints: [{ path: '/Token', dialect: 'owin' }, { path: '/TOKEN/', dialect: 'owin' }] }, /tokenEndpoints\[1\]\.path matches the same requests as tokenEndpoints\[0\]\.path/],
  ];
  for (const [name, input, message] of mistakes) {
    it(`refuses ${name} at start-up, naming the key`, () => {
      assert.throws(() => validateConfig(input), message);
    });
  }

  it('reads trusted proxies as a list from a file and comma-separated from the environment', () => {
    assert.deepEqual(validateConfig({ trustedProxies: ['10.0.0.0/8', '::1'] }).trustedProxies, ['10.0.0.0/8', '::1']);
    const config = loadConfig({ env: { TESSERA_TRUSTED_PROXIES: 'loopback, 192.168.0.0/16', TESSERA_FORWARDED_HEADER: 'forwarded' } });
    assert.deepEqual(config.trustedProxies, ['loopback', '192.168.0.0/16']);
    assert.equal(config.forwardedHeader, 'forwarded');
  });

  it('reports an unreadable or invalid config file by path', () => {
    assert.throws(() => loadConfig({ file: join(dir, 'missing.json') }), /missing\.json cannot be read: ENOENT/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    assert.throws(() => loadConfig({ file: bad }), /bad\.json is not valid JSON/);
  });

  it('is documented: docs/configuration.md holds the table generated from the settings, every preset and dialect option', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    assert.equal(doc, withSettingsTable(doc), 'the settings table is out of date: run npm run docs:settings');
    for (const key of Object.keys(DEFAULT_CONFIG)) assert.ok(doc.includes(`| \`${key}\` |`), key);
    for (const name of Object.keys(ENVIRONMENT_KEYS)) assert.ok(doc.includes(name), name);
    for (const preset of Object.keys(DIALECT_PRESETS)) assert.ok(doc.includes(`\`${preset}\``), preset);
    for (const option of Object.keys(STRICT_DIALECT)) assert.ok(doc.includes(`| \`${option}\` |`), option);
  });

  it('ships a seeds example config that validates', () => {
    const example = JSON.parse(readFileSync(new URL('../../examples/seeds.config.json', import.meta.url), 'utf8'));
    // The strict /oauth/token is redefined by seed 004's entry: one route per entry.
    assert.equal(routesOf(validateConfig(example).tokenEndpoints).length, example.tokenEndpoints.length);
  });
});
