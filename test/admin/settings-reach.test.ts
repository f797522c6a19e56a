/**
 * A setting declared once (src/admin/settings/) reaches every interface: the
 * OpenAPI document describes it, the admin API sets it, the CLI sets it by
 * its flag, and the service checks it. Each case is driven by the
 * declarations themselves, so a setting added to one is covered here with no
 * change to this test.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLIENT_SETTINGS } from '../../src/admin/settings/client-settings.ts';
import { flagsOf, type Fields } from '../../src/admin/settings/field.ts';
import { TENANT_SETTINGS } from '../../src/admin/settings/tenant-settings.ts';
import { USER_SETTINGS } from '../../src/admin/settings/user-settings.ts';
import type { CliCommand } from '../../src/cli/io.ts';
import { run as clientsCommand } from '../../src/cli/commands/clients.ts';
import { run as tenantsCommand } from '../../src/cli/commands/tenants.ts';
import { run as usersCommand } from '../../src/cli/commands/users.ts';
import { run as initCommand } from '../../src/cli/commands/init.ts';
import { validateConfig } from '../../src/config/config.ts';
import { withTessera } from '../../src/server/management.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { TEST_CHANGE } from '../helpers/fixtures.ts';
import { adminHarness, type AdminHarness } from '../http/admin/helpers.ts';

const at = (value: unknown, path: readonly string[]) => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);

/** Every declared setting (nested groups flattened) with its field. */
function leaves(fields: Fields, prefix: string[] = []): { path: string[]; field: Fields[string] }[] {
  return Object.entries(fields).flatMap(([key, field]) => {
    const members = (field as { members?: Fields }).members;
    return members ? leaves(members, [...prefix, key]) : [{ path: [...prefix, key], field }];
  });
}

/** The command-line arguments that set every flag of `fields` to its example. */
function exampleArgs(fields: Fields): string[] {
  return flagsOf(fields).flatMap(({ flag, field }) => {
    const example = field.example;
    if (flag.kind === 'switch') return [example ? `--${flag.name}` : `--${flag.off!}`];
    return [`--${flag.name}`, flag.write?.(example) ?? (Array.isArray(example) ? example.join(',') : String(example))];
  });
}

const ENTITIES: {
  name: string;
  fields: Fields;
  path: string;
  patchOperation: string;
  command: CliCommand;
  cliTarget: string;
}[] = [
  {
    name: 'client', fields: CLIENT_SETTINGS, path: '/admin/v1/tenants/default/clients/subject', patchOperation: 'updateClient',
    command: clientsCommand, cliTarget: 'subject',
  },
  {
    name: 'tenant', fields: TENANT_SETTINGS, path: '/admin/v1/tenants/default', patchOperation: 'updateTenant',
    command: tenantsCommand, cliTarget: 'default',
  },
  {
    name: 'user', fields: USER_SETTINGS, path: '/admin/v1/tenants/default/users/subject', patchOperation: 'updateUser',
    command: usersCommand, cliTarget: 'subject',
  },
];

let h: AdminHarness;
let document: { paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> };
const dir = mkdtempSync(join(tmpdir(), 'tessera-settings-'));

before(async () => {
  h = await adminHarness();
  await h.t.clients.create({ tenantId: 'default', id: 'subject' }, TEST_CHANGE);
  await h.t.clients.create({ tenantId: 'default', id: 'mobile-app', clientType: 'public', grantTypes: ['password'] }, TEST_CHANGE);
  await h.t.users.create({ tenantId: 'default', username: 'subject', password: 'a long password' }, TEST_CHANGE);
  document = (await h.call('GET', '/admin/v1/openapi.json')).json();
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const entity of ENTITIES) {
  describe(`every ${entity.name} setting`, () => {
    it('is in the OpenAPI document, with its declared schema, on create and update', () => {
      const bodies = Object.values(document.paths).flatMap((operations) => Object.values(operations))
        .filter((op) => op.operationId === entity.patchOperation || op.operationId === entity.patchOperation.replace('update', 'create'))
        .map((op) => op.requestBody!.content['application/json']!.schema);
      assert.equal(bodies.length, 2);
      for (const body of bodies) {
        for (const { path, field } of leaves(entity.fields)) {
          const schema = path.reduce<unknown>((s, k) => (s as { properties: Record<string, unknown> }).properties[k], body);
          assert.deepEqual(schema, field.schema, path.join('.'));
        }
      }
    });

    it('is set through the admin API to its example value', async () => {
      const example = Object.fromEntries(Object.entries(entity.fields).map(([k, f]) => [k, f.example]));
      const res = await h.call('PATCH', entity.path, { body: example });
      assert.equal(res.statusCode, 200, res.body);
      const read = res.json();
      for (const { path, field } of leaves(entity.fields)) assert.deepEqual(at(read, path), field.check(field.example, path.join('.')), path.join('.'));
    });

    it('is set through the CLI by its flag, and refused there with the flag named', async () => {
      const db = join(dir, `${entity.name}.db`);
      assert.equal(await initCommand(['--db', db], captureIo()), 0);
      await withTessera(validateConfig({ database: db }), async ({ admin }) => {
        await admin.clients.create({ tenantId: 'default', id: 'subject' }, TEST_CHANGE);
        await admin.clients.create({ tenantId: 'default', id: 'mobile-app', clientType: 'public', grantTypes: ['password'] }, TEST_CHANGE);
        await admin.users.create({ tenantId: 'default', username: 'subject', password: 'a long password' }, TEST_CHANGE);
      });
      const io = captureIo();
      const code = await entity.command(['update', entity.cliTarget, ...exampleArgs(entity.fields), '--db', db], io);
      assert.equal(code, 0, io.stderr());
      const shown = JSON.parse(io.stdout());
      for (const { path, field } of leaves(entity.fields)) assert.deepEqual(at(shown, path), field.check(field.example, path.join('.')), path.join('.'));
      for (const { flag } of flagsOf(entity.fields).filter(({ flag }) => flag.kind === 'value')) {
        const bad = captureIo();
        assert.equal(await entity.command(['update', entity.cliTarget, `--${flag.name}`, '\u0000', '--db', db], bad), 2, flag.name);
        assert.match(bad.stderr(), new RegExp(`--${flag.name} `));
      }
    });
  });
}
