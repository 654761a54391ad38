// Starts a private Kamailio 5.6 on 127.0.0.1 for one test file: a temp dir with its own SQLite
// databases (WAL mode, built from the SQL Kamailio ships), provisioned subscribers, a free port
// on both UDP and TCP, and the config kept beside this file. Every wait is bounded.
// Traps avoided here are listed in README.md beside this file.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installExitHook, tracked } from '../reaper.js';

const { running, liveDirs } = tracked();

export const KAMAILIO_HOST = '127.0.0.1';
// HARDPHONE_KAMAILIO_BIN overrides the binary (the skip path is tested with a missing one).
const KAMAILIO_BIN = process.env.HARDPHONE_KAMAILIO_BIN ?? '/usr/sbin/kamailio';
const MODULES_DIR = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
const SQL_DIR = '/usr/share/kamailio/db_sqlite';
const DBTEXT_DIR = '/usr/share/kamailio/dbtext/kamailio';
const CONFIG = join(dirname(fileURLToPath(import.meta.url)), 'kamailio.cfg');
const REQUIRED_MODULES = ['presence.so', 'presence_xml.so', 'presence_dialoginfo.so', 'presence_mwi.so', 'db_sqlite.so', 'auth_db.so'];
/** Extra modules for `websocket: true` (kamailio-websocket-modules; nathelper is in the base package). */
const WEBSOCKET_MODULES = ['xhttp.so', 'websocket.so', 'nathelper.so'];
/** Extra modules for `xcap: true` / `rls: true` (kamailio-presence-modules). */
const XCAP_MODULES = ['xhttp.so', 'xcap_server.so'];
const RLS_MODULES = ['pua.so', 'rls.so', 'db_text.so'];
const LOG_KEEP_CHARS = 64 * 1024;

export interface Subscriber { readonly user: string; readonly password: string }

/** The accounts every run provisions; "voicemail" is the account that PUBLISHes message-summary. */
export const DEFAULT_SUBSCRIBERS: readonly Subscriber[] = [
  { user: 'alice', password: 'alicepw' },
  { user: 'bob', password: 'bobpw' },
  { user: 'carol', password: 'carolpw' },
  { user: 'voicemail', password: 'voicemailpw' },
];

export interface KamailioOptions {
  /** Fixed port; by default a port free on both UDP and TCP is picked. */
  readonly port?: number;
  /** Load msilo (offline MESSAGE storage, its own database file). */
  readonly msilo?: boolean;
  readonly subscribers?: readonly Subscriber[];
  /** Bound on the wait for the first 200 to OPTIONS (default 10 s). */
  readonly startTimeoutMs?: number;
  /** Kamailio debug level (config default 1). */
  readonly debug?: number;
  /** Keep the temp dir after stop() (for post-mortem). */
  readonly keepDir?: boolean;
  /** Also listen for SIP over WebSocket (RFC 7118) on a TCP port of its own (`wsPort`). */
  readonly websocket?: boolean;
  /** Also WebSocket over TLS (`wssPort`, self-signed certificate `wssCertificate` for 127.0.0.1); needs `websocket`. */
  readonly websocketTls?: boolean;
  /** XCAP server (xhttp + xcap_server, HTTP on the SIP TCP port, root /xcap-root) and presence
   *  authorisation from each presentity's pres-rules document (force_active off). Not with websocket. */
  readonly xcap?: boolean;
  /** Resource list server (rls + pua, RFC 4662) reading the users' rls-services documents from the
   *  XCAP server (loaded too); presence authorisation stays force_active unless `xcap` is set. */
  readonly rls?: boolean;
}

