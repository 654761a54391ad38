// Credentials per realm (RFC 3261 §22.1: the realm tells the UAC which username/password to
// use). Filled at set-up (may allocate); looked up per challenge without allocating, comparing
// the challenge's realm span (unescaped) with the stored realm's UTF-8 bytes.
import { utf8Bytes } from '../bytes/utf8.js';
import { quotedEquals } from './auth-params.js';

export interface Credential {
  /** Realm this applies to; null = any realm without a more specific entry. */
  readonly realm: string | null;
  readonly username: string;
  readonly password: string;
}

interface Entry {
  credential: Credential;
  realmBytes: Uint8Array;
}

export class CredentialStore {
  private readonly entries: Entry[] = [];
  private fallback: Credential | null = null;

  /** Adds or replaces the credential for `realm` (null: the default for any other realm). */
  set(realm: string | null, username: string, password: string): this {
    const credential: Credential = { realm, username, password };
    if (realm === null) { this.fallback = credential; return this; }
    const realmBytes = utf8Bytes(realm);
    for (let i = 0; i < this.entries.length; i++) {
      if (this.entries[i].credential.realm === realm) { this.entries[i] = { credential, realmBytes }; return this; }
    }
    this.entries.push({ credential, realmBytes });
    return this;
  }

  remove(realm: string | null): this {
    if (realm === null) { this.fallback = null; return this; }
    for (let i = 0; i < this.entries.length; i++) {
      if (this.entries[i].credential.realm === realm) { this.entries.splice(i, 1); break; }
    }
    return this;
  }

  /** The credential for a realm given as quoted-string content (escapes still in place), or null. */
  lookup(buf: Uint8Array, off: number, len: number, escaped: boolean): Credential | null {
    const entries = this.entries;
    const n = entries.length;
    for (let i = 0; i < n; i++) {
      const e = entries[i];
      if (quotedEquals(buf, off, len, escaped, e.realmBytes, 0, e.realmBytes.length)) return e.credential;
    }
    return this.fallback;
  }
}
