#!/usr/bin/env node
// The `tessera` command. An installed package holds only built JavaScript
// (dist/); a checkout of the repository runs the TypeScript sources directly
// (Node's type stripping), so developing needs no build. Node refuses to strip
// types under node_modules, hence the check on where this file really lives.
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const installed = realpathSync(fileURLToPath(import.meta.url)).split(/[\\/]/).includes('node_modules');
const entry = !installed && existsSync(sources) ? sources : new URL('../dist/cli/main.js', import.meta.url);
const { runCli } = await import(entry.href);
await runCli(process.argv.slice(2));
