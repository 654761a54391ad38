// A software serial expansion panel: the other end of SerialPanelDriver, for tests and the
// simulator. It speaks the same protocol (PROTOCOL.md) through the same PanelLink, keeps the lamp
// state the host asked for, and can press keys. Open it on a pty (socat) or any Duplex.
import type { Duplex } from 'node:stream';
import { LAMP_OFF, type LampState } from '../../../core/indicators/frame.js';
import { AckStatus, FrameType, KeyAction, PROTOCOL_VERSION, decodeLamps, type LampEntry } from './frame.js';
import { PanelLink, type PanelLinkEvent, type PanelLinkStats } from './link.js';
import { PanelLinkPort } from './link-port.js';

export interface PanelEmulatorOptions {
  /** Keys (and lamps) on the panel; lamps for keys beyond it are refused. Default 20. */
  readonly keyCount?: number;
  readonly ackTimeoutMs?: number;
  readonly maxRetries?: number;
  /** Called after every accepted Lamps frame, with the keys it changed. */
  readonly onLamps?: (entries: readonly LampEntry[]) => void;
}

export class PanelEmulator {
  readonly keyCount: number;
  private readonly lampStates = new Map<number, LampState>();
  private readonly port: PanelLinkPort;
  private readonly waiting = new Map<number, (delivered: boolean) => void>();
  private nextTag = 1;
  private lampWaiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  /** Lamps frames accepted so far (a retransmitted duplicate is not counted twice). */
  lampFrames = 0;

  constructor(stream: Duplex, private readonly options: PanelEmulatorOptions = {}) {
    this.keyCount = options.keyCount ?? 20;
    const link = new PanelLink({
      ackTimeoutMs: options.ackTimeoutMs,
      maxRetries: options.maxRetries,
      validate: (type, payload) => {
        if (type === FrameType.Hello) return payload.length >= 2 ? AckStatus.Ok : AckStatus.BadPayload;
        if (type !== FrameType.Lamps) return AckStatus.UnknownType;
        const entries = decodeLamps(payload);
        if (typeof entries === 'number') return AckStatus.BadPayload;
        return entries.every((e) => e.key < this.keyCount) ? AckStatus.Ok : AckStatus.BadPayload;
      },
    });
    this.port = new PanelLinkPort(stream, link, (event) => this.handle(event));
  }

  /** Power-up: says Hello (with the key count), so the host sends every lamp again. */
  start(): void {
    this.port.send(FrameType.Hello, Uint8Array.of(PROTOCOL_VERSION, this.keyCount));
  }

  get stats(): PanelLinkStats {
    return this.port.link.stats;
  }

  lamp(key: number): LampState {
    return this.lampStates.get(key) ?? LAMP_OFF;
  }

  /** Every key's lamp, dark ones included. */
  lamps(): LampState[] {
    return Array.from({ length: this.keyCount }, (_, key) => this.lamp(key));
  }

  /** Presses (and by default releases) a key; resolves true once the host acknowledged it. */
  async pressKey(key: number, release = true): Promise<boolean> {
    const pressed = await this.sendKey(key, KeyAction.Press);
    if (!release) return pressed;
    const released = await this.sendKey(key, KeyAction.Release);
    return pressed && released;
  }

  /** Resolves when `check()` holds after some Lamps frame (or at once); rejects after `timeoutMs`. */
  waitForLamps(check: () => boolean, timeoutMs: number): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        check,
        resolve: () => { clearTimeout(timer); resolve(); },
      };
      const timer = setTimeout(() => {
        this.lampWaiters = this.lampWaiters.filter((w) => w !== waiter);
        reject(new Error(`panel emulator: lamps did not reach the expected state within ${timeoutMs} ms`));
      }, timeoutMs);
      this.lampWaiters.push(waiter);
    });
  }

  /** Puts raw bytes on the line, outside the protocol (for garbage/noise tests). */
  injectNoise(bytes: Uint8Array): void {
    this.port.writeRaw(bytes);
  }

  close(): void {
    this.port.detach();
    for (const resolve of this.waiting.values()) resolve(false);
    this.waiting.clear();
  }

  private sendKey(key: number, action: number): Promise<boolean> {
    const tag = this.nextTag++;
    return new Promise((resolve) => {
      this.waiting.set(tag, resolve);
      if (!this.port.send(FrameType.Key, Uint8Array.of(key, action), tag)) {
        this.waiting.delete(tag);
        resolve(false);
      }
    });
  }

  private handle(event: PanelLinkEvent): void {
    if (event.kind === 'frame') {
      if (event.type !== FrameType.Lamps) return; // a host Hello needs nothing beyond its Ack
      const entries = decodeLamps(event.payload);
      if (typeof entries === 'number') return; // already refused by validate
      for (const { key, state } of entries) this.lampStates.set(key, state);
      this.lampFrames++;
      this.options.onLamps?.(entries);
      this.lampWaiters = this.lampWaiters.filter((w) => {
        if (!w.check()) return true;
        w.resolve();
        return false;
      });
      return;
    }
    const resolve = this.waiting.get(event.tag);
    if (resolve === undefined) return;
    this.waiting.delete(event.tag);
    resolve(event.kind === 'delivered');
  }
}
