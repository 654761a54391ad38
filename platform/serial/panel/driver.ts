// The host side of the serial expansion panel: a LampDriver (core/indicators/frame.ts) that puts
// lamp states on the panel and turns the panel's key frames into key events.
//
// Lamp updates coalesce: the driver keeps the wanted state per key and a set of keys not yet
// confirmed by the panel; whenever the link is free it sends them (up to 34 per Lamps frame).
// So a burst of changes to one key costs one frame, and a key's last state always wins.
// If the panel stops answering, the keys stay pending and the driver tries again every
// `offlineRetryMs`; when the panel says Hello (power-up, reconnect) every lamp is sent again.
import type { Duplex } from 'node:stream';
import { LAMP_OFF, sameLamp, type LampDriver, type LampState } from '../../../core/indicators/frame.js';
import { AckStatus, FrameType, KeyAction, MAX_LAMPS_PER_FRAME, PROTOCOL_VERSION, encodeLamps, type LampEntry } from './frame.js';
import { PanelLink, type PanelLinkEvent } from './link.js';
import { PanelLinkPort } from './link-port.js';

export interface PanelKeyEvent {
  /** Key index on the panel. */
  readonly key: number;
  /** The board role of the key, e.g. "key.blf.3". */
  readonly role: string;
  readonly pressed: boolean;
}

export interface SerialPanelOptions {
  /** Panel key for a lamp role; -1 if the role is not on the panel. Default: "led.blf.N" → N. */
  readonly keyOfLampRole?: (role: string) => number;
  /** Role for a panel key. Default: N → "key.blf.N". */
  readonly roleOfKey?: (key: number) => string;
  readonly ackTimeoutMs?: number;
  readonly maxRetries?: number;
  /** Pause before trying again after the panel stopped answering (ms). */
  readonly offlineRetryMs?: number;
  readonly onKey?: (event: PanelKeyEvent) => void;
  /** The panel said Hello (it started, or came back): its key count. */
  readonly onHello?: (keyCount: number) => void;
  /** The panel stopped answering (reported once per outage), or refused a frame. */
  readonly onError?: (message: string) => void;
}

const BLF_LAMP = /^led\.blf\.(\d+)$/;

export function defaultKeyOfLampRole(role: string): number {
  const m = BLF_LAMP.exec(role);
  if (m === null) return -1;
  const key = Number(m[1]);
  return key <= 255 ? key : -1;
}

export class SerialPanelDriver implements LampDriver {
  private readonly port: PanelLinkPort;
  private readonly wanted = new Map<number, LampState>();
  private readonly pending = new Set<number>();
  private inFlight: number[] = [];
  private offline = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private readonly keyOfLampRole: (role: string) => number;
  private readonly roleOfKey: (key: number) => string;
  private readonly offlineRetryMs: number;
  /** Key count from the panel's last Hello (0 until one arrives). */
  panelKeyCount = 0;

  constructor(stream: Duplex, private readonly options: SerialPanelOptions = {}) {
    this.keyOfLampRole = options.keyOfLampRole ?? defaultKeyOfLampRole;
    this.roleOfKey = options.roleOfKey ?? ((key) => `key.blf.${key}`);
    this.offlineRetryMs = options.offlineRetryMs ?? 1000;
    const link = new PanelLink({
      ackTimeoutMs: options.ackTimeoutMs,
      maxRetries: options.maxRetries,
      validate: (type, payload) => {
        if (type === FrameType.Key) return payload.length === 2 && payload[1]! <= KeyAction.Press ? AckStatus.Ok : AckStatus.BadPayload;
        if (type === FrameType.Hello) return payload.length >= 2 ? AckStatus.Ok : AckStatus.BadPayload;
        return AckStatus.UnknownType;
      },
    });
    this.port = new PanelLinkPort(stream, link, (event) => this.handle(event));
  }

  get link(): PanelLink {
    return this.port.link;
  }

  /** Announces the host (the panel forgets its duplicate memory) and sends every known lamp. */
  start(): void {
    this.port.send(FrameType.Hello, Uint8Array.of(PROTOCOL_VERSION, 0), -1);
    for (const key of this.wanted.keys()) this.pending.add(key);
    this.flush();
  }

  setLamp(role: string, state: LampState): void {
    const key = this.keyOfLampRole(role);
    if (key < 0) return;
    if (this.beyondPanel(key)) {
      this.options.onError?.(`lamp ${role} is key ${key}, but the panel has only ${this.panelKeyCount} keys`);
      return;
    }
    const current = this.wanted.get(key) ?? LAMP_OFF;
    if (this.wanted.has(key) && sameLamp(current, state)) return;
    this.wanted.set(key, state);
    this.pending.add(key);
    this.flush();
  }

  /** Lamp changes not yet confirmed by the panel. */
  get pendingLamps(): number {
    return this.pending.size + this.inFlight.length;
  }

  /** Resolves once every lamp change has been acknowledged by the panel. */
  whenSettled(): Promise<void> {
    if (this.pendingLamps === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the driver (the stream stays open; the caller owns it). */
  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.port.detach();
  }

  /** Once the panel said how many keys it has, lamps beyond them would get the whole frame refused. */
  private beyondPanel(key: number): boolean {
    return this.panelKeyCount > 0 && key >= this.panelKeyCount;
  }

  private flush(): void {
    if (this.inFlight.length > 0 || this.pending.size === 0 || this.offline) return;
    const entries: LampEntry[] = [];
    for (const key of this.pending) {
      if (this.beyondPanel(key)) { this.pending.delete(key); continue; }
      entries.push({ key, state: this.wanted.get(key)! });
      if (entries.length === MAX_LAMPS_PER_FRAME) break;
    }
    for (const entry of entries) this.pending.delete(entry.key);
    this.inFlight = entries.map((e) => e.key);
    this.port.send(FrameType.Lamps, encodeLamps(entries), 1);
  }

  private handle(event: PanelLinkEvent): void {
    switch (event.kind) {
      case 'frame':
        if (event.type === FrameType.Key) {
          const key = event.payload[0]!;
          this.options.onKey?.({ key, role: this.roleOfKey(key), pressed: event.payload[1] === KeyAction.Press });
        } else if (event.type === FrameType.Hello) {
          this.panelKeyCount = event.payload[1]!;
          this.offline = false;
          if (this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = undefined; }
          // The panel (re)started with all lamps dark: everything it should show goes again.
          for (const key of this.wanted.keys()) this.pending.add(key);
          this.options.onHello?.(this.panelKeyCount);
          this.flush();
        }
        return;
      case 'delivered':
        if (event.tag === 1) { this.inFlight = []; this.offline = false; }
        break;
      case 'failed':
        if (event.reason === 'refused') {
          // Sending the same bytes again would be refused again: drop them and say so.
          if (event.tag === 1) this.inFlight = [];
          this.options.onError?.(`the panel refused a ${event.type === FrameType.Lamps ? 'lamp' : 'hello'} frame (status ${event.status})`);
          break;
        }
        if (event.tag === 1) {
          for (const key of this.inFlight) this.pending.add(key);
          this.inFlight = [];
        }
        if (!this.offline) this.options.onError?.('the panel stopped answering; retrying');
        this.offline = true;
        if (!this.retryTimer) {
          this.retryTimer = setTimeout(() => { this.retryTimer = undefined; this.offline = false; this.flush(); }, this.offlineRetryMs);
        }
        return;
    }
    this.flush();
    if (this.pendingLamps === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
