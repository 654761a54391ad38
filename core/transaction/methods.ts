// The method ids the transaction layer cares about. They are the same numbers as `M` in
// core/sip/header-ids.ts (M.OTHER = 0, INVITE = 1, ACK = 2, BYE = 3, CANCEL = 4, ...) so the
// caller can pass the parser's `methodId` straight through; the transaction layer only needs to
// tell INVITE, ACK and CANCEL apart from everything else (§17: INVITE vs non-INVITE machines,
// ACK matching the INVITE server transaction, CANCEL being its own transaction). Any other id is
// accepted as an opaque non-INVITE method.
export const METHOD_OTHER = 0;
export const METHOD_INVITE = 1;
export const METHOD_ACK = 2;
export const METHOD_BYE = 3;
export const METHOD_CANCEL = 4;
export const METHOD_OPTIONS = 5;
export const METHOD_REGISTER = 6;
export const METHOD_SUBSCRIBE = 7;
export const METHOD_NOTIFY = 8;
export const METHOD_PUBLISH = 9;
export const METHOD_MESSAGE = 10;
