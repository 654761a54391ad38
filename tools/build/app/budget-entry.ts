// What the size budget of issue #7 measures: "core + presence + page-mode IM" as a phone
// application carries it — the user agent (registration, subscriptions, publication, MESSAGE),
// PIDF read and write with the composed display state, and text bodies — tree-shaken the way
// esbuild shakes a real firmware entry. Such a phone constructs UserAgentBase: session-mode IM
// (MSRP, INVITE), resource lists and the notifier role come with UserAgent and the module each
// enable* call takes; TCP/TLS flows, NAT keep-alives and SHA-256 digest with UaModules
// (new UserAgentBase(config, modules)).
import { UserAgentBase } from '../../../core/ua/user-agent-base.js';
import { Outgoing } from '../../../core/ua/records.js';
import { PidfReader } from '../../../core/presence/documents/pidf-reader.js';
import { writePidf } from '../../../core/presence/documents/pidf-writer.js';
import { composeEffectivePresence } from '../../../core/presence/documents/pidf-effective.js';
import { decodeTextBody, encodeTextBody } from '../../../core/im/text-body.js';

(globalThis as unknown as { hardphonePhone: object }).hardphonePhone = {
  UserAgentBase, Outgoing, PidfReader, writePidf, composeEffectivePresence, decodeTextBody, encodeTextBody,
};
