/** Rewrites the settings table in docs/configuration.md from the declarations in src/config/config.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../src/config/settings-table.ts';

const path = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(path, withSettingsTable(readFileSync(path, 'utf8')));
