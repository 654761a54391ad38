#!/usr/bin/env node
// Launcher for the `hardphone` command: loads the TypeScript CLI through tsx, so a fresh clone
// runs it after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
// `hardphone parse msg.sip | head -3`: the reader went away. Stop quietly, as Unix tools do,
// instead of dying with an unhandled EPIPE stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
