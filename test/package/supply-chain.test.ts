/**
 * What `npm ci` may run and fetch: no dependency's install script is approved
 * for whatever version a registry serves next, and the Node binary the npm
 * scripts run on comes from the lockfile (exact version and integrity), not
 * from an install script's own `npm install`.
 */
import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; integrity?: string; hasInstallScript?: boolean; link?: boolean }>;
};

describe('supply chain', () => {
  it('approves install scripts only for an exact version the lockfile holds', () => {
    for (const [entry, allowed] of Object.entries(manifest.allowScripts ?? {})) {
      if (!allowed) continue;
      const match = /^(@?[^@]+)@(\d+\.\d+\.\d+)$/.exec(entry);
      assert.ok(match, `allowScripts approves "${entry}" for any version`);
      assert.equal(lock.packages[`node_modules/${match[1]}`]?.version, match[2], `${entry} is not the locked version`);
    }
  });

  it('runs no approved install script that fetches packages outside the lockfile', () => {
    const approved = Object.keys(manifest.allowScripts ?? {}).filter((k) => manifest.allowScripts![k]);
    const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([path]) => path.replace(/^.*node_modules\//, ''));
    // The `node` package's preinstall runs `npm install --no-save node-<platform>-<arch>@<version>`: a binary whose
    // integrity no lockfile records.
    assert.ok(!withScripts.includes('node') || !approved.some((k) => k === 'node' || k.startsWith('node@')), 'the node package\'s install script is approved');
  });

  it('takes the Node binary of the npm scripts from a locked package with its integrity', () => {
    const binary = relative(ROOT, realpathSync(join(ROOT, 'node_modules/.bin', process.platform === 'win32' ? 'node.exe' : 'node')));
    const owner = binary.replace(/\/bin\/node(\.exe)?$/, '');
    const locked = lock.packages[owner];
    assert.ok(locked, `${binary} belongs to no lockfile entry`);
    assert.equal(locked.version, process.versions.node, 'the locked binary is the Node running the tests');
    assert.match(locked.integrity ?? '', /^sha512-/);
  });
});
