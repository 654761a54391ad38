// Starts a private baresip 1.0.0 (Debian baresip-core) on 127.0.0.1 as an independent SIP user
// agent registered at a test Kamailio, and drives it over its ctrl_tcp interface (netstring-framed
// JSON). Every wait is bounded; stop() kills the process group for sure.
// Traps avoided here are listed in README.md beside this file.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeSipPort } from '../kamailio/harness.js';
import { NetstringReader, encodeNetstring, stripAnsi } from './netstring.js';
import { installExitHook, tracked } from '../reaper.js';

const { running, liveDirs } = tracked();

export const BARESIP_HOST = '127.0.0.1';
// HARDPHONE_BARESIP_BIN overrides the binary (the skip path is tested with a missing one).
const BARESIP_BIN = process.env.HARDPHONE_BARESIP_BIN ?? '/usr/bin/baresip';
const MODULES_DIR = '/usr/lib/baresip/modules';
const STDBUF = '/usr/bin/stdbuf';
/** stdio: the UI that prints incoming MESSAGEs (menu's handler writes through ui_output);
 *  account/contact: accounts and contacts files, the `message` command; menu: reginfo, quit,
 *  presence_online/offline; presence: PUBLISH and SUBSCRIBE; ctrl_tcp: the control socket. */
const MODULES = ['stdio.so', 'account.so', 'contact.so', 'menu.so', 'presence.so', 'ctrl_tcp.so'];
const LOG_KEEP_CHARS = 64 * 1024;
const INSTALL_HINT = 'apt-get install -y --no-install-recommends baresip-core';

/** What the harness needs from a running registrar (test/support/kamailio/harness.ts's Kamailio fits). */
export interface Registrar {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
}

export interface BaresipContact {
  /** e.g. sip:alice@127.0.0.1 */
  readonly uri: string;
  readonly name?: string;
  /** baresip SUBSCRIBEs to this contact's presence (`;presence=p2p`). */
  readonly watch?: boolean;
}

export interface BaresipOptions {
  readonly kamailio: Registrar;
  readonly user: string;
  readonly password: string;
  /** REGISTER interval in seconds (default 300). */
  readonly regint?: number;
  /** PUBLISH interval in seconds; 0 = baresip does not publish (default 0). */
  readonly pubint?: number;
  /** Contacts file. `sendMessage` can only reach contacts (baresip 1.0.0 messages "the current
   *  contact"); default: every other user given in `peers`, not watched. */
  readonly contacts?: readonly BaresipContact[];
  /** Users of the same domain to list as contacts when `contacts` is not given. */
  readonly peers?: readonly string[];
  /** Bound on start-up until registered (default 8 s). */
  readonly startTimeoutMs?: number;
  /** baresip's own safety net (`-t`): it quits by itself after this many seconds even if the
   *  test runner died without calling stop() (default 300). */
  readonly maxLifetimeS?: number;
  /** `-s`: SIP trace on stdout (see log()). */
  readonly sipTrace?: boolean;
  readonly keepDir?: boolean;
}

export interface CommandResult {
  readonly ok: boolean;
  /** The command's console output, ANSI codes stripped. */
  readonly data: string;
}

/** A ctrl_tcp event (`{"event":true,"type":"REGISTER_OK","class":"register",...}`). */
export interface BaresipEvent {
  readonly type: string;
  readonly class?: string;
  readonly accountaor?: string;
  readonly param?: string;
  readonly [key: string]: unknown;
}

/** A MESSAGE baresip received, as its menu module printed it: `<peer>: "<body>"`. */
export interface IncomingMessage {
  readonly peer: string;
  readonly body: string;
}

