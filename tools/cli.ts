// The `hardphone` command: one sub-command per file in tools/, each a thin layer over library code.
const usage = `usage: hardphone <command> [options]

commands:
  parse [--json] <file|->                        parse one SIP message and print its fields
  build --board <id|all> --engine quickjs|xs|node [--out dir]
                                                 bundle the SDK for a board and engine
  flash --port <tty> [--baud N] <bundle>         send a bundle to a phone over YMODEM
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'parse': {
      const { parseCommand } = await import('./parse.js');
      return parseCommand(rest);
    }
    case 'build': {
      const { buildCommand } = await import('./build.js');
      return buildCommand(rest);
    }
    case 'flash': {
      const { flashCommand } = await import('./flash.js');
      return flashCommand(rest);
    }
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`hardphone: unknown command "${command}"\n${usage}`);
      return 2;
  }
}