export interface Kamailio {
  readonly host: string;
  readonly port: number;
  /** SIP domain and digest realm of every subscriber. */
  readonly domain: string;
  readonly dir: string;
  readonly subscribers: readonly Subscriber[];
  readonly pid: number | undefined;
  /** The WebSocket port (ws://host:wsPort/) when started with `websocket: true`, else undefined. */
  readonly wsPort?: number;
  /** The WSS port when started with `websocketTls: true`, and the server certificate (PEM) to trust. */
  readonly wssPort?: number;
  readonly wssCertificate?: string;
  /** Last 64 KiB of Kamailio's stderr, for failure messages. */
  log(): string;
  /** Stops and starts again on the same port with the same databases (registrations are lost:
   *  usrloc is in memory). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Why Kamailio cannot run here, or undefined when it can. */
export function kamailioMissing(bin = KAMAILIO_BIN, opts: { websocket?: boolean; websocketTls?: boolean; xcap?: boolean; rls?: boolean } = {}): string | undefined {
  if (!existsSync(bin)) return `${bin} not found (apt-get install -y kamailio kamailio-presence-modules kamailio-sqlite-modules)`;
  for (const module of REQUIRED_MODULES) {
    if (!existsSync(join(MODULES_DIR, module))) return `Kamailio module ${module} not found (kamailio-presence-modules / kamailio-sqlite-modules)`;
  }
  for (const module of opts.websocket ? WEBSOCKET_MODULES : []) {
    if (!existsSync(join(MODULES_DIR, module))) return `Kamailio module ${module} not found (kamailio-websocket-modules)`;
  }
  if (opts.websocketTls) {
    if (!existsSync(join(MODULES_DIR, 'tls.so'))) return 'Kamailio module tls.so not found (kamailio-tls-modules)';
    if (spawnSync('openssl', ['version'], { encoding: 'utf8' }).status !== 0) return 'openssl CLI not found (apt-get install -y openssl)';
  }
  for (const module of [...(opts.xcap || opts.rls ? XCAP_MODULES : []), ...(opts.rls ? RLS_MODULES : [])]) {
    if (!existsSync(join(MODULES_DIR, module))) return `Kamailio module ${module} not found (kamailio-presence-modules)`;
  }
  const sqlite = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  if (sqlite.status !== 0) return 'sqlite3 CLI not found (apt-get install -y sqlite3)';
  return undefined;
}

/** Prints the loud skip banner; returns true when the caller must skip. */
export function skipWithoutKamailio(what: string, bin = KAMAILIO_BIN, opts: { websocket?: boolean; websocketTls?: boolean; xcap?: boolean; rls?: boolean } = {}): boolean {
  const missing = kamailioMissing(bin, opts);
  if (missing === undefined) return false;
  const line = '!'.repeat(78);
  console.warn(`\n${line}\n!! SKIPPING ${what}: ${missing}\n${line}\n`);
  return true;
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function sqlQuote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function buildDatabase(file: string, sqlFiles: readonly string[], extraSql: string): void {
  const script = [
    'PRAGMA journal_mode=WAL;',
    ...sqlFiles.map((name) => `.read ${join(SQL_DIR, name)}`),
    extraSql,
    '',
  ].join('\n');
  const result = spawnSync('sqlite3', ['-bail', file], { input: script, encoding: 'utf8', timeout: 10_000 });
  if (result.status !== 0) throw new Error(`sqlite3 failed on ${file}: ${result.stderr || result.error}`);
}

function provisionSql(subscribers: readonly Subscriber[], domain: string): string {
  return subscribers.map(({ user, password }) => {
    const ha1 = md5Hex(`${user}:${domain}:${password}`);
    const ha1b = md5Hex(`${user}@${domain}:${domain}:${password}`);
    return `INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES (${sqlQuote(user)}, ${sqlQuote(domain)}, ${sqlQuote(password)}, ${sqlQuote(ha1)}, ${sqlQuote(ha1b)});`;
  }).join('\n');
}

function canBindUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => { socket.close(); resolve(false); });
    socket.bind(port, KAMAILIO_HOST, () => socket.close(() => resolve(true)));
  });
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, KAMAILIO_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A port free on both UDP and TCP (Kamailio listens on both with one number). */
export async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort();
    if (port > 0 && await canBindUdp(port)) return port;
  }
  throw new Error('no port free on both UDP and TCP after 20 attempts');
}

