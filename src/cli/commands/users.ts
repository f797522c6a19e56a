/** `tessera users create|list|show|update|delete|lock-state|unlock`. */
import { cliContext } from '../../admin/audit.ts';
import { integerFlag, list, printJson, runActionCommand, STORE_OPTIONS, UsageError } from '../common.ts';
import { withTessera } from '../../server/management.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera users create <username> (--password-stdin | --password-env NAME) [--tenant ID] [--role ROLE]
                                  [--phones p1,p2] [--accounts 20000,20001] [--disabled]
  tessera users list [--tenant ID] [--offset N] [--limit N]
  tessera users show <user> [--tenant ID]
  tessera users update <user> [--tenant ID] [--username NEW] [--password-stdin | --password-env NAME]
                              [--role ROLE] [--phones p1,p2] [--accounts a1,a2] [--enable | --disable]
  tessera users delete <user> [--tenant ID]
  tessera users lock-state <user> [--tenant ID]
  tessera users unlock <user> [--tenant ID]
<user> is a username or a user id. Passwords are read from standard input or an
environment variable, never from the command line (argv is visible to every
process on the machine), and stored with argon2id. Changing a password,
disabling or deleting a user revokes the user's tokens. 'unlock' lifts a
brute-force lockout and resets the failure count.
common options: --db PATH, --config FILE
`;

const OPTIONS = {
  ...STORE_OPTIONS,
  tenant: { type: 'string' },
  role: { type: 'string' },
  phones: { type: 'string' },
  accounts: { type: 'string' },
  username: { type: 'string' },
  offset: { type: 'string' },
  limit: { type: 'string' },
  enable: { type: 'boolean' },
  disable: { type: 'boolean' },
  disabled: { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
  'password-env': { type: 'string' },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, OPTIONS, async ({ values, action, target: ref, config }) => {
    const tenantId = values.tenant ?? config.defaultTenant;
    const needRef = () => {
      if (ref === undefined) throw new UsageError(`users ${action} needs a username or user id`);
      return ref;
    };
    if (values.enable && values.disable) throw new UsageError('use one of --enable and --disable');
    const password = await readPassword(values, io);
    return withTessera(config, async ({ admin }) => {
      const users = admin.users;
      switch (action) {
        case 'create':
          if (password === undefined) throw new UsageError('users create needs --password-stdin or --password-env NAME');
          printJson(io, await users.create({
            tenantId,
            username: needRef(),
            password,
            role: values.role,
            phoneNumbers: list(values.phones),
            accounts: list(values.accounts),
            enabled: values.disabled ? false : undefined,
          }, cliContext()));
          return EXIT.ok;
        case 'list':
          printJson(io, await users.list(tenantId, { offset: integerFlag(values.offset, 'offset'), limit: integerFlag(values.limit, 'limit') }));
          return EXIT.ok;
        case 'show': {
          const user = await users.get(tenantId, needRef());
          printJson(io, { ...user, lock: await users.lockState(tenantId, user.id) });
          return EXIT.ok;
        }
        case 'update':
          printJson(io, await users.update(tenantId, needRef(), {
            username: values.username,
            password,
            role: values.role,
            phoneNumbers: list(values.phones),
            accounts: list(values.accounts),
            enabled: values.enable ? true : values.disable ? false : undefined,
          }, cliContext()));
          return EXIT.ok;
        case 'delete':
          await users.delete(tenantId, needRef(), cliContext());
          printJson(io, { deleted: ref, tenant: tenantId });
          return EXIT.ok;
        case 'lock-state':
          printJson(io, await users.lockState(tenantId, needRef()));
          return EXIT.ok;
        case 'unlock':
          printJson(io, await users.unlock(tenantId, needRef(), cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}

async function readPassword(values: { 'password-stdin'?: boolean | undefined; 'password-env'?: string | undefined }, io: CliIo): Promise<string | undefined> {
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
