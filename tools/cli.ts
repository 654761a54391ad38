// The `hardphone` command: one sub-command per file in tools/, each a thin layer over library code.
const usage = `usage: hardphone <command> [options]

commands:
  parse [--json] [--lenient] <file|->            parse one SIP message and print its fields
  build --board <id|all|board.json> --engine quickjs|xs|node [--app] [--out dir] [--check-budget]
                                                 check a board and bundle the SDK (or, --app, the phone
                                                 application) for it and an engine
  flash --port <tty> [--baud N] [--timeout S] [--name NAME] <bundle>
                                                 send a bundle to a phone over YMODEM
  sim [--port N] [--host ADDR] [--registrar URI] [--account FILE] [--tui] [--no-web] [--no-open] [--duration S]
                                                 two simulated desk phones (the main job)
  register --account <file> [--duration S]       register and stay registered until Ctrl-C

hardphone <command> --help explains a command's options.
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
