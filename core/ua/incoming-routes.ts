// What the UA does with each incoming request method, as data (RFC 3261 §8.2.1: a method the UA
// recognises but does not support gets 405 with Allow; one it does not know gets 501). The
// handlers live in user-agent-base.ts; this table is the one place that decides which runs.
import { M } from '../sip/header-ids.js';

export const ROUTE_OPTIONS = 1;
export const ROUTE_MESSAGE = 2;
export const ROUTE_NOTIFY = 3;
/** The notifier (notifier.ts) answers packages the application serves; any other gets 489 with Allow-Events (RFC 6665 §8.2.1). */
export const ROUTE_SUBSCRIBE = 4;
/** We take no calls: 405 with Allow (the method is known but not allowed here, RFC 3261 §8.2.1). */
export const ROUTE_NOT_ALLOWED = 5;
/** BYE / CANCEL for a dialog or transaction we do not have: 481 (§15.1.2, §9.2). */
export const ROUTE_NO_SUCH_DIALOG = 6;
/** ACK outside any transaction (for a 2xx we never sent): nothing to do (§17.2.3). */
export const ROUTE_IGNORE = 7;
/** A method we do not know at all: 501 (§8.2.1). */
export const ROUTE_NOT_IMPLEMENTED = 8;

const ROUTES: Readonly<Record<number, number>> = {
  [M.OTHER]: ROUTE_NOT_IMPLEMENTED,
  [M.INVITE]: ROUTE_NOT_ALLOWED,
  [M.ACK]: ROUTE_IGNORE,
  [M.BYE]: ROUTE_NO_SUCH_DIALOG,
  [M.CANCEL]: ROUTE_NO_SUCH_DIALOG,
  [M.OPTIONS]: ROUTE_OPTIONS,
  [M.REGISTER]: ROUTE_NOT_ALLOWED,
  [M.SUBSCRIBE]: ROUTE_SUBSCRIBE,
  [M.NOTIFY]: ROUTE_NOTIFY,
  [M.PUBLISH]: ROUTE_NOT_ALLOWED,
  [M.MESSAGE]: ROUTE_MESSAGE,
  [M.INFO]: ROUTE_NOT_ALLOWED,
  [M.PRACK]: ROUTE_NOT_ALLOWED,
  [M.UPDATE]: ROUTE_NOT_ALLOWED,
  [M.REFER]: ROUTE_NOT_ALLOWED,
};

export function routeOfMethod(methodId: number): number {
  return ROUTES[methodId] ?? ROUTE_NOT_IMPLEMENTED;
}
