import { JpkigenError } from '../errors.js';

/**
 * A host's view of one card in one reader: what a PC/SC application, a conformance suite or a
 * bench talks to, whatever carries the APDUs (in-process, a vpcd socket, a PC/SC reader).
 */
export interface CardConnection {
  /** The card's answer to reset, as last read. */
  readonly atr: Uint8Array;
  /** Sends one command APDU; resolves to the whole response APDU (data ‖ SW1 SW2). */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /**
   * Resets the card and resolves to its ATR. Every volatile state on the card ends with it
   * (logical channels, selections, secure channels, PIN verification); persistent state stays.
   */
  reset(): Promise<Uint8Array>;
  /** Powers the card off and releases the transport. */
  close(): Promise<void>;
}

/** A transport failure (socket closed, reader gone, malformed frame): not a status word. */
export class CardConnectionError extends JpkigenError {
  constructor(message: string, options?: ErrorOptions) {
    super('CARD_CONNECTION', message, options);
  }
}
