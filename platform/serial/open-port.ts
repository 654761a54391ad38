// Opens a serial port through npm `serialport` and turns its open errors into the three cases a
// user can act on: the device does not exist, another program holds it, or something else.
import { SerialPort } from 'serialport';
import { Ok, Err, type Result } from '../../core/result.js';

export type PortErrorKind = 'missing' | 'busy' | 'denied' | 'failed';

export interface PortError {
  readonly kind: PortErrorKind;
  readonly path: string;
  readonly message: string;
}

export interface OpenPortOptions {
  readonly path: string;
  readonly baudRate: number;
}

/**
 * serialport takes an exclusive flock() on open (`lock: true`), so a port held by another
 * program (minicom, a second flasher, a running panel driver) fails with EAGAIN instead of two
 * programs silently sharing the bytes.
 */
export function openSerialPort(options: OpenPortOptions): Promise<Result<SerialPort, PortError>> {
  const { path, baudRate } = options;
  return new Promise((resolve) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true });
    port.open((error) => {
      if (!error) { resolve(Ok(port)); return; }
      resolve(Err(describeOpenError(path, error)));
    });
  });
}

export function describeOpenError(path: string, error: Error): PortError {
  const text = error.message;
  if (/No such file or directory|ENOENT/i.test(text)) {
    return { kind: 'missing', path, message: `serial port ${path} does not exist (is the cable plugged in? try \`ls /dev/serial/by-id\`)` };
  }
  if (/Cannot lock port|Resource temporarily unavailable|EAGAIN|EBUSY|busy/i.test(text)) {
    return { kind: 'busy', path, message: `serial port ${path} is busy: another program has it open (close minicom/screen or the other flasher)` };
  }
  if (/Permission denied|EACCES/i.test(text)) {
    return { kind: 'denied', path, message: `no permission to open ${path} (add yourself to the "dialout" group)` };
  }
  return { kind: 'failed', path, message: `cannot open serial port ${path}: ${text}` };
}

/** Closes a port, resolving once it is closed (or was never open). */
export function closeSerialPort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) { resolve(); return; }
    port.close(() => resolve());
  });
}
