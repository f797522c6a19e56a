/** `tessera rate-limits show [RULE SUBJECT]` and `reset RULE SUBJECT`: the shared (Redis) rate-limit store as operators see it. */
import { cliContext } from '../../admin/audit.ts';
import { withTessera } from '../../server/management.ts';
import { OUTPUT_OPTIONS, runActionCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import type { CommandSpec } from '../command-spec.ts';
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
common options: --db PATH, --config FILE, --output json|table
`;

export const spec = { actions: ['show', 'reset'], options: OUTPUT_OPTIONS, values: STORE_OPTION_VALUES } satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, spec, async ({ action, config, print, positionals }) => {
    const [rule, subject] = positionals;
    if (action === 'reset' && (rule === undefined || subject === undefined)) throw new UsageError('rate-limits reset needs a RULE and a SUBJECT');
    if (rule !== undefined && subject === undefined) throw new UsageError('rate-limits show needs a SUBJECT after the RULE');
    if (config.rateLimitStore === 'memory') {
      io.err('error: rateLimitStore is memory: its buckets live inside the serving process; use the admin API (GET /admin/v1/rate-limits/RULE/SUBJECT)\n');
      return EXIT.failure;
    }
    return withTessera(config, async ({ admin }) => {
      const limits = admin.rateLimits;
      if (action === 'reset') print(await limits.reset(rule!, subject!, cliContext()));
      else print(rule === undefined ? limits.overview() : await limits.inspect(rule, subject!));
      return EXIT.ok;
    }, { rateLimitStore: true });
  });
}
