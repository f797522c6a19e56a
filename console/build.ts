/**
 * Builds the operators' console into console/dist/: one JavaScript and one
 * CSS file named by content hash, and an index.html that loads them. Nothing
 * is fetched at build or run time; the same sources give the same bytes.
 *
 * `node console/build.ts` (or `npm run build:console`); `npm install` runs it
 * through `prepare`, and the browser tests call {@link buildConsole} first.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
export const CONSOLE_DIST = join(ROOT, 'dist');

/** Browsers an operator plausibly runs: the last two years of evergreen releases. */
const TARGETS = ['chrome115', 'firefox115', 'safari16.4', 'edge115'];

/**
 * Builds into a folder beside `outdir`, then swaps it in: whatever reads
 * `outdir` meanwhile (a running test, `npm pack`) sees the old build or the
 * new one, whole, never a folder being emptied and refilled.
 */
export async function buildConsole(outdir = CONSOLE_DIST): Promise<{ files: string[] }> {
  const staging = `${outdir}.${process.pid}.new`;
  const result = await buildInto(staging);
  const previous = `${outdir}.${process.pid}.old`;
  if (existsSync(outdir)) renameSync(outdir, previous);
  renameSync(staging, outdir);
  rmSync(previous, { recursive: true, force: true });
  return result;
}

async function buildInto(outdir: string): Promise<{ files: string[] }> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(join(outdir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { app: join(ROOT, 'src/main.tsx') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: TARGETS,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
    // No source maps: they would ship the sources twice and change nothing for operators.
    sourcemap: false,
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const script = outputs.find((f) => f.endsWith('.js'));
  const style = outputs.find((f) => f.endsWith('.css'));
  if (script === undefined || style === undefined) throw new Error(`console build produced ${outputs.join(', ')}`);
  writeFileSync(join(outdir, 'index.html'), indexHtml(script, style));
  return { files: ['index.html', ...outputs.map((f) => `assets/${f}`)] };
}

/** The only HTML the server sends: no inline script or style, so the CSP can forbid both. */
function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tessera console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/${style}">
<script type="module" src="/console/assets/${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript><p>The Tessera console needs JavaScript. The admin API (/admin/v1) and the CLI do everything it does.</p></noscript>
</body>
</html>
`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files } = await buildConsole();
  console.log(`console built: ${files.join(', ')}`);
}
