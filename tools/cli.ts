// The `hardphone` command: one sub-command per file in tools/, each a thin layer over library code.
const usage = `usage: hardphone <command> [options]

commands:
  parse [--json] <file|->                        parse one SIP message and print its fields
  build --board <id|all> --engine quickjs|xs|node [--out dir]
                                                 bundle the SDK for a board and engine
  flash --port <tty> [--baud N] <bundle>         send a bundle to a phone over YMODEM
  sim [--port N] [--registrar URI] [--account FILE] [--tui] [--duration S]
                                                 two simulated desk phones (the main job)
  register --account <file>                      register and stay registered until Ctrl-C
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
    case 'sim': {
      const { simCommand } = await import('./sim.js');
      return simCommand(rest);
    }
    case 'register': {
      const { registerCommand } = await import('./register.js');
      return registerCommand(rest);
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
