/**
 * Builds what the published packages ship: JavaScript, declarations and
 * source maps emitted by `tsc` from src/, each package from its own
 * tsconfig.build.json, into a dist/ emptied first so nothing stale ships.
 * Development never needs this: Node runs the .ts sources directly.
 *
 *   node scripts/build.ts                 # every package
 *   node scripts/build.ts client verify   # some
 *
 * `npm pack` and `npm publish` run it (each package's `prepack`), so a tarball
 * always holds a build of the sources it was packed from. The server package
 * also ships the console's built assets (console/dist/), which `npm install`
 * builds (`prepare`); they are built here when missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each package: the folder holding its package.json, tsconfig.build.json and dist/. */
export const PACKAGES = {
  server: ROOT,
  client: join(ROOT, 'packages/client'),
  verify: join(ROOT, 'packages/verify'),
} as const;

export type PackageName = keyof typeof PACKAGES;

/** typescript's `exports` leave out its bin; its package.json locates the package. */
const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

export async function buildPackage(name: PackageName): Promise<void> {
  const dir = PACKAGES[name];
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const result = spawnSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.build.json')], { cwd: dir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc failed for the ${name} package (exit ${result.status ?? result.signal})`);
  if (name === 'server' && !existsSync(join(ROOT, 'console/dist/index.html'))) {
    const { buildConsole } = await import('../console/build.ts');
    await buildConsole();
  }
}

if (import.meta.main) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !Object.hasOwn(PACKAGES, name));
  if (unknown.length > 0) {
    console.error(`build: unknown package ${unknown.join(', ')} (known: ${Object.keys(PACKAGES).join(', ')})`);
    process.exit(2);
  }
  for (const name of (asked.length > 0 ? asked : Object.keys(PACKAGES)) as PackageName[]) {
    await buildPackage(name);
    console.log(`built ${name} → ${join(PACKAGES[name], 'dist')}`);
  }
}
