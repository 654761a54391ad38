// Phones joined in memory: a PhoneLink with no SIP at all, for tests of the phone model. It still
// goes through the real documents (PIDF and dialog-info written, then read back), so what a
// watcher sees is what the bytes say. Deliveries are queued and run by `flush()`, so a test
// controls when "the network" moves.
import type { LinkEvent, PhoneLink } from './link.js';
import {
  DialogBodyReader, PresenceBodyReader, dialogInfoBody, pidfBody, type CallState, type OwnPresence,
} from './documents.js';
import { userHost } from './phone.js';

export class MemoryHub {
  private readonly links = new Map<string, MemoryLink>();
  private readonly queue: (() => void)[] = [];

  link(aor: string): MemoryLink {
    const l = new MemoryLink(this, aor);
    this.links.set(userHost(aor), l);
    return l;
  }

  find(uri: string): MemoryLink | undefined {
    return this.links.get(userHost(uri));
  }

  post(deliver: () => void): void {
    this.queue.push(deliver);
  }

  /** Runs every queued delivery (and those they queue); returns how many ran. */
  flush(): number {
    let n = 0;
    for (let d = this.queue.shift(); d !== undefined; d = this.queue.shift()) { d(); n++; }
    return n;
  }
}

export class MemoryLink implements PhoneLink {
  private onEvent: (e: LinkEvent) => void = () => {};
  private presence: Uint8Array | null = null;
  private call: CallState = 'idle';
  private caller = '';
  private readonly watchers: { link: MemoryLink; version: number }[] = [];
  private readonly presenceReader = new PresenceBodyReader();
  private readonly dialogReaders = new Map<string, DialogBodyReader>();
  private nextIm = 1;
  closed = false;

  constructor(private readonly hub: MemoryHub, readonly aor: string) {}

  async start(onEvent: (e: LinkEvent) => void): Promise<void> {
    this.onEvent = onEvent;
    this.onEvent({ kind: 'registration', state: 'registered', detail: 'memory link' });
  }

  watch(target: string): void {
    this.hub.post(() => {
      const peer = this.hub.find(target);
      if (peer === undefined) {
        this.onEvent({ kind: 'watch-lost', target, event: 'presence', reason: 'no such phone' });
        return;
      }
      peer.addWatcher(this);
    });
  }

  setPresence(p: OwnPresence): void {
    this.presence = pidfBody(this.aor, p);
    for (const w of this.watchers) this.notifyPresence(w.link);
  }

  setCallState(call: CallState, caller: string): void {
    this.call = call;
    this.caller = caller;
    for (const w of this.watchers) this.notifyDialog(w);
  }

  sendIm(target: string, text: string): number | string {
    const peer = this.hub.find(target);
    const id = this.nextIm++;
    this.hub.post(() => {
      if (peer === undefined || peer.closed) {
        this.onEvent({ kind: 'im-status', id, ok: false, detail: 'no such phone' });
        return;
      }
      peer.onEvent({ kind: 'im', from: this.aor, text });
      this.onEvent({ kind: 'im-status', id, ok: true, detail: '200 OK' });
    });
    return id;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers.splice(0)) {
      const me = this.aor;
      this.hub.post(() => {
        w.link.onEvent({ kind: 'watch-lost', target: me, event: 'presence', reason: 'notifier closed' });
        w.link.onEvent({ kind: 'watch-lost', target: me, event: 'dialog', reason: 'notifier closed' });
      });
    }
  }

  private addWatcher(link: MemoryLink): void {
    const w = { link, version: 0 };
    this.watchers.push(w);
    link.dialogReaders.set(userHost(this.aor), new DialogBodyReader());
    this.notifyPresence(link);
    this.notifyDialog(w);
  }

  private notifyPresence(link: MemoryLink): void {
    const body = this.presence ?? new Uint8Array(0);
    const target = this.aor;
    this.hub.post(() => {
      const p = link.presenceReader.read(body, NaN);
      if (p !== null) link.onEvent({ kind: 'presence', target, status: p.status, note: p.note });
    });
  }

  private notifyDialog(w: { link: MemoryLink; version: number }): void {
    const body = dialogInfoBody(this.aor, this.call, this.caller, w.version++);
    const target = this.aor;
    this.hub.post(() => {
      const d = w.link.dialogReaders.get(userHost(target))?.read(body) ?? null;
      if (d !== null) w.link.onEvent({ kind: 'dialog', target, state: d.state, caller: d.caller });
    });
  }
}
