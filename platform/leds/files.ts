// The file access the Linux LED adapter needs, behind an interface so that the same adapter runs
// on a phone (node-files.ts, or a QuickJS host's std/os module), against a fake that behaves like
// sysfs (fake-sysfs.ts), and against a plain temp directory in tests.

export interface LedFiles {
  /** The whole file as text, or null when it cannot be read (missing, no permission). */
  read(path: string): string | null;
  /**
   * `data` in one write(2) (sysfs parses each write on its own, so a value split across two
   * writes is two values). Returns null on success, else an errno name such as "EINVAL".
   */
  write(path: string, data: string): string | null;
}
