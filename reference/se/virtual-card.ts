/**
 * What a transport needs from a simulated card: the contacts of ISO/IEC 7816-3 (power, reset,
 * ATR) and APDU exchange. `SecureElement` implements it; so does any test double a transport test uses.
 */
export interface VirtualCard {
  /** The answer to reset the card presents (OpenSC's JPKI driver matches 3B E0 00 FF 81 31 FE 45 14). */
  readonly atr: Uint8Array;
  powerOn(): void;
  /** Ends every volatile state (channels, selections, secure channels, PIN verification). */
  powerOff(): void;
  /** Warm reset: as powerOff then powerOn. */
  reset(): void;
  /** One command APDU in, the whole response APDU (data ‖ SW1 SW2) out. Never rejects on bad input: answers a status word. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}
