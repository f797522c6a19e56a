/** `tessera serve`: the HTTP server, until SIGTERM or SIGINT. */
import { startServer } from '../../http/server.ts';
import { configFrom, integerFlag, parse, runCommand, STORE_OPTIONS } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera serve [--port N] [--host ADDRESS] [--db PATH] [--config FILE]
Environment: TESSERA_PORT, TESSERA_HOST, TESSERA_DB, TESSERA_CONFIG, TESSERA_PUBLIC_URL,
TESSERA_LOG_LEVEL, TESSERA_DEFAULT_TENANT. Flags beat the environment, which beats the file.
`;

const OPTIONS = { ...STORE_OPTIONS, port: { type: 'string' }, host: { type: 'string' } } as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values } = parse(args, OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const config = configFrom(values, io, { port: integerFlag(values.port, 'port'), host: values.host });
    let server;
    try {
      server = await startServer(config);
    } catch (error) {
      io.err(`tessera serve: cannot start: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
    const signal = await io.stopSignal;
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    return EXIT.ok;
  });
}
