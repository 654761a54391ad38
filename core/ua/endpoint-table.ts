// The transaction engine names destinations by number (it never sees addresses); this table
// turns Endpoints into those numbers and back. Bounded: an entry lives while transactions use it
// (reference counts), and a full table is a capacity error the caller reports, never an eviction
// of an address a live transaction still sends to.
import type { Endpoint } from './config.js';

export class EndpointTable {
  private readonly endpoints: (Endpoint | null)[];
  private readonly refs: Int32Array;

  constructor(readonly capacity: number) {
    this.endpoints = new Array<Endpoint | null>(capacity).fill(null);
    this.refs = new Int32Array(capacity);
  }

  /** The id of `ep` with one more reference (entry created if needed), or -1 when the table is full. */
  acquire(ep: Endpoint): number {
    let free = -1;
    for (let i = 0; i < this.capacity; i++) {
      const e = this.endpoints[i];
      if (e === null) { if (free < 0) free = i; continue; }
      if (e.port === ep.port && e.address === ep.address && e.transport === ep.transport) {
        this.refs[i]++;
        return i;
      }
      if (this.refs[i] === 0 && free < 0) free = i;
    }
    if (free < 0) return -1;
    this.endpoints[free] = ep;
    this.refs[free] = 1;
    return free;
  }

  release(id: number): void {
    if (id >= 0 && id < this.capacity && this.refs[id]! > 0) this.refs[id]--;
  }

  /** Entries some transaction still references (diagnostics: UserAgent.occupancy). */
  get inUse(): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) if (this.refs[i]! > 0) n++;
    return n;
  }

  get(id: number): Endpoint | null {
    return id >= 0 && id < this.capacity ? this.endpoints[id]! : null;
  }
}