function optionsProbe(port: number, attempt: number): Buffer {
  const branch = `z9hG4bKprobe${attempt}x${Date.now()}`;
  return Buffer.from([
    `OPTIONS sip:${KAMAILIO_HOST}:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP ${KAMAILIO_HOST}:9;branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@${KAMAILIO_HOST}>;tag=probe${attempt}`,
    `To: <sip:${KAMAILIO_HOST}:${port}>`,
    `Call-ID: probe-${attempt}-${Date.now()}@harness`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '', '',
  ].join('\r\n'));
}

/** Sends OPTIONS every 100 ms until a 200 comes back, the process dies, or the bound passes. */
async function waitForOptions(port: number, timeoutMs: number, isDead: () => string | undefined): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, KAMAILIO_HOST, () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => { clearInterval(ticker); reject(new Error(`Kamailio did not answer OPTIONS within ${timeoutMs} ms`)); }, timeoutMs);
      let attempt = 0;
      const ticker = setInterval(() => {
        const dead = isDead();
        if (dead !== undefined) { clearInterval(ticker); clearTimeout(deadline); reject(new Error(dead)); return; }
        socket.send(optionsProbe(port, attempt++), port, KAMAILIO_HOST);
      }, 100);
      socket.on('message', (msg) => {
        if (msg.subarray(0, 12).toString('latin1') === 'SIP/2.0 200 ') {
          clearInterval(ticker); clearTimeout(deadline); resolve();
        }
      });
    });
  } finally {
    socket.close();
  }
}


function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

