// Serial-line parts of the SDK: the YMODEM sender behind `hardphone flash`, and the serial
// expansion panel (protocol in panel/PROTOCOL.md). The sans-I/O engines (ymodem/sender.ts,
// panel/link.ts and their codecs) are engine-neutral; the rest adapts them to npm serialport.
export { crc16, CRC16_XMODEM_INIT, CRC16_CCITT_FALSE_INIT } from './crc16.js';
export { YmodemSender, YmodemError, YmodemEvent, YMODEM_DEFAULTS, type YmodemFile, type YmodemOptions } from './ymodem/sender.js';
export { runYmodemTransfer, type TransferOutcome, type TransferObserver } from './ymodem/transfer.js';
export { openSerialPort, closeSerialPort, type PortError, type PortErrorKind } from './open-port.js';
export { PanelLink, PANEL_LINK_DEFAULTS, type PanelLinkEvent, type PanelLinkOptions, type PanelLinkStats } from './panel/link.js';
export { FrameType, AckStatus, KeyAction, PROTOCOL_VERSION, encodeFrame, encodeLamps, decodeLamps, type LampEntry } from './panel/frame.js';
export { SerialPanelDriver, defaultKeyOfLampRole, type PanelKeyEvent, type SerialPanelOptions } from './panel/driver.js';
export { PanelEmulator, type PanelEmulatorOptions } from './panel/emulator.js';
export { panelMappingOf } from './panel/from-board.js';
