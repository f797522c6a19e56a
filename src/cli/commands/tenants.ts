/** `tessera tenants create|list|show`. */
import { cliContext } from '../../admin/audit.ts';
import { TenantService } from '../../admin/tenants.ts';
import { systemClock } from '../../core/clock.ts';
import type { SigningAlgorithm } from '../../core/model.ts';
import { configFrom, integerFlag, list, parse, printJson, runCommand, STORE_OPTIONS, UsageError, withStore } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera tenants create <id> [--issuer URL (default <publicUrl>/t/<id>)] [--alg ES256|RS256|EdDSA] [--lifetime SECONDS] [--hosts h1,h2]
  tessera tenants list
  tessera tenants show <id>
common options: --db PATH, --config FILE
`;

const OPTIONS = {
  ...STORE_OPTIONS,
  issuer: { type: 'string' },
  alg: { type: 'string' },
  lifetime: { type: 'string' },
  hosts: { type: 'string' },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values, positionals } = parse(args, OPTIONS);
    const [action, id] = positionals;
    if (values.help || action === undefined) {
      io.out(USAGE);
      return values.help ? EXIT.ok : EXIT.usage;
    }
    const config = configFrom(values, io);
    return withStore(config, async (store) => {
      const tenants = new TenantService(store, systemClock);
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
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}
