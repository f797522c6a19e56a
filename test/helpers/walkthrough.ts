/**
 * Runs a shell walkthrough of the README as a reader would type it: the
 * fenced `sh` block after an HTML comment `<!-- walkthrough: NAME … -->`, line
 * by line in bash with `set -euo pipefail`, so a pipeline that breaks (a
 * command whose output is not what the next one parses) fails the run.
 *
 * Only what a reader's session provides is changed: `npm install` lines are
 * skipped (the caller has installed), port 8080 becomes a free port, and a
 * line that starts a server in the background (`… &`) is followed by a wait
 * until its /healthz answers, as a reader waits for the log line.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const README = new URL('../../README.md', import.meta.url);

/** The `sh` block after `<!-- walkthrough: name -->` in the README. */
export function walkthrough(name: string): string {
  const text = readFileSync(README, 'utf8');
  const marker = text.search(new RegExp(`<!-- walkthrough: ${name}[ -]`));
  if (marker === -1) throw new Error(`README.md has no walkthrough '${name}'`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(marker));
  if (block === null) throw new Error(`README.md's walkthrough '${name}' has no sh block`);
  return block[1]!;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The bash script that runs `block` on `port`. */
export function walkthroughScript(block: string, port: number): string {
  const lines = block
    .replaceAll('8080', String(port))
    .split('\n')
    .filter((line) => !/^\s*npm (install|ci)\b/.test(line));
  const script = ['set -euo pipefail'];
  for (const line of lines) {
    script.push(line);
    // A command ending with `&` (before any comment) starts a server: wait until it answers.
    if (/&\s*(#.*)?$/.test(line) && !/&&\s*(#.*)?$/.test(line)) {
      script.push(`for _ in $(seq 150); do curl -sf http://127.0.0.1:${port}/healthz >/dev/null && break; sleep 0.2; done`);
    }
  }
  return `${script.join('\n')}\n`;
}

export interface WalkthroughResult {
  code: number | null;
  stdout: string;
  stderr: string;
  script: string;
}

/**
 * Runs the walkthrough in `cwd` with bash, in a process group of its own so
 * the servers it started in the background are stopped with it.
 */
export async function runWalkthrough(name: string, options: { cwd: string; env: Record<string, string | undefined>; port?: number; timeoutMs?: number }): Promise<WalkthroughResult> {
  const port = options.port ?? (await freePort());
  const script = walkthroughScript(walkthrough(name), port);
  const child = spawn('bash', ['-c', script], { cwd: options.cwd, env: { ...options.env, TESSERA_PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const stopGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  const timer = setTimeout(() => stopGroup('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  // The servers it left running in the background: stop them, and wait until the port is free again.
  stopGroup('SIGTERM');
  for (let i = 0; i < 100; i++) {
    const answered = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false);
    if (!answered) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { code, stdout, stderr, script };
}
