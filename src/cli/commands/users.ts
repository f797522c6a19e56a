/** `tessera users create|list|show|update|delete|lock-state|unlock`. */
import { cliContext } from '../../admin/audit.ts';
import { USER_SETTINGS } from '../../admin/settings/user-settings.ts';
import { integerFlag, OUTPUT_OPTIONS, runActionCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import type { CommandSpec } from '../command-spec.ts';
import { settingOptions, settingsFromFlags, settingUsage, settingValues } from '../setting-flags.ts';
import { withTessera } from '../../server/management.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera users create <username> (--password-stdin | --password-env NAME) [--tenant ID]
                                  ${settingUsage(USER_SETTINGS, ['username'], 34)}
  tessera users update <user> [--tenant ID] [--password-stdin | --password-env NAME]
                              ${settingUsage(USER_SETTINGS, [], 30)}
  tessera users list [--tenant ID] [--offset N] [--limit N]
  tessera users show <user> [--tenant ID]
  tessera users delete <user> [--tenant ID]
  tessera users lock-state <user> [--tenant ID]
  tessera users unlock <user> [--tenant ID]
<user> is a username or a user id. Passwords are read from standard input or an
environment variable, never from the command line (argv is visible to every
process on the machine), and stored with argon2id. Changing a password,
disabling or deleting a user revokes the user's tokens. 'unlock' lifts a
brute-force lockout and resets the failure count.
common options: --db PATH, --config FILE, --output json|table
`;

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...settingOptions(USER_SETTINGS),
  tenant: { type: 'string' },
  offset: { type: 'string' },
  limit: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'password-env': { type: 'string' },
} as const;

export const spec = {
  actions: ['create', 'list', 'show', 'update', 'delete', 'lock-state', 'unlock'],
  options: OPTIONS,
  values: { ...STORE_OPTION_VALUES, ...settingValues(USER_SETTINGS) },
} satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, spec, async ({ values, action, target: ref, config, print }) => {
    const tenantId = (values.tenant as string | undefined) ?? config.defaultTenant;
    const needRef = () => {
      if (ref === undefined) throw new UsageError(`users ${action} needs a username or user id`);
      return ref;
    };
    const settings = settingsFromFlags(USER_SETTINGS, values);
    const password = await readPassword(values as PasswordFlags, io);
    return withTessera(config, async ({ admin }) => {
      const users = admin.users;
      switch (action) {
        case 'create':
          if (password === undefined) throw new UsageError('users create needs --password-stdin or --password-env NAME');
          if (settings.username !== undefined) throw new UsageError('users create takes the username as its argument, not --username');
          print(await users.create({ ...settings, tenantId, username: needRef(), password }, cliContext()));
          return EXIT.ok;
        case 'list':
          print(await users.list(tenantId, { offset: integerFlag(values.offset as string | undefined, 'offset'), limit: integerFlag(values.limit as string | undefined, 'limit') }, cliContext()));
          return EXIT.ok;
        case 'show': {
          const user = await users.get(tenantId, needRef(), cliContext());
          print({ ...user, lock: await users.lockState(tenantId, user.id) });
          return EXIT.ok;
        }
        case 'update':
          print(await users.update(tenantId, needRef(), { ...settings, password }, cliContext()));
          return EXIT.ok;
        case 'delete':
          await users.delete(tenantId, needRef(), cliContext());
          print({ deleted: ref, tenant: tenantId });
          return EXIT.ok;
        case 'lock-state':
          print(await users.lockState(tenantId, needRef()));
          return EXIT.ok;
        case 'unlock':
          print(await users.unlock(tenantId, needRef(), cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}

interface PasswordFlags {
  'password-stdin'?: boolean | undefined;
  'password-env'?: string | undefined;
}

async function readPassword(values: PasswordFlags, io: CliIo): Promise<string | undefined> {
  if (values['password-stdin'] && values['password-env'] !== undefined) throw new UsageError('use one of --password-stdin and --password-env');
  // One trailing newline is what `echo` and a terminal add; it is not part of the password.
  if (values['password-stdin']) return (await io.readStdin()).replace(/\r?\n$/, '');
  if (values['password-env'] !== undefined) {
    const value = io.env[values['password-env']];
    if (value === undefined || value === '') throw new UsageError(`environment variable ${values['password-env']} is not set`);
    return value;
  }
  return undefined;
}
