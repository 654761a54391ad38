// core/transaction: the RFC 3261 §17 transaction layer, sans-I/O (see engine.ts for the contract).
//
// A host/UA drives it like this (one preallocated view, key, reader, Transmit, TransactionEvent):
//
//   const engine = new TransactionEngine({ maxTransactions: 1024 }, new SipAckBuilder());
//   // datagram in:
//   if (parse(buf, off, len, view, datagramOptions) > 0 && reader.read(view, key) === KEY_OK) {
//     const d = view.isRequest
//       ? engine.handleRequest(key, buf, off, len, sourceId, reliable, now)
//       : engine.handleResponse(key, buf, off, len, now);
//     if (d === DISPOSITION_OVERLOADED) { /* answer 503 statelessly */ }
//   }
//   // then drain, in this order:
//   while (engine.pollTransmit(transmit)) socketFor(transmit.destination).write(transmit.bytes, transmit.off, transmit.len);
//   armHostTimer(engine.nextDeadline());            // -1: none; call engine.handleTimeout(now) then
//   while (engine.pollEvent(event)) tu.onTransactionEvent(event);
//
// The TU sends requests with startClient(OutgoingRequest) and answers with respond(txId, …).
export * from './engine.js';
export * from './key.js';
export * from './config.js';
export * from './outputs.js';
export * from './codes.js';
export * from './methods.js';
export * from './table.js';
export * from './hash.js';
// Adapters to core/sip (the engine itself does not parse):
export * from './key-reader.js';
export * from './sip-ack-builder.js';
