// Fitting text to a fixed-width character display: every line comes out exactly `width`
// characters (code points) long, so a driver can overwrite a row without clearing it first.
// Control characters become spaces: a stray CR or ESC from a network display name must not
// reach an LCD or a terminal as a command.

/** `text` cut or space-padded to exactly `width` code points. */
export function fitText(text: string, width: number): string {
  let out = '';
  let used = 0;
  if (width <= 0) return out;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) ? ' ' : ch;
    if (++used === width) return out;
  }
  return used < width ? out + ' '.repeat(width - used) : out;
}

/** Code points in `text` (what fitText counts). */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * `left` flush left and `right` flush right with at least one space between; the left part is
 * cut first, because the right part is the short status word the user scans for.
 */
export function fitPair(left: string, right: string, width: number): string {
  if (right === '') return fitText(left, width);
  const rightWidth = Math.min(textWidth(right), width);
  const leftWidth = width - rightWidth - 1;
  if (leftWidth <= 0) return fitText(right, width);
  return fitText(left, leftWidth) + ' ' + fitText(right, rightWidth);
}

/**
 * Labels in equal slots across the line (soft keys sit under fixed screen positions). Each label
 * gets its slot minus one separating space; a line too narrow for all shows those that fit.
 */
export function spreadLabels(labels: readonly string[], width: number): string {
  const count = Math.min(labels.length, Math.floor(width / 2));
  if (count === 0) return fitText('', width);
  const slot = Math.floor(width / count);
  let out = '';
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const w = last ? width - slot * (count - 1) : slot;
    out += last ? fitText(labels[i]!, w) : fitText(labels[i]!, w - 1) + ' ';
  }
  return out;
}
