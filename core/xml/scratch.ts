// Working memory that document readers used one at a time can share. A phone reads one document
// at a time (a PIDF, then a dialog-info, ...), each reader from start to end inside one call, and
// keeps only what it copied out: the XmlReader stacks and the decoded text of the document just
// read need not be owned by every reader (on QuickJS each reader's own came to ~3 KiB of stacks
// and ~4 KiB of text pool).
//
// Sharing is safe only where no read happens inside another: a reader of a multipart body that
// reads each part while it still holds the root document's text (RLS: RLMI then the PIDFs) must
// not share its text with the part readers. A document whose text lives in a shared scratch is
// valid until the next read by any reader sharing it.
import { xmlStackWords, type XmlLimits } from './reader.js';

export interface XmlScratchSize extends Pick<XmlLimits, 'maxDepth' | 'maxAttributes' | 'maxNamespaces'> {
  /** Decoded text bytes (the largest TextPool capacity of the readers sharing it). */
  readonly textBytes: number;
}

export class XmlScratch {
  /** XmlReader stacks (element, namespace bindings, attributes), as views per reader. */
  readonly words: Int32Array;
  /** A document's decoded text (TextPool), as a view per reader. */
  readonly text: Uint8Array;

  /** Sized for the largest of `sizes` (the readers that will share it). */
  constructor(...sizes: readonly XmlScratchSize[]) {
    let words = 0;
    let text = 0;
    for (const s of sizes) {
      words = Math.max(words, xmlStackWords(s));
      text = Math.max(text, s.textBytes);
    }
    this.words = new Int32Array(words);
    this.text = new Uint8Array(text);
  }
}
