#!/usr/bin/env node
// Launcher for the `hardphone` command: loads the TypeScript CLI through tsx, so a fresh clone
// runs it after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