export interface Baresip {
  readonly aor: string;
  readonly sipPort: number;
  readonly ctrlPort: number;
  readonly dir: string;
  readonly pid: number | undefined;
  /** Runs a ctrl_tcp command; rejects when no response comes within timeoutMs (default 3 s). */
  command(name: string, params?: string, timeoutMs?: number): Promise<CommandResult>;
  /** Sends a MESSAGE (text/plain) to one of the contacts: selects it as the current contact,
   *  then runs `message`. Rejects if the uri is not a contact or baresip refuses the command.
   *  The SIP outcome is not reported back by baresip; failures show in messageFailures(). */
  sendMessage(uri: string, text: string, timeoutMs?: number): Promise<void>;
  /** Incoming MESSAGEs seen so far. */
  readonly messages: readonly IncomingMessage[];
  /** The next incoming MESSAGE accepted by `wanted` (already received ones count), within timeoutMs. */
  waitForMessage(wanted: (m: IncomingMessage) => boolean, timeoutMs: number): Promise<IncomingMessage>;
  /** ctrl_tcp events seen so far. */
  readonly events: readonly BaresipEvent[];
  waitForEvent(wanted: (e: BaresipEvent) => boolean, timeoutMs: number): Promise<BaresipEvent>;
  /** Final responses >= 300 to MESSAGEs baresip sent (printed as " NNN reason" on stderr). */
  messageFailures(): readonly string[];
  /** A watched contact's presence as `contacts` shows it: "Unknown", "Online", "Offline", ...
   *  (undefined when the uri is not a contact). */
  contactStatus(uri: string): Promise<string | undefined>;
  /** Polls contactStatus until it equals `status`; rejects after timeoutMs with the last one seen. */
  waitForContactStatus(uri: string, status: string, timeoutMs: number): Promise<void>;
  /** `reginfo` says this account is registered. */
  isRegistered(): Promise<boolean>;
  /** stdout + stderr (ANSI stripped), last 64 KiB. */
  log(): string;
  stop(): Promise<void>;
}

/** Why baresip cannot run here, or undefined when it can. */
export function baresipMissing(bin = BARESIP_BIN): string | undefined {
  if (!existsSync(bin)) return `${bin} not found (${INSTALL_HINT})`;
  for (const module of MODULES) {
    if (!existsSync(join(MODULES_DIR, module))) return `baresip module ${join(MODULES_DIR, module)} not found (${INSTALL_HINT})`;
  }
  return undefined;
}

/** Prints the loud skip banner; returns true when the caller must skip. */
export function skipWithoutBaresip(what: string, bin = BARESIP_BIN): boolean {
  const missing = baresipMissing(bin);
  if (missing === undefined) return false;
  const line = '!'.repeat(78);
  console.warn(`\n${line}\n!! SKIPPING ${what}: ${missing}\n${line}\n`);
  return true;
}

function canListenTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, BARESIP_HOST, () => server.close(() => resolve(true)));
  });
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, BARESIP_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** baresip binds SIP on UDP and TCP at `sip_listen`'s port and TLS at port + 1, so all three
 *  must be free, and the ctrl_tcp port must be none of them. */
async function pickPorts(): Promise<{ sip: number; ctrl: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const sip = await freeSipPort();
    if (sip >= 65535 || !await canListenTcp(sip + 1)) continue;
    const ctrl = await freeTcpPort();
    if (ctrl !== sip && ctrl !== sip + 1) return { sip, ctrl };
  }
  throw new Error('no free ports for baresip after 20 attempts');
}


