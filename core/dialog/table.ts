// The dialogs a UA holds, bounded by the board's capacity (maxSubscriptions + calls): a full
// table is an error the application sees, never a silent eviction. Lookup is a linear scan
// comparing bytes in place — a phone holds tens of dialogs, and this allocates nothing.
import { Dialog } from './dialog.js';

export class DialogTable {
  private readonly dialogs: (Dialog | null)[];
  private count = 0;

  constructor(readonly capacity: number) {
    this.dialogs = new Array<Dialog | null>(capacity).fill(null);
  }

  get size(): number {
    return this.count;
  }

  /** Adds a dialog; false when the table is full. */
  add(dialog: Dialog): boolean {
    for (let i = 0; i < this.capacity; i++) {
      if (this.dialogs[i] === null) {
        this.dialogs[i] = dialog;
        this.count++;
        return true;
      }
    }
    return false;
  }

  remove(dialog: Dialog): void {
    for (let i = 0; i < this.capacity; i++) {
      if (this.dialogs[i] === dialog) {
        this.dialogs[i] = null;
        this.count--;
        return;
      }
    }
  }

  find(buf: Uint8Array, callIdOff: number, callIdLen: number, localTagOff: number, localTagLen: number, remoteTagOff: number, remoteTagLen: number): Dialog | null {
    for (let i = 0; i < this.capacity; i++) {
      const d = this.dialogs[i];
      if (d && d.matches(buf, callIdOff, callIdLen, localTagOff, localTagLen, remoteTagOff, remoteTagLen)) return d;
    }
    return null;
  }

  /** Every dialog (for restoring after a registration loss, or shutting down). */
  forEach(visit: (d: Dialog) => void): void {
    for (let i = 0; i < this.capacity; i++) {
      const d = this.dialogs[i];
      if (d) visit(d);
    }
  }
}
