// A running simulation: the phones, their links, one clock tick, and the readable log of what
// happens ("alice: presence busy → bob's lamp led.blf.0 red"). The web page, the terminal view
// and the tests all hold a SimSession.
import { builtinBoard } from '../../boards/registry.js';
import type { Board } from '../../boards/normalize.js';
import type { LampState } from '../../core/indicators/frame.js';
import { nodeClock } from '../../platform/node/index.js';
import { SimPhone, userHost, type PhoneChange } from './phone.js';
import { UaLink } from './ua-link.js';
import type { PhoneLink } from './link.js';
import type { AccountFile } from './account.js';

export interface SessionOptions {
  /** null: peer to peer on loopback. */
  readonly registrar: string | null;
  /** Phones and credentials (default: alice and bob, no passwords). */
  readonly account?: AccountFile;
  /** Local address the phones bind (default 127.0.0.1). */
  readonly address?: string;
  /** Where the readable log goes (default: nowhere). */
  readonly log?: (line: string) => void;
  /** Board the phones are (default sim-desk). */
  readonly boardId?: string;
  /** Builds a phone's link instead of a UaLink (tests of the model alone). */
  readonly makeLink?: (user: string, displayName: string) => Promise<PhoneLink>;
}

export const DEFAULT_PHONES: AccountFile = {
  phones: [{ user: 'alice', displayName: 'Alice' }, { user: 'bob', displayName: 'Bob' }],
};

/** How long after a user's action a colleague's lamp change is logged as its consequence. */
const CAUSE_WINDOW_MS = 3000;
const TICK_MS = 25;

export class SimSession {
  readonly phones: SimPhone[] = [];
  private readonly listeners: ((phone: SimPhone, change: PhoneChange) => void)[] = [];
  private readonly lastAction = new Map<string, { text: string; at: number }>();
  private readonly seenLamps = new Set<string>();

  /** A phone's short name for one of our URIs, else the URI. */
  private nameOf(uri: string): string {
    return this.phones.find((p) => userHost(p.link.aor) === userHost(uri))?.name ?? uri;
  }
  private ticker: NodeJS.Timeout | undefined = undefined;
  private closed = false;

  private constructor(private readonly log: (line: string) => void) {}

  static async start(options: SessionOptions): Promise<SimSession> {
    const log = options.log ?? (() => {});
    const session = new SimSession(log);
    const board = builtinBoard(options.boardId ?? 'sim-desk');
    if (!board.ok) throw new Error(`board: ${board.val.join('; ')}`);
    const account = options.account ?? DEFAULT_PHONES;
    const registrar = options.registrar ?? account.registrar ?? null;
    const links: PhoneLink[] = [];
    try {
      for (const p of account.phones) {
        const displayName = p.displayName ?? capitalised(p.user);
        links.push(options.makeLink !== undefined
          ? await options.makeLink(p.user, displayName)
          : await UaLink.open({
            user: p.user, displayName, address: options.address ?? '127.0.0.1', port: 0, registrar,
            ...(account.domain !== undefined ? { domain: account.domain } : {}),
            ...(p.password !== undefined ? { username: p.username ?? p.user, password: p.password } : {}),
          }));
      }
      account.phones.forEach((p, i) => {
        const others = p.blf ?? account.phones.filter((_, j) => j !== i).map((o) => o.user);
        const blf = others.map((who) => {
          const other = account.phones.findIndex((o) => o.user === who);
          const uri = other >= 0 ? links[other]!.aor : who.startsWith('sip') ? who : links[i]!.aor.replace(/^sip:[^@]+@/, `sip:${who}@`);
          const label = other >= 0 ? (account.phones[other]!.displayName ?? capitalised(who)) : capitalised(userHost(uri).replace(/@.*$/, ''));
          return { label, uri };
        });
        session.phones.push(new SimPhone({
          name: p.user, identity: p.displayName ?? capitalised(p.user), board: board.val as Board, blf, link: links[i]!,
        }));
      });
      for (const phone of session.phones) phone.onChange((ph, c) => session.dispatch(ph, c));
      for (const phone of session.phones) {
        await phone.start(() => nodeClock.now());
        log(`${phone.name}: ${phone.link.aor}${registrar !== null ? ` via ${registrar}` : ' (peer to peer)'}; BLF ${phone.config.blf.map((k, i) => `led.blf.${i}=${k.label}`).join(', ')}`);
      }
    } catch (e) {
      await Promise.all(links.map((l) => l.close().catch(() => {})));
      throw e;
    }
    session.ticker = setInterval(() => session.tick(), TICK_MS);
    return session;
  }

