// `hardphone register --account <file>`: registers and stays registered — refreshing, riding out
// server restarts and flow failures with the RFC 5626 backoff — printing every state change, until
// interrupted (SIGINT/SIGTERM) or --duration ends, then unregisters (Expires: 0) and exits.
// Exit codes: 0 registered when stopped (then unregistered), 1 not registered when stopped or
// failed for good, 2 usage or account error — so a script can tell a phone that never got in.
import { readFileSync } from 'node:fs';
import { NodeUaHost } from '../platform/node/ua-host.js';
import type { UaEvent } from '../core/ua/index.js';
import { accountTransport, decodeAccount } from './account.js';

const usage = 'usage: hardphone register --account <file> [--duration S]\n' +
  '  exit codes: 0 registered when stopped, 1 not registered (or refused for good), 2 usage or account error\n';

export interface RegisterIo {
  out?: (line: string) => void;
  /** Resolves when the command should stop (tests); default: SIGINT/SIGTERM. */
  stop?: Promise<void>;
}

export async function registerCommand(argv: string[], io: RegisterIo = {}): Promise<number> {
  const print = io.out ?? ((line: string) => process.stdout.write(line + '\n'));
  let file = '';
  let duration = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--account') file = argv[++i] ?? '';
    else if (a === '--duration') duration = Number(argv[++i]);
    else if (a === '-h' || a === '--help') { process.stdout.write(usage); return 0; }
    else { process.stderr.write(`hardphone register: unknown argument ${a}\n${usage}`); return 2; }
  }
  if (!file) { process.stderr.write(`hardphone register: --account <file> is required\n${usage}`); return 2; }
  if (!(duration >= 0)) { process.stderr.write('hardphone register: --duration must be a number of seconds\n'); return 2; }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`hardphone register: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return 2;
  }
  const decoded = decodeAccount(text, file);
  if (!decoded.ok) {
    for (const line of decoded.errors) process.stderr.write(`hardphone register: ${line}\n`);
    return 2;
  }
  const account = decoded.value;
  const transport = accountTransport(account);
  const stamp = () => new Date().toISOString().slice(11, 23);
  let failed = false;
  let unregistered: () => void = () => {};
  const unregisteredP = new Promise<void>((resolve) => { unregistered = resolve; });
  let stopping = false;

  const onEvent = (e: UaEvent): void => {
    switch (e.kind) {
      case 'registration': {
        const next = Number.isFinite(e.nextAttemptAt) ? ` (next attempt in ${Math.round((e.nextAttemptAt - e.at) / 1000)} s)` : '';
        print(`${stamp()} ${e.from} → ${e.state} (${e.cause}${e.status ? ` ${e.status}` : ''})${e.state === 'backing-off' ? next : ''}`);
        if (e.state === 'failed') { failed = true; unregistered(); }
        if (e.state === 'unregistered' && stopping) unregistered();
        break;
      }
      case 'registration-lost': print(`${stamp()} registration lost (${e.cause})`); break;
      case 'registration-restored': print(`${stamp()} registration restored`); break;
      case 'public-address': print(`${stamp()} public address ${e.address}${e.changed ? ' (changed)' : ''}`); break;
      case 'warning': print(`${stamp()} warning: ${e.code}: ${e.message}`); break;
      default: break;
    }
  };

  const tls = account.tls
    ? {
        ca: account.tls.caFile ? readFileSync(account.tls.caFile) : undefined,
        cert: account.tls.certFile ? readFileSync(account.tls.certFile) : undefined,
        key: account.tls.keyFile ? readFileSync(account.tls.keyFile) : undefined,
        rejectUnauthorized: account.tls.verify !== false,
      }
    : undefined;
  let host: NodeUaHost;
  try {
    host = await NodeUaHost.start({
      address: account.localAddress ?? '127.0.0.1', port: account.localPort ?? 0, tls, onEvent,
      webSocketPath: account.websocket?.path,
      webSocketPingIntervalMs: account.websocket?.pingIntervalSeconds !== undefined ? account.websocket.pingIntervalSeconds * 1000 : undefined,
    }, (local) => ({
      aor: account.aor,
      displayName: account.displayName,
      username: account.username,
      password: account.password,
      registrar: account.registrar,
      outboundProxy: account.outboundProxy,
      transport,
      localAddress: local.address,
      localPort: local.port,
      expires: account.expires ?? 3600,
      keepalive: account.keepalive ? { mode: account.keepalive.mode, intervalMs: (account.keepalive.intervalSeconds ?? 25) * 1000 } : undefined,
    }));
  } catch (e) {
    process.stderr.write(`hardphone register: cannot open local sockets: ${(e as Error).message}\n`);
    return 2;
  }
  print(`${stamp()} ${account.aor} via ${account.registrar} (${transport}, local ${host.address}:${host.port})`);
  const started = host.run((ua, now) => ua.register(now));
  if (!started.ok) { print(`hardphone register: ${started.val.message}`); host.close(); return 1; }

  const stopSignal = io.stop ?? new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const timers: Promise<void>[] = [stopSignal, unregisteredP];
  if (duration > 0) timers.push(new Promise((resolve) => setTimeout(resolve, duration * 1000).unref()));
  await Promise.race(timers);
  const state = host.ua.registrationState;
  const registeredAtStop = state === 'registered' || state === 'refreshing';
  if (!failed && !registeredAtStop) print(`${stamp()} not registered when stopped (${state})`);
  if (!failed) {
    stopping = true;
    print(`${stamp()} unregistering…`);
    host.run((ua, now) => ua.unregister(now));
    // Bounded: the UA ends the unregister on any answer or Timer F (32 s); we wait at most 5 s.
    await Promise.race([unregisteredP, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }
  host.close();
  return failed || !registeredAtStop ? 1 : 0;
}
