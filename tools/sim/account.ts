// `--account <file>`: who the simulated phones are when they run against a real server.
// Decoded with io-ts so a mistake names the field (e.g. "phones.1.user: expected string").
//
//   {
//     "registrar": "sip:127.0.0.1:5060",          optional when --registrar is given
//     "domain": "example.test",                   optional: AOR domain (default: registrar host)
//     "phones": [
//       { "user": "alice", "password": "secret", "displayName": "Alice", "blf": ["bob"] },
//       { "user": "bob", "username": "bob", "password": "secret" }
//     ]
//   }
// `blf` lists users (same domain) or sip: URIs; by default each phone watches the others.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { formatErrors } from '../../boards/report.js';
import { listOf, matching, strictObject } from '../../boards/codec-kit.js';

const SipUser = matching('a SIP user name', /^[A-Za-z0-9._~!$&'()*+,;=-]+$/);
const SipUri = matching('a sip: URI', /^sips?:\S+$/i);

const PhoneAccount = strictObject('phone', { user: SipUser }, {
  username: t.string,
  password: t.string,
  displayName: t.string,
  blf: listOf(t.string, 0, 16),
});

export const AccountFile = strictObject('account file', { phones: listOf(PhoneAccount, 1, 16) }, {
  registrar: SipUri,
  domain: t.string,
});

export type AccountFile = t.TypeOf<typeof AccountFile>;
export type PhoneAccount = t.TypeOf<typeof PhoneAccount>;

/** Parses and checks the account file text; errors are readable lines naming the field. */
export function decodeAccountFile(text: string, fileName: string): { ok: true; value: AccountFile } | { ok: false; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`${fileName}: not JSON: ${(e as Error).message}`] };
  }
  const r = AccountFile.decode(json);
  if (isLeft(r)) return { ok: false, errors: formatErrors(r.left).map((line) => `${fileName}: ${line}`) };
  return { ok: true, value: r.right };
}
