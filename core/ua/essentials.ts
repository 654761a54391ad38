// What every phone gets from core/ua: the user agent and what its host loop needs (config,
// events, the transmit record, endpoint helpers). The optional roles are modules of their own —
// TCP/TLS flows (stream-flows.ts), the notifier (notifier.ts), session-mode chat
// (invite-sessions.ts), resource lists (resource-lists.ts) — which a UA is handed in UaModules, so
// a firmware bundle for a board that does not enable one leaves its code out
// (tools/build/core-modules.ts).
export * from './config.js';
export * from './events.js';
export * from './buffer-pool.js';
export * from './endpoint-table.js';
export * from './request-writer.js';
export * from './response-writer.js';
export * from './incoming-routes.js';
export * from './uri-target.js';
export { randomHex } from './random-tokens.js';
export { UserAgentBase, type UaModules } from './user-agent-base.js';
export { UserAgent } from './user-agent.js';
export { Outgoing } from './records.js';
export { MAX_FAILOVER_ATTEMPTS, type FailoverMark } from './failover.js';
export { responseEndpoint, reconnectEndpoint } from './response-address.js';
export { MAX_EXTRA_FORKS } from './subscription-forks.js';
export * from './chat-events.js';
export * from './list-events.js';
export { UaOccupancy } from './occupancy.js';
