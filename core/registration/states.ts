// The registration state machine as data (RFC 3261 §10, RFC 5626 §4.5). Every edge the machine
// can take is listed here, so the table can be printed as a diagram and tested on its own; the
// machine in machine.ts refuses (and reports) any edge that is not in it.

export type RegistrationState =
  | 'unregistered'
  | 'registering'
  | 'registered'
  | 'refreshing'
  | 'backing-off'
  | 'unregistering'
  | 'failed';

/** Why an edge was taken: shown to users and carried by every state-change event. */
export type RegistrationCause =
  | 'start'              // the application asked to register
  | 'stop'               // the application asked to unregister (shutdown)
  | 'accepted'           // 2xx with our binding
  | 'interval-too-brief' // 423 + Min-Expires: retry at once with the larger value (§10.2.8)
  | 'refresh-due'        // the refresh timer fired
  | 'retry-due'          // the backoff timer fired
  | 'timeout'            // the transaction timed out (Timer F)
  | 'transport-error'    // the transport reported a failure (§8.1.3.1)
  | 'flow-failed'        // the connection/flow died (RFC 5626 keep-alive or socket close)
  | 'server-error'       // 5xx/6xx or an unexpected 4xx: retry after a backoff
  | 'retry-after'        // a failure response carried Retry-After
  | 'rejected'           // 403/404/other permanent refusals: no automatic retry
  | 'auth-failed'        // credentials refused (challenge repeated with the same nonce)
  | 'binding-missing'    // 2xx that does not list our Contact (registrar lost it)
  | 'removed';           // the unregister completed (or could not be confirmed)

export const REGISTRATION_EDGES: Readonly<Record<RegistrationState, readonly RegistrationState[]>> = {
  'unregistered': ['registering'],
  'registering': ['registered', 'registering', 'backing-off', 'failed', 'unregistering', 'unregistered'],
  // registered → backing-off: a flow failure waits for the next tick (machine.ts onFlowFailed).
  'registered': ['refreshing', 'registering', 'backing-off', 'unregistering'],
  'refreshing': ['registered', 'refreshing', 'registering', 'backing-off', 'failed', 'unregistering'],
  'backing-off': ['registering', 'unregistering', 'unregistered'],
  'unregistering': ['unregistered'],
  'failed': ['registering', 'unregistered'],
};

/** True when the phone has a binding at the registrar it believes in. */
export function isRegistered(state: RegistrationState): boolean {
  return state === 'registered' || state === 'refreshing';
}
