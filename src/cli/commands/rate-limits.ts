/** `tessera rate-limits show [RULE SUBJECT]` and `reset RULE SUBJECT`: the shared (Redis) rate-limit store as operators see it. */
import { cliContext } from '../../admin/audit.ts';
import { withTessera } from '../../server/management.ts';
import { printJson, runCommand, parse, configFrom, STORE_OPTIONS, UsageError } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera rate-limits show                  the rules in force and the store's state
  tessera rate-limits show RULE SUBJECT     one bucket: requests remaining, seconds until the next
  tessera rate-limits reset RULE SUBJECT    forget one bucket (audited): its next request finds it full
SUBJECT is spelled as the rule counts it: an address for token-address rules, failures,
discovery-address and admin-address (an IPv6 address stands for its /64); TENANT/CLIENT for
token, introspection, revocation and admin; TENANT/USERNAME for login.
The buckets must live in a shared store (rateLimitStore: a redis:// URL): a memory store's
are inside the serving process; read and reset them with the admin API (/admin/v1/rate-limits).
common options: --db PATH, --config FILE
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values, positionals } = parse(args, STORE_OPTIONS);
    const [action, rule, subject] = positionals;
    if (values.help || action === undefined) {
      io.out(USAGE);
      return values.help ? EXIT.ok : EXIT.usage;
    }
    if (action !== 'show' && action !== 'reset') throw new UsageError(`unknown action '${action}'`);
    if (action === 'reset' && (rule === undefined || subject === undefined)) throw new UsageError('rate-limits reset needs a RULE and a SUBJECT');
    if (rule !== undefined && subject === undefined) throw new UsageError('rate-limits show needs a SUBJECT after the RULE');
    const config = configFrom(values, io);
    if (config.rateLimitStore === 'memory') {
      io.err('error: rateLimitStore is memory: its buckets live inside the serving process; use the admin API (GET /admin/v1/rate-limits/RULE/SUBJECT)\n');
      return EXIT.failure;
    }
    return withTessera(config, async ({ admin }) => {
      const limits = admin.rateLimits;
      if (action === 'reset') printJson(io, await limits.reset(rule!, subject!, cliContext()));
      else printJson(io, rule === undefined ? limits.overview() : await limits.inspect(rule, subject!));
      return EXIT.ok;
    }, { rateLimitStore: true });
  });
}
