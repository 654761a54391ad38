// LedFiles over node:fs. writeFileSync hands a short string to one write(2); opening with "w"
// (O_CREAT|O_TRUNC) is what `echo value > file` does, and sysfs ignores both flags.

import { readFileSync, writeFileSync } from 'node:fs';
import type { LedFiles } from './files.js';

export const nodeLedFiles: LedFiles = {
  read(path: string): string | null {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  write(path: string, data: string): string | null {
    try {
      writeFileSync(path, data);
      return null;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code ?? 'EIO';
    }
  },
};
