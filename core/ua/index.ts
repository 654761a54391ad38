// core/ua: the user-agent façade a host drives (see README.md for the host loop).
export * from './essentials.js';
export { streamModule, STREAM_BUFFER_BYTES, type StreamModule, type StreamPort, type StreamFlows } from './stream-flows.js';
export { notifierModule, type NotifierModule, type ServeOptions, type WatcherPolicy } from './notifier.js';
export { partialPresenceNotifierModule } from './notifier-partial.js';
export { InviteSessions, chatModule, type ChatOptions, type ChatPort } from './invite-sessions.js';
export { ResourceListSubscriptions, resourceListsModule, type ResourceListOptions, type ResourceListPort } from './resource-lists.js';
