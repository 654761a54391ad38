// The notifier with partial presence (RFC 5263): pass `partialPresenceNotifierModule` to
// UserAgent.enableNotifier instead of `notifierModule`. A watcher of our `presence` whose
// SUBSCRIBE accepts application/pidf-diff+xml then gets pidf-full first (and after each refresh),
// and pidf-diffs of the PIDFs the application gives ua.notify() after that (RFC 5262,
// core/presence/partial/pidf-diff-writer.ts); other watchers get the PIDF as it is. A separate
// module so that a notifier without partial presence does not carry the writer.
import { PidfDiffWriter } from '../presence/partial/pidf-diff-writer.js';
import { notifierModule, type NotifierModule } from './notifier.js';

export const partialPresenceNotifierModule: NotifierModule = (settings, host) => {
  const n = notifierModule(settings, host);
  n.usePartialPidf(new PidfDiffWriter());
  return n;
};
