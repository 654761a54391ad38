// A serial line that fails (an unplugged USB adapter answers EIO) must not take the phone's
// process down: the panel port absorbs the stream's errors and keeps the last one for diagnostics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { PanelLink } from '../../platform/serial/panel/link.js';
import { PanelLinkPort } from '../../platform/serial/panel/link-port.js';

test('a stream error is absorbed and remembered, before and after detach', () => {
  const stream = new PassThrough();
  const port = new PanelLinkPort(stream, new PanelLink(), () => {});
  stream.emit('error', new Error('EIO: i/o error, write'));
  assert.is(port.lastError?.message, 'EIO: i/o error, write');
  port.detach();
  assert.is(stream.listenerCount('error'), 0, 'detach leaves the stream as it found it');
});

test.run();
