#!/usr/bin/env node
// Published entry point: Node 24 runs the TypeScript sources directly (type stripping).
import { main } from '../src/cli/main.ts';
import { restartWithOneMallocArena } from '../src/cli/malloc-arena.ts';

restartWithOneMallocArena(process.argv.slice(2));

process.exitCode = await main(process.argv.slice(2));
