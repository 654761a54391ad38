// core/ua: the user-agent façade a host drives (see README.md for the host loop).
export * from './config.js';
export * from './events.js';
export * from './buffer-pool.js';
export * from './endpoint-table.js';
export * from './request-writer.js';
export * from './response-writer.js';
export * from './incoming-routes.js';
export * from './uri-target.js';
export { randomHex } from './random-tokens.js';
export { UserAgent } from './user-agent.js';
export { Outgoing } from './records.js';
export type { ServeOptions, WatcherPolicy } from './notifier.js';
export { MAX_EXTRA_FORKS } from './subscription-forks.js';
export * from './chat-events.js';
export { InviteSessions, chatModule, type ChatOptions, type ChatPort } from './invite-sessions.js';
