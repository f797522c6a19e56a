#!/usr/bin/env node
/**
 * `tessera <command> [...args]`: a thin dispatcher. Each command lives in
 * `commands/<name>.ts` and is loaded only when asked for, so `tessera token`
 * never pays for loading the server.
 */
import { createProcessIo, EXIT, type CliCommand } from './io.ts';
import { restartServeWithMemorySettings } from './memory-restart.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CliCommand }> }> = {
  serve: { summary: 'start the HTTP server', load: () => import('./commands/serve.ts') },
  migrate: { summary: "bring the database schema to this version; 'migrate status' lists applied and pending steps", load: () => import('./commands/migrate.ts') },
  backup: { summary: 'copy the live SQLite database to a file, and verify the copy', load: () => import('./commands/backup.ts') },
  restore: { summary: 'replace the SQLite database with a verified backup', load: () => import('./commands/restore.ts') },
  init: { summary: 'create the database, a default tenant and an admin client', load: () => import('./commands/init.ts') },
  tenants: { summary: 'create, list, show and update tenants', load: () => import('./commands/tenants.ts') },
  clients: { summary: 'create, list, show, delete clients and rotate their secrets', load: () => import('./commands/clients.ts') },
  keys: { summary: 'list and rotate signing keys', load: () => import('./commands/keys.ts') },
  users: { summary: 'create, list, show, update, delete users; read and clear their lock state', load: () => import('./commands/users.ts') },
  token: { summary: 'get an access token from Tessera or any OAuth 2.0 token endpoint', load: () => import('./commands/token.ts') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: tessera <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'tessera <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const io = createProcessIo();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`tessera: unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  const { run } = await command.load();
  return run(rest, io);
}

if (import.meta.main) {
  restartServeWithMemorySettings(process.argv.slice(2));
  process.exitCode = await main(process.argv.slice(2));
}
