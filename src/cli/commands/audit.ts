/** `tessera audit verify`: walks the audit log's hash chain and names the first entry that breaks it. */
import { verifyAuditChain } from '../../core/audit-chain.ts';
import { OUTPUT_OPTIONS, runActionCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import type { CommandSpec } from '../command-spec.ts';
import { withTessera } from '../../server/management.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera audit verify
Every audit entry stores the hash of the entry written before it and its own hash
(one chain for the installation, in write order). verify recomputes the chain and
exits 0 when it is whole, or 1 naming the first entry that breaks it: "edited"
(its content is not what was written), "missing-before" (the entry before it was
deleted), "unchained" (no hash, after the chain began). Entries written before the
chain existed are counted as unchained at its start. Deleting the newest entries
leaves no later entry to notice: compare "verified" with what you expect.
common options: --db PATH, --config FILE, --output json|table
`;

export const spec = { actions: ['verify'], options: OUTPUT_OPTIONS, values: STORE_OPTION_VALUES } satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, spec, async ({ action, config, print, positionals }) => {
    if (action !== 'verify') throw new UsageError(`unknown action '${action}'`);
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return withTessera(config, async ({ store }) => {
      const report = await verifyAuditChain(store.audit);
      print(report);
      if (!report.ok) io.err(`audit chain broken at entry ${report.break!.seq}: ${report.break!.problem}\n`);
      return report.ok ? EXIT.ok : EXIT.failure;
    });
  });
}