export async function startKamailio(opts: KamailioOptions = {}): Promise<Kamailio> {
  const missing = kamailioMissing(KAMAILIO_BIN, { websocket: opts.websocket, websocketTls: opts.websocketTls, xcap: opts.xcap, rls: opts.rls });
  if (opts.websocketTls && !opts.websocket) throw new Error('startKamailio: websocketTls needs websocket: true');
  if (missing !== undefined) throw new Error(`Kamailio unavailable: ${missing}`);
  if (opts.websocket && (opts.xcap || opts.rls)) throw new Error('startKamailio: websocket and xcap/rls both need event_route[xhttp:request]; pick one');
  installExitHook();

  const dir = mkdtempSync(join(tmpdir(), 'hardphone-kamailio-'));
  if (!opts.keepDir) liveDirs.add(dir);
  const port = opts.port ?? await freeSipPort();
  let wsPort: number | undefined;
  if (opts.websocket) {
    do wsPort = await freeTcpPort(); while (wsPort === port);
  }
  let wssPort: number | undefined;
  let wssCertificate: string | undefined;
  const tlsConfig = join(dir, 'tls.cfg');
  if (opts.websocketTls) {
    do wssPort = await freeTcpPort(); while (wssPort === port || wssPort === wsPort);
    // Self-signed for 127.0.0.1: the IP SAN is what a client checks the name against.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'wss.key', '-out', 'wss.crt',
      '-days', '2', '-subj', `/CN=${KAMAILIO_HOST}`, '-addext', `subjectAltName=IP:${KAMAILIO_HOST}`], { cwd: dir, stdio: 'ignore', timeout: 10_000 });
    wssCertificate = readFileSync(join(dir, 'wss.crt'), 'utf8');
    writeFileSync(tlsConfig, ['[server:default]', 'method = TLSv1.2+', 'verify_certificate = no', 'require_certificate = no',
      `private_key = ${join(dir, 'wss.key')}`, `certificate = ${join(dir, 'wss.crt')}`, ''].join('\n'));
  }
  const domain = KAMAILIO_HOST;
  const subscribers = opts.subscribers ?? DEFAULT_SUBSCRIBERS;
  const mainDb = join(dir, 'kamailio.sqlite');
  const msiloDb = join(dir, 'msilo.sqlite');
  buildDatabase(mainDb, ['standard-create.sql', 'auth_db-create.sql', 'presence-create.sql'], provisionSql(subscribers, domain));
  if (opts.msilo) buildDatabase(msiloDb, ['standard-create.sql', 'msilo-create.sql'], '');
  // rls + pua tables as db_text files (rls 5.6 needs affected_rows(), which db_sqlite lacks).
  const rlsDb = join(dir, 'rls-dbtext');
  if (opts.rls) {
    mkdirSync(rlsDb);
    for (const table of ['version', 'pua', 'rls_presentity', 'rls_watchers']) copyFileSync(join(DBTEXT_DIR, table), join(rlsDb, table));
  }
  writeFileSync(join(dir, 'README'), `Kamailio test run on ${KAMAILIO_HOST}:${port}, config ${CONFIG}\n`);

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    KAM_PORT: String(port),
    // Four slashes: sqlite:/// + an absolute path (three would make it relative).
    KAM_DB_URL: `sqlite:///${mainDb}`,
    KAM_MSILO_DB_URL: `sqlite:///${msiloDb}`,
    KAM_SERVER_ADDRESS: `sip:${KAMAILIO_HOST}:${port}`,
    KAM_MODULES: MODULES_DIR,
    KAM_CTL_SOCKET: `unix:${join(dir, 'kamailio_ctl')}`,
    ...(wsPort !== undefined ? { KAM_WS_PORT: String(wsPort) } : {}),
    ...(wssPort !== undefined ? { KAM_WSS_PORT: String(wssPort), KAM_TLS_CFG: tlsConfig } : {}),
    ...(opts.rls ? { KAM_RLS_DB_URL: `text://${rlsDb}`, KAM_RLS_ADDRESS: `sip:rls@${KAMAILIO_HOST}:${port}` } : {}),
  };
  const args = ['-f', CONFIG, '-DD', '-E', '-Y', dir, '-w', dir, '-m', '64', '-M', '8'];
  if (opts.msilo) args.push('-A', 'WITH_MSILO');
  if (wsPort !== undefined) args.push('-A', 'WITH_WEBSOCKET');
  if (wssPort !== undefined) args.push('-A', 'WITH_WSS');
  if (opts.xcap || opts.rls) args.push('-A', 'WITH_XCAP_SERVER');
  if (opts.xcap) args.push('-A', 'WITH_PRES_RULES');
  if (opts.rls) args.push('-A', 'WITH_RLS');
  if (opts.debug !== undefined) args.push('-A', `DBG_LEVEL=${opts.debug}`);

  let child: ChildProcess | undefined;
  let logText = '';
  let stopped = false;

  const launch = async (): Promise<void> => {
    const proc = spawn(KAMAILIO_BIN, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child = proc;
    running.add(proc);
    proc.stderr?.on('data', (chunk: Buffer) => {
      logText += chunk.toString('utf8');
      if (logText.length > LOG_KEEP_CHARS * 2) logText = logText.slice(-LOG_KEEP_CHARS);
    });
    let spawnError: string | undefined;
    proc.once('error', (err) => { spawnError = String(err); });
    proc.once('exit', () => { running.delete(proc); });
    try {
      await waitForOptions(port, opts.startTimeoutMs ?? 10_000, () => {
        if (spawnError !== undefined) return `kamailio failed to spawn: ${spawnError}`;
        if (proc.exitCode !== null || proc.signalCode !== null) return `kamailio exited (${proc.exitCode ?? proc.signalCode}) during start-up:\n${logText.slice(-4000)}`;
        return undefined;
      });
    } catch (err) {
      await terminate();
      throw err;
    }
  };

  const terminate = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.pid === undefined) return;
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      try { proc.kill('SIGTERM'); } catch { /* already gone */ }
      if (!await waitForExit(proc, 3000)) {
        try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* already gone */ }
        await waitForExit(proc, 2000);
      }
    }
    // Children of the main process share its group; make sure none outlive it.
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* group already empty */ }
    running.delete(proc);
  };

  try {
    await launch();
  } catch (err) {
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
    throw err;
  }

  return {
    host: KAMAILIO_HOST,
    port,
    domain,
    dir,
    subscribers,
    wsPort,
    wssPort,
    wssCertificate,
    get pid() { return child?.pid; },
    log: () => logText.slice(-LOG_KEEP_CHARS),
    async restart() {
      if (stopped) throw new Error('restart() after stop()');
      await terminate();
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate();
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}
