#!/usr/bin/env node
// The `taskyard` command. In a checkout (scripts/ beside it) dist/ is rebuilt first when a file
// under src/ changed since the last build, as `npm run keys` does; an installed package has
// dist/ only, and runs it as it is.
import { existsSync } from 'node:fs';

const rebuild = new URL('../scripts/build-if-stale.mjs', import.meta.url);
if (existsSync(rebuild)) await import(rebuild.href);
await import('../dist/cli/main.js');
