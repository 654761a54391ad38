// Error codes of the XML reader and writer. Numbers, not exceptions: input from the network
// never throws (CONVENTIONS.md); the reader reports the code and the byte position.
export const XmlError = {
  None: 0,
  /** The input ended inside markup or with elements still open. */
  UnexpectedEnd: 1,
  DepthLimit: 2,
  SizeLimit: 3,
  AttributeLimit: 4,
  NamespaceLimit: 5,
  InvalidName: 6,
  MismatchedEndTag: 7,
  UnboundPrefix: 8,
  DuplicateAttribute: 9,
  MalformedAttribute: 10,
  MalformedTag: 11,
  BadEntity: 12,
  BadCharacterReference: 13,
  DoctypeNotSupported: 14,
  MisplacedXmlDeclaration: 15,
  TextOutsideRoot: 16,
  MultipleRoots: 17,
  MalformedComment: 18,
  NoRootElement: 19,
  CDataEndInText: 20,
  InvalidCharacter: 21,
  ReservedPrefix: 22,
  EmptyNamespace: 23,
  /** Writer: the output buffer is full. */
  OutputFull: 24,
  /** Writer: calls out of order (text before a start tag, end without start). */
  WriterState: 25,
} as const;
export type XmlError = typeof XmlError[keyof typeof XmlError];

/** Name of an error code, for logs and test messages. */
export function xmlErrorName(code: number): string {
  // Looked up here, not kept in a module-level Object.keys(XmlError): such a call would keep the
  // whole table (and every XmlError.X read) in bundles that never ask for a name, where the
  // minifier otherwise folds each code to its number.
  return Object.keys(XmlError)[code] ?? `XmlError(${code})`;
}
