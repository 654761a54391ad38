// `hardphone sim`: two simulated desk phones (alice and bob) on this laptop, each watching the
// other (BLF key 0), drawn on a local web page (and in the terminal with --tui). Peer to peer on
// loopback by default; --registrar / --account run the same phones against a real server.
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { SimSession } from './sim/session.js';
import { startServer, type SimServer } from './sim/server.js';
import { SimTui } from './sim/tui.js';
import { decodeAccountFile, type AccountFile } from './sim/account.js';

export const SIM_USAGE = `usage: hardphone sim [options]

Two simulated sim-desk phones (alice and bob) that watch each other's presence and calls.

options:
  --port N            web page port (default 8080; 0 = any free port)
  --host ADDR         web page address (default 127.0.0.1)
  --registrar URI     run against a SIP server (e.g. sip:127.0.0.1:5060) instead of peer to peer
  --account FILE      phones and credentials (JSON: { registrar?, domain?, phones: [{ user, password?, … }] })
  --tui               draw the phones in the terminal and read keys (headless use)
  --no-web            do not start the web page (with --tui)
  --no-open           do not open a browser
  --duration S        exit by itself after S seconds (smoke tests, CI)
  -h, --help          this text
`;

export interface SimArgs {
  port: number;
  host: string;
  registrar: string | null;
  account: string | null;
  tui: boolean;
  web: boolean;
  open: boolean;
  durationS: number | null;
}

/** Parses argv; a string is the error to print. */
export function parseSimArgs(argv: readonly string[]): SimArgs | string | 'help' {
  const a: SimArgs = { port: 8080, host: '127.0.0.1', registrar: null, account: null, tui: false, web: true, open: true, durationS: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (arg) {
      case '-h': case '--help': return 'help';
      case '--tui': a.tui = true; break;
      case '--no-web': a.web = false; break;
      case '--no-open': a.open = false; break;
      case '--port': {
        const v = value();
        const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
        if (!(n >= 0 && n <= 65535)) return `--port: expected a port number 0-65535, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        a.port = n;
        break;
      }
      case '--host': {
        const v = value();
        if (v === undefined || v === '') return '--host: expected an address';
        a.host = v;
        break;
      }
      case '--registrar': {
        const v = value();
        if (v === undefined || !/^sips?:[^\s]+$/i.test(v)) return `--registrar: expected a sip: URI such as sip:127.0.0.1:5060, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        a.registrar = v;
        break;
      }
      case '--account': {
        const v = value();
        if (v === undefined || v === '') return '--account: expected a file name';
        a.account = v;
        break;
      }
      case '--duration': {
        const v = value();
        const n = v !== undefined ? Number(v) : NaN;
        if (!(n > 0 && n < 1e7)) return `--duration: expected seconds > 0, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        a.durationS = n;
        break;
      }
      default:
        return `unknown option ${JSON.stringify(arg)}`;
    }
  }
  if (!a.web && !a.tui) return '--no-web needs --tui (otherwise nothing shows the phones)';
  return a;
}

export async function simCommand(argv: string[]): Promise<number> {
  const args = parseSimArgs(argv);
  if (args === 'help') {
    process.stdout.write(SIM_USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    process.stderr.write(`hardphone sim: ${args}\n${SIM_USAGE}`);
    return 2;
  }

  let account: AccountFile | undefined;
  if (args.account !== null) {
    let text: string;
    try {
      text = await readFile(args.account, 'utf8');
    } catch (e) {
      process.stderr.write(`hardphone sim: cannot read --account ${args.account}: ${(e as Error).message}\n`);
      return 2;
    }
    const decoded = decodeAccountFile(text, args.account);
    if (!decoded.ok) {
      process.stderr.write(`hardphone sim: bad account file\n${decoded.errors.map((l) => `  ${l}\n`).join('')}`);
      return 2;
    }
    account = decoded.value;
  }

  let tui: SimTui | null = null;
  let server: SimServer | null = null;
  const early: string[] = [];
  const log = (line: string): void => {
    const stamped = `${new Date().toISOString().slice(11, 23)} ${line}`;
    if (tui !== null) tui.addLog(stamped);
    else process.stdout.write(`${stamped}\n`);
    if (server !== null) server.log(stamped);
    else early.push(stamped);
  };

  let session: SimSession;
  try {
    session = await SimSession.start({ registrar: args.registrar, ...(account !== undefined ? { account } : {}), log });
  } catch (e) {
    process.stderr.write(`hardphone sim: could not start the phones: ${(e as Error).message}\n`);
    return 1;
  }

  if (args.web) {
    try {
      server = await startServer(session, args.port, args.host);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'EADDRINUSE' || args.port === 0) {
        process.stderr.write(`hardphone sim: web page on ${args.host}:${args.port}: ${err.message}\n`);
        await session.close();
        return 1;
      }
      log(`port ${args.port} is taken; using a free port instead`);
      server = await startServer(session, 0, args.host);
    }
    for (const line of early.splice(0)) server.log(line);
    process.stdout.write(`hardphone sim: open ${server.url}\n`);
    if (args.open) openBrowser(server.url, log);
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (why: string): void => {
      if (stopping) return;
      stopping = true;
      tui?.close();
      tui = null;
      log(`${why}: shutting down (unsubscribe, unregister)`);
      if (timer !== undefined) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const forced = setTimeout(() => resolve(1), 5000);
      Promise.allSettled([session.close(), server?.close()]).then(() => {
        clearTimeout(forced);
        resolve(0);
      });
    };
    const onSignal = (signal: NodeJS.Signals): void => stop(signal === 'SIGINT' ? 'Ctrl-C' : signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const timer = args.durationS !== null ? setTimeout(() => stop(`--duration ${args.durationS} s over`), args.durationS * 1000) : undefined;
    if (args.tui) tui = new SimTui(session, { input: process.stdin, output: process.stdout, onQuit: () => stop('Ctrl-C') });
  });
}

/** Opens the page in the desktop's browser, only where there is a desktop to show it. */
function openBrowser(url: string, log: (line: string) => void): void {
  const platform = process.platform;
  const hasDisplay = platform === 'darwin' || platform === 'win32' || Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);
  if (!hasDisplay || process.env['CI']) return;
  const [cmd, args] = platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => log(`could not start ${cmd}: open ${url} yourself`));
    child.unref();
  } catch {
    log(`could not start ${cmd}: open ${url} yourself`);
  }
}
