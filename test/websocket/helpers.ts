// Shared by the WebSocket tests: feed chunks to a reader and collect what it reports.
import {
  WebSocketFrameReader, WebSocketFrameView, WS_EVENT_CLOSE, WS_EVENT_NONE,
} from '../../core/transport/websocket-frame-reader.js';

export interface Reported {
  event: number;
  opcode: number;
  payload: number[];
  frames: number;
  closeCode?: number;
  reason?: string;
}

export interface Collected {
  events: Reported[];
  error: number;
  errorPosition: number;
}

/** Feeds every chunk (copied first: the reader unmasks in place) and collects events until the end or an error. */
export function collect(reader: WebSocketFrameReader, chunks: readonly Uint8Array[]): Collected {
  const view = new WebSocketFrameView();
  const events: Reported[] = [];
  for (const original of chunks) {
    const chunk = original.slice();
    let at = 0;
    while (at < chunk.length) {
      const n = reader.read(chunk, at, chunk.length - at, view);
      if (n < 0) return { events, error: n, errorPosition: view.errorPosition };
      if (n === 0 && view.event === WS_EVENT_NONE) throw new Error('reader made no progress');
      at += n;
      if (view.event !== WS_EVENT_NONE) {
        const r: Reported = {
          event: view.event, opcode: view.opcode, frames: view.frames,
          payload: Array.from(view.buf.subarray(view.payloadOff, view.payloadOff + view.payloadLen)),
        };
        if (view.event === WS_EVENT_CLOSE) {
          r.closeCode = view.closeCode;
          r.reason = Buffer.from(view.buf.subarray(view.reasonOff, view.reasonOff + view.reasonLen)).toString('utf8');
        }
        events.push(r);
      }
    }
  }
  return { events, error: 0, errorPosition: -1 };
}

export function bytes(...parts: (number | number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

export const ascii = (s: string): number[] => Array.from(Buffer.from(s, 'latin1'));