  phone(name: string): SimPhone | undefined {
    return this.phones.find((p) => p.name === name);
  }

  now(): number {
    return nodeClock.now();
  }

  onChange(listener: (phone: SimPhone, change: PhoneChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Unsubscribe, unregister, close the sockets (bounded: see UaLink.close). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    await Promise.all(this.phones.map((p) => p.link.close()));
    this.log('all phones shut down');
  }

  private tick(): void {
    const now = nodeClock.now();
    for (const p of this.phones) p.tick(now);
  }

  private dispatch(phone: SimPhone, change: PhoneChange): void {
    this.logChange(phone, change);
    for (const l of this.listeners) l(phone, change);
  }

  private logChange(phone: SimPhone, c: PhoneChange): void {
    const now = nodeClock.now();
    switch (c.kind) {
      case 'action':
        if (c.visible) this.lastAction.set(userHost(phone.link.aor), { text: c.text, at: now });
        this.log(`${phone.name}: ${c.text}`);
        return;
      case 'lamp': {
        // Lamps that start off are not logged; once a lamp was lit, every change is.
        const id = `${phone.name}/${c.role}`;
        if (c.state.pattern === 'off' && !this.seenLamps.has(id)) return;
        this.seenLamps.add(id);
        const m = /^led\.blf\.(\d+)$/.exec(c.role);
        const key = m !== null ? phone.config.blf[Number(m[1])] : undefined;
        if (key !== undefined) {
          const cause = this.lastAction.get(userHost(key.uri));
          const owner = this.phones.find((p) => userHost(p.link.aor) === userHost(key.uri));
          if (cause !== undefined && owner !== undefined && now - cause.at <= CAUSE_WINDOW_MS) {
            this.log(`${owner.name}: ${cause.text} → ${phone.name}'s lamp ${c.role} ${describeLamp(c.state)}`);
            return;
          }
          this.log(`${phone.name}: lamp ${c.role} (${key.label}) ${describeLamp(c.state)}`);
          return;
        }
        this.log(`${phone.name}: lamp ${c.role} ${describeLamp(c.state)}`);
        return;
      }
      case 'link': {
        const e = c.event;
        if (e.kind === 'im') this.log(`${phone.name}: IM from ${this.nameOf(e.from)}: "${e.text}"`);
        else if (e.kind === 'registration') this.log(`${phone.name}: registration ${e.state} (${e.detail})`);
        else if (e.kind === 'watch-lost') this.log(`${phone.name}: lost ${e.target}'s ${e.event}: ${e.reason}`);
        else if (e.kind === 'im-status') this.log(`${phone.name}: IM ${e.id} ${e.ok ? 'delivered' : 'NOT delivered'} (${e.detail})`);
        else if (e.kind === 'note') this.log(`${phone.name}: ${e.text}`);
        return;
      }
      default:
        return;
    }
  }

}

/** "red", "red fast-blink 200/200 ms", "off". */
export function describeLamp(s: LampState): string {
  if (s.pattern === 'off' || s.color === null) return 'off';
  if (s.pattern === 'solid') return s.color;
  return `${s.color} ${s.pattern} ${s.onMs}/${s.offMs} ms`;
}

function capitalised(s: string): string {
  return s === '' ? s : s[0]!.toUpperCase() + s.slice(1);
}
