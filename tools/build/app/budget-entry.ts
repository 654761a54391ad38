// What the size budget of issue #7 measures: "core + presence + page-mode IM" as a phone
// application carries it — the user agent (registration, subscriptions, publication, MESSAGE),
// PIDF read and write with the composed display state, and text bodies — tree-shaken the way
// esbuild shakes a real firmware entry. Session-mode IM (MSRP, INVITE) and the notifier role are
// not in it unless the application brings them (UserAgent.enableChat takes its module), nor are
// TCP/TLS flows, NAT keep-alives and SHA-256 digest (UaModules: new UserAgent(config, modules)).
import { UserAgent } from '../../../core/ua/user-agent.js';
import { Outgoing } from '../../../core/ua/records.js';
import { PidfReader } from '../../../core/presence/documents/pidf-reader.js';
import { writePidf } from '../../../core/presence/documents/pidf-writer.js';
import { composeEffectivePresence } from '../../../core/presence/documents/pidf-effective.js';
import { decodeTextBody, encodeTextBody } from '../../../core/im/text-body.js';

(globalThis as unknown as { hardphonePhone: object }).hardphonePhone = {
  UserAgent, Outgoing, PidfReader, writePidf, composeEffectivePresence, decodeTextBody, encodeTextBody,
};
