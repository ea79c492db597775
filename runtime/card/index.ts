/**
 * Reaching a card from the host: the CardConnection contract, the vpcd protocol (reader side, for
 * virtual cards that connect to us), PC/SC readers through pcsc-tools' scriptor, and SCP03 secure
 * channels opened over any of them.
 */
export { CardConnectionError, type CardConnection } from './card-connection.js';
export { connectPcscReader, listPcscReaders, parseOpenscReaderList, type PcscConnectionOptions, type PcscReader } from './pcsc-scriptor-connection.js';
export { openSecureChannel, SecureChannelError, transmitCollecting, type SecureChannel, type SecureChannelOptions } from './secure-channel.js';
export {
  encodeVpcdApdu,
  encodeVpcdControl,
  encodeVpcdFrame,
  parseVpcdReaderMessage,
  VPCD_DEFAULT_PORT,
  VPCD_MAX_PAYLOAD,
  VpcdControl,
  VpcdFrameDecoder,
  VpcdProtocolError,
  type VpcdControlName,
  type VpcdReaderMessage,
} from './vpcd-protocol.js';
export { listenForVpcdCards, waitForVpcdCard, type VpcdReaderListener, type VpcdReaderListenerOptions } from './vpcd-reader-listener.js';