/** How many baresip processes this process started are still alive (tests check cleanup). */
export function runningBaresipCount(): number {
  return [...running].filter((c) => c.exitCode === null && c.signalCode === null).length;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Items collected over time, with bounded waits for one that matches. */
class Collector<T> {
  readonly items: T[] = [];
  private waiters: Array<{ wanted: (item: T) => boolean; resolve: (item: T) => void }> = [];

  push(item: T): void {
    this.items.push(item);
    const matched = this.waiters.filter((w) => w.wanted(item));
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const w of matched) w.resolve(item);
  }

  wait(wanted: (item: T) => boolean, timeoutMs: number, what: string, context: () => string): Promise<T> {
    const seen = this.items.find(wanted);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { wanted, resolve: (item: T): void => { clearTimeout(timer); resolve(item); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms\n--- baresip log (tail) ---\n${context().slice(-3000)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

function configText(sipPort: number, ctrlPort: number): string {
  return [
    '# written by test/support/baresip/harness.ts',
    'poll_method epoll',
    `sip_listen ${BARESIP_HOST}:${sipPort}`,
    // The interface name "lo" fails in 1.0.0; the address works.
    `net_interface ${BARESIP_HOST}`,
    `module_path ${MODULES_DIR}`,
    'module stdio.so',
    'module_app account.so',
    'module_app contact.so',
    'module_app menu.so',
    'module_app presence.so',
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen ${BARESIP_HOST}:${ctrlPort}`,
    '',
  ].join('\n');
}

function accountLine(opts: BaresipOptions): string {
  const k = opts.kamailio;
  // The domain (= realm) has no port, so the registrar is reached through `outbound`;
  // baresip routes REGISTER, PUBLISH, SUBSCRIBE and MESSAGE through it.
  const params = [
    `auth_pass=${opts.password}`,
    `outbound="sip:${k.host}:${k.port};transport=udp"`,
    `regint=${opts.regint ?? 300}`,
    `pubint=${opts.pubint ?? 0}`,
    'answermode=manual',
  ];
  return `<sip:${opts.user}@${k.domain};transport=udp>;${params.join(';')}\n`;
}

function contactLines(opts: BaresipOptions): { text: string; uris: string[] } {
  const k = opts.kamailio;
  const contacts: readonly BaresipContact[] = opts.contacts
    ?? (opts.peers ?? []).filter((u) => u !== opts.user).map((u) => ({ uri: `sip:${u}@${k.domain}`, name: u }));
  const lines = contacts.map((c) => `"${c.name ?? c.uri}" <${c.uri}>${c.watch ? ';presence=p2p' : ''}`);
  return { text: `${lines.join('\n')}\n`, uris: contacts.map((c) => c.uri) };
}

// menu's message handler: ui_output("\r%r: \"%b\"\n", peer, body).
const INCOMING_MESSAGE = /(?:^|\r|\n)(sips?:[^\s"]+): "([\s\S]*?)"\n/g;
// contact's MESSAGE response handler on stderr: " \x1b[31m%u %r\x1b[;m\n" for scode >= 300.
const MESSAGE_FAILURE = /^ (\d{3} .*)$/gm;

export async function startBaresip(opts: BaresipOptions): Promise<Baresip> {
  const missing = baresipMissing();
  if (missing !== undefined) throw new Error(`baresip unavailable: ${missing}`);
  installExitHook();
  let lastError: unknown;
  // A port picked free can be taken before baresip binds it: try again with fresh ports.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts, await pickPorts());
    } catch (err) {
      lastError = err;
      if (!/Address already in use/.test(String(err))) throw err;
    }
  }
  throw lastError;
}

async function startOnce(opts: BaresipOptions, ports: { sip: number; ctrl: number }): Promise<Baresip> {
  const k = opts.kamailio;
  const aor = `sip:${opts.user}@${k.domain}`;
  const dir = mkdtempSync(join(tmpdir(), 'hardphone-baresip-'));
  if (!opts.keepDir) liveDirs.add(dir);
  writeFileSync(join(dir, 'config'), configText(ports.sip, ports.ctrl));
  writeFileSync(join(dir, 'accounts'), accountLine(opts));
  const contacts = contactLines(opts);
  writeFileSync(join(dir, 'contacts'), contacts.text);

  const args = ['-f', dir, '-t', String(opts.maxLifetimeS ?? 300)];
  if (opts.sipTrace) args.push('-s');
  // stdin stays an open pipe: the stdio UI needs a pollable fd (/dev/null fails with EPERM
  // under epoll). stdout is a pipe too, so libc block-buffers baresip's log lines: stdbuf
  // (coreutils) makes them line-buffered so log() is current. Incoming MESSAGEs and MESSAGE
  // failures go to stderr, which is unbuffered, so without stdbuf only log() lags.
  const [file, fileArgs] = existsSync(STDBUF) ? [STDBUF, ['-oL', '-eL', BARESIP_BIN, ...args]] : [BARESIP_BIN, args];
  const child = spawn(file, fileArgs, {
    cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, stdio: ['pipe', 'pipe', 'pipe'], detached: true,
  });
  running.add(child);
  let logText = '';
  let stdoutText = '';
  let stderrText = '';
  let stderrPartialLine = '';
  const messages = new Collector<IncomingMessage>();
  const events = new Collector<BaresipEvent>();
  const failures: string[] = [];
  const appendLog = (text: string): void => {
    logText += text;
    if (logText.length > LOG_KEEP_CHARS * 2) logText = logText.slice(-LOG_KEEP_CHARS);
  };
  // The stdio UI writes incoming MESSAGEs to stderr (log lines go to stdout); scan both.
  // setEncoding: a UTF-8 sequence split across chunks is decoded whole.
  const scanMessages = (buffer: string): string => {
    let consumed = 0;
    INCOMING_MESSAGE.lastIndex = 0;
    for (let m = INCOMING_MESSAGE.exec(buffer); m; m = INCOMING_MESSAGE.exec(buffer)) {
      messages.push({ peer: m[1]!, body: m[2]! });
      consumed = INCOMING_MESSAGE.lastIndex;
    }
    // Keep the tail that may hold the start of a message not yet complete.
    return buffer.slice(consumed).slice(-LOG_KEEP_CHARS);
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const text = stripAnsi(chunk);
    appendLog(text);
    stdoutText = scanMessages(stdoutText + text);
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    const text = stripAnsi(chunk);
    appendLog(text);
    stderrText = scanMessages(stderrText + text);
    // Failure lines are scanned once each, when complete.
    const lines = stderrPartialLine + text;
    const lastNewline = lines.lastIndexOf('\n');
    for (const m of lines.slice(0, lastNewline + 1).matchAll(MESSAGE_FAILURE)) failures.push(m[1]!);
    stderrPartialLine = lines.slice(lastNewline + 1);
  });
  child.stdin!.on('error', () => { /* baresip gone; reported through waits */ });
  let spawnError: string | undefined;
  child.once('error', (err) => { spawnError = String(err); });
  child.once('exit', () => { running.delete(child); });
  const deadReason = (): string | undefined => {
    if (spawnError !== undefined) return `baresip failed to spawn: ${spawnError}`;
    if (child.exitCode !== null || child.signalCode !== null) return `baresip exited (${child.exitCode ?? child.signalCode}):\n${logText.slice(-3000)}`;
    return undefined;
  };

  let socket: Socket | undefined;
  let tokenCounter = 0;
  const pending = new Map<string, { resolve: (r: CommandResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let stopped = false;

  const terminate = async (): Promise<void> => {
    socket?.destroy();
    for (const p of pending.values()) { clearTimeout(p.timer); p.reject(new Error('baresip stopped')); }
    pending.clear();
    if (child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM makes baresip unregister, which may wait on the registrar: bounded, then KILL.
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      if (!await waitForExit(child, 1500)) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
        await waitForExit(child, 2000);
      }
    }
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group already empty */ }
    running.delete(child);
  };

  const onPayload = (payload: string): void => {
    let json: Record<string, unknown>;
    try { json = JSON.parse(payload) as Record<string, unknown>; } catch { appendLog(`[harness] ctrl_tcp: not JSON: ${payload.slice(0, 200)}\n`); return; }
    if (json.response === true && typeof json.token === 'string') {
      const waiter = pending.get(json.token);
      if (waiter === undefined) return;
      pending.delete(json.token);
      clearTimeout(waiter.timer);
      waiter.resolve({ ok: json.ok === true, data: stripAnsi(typeof json.data === 'string' ? json.data : '') });
    } else if (json.event === true) {
      events.push({ ...json, type: String(json.type ?? '') } as BaresipEvent);
    }
  };

  const connectCtrl = async (deadline: number): Promise<Socket> => {
    for (;;) {
      const dead = deadReason();
      if (dead !== undefined) throw new Error(dead);
      // baresip carries on without ctrl_tcp when its port is taken: fail now (startBaresip
      // retries with other ports) instead of waiting for the deadline.
      if (/ctrl_tcp: failed to listen/.test(logText)) throw new Error(`baresip ctrl_tcp could not listen on ${ports.ctrl}: Address already in use\n${logText.slice(-2000)}`);
      const s = await new Promise<Socket | undefined>((resolve) => {
        const attempt = connect({ host: BARESIP_HOST, port: ports.ctrl });
        const timer = setTimeout(() => { attempt.destroy(); resolve(undefined); }, 500);
        attempt.once('connect', () => { clearTimeout(timer); resolve(attempt); });
        attempt.once('error', () => { clearTimeout(timer); attempt.destroy(); resolve(undefined); });
      });
      if (s !== undefined) return s;
      if (Date.now() > deadline) throw new Error(`baresip ctrl_tcp did not accept on ${ports.ctrl}:\n${logText.slice(-3000)}`);
      await sleep(50);
    }
  };

  const command = (name: string, params = '', timeoutMs = 3000): Promise<CommandResult> => {
    if (socket === undefined || stopped) return Promise.reject(new Error(`baresip ${name}: not connected`));
    const token = `hp${++tokenCounter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(token);
        reject(new Error(`baresip ${name}: no response within ${timeoutMs} ms\n${logText.slice(-2000)}`));
      }, timeoutMs);
      pending.set(token, { resolve, reject, timer });
      socket!.write(encodeNetstring(JSON.stringify({ command: name, params, token })));
    });
  };

  // reginfo lists "> sip:bob@127.0.0.1   OK  kamailio (...) Expires 300s" once registered.
  const isRegistered = async (): Promise<boolean> => {
    const { data } = await command('reginfo');
    return data.split('\n').some((line) => line.includes(aor) && /\sOK\s/.test(line));
  };

  // baresip 1.0.0's `message` goes to the current contact. `contacts` marks it with ">" in
  // file order; contact_next / contact_prev move by one and stop at the ends (no wrap).
  const selectContact = async (uri: string, timeoutMs: number): Promise<void> => {
    const { data } = await command('contacts', '', timeoutMs);
    const listed = data.split('\n').map((line) => /^(>?)\s.*<([^>]+)>/.exec(line)).filter((m) => m !== null);
    const target = listed.findIndex((m) => m![2] === uri);
    const current = listed.findIndex((m) => m![1] === '>');
    if (target < 0) throw new Error(`${uri} is not one of baresip's contacts (${contacts.uris.join(', ')}); pass it in contacts/peers`);
    const step = target > current ? 'contact_next' : 'contact_prev';
    let answer = '';
    for (let i = Math.abs(target - Math.max(current, 0)); i > 0; i--) answer = (await command(step, '', timeoutMs)).data;
    if (current >= 0 && target !== current && !answer.includes(`<${uri}>`)) {
      throw new Error(`could not make ${uri} baresip's current contact: ${answer}`);
    }
  };

  // `contacts` lists ">     Online Alice <sip:alice@127.0.0.1>" (">" marks the current one).
  const contactStatus = async (uri: string): Promise<string | undefined> => {
    const { data } = await command('contacts');
    for (const line of data.split('\n')) {
      const m = /^>?\s+(\S+)\s.*<([^>]+)>\s*$/.exec(line);
      if (m !== null && m[2] === uri) return m[1];
    }
    return undefined;
  };

  const waitForContactStatus = async (uri: string, status: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let last: string | undefined;
    for (;;) {
      last = await contactStatus(uri);
      if (last === status) return;
      if (Date.now() > deadline) throw new Error(`baresip shows ${uri} as ${last ?? '(not a contact)'}, not ${status}, after ${timeoutMs} ms\n${logText.slice(-2000)}`);
      await sleep(100);
    }
  };

  try {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 8000);
    socket = await connectCtrl(deadline);
    const reader = new NetstringReader();
    socket.on('data', (chunk: Buffer) => {
      for (const payload of reader.push(chunk)) onPayload(payload);
      if (reader.error !== undefined) appendLog(`[harness] ctrl_tcp framing error: ${reader.error}\n`);
    });
    socket.on('error', () => { /* reported through command timeouts */ });
    // Poll reginfo rather than wait for REGISTER_OK: the event may come before we connect.
    for (;;) {
      const dead = deadReason();
      if (dead !== undefined) throw new Error(dead);
      if (await isRegistered()) break;
      if (Date.now() > deadline) throw new Error(`baresip ${aor} did not register at ${k.host}:${k.port} within ${opts.startTimeoutMs ?? 8000} ms:\n${logText.slice(-3000)}`);
      await sleep(100);
    }
  } catch (err) {
    stopped = true;
    await terminate();
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
    throw err;
  }

  return {
    aor,
    sipPort: ports.sip,
    ctrlPort: ports.ctrl,
    dir,
    get pid() { return child.pid; },
    command,
    async sendMessage(uri, text, timeoutMs = 3000) {
      await selectContact(uri, timeoutMs);
      const result = await command('message', text, timeoutMs);
      if (!result.ok) throw new Error(`baresip message to ${uri} refused: ${result.data}`);
    },
    get messages() { return messages.items; },
    waitForMessage: (wanted, timeoutMs) => messages.wait(wanted, timeoutMs, 'incoming MESSAGE at baresip', () => logText),
    get events() { return events.items; },
    waitForEvent: (wanted, timeoutMs) => events.wait(wanted, timeoutMs, 'matching baresip event', () => logText),
    messageFailures: () => failures.slice(),
    contactStatus,
    waitForContactStatus,
    isRegistered,
    log: () => logText.slice(-LOG_KEEP_CHARS),
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate();
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}

/** Starts baresip, runs `body`, and stops baresip whatever happens. */
export async function withBaresip<T>(opts: BaresipOptions, body: (baresip: Baresip) => Promise<T>): Promise<T> {
  const baresip = await startBaresip(opts);
  try {
    return await body(baresip);
  } finally {
    await baresip.stop();
  }
}
