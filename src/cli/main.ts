#!/usr/bin/env node
/**
 * `tessera <command> [...args]`: a thin dispatcher. Each command lives in
 * `commands/<name>.ts` and is loaded only when asked for, so `tessera token`
 * never pays for loading the server.
 */
import { packageVersion } from '../server/package-version.ts';
import type { CommandEntry } from './command-spec.ts';
import { didYouMean } from './did-you-mean.ts';
import { createProcessIo, EXIT, type CliIo } from './io.ts';
import { restartServeWithMemorySettings } from './memory-restart.ts';

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  serve: { summary: 'start the HTTP server', load: () => import('./commands/serve.ts') },
  migrate: { summary: "bring the database schema to this version; 'migrate status' lists applied and pending steps", load: () => import('./commands/migrate.ts') },
  backup: { summary: 'copy the live SQLite database to a file, and verify the copy', load: () => import('./commands/backup.ts') },
  restore: { summary: 'replace the SQLite database with a verified backup', load: () => import('./commands/restore.ts') },
  init: { summary: 'create the database, a default tenant and an admin client', load: () => import('./commands/init.ts') },
  tenants: { summary: 'create, list, show and update tenants', load: () => import('./commands/tenants.ts') },
  clients: { summary: 'create, list, show, update, delete clients, rotate their secrets, read and clear their lock state', load: () => import('./commands/clients.ts') },
  'rate-limits': { summary: 'show the rate-limit rules and one bucket of the shared store; reset a bucket', load: () => import('./commands/rate-limits.ts') },
  keys: { summary: 'list, rotate, revoke and rewrap signing keys', load: () => import('./commands/keys.ts') },
  audit: { summary: 'verify the audit log\'s hash chain', load: () => import('./commands/audit.ts') },
  users: { summary: 'create, list, show, update, delete users; read and clear their lock state', load: () => import('./commands/users.ts') },
  token: { summary: 'get an access token from Tessera or any OAuth 2.0 token endpoint', load: () => import('./commands/token.ts') },
};

/** `tessera completion bash|zsh`: handled here, since it reads every command's declaration. */
const COMPLETION_SUMMARY = 'print a shell completion script (bash or zsh)';

function usage(): string {
  const lines = Object.entries({ ...COMMANDS, completion: { summary: COMPLETION_SUMMARY } }).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: tessera <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    `Run 'tessera <command> --help' for a command's options, 'tessera --version' for the version.\n`;
}

export async function main(argv: string[], io: CliIo = createProcessIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`tessera ${packageVersion()}\n`);
    return EXIT.ok;
  }
  try {
    if (name === 'completion') {
      const { runCompletion } = await import('./completion.ts');
      return await runCompletion(rest, io, COMMANDS);
    }
    const command = COMMANDS[name];
    if (command === undefined) {
      const known = [...Object.keys(COMMANDS), 'completion', '--help', '--version'];
      io.err(`tessera: unknown command '${name}'${didYouMean(name, known)}\nRun 'tessera --help' for the commands.\n`);
      return EXIT.usage;
    }
    const { run } = await command.load();
    return await run(rest, io);
  } catch (error) {
    // Every failure an operator can fix has its own message; this is the last resort, still one line.
    const stack = io.env.TESSERA_DEBUG === '1' && error instanceof Error ? `\n${error.stack}` : '';
    io.err(`tessera ${name}: unexpected ${describe(error)}${stack}\n` +
      (stack === '' ? 'This is a bug in Tessera; TESSERA_DEBUG=1 shows where it happened.\n' : ''));
    return EXIT.failure;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'failure';
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`;
}

/** The whole command as a process runs it (bin/tessera.js, or this file run directly): sets the exit code. */
export async function runCli(argv: string[]): Promise<void> {
  restartServeWithMemorySettings(argv);
  process.exitCode = await main(argv);
}

if (import.meta.main) await runCli(process.argv.slice(2));
