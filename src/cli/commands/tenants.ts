/** `tessera tenants create|list|show|update`. */
import { cliContext } from '../../admin/audit.ts';
import { type LoginPolicyInput } from '../../admin/tenants.ts';
import type { SigningAlgorithm } from '../../core/model.ts';
import { integerFlag, list, printJson, runActionCommand, STORE_OPTIONS, UsageError } from '../common.ts';
import { withTessera } from '../../server/management.ts';
import { RATE_LIMIT_OPTIONS, RATE_LIMIT_USAGE, rateLimitFlags, SECRET_LOCKOUT_OPTIONS } from '../rate-limit-flags.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera tenants create <id> [--issuer URL (default <publicUrl>/t/<id>)] [--alg ES256|RS256|EdDSA] [--lifetime SECONDS] [--hosts h1,h2]
                              [--rate-limit RULE=LIMIT/WINDOW ...]
  tessera tenants list
  tessera tenants show <id>
  tessera tenants update <id> [--lifetime SECONDS] [--lockout-failures N] [--lockout-wait SECONDS]
                              [--lockout-max-wait SECONDS] [--lockout-reset SECONDS]
                              [--refresh-lifetime SECONDS] [--refresh-grace SECONDS]
                              [--default-public-client CLIENT_ID | --no-default-public-client]
                              [--rate-limit RULE=LIMIT/WINDOW ...] [--secret-lockout-failures N]
                              [--secret-lockout-wait SECONDS] [--secret-lockout-max-wait SECONDS]
                              [--secret-lockout-reset SECONDS]
Login settings (update): after --lockout-failures consecutive failed passwords a user is
locked, the k-th lock in a row for k x --lockout-wait seconds up to --lockout-max-wait;
--lockout-reset seconds without a failure restart the count (0 failures: no lockout).
--default-public-client names the public client that requests without any client
credentials are attributed to (seed 003).
Rate limits: ${RATE_LIMIT_USAGE}
--secret-lockout-* lock a client with an operator-chosen secret after that many failed
secrets in a row, as the user lockout does (default 10 failures, 60 s more per lock, 900 s at most).
common options: --db PATH, --config FILE
`;

const OPTIONS = {
  ...STORE_OPTIONS,
  issuer: { type: 'string' },
  alg: { type: 'string' },
  lifetime: { type: 'string' },
  hosts: { type: 'string' },
  'lockout-failures': { type: 'string' },
  'lockout-wait': { type: 'string' },
  'lockout-max-wait': { type: 'string' },
  'lockout-reset': { type: 'string' },
  'refresh-lifetime': { type: 'string' },
  'refresh-grace': { type: 'string' },
  'default-public-client': { type: 'string' },
  'no-default-public-client': { type: 'boolean' },
  ...RATE_LIMIT_OPTIONS,
  ...SECRET_LOCKOUT_OPTIONS,
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, OPTIONS, async ({ values, action, target: id, config }) => {
    return withTessera(config, async ({ admin }) => {
      const tenants = admin.tenants;
      switch (action) {
        case 'create': {
          if (id === undefined) throw new UsageError('tenants create needs an id');
          // Under /t/<id> every endpoint of the tenant is reachable below its issuer (see http/endpoint-paths.ts).
          const issuer = values.issuer ?? `${config.publicUrl ?? `http://localhost:${config.port}`}/t/${id}`;
          printJson(io, await tenants.create({
            id,
            issuer,
            signingAlg: values.alg as SigningAlgorithm | undefined,
            accessTokenLifetime: integerFlag(values.lifetime, 'lifetime'),
            hosts: list(values.hosts),
            rateLimit: rateLimitFlags(values),
          }, cliContext()));
          return EXIT.ok;
        }
        case 'list':
          printJson(io, await tenants.list());
          return EXIT.ok;
        case 'show':
          if (id === undefined) throw new UsageError('tenants show needs an id');
          printJson(io, await tenants.get(id));
          return EXIT.ok;
        case 'update':
          if (id === undefined) throw new UsageError('tenants update needs an id');
          printJson(io, await tenants.update(id, {
            accessTokenLifetime: integerFlag(values.lifetime, 'lifetime'),
            loginPolicy: loginPolicyFlags(values),
            rateLimit: rateLimitFlags(values),
          }, cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}

function loginPolicyFlags(values: Record<string, unknown>): LoginPolicyInput {
  const flag = (name: string) => integerFlag(values[name] as string | undefined, name);
  if (values['default-public-client'] !== undefined && values['no-default-public-client']) {
    throw new UsageError('use one of --default-public-client and --no-default-public-client');
  }
  const drop = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return drop({
    lockout: drop({
      maxFailures: flag('lockout-failures'),
      waitIncrement: flag('lockout-wait'),
      maxWait: flag('lockout-max-wait'),
      failureReset: flag('lockout-reset'),
    }),
    refreshTokenLifetime: flag('refresh-lifetime'),
    refreshTokenReuseGrace: flag('refresh-grace'),
    defaultPublicClient: values['no-default-public-client'] ? null : (values['default-public-client'] as string | undefined),
  });
}
