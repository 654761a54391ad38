// Runs `flashCommand` as its own process (the way `hardphone flash` runs), so a test can send it
// SIGINT. Not a test file: spawned by flash-lrzsz.test.ts.
import { flashCommand } from '../../tools/flash.js';

process.exitCode = await flashCommand(process.argv.slice(2));
