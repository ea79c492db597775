/**
 * Typed SCP03 errors. Every one carries a stable `code`; card-side rejections also carry the
 * status word a card answers with, so a simulator can reply without parsing messages.
 * Messages name lengths and steps, never key, challenge or MAC bytes.
 */
import { JpkigenError } from '../errors.js';

export type Scp03ErrorCode =
  /** A C-MAC did not verify (Amd D §6.2.4). The channel is closed. */
  | 'SCP03_BAD_C_MAC'
  /** An R-MAC did not verify (Amd D §6.2.5). The channel is closed. */
  | 'SCP03_BAD_R_MAC'
  /** The card cryptogram did not verify (Amd D §6.2.2.2). The channel is closed. */
  | 'SCP03_BAD_CARD_CRYPTOGRAM'
  /** The host cryptogram did not verify (Amd D §6.2.2.3). The channel is closed. */
  | 'SCP03_BAD_HOST_CRYPTOGRAM'
  /** A pseudo-random card challenge was not the one the sequence counter and SD AID give (Amd D §6.2.2.1). */
  | 'SCP03_BAD_CARD_CHALLENGE'
  /** A command or response was protected less than the session's security level (Amd D §5.6). */
  | 'SCP03_SECURITY_LEVEL_NOT_MET'
  /** The security level asked for is not one of Amd D Table 7-3, or the "i" parameter does not allow it. */
  | 'SCP03_UNSUPPORTED_SECURITY_LEVEL'
  /** Decrypted data did not end in the '80 00…' padding of Amd D §4.1.4. */
  | 'SCP03_BAD_PADDING'
  /** A response carried data beside an error status word, which Amd D §6.2.5 forbids. */
  | 'SCP03_UNEXPECTED_RESPONSE_DATA'
  /** A response arrived with no command awaiting it (replayed or out of order). The channel is closed. */
  | 'SCP03_UNEXPECTED_RESPONSE'
  /** The channel was closed (after a security error or on request); start a new session. */
  | 'SCP03_CHANNEL_CLOSED'
  /** The operation does not fit the session's current state (e.g. wrapping before authentication). */
  | 'SCP03_INVALID_STATE'
  /** A command APDU could not be parsed or does not fit the protocol. */
  | 'SCP03_MALFORMED_COMMAND'
  /** A response APDU could not be parsed or does not fit the protocol. */
  | 'SCP03_MALFORMED_RESPONSE'
  /** A wrapped command would exceed the short-APDU limit and extended length is not enabled (GPCS §11.1.5). */
  | 'SCP03_COMMAND_TOO_LONG'
  /** A command arrived on another logical channel than the session's. */
  | 'SCP03_WRONG_LOGICAL_CHANNEL'
  /** INITIALIZE UPDATE asked for a key version the card does not hold (Amd D §7.1.1). */
  | 'SCP03_KEY_NOT_FOUND'
  /** The pseudo-random sequence counter reached its maximum (Amd D §6.2.2.1). */
  | 'SCP03_SEQUENCE_COUNTER_EXHAUSTED'
  /** The card refused EXTERNAL AUTHENTICATE. */
  | 'SCP03_AUTHENTICATION_REJECTED'
  /** A key check value did not match its key (Amd D §7.2.2). */
  | 'SCP03_BAD_KEY_CHECK_VALUE'
  /** A caller-supplied value (key, challenge, option) is out of range. */
  | 'SCP03_INVALID_ARGUMENT';

export class Scp03Error extends JpkigenError {
  declare readonly code: Scp03ErrorCode;
  /** The status word a card answers with for this rejection (ISO 7816-4 / GPCS Table 11-10), when one applies. */
  readonly statusWord: number | undefined;

  constructor(code: Scp03ErrorCode, message: string, statusWord?: number) {
    super(code, message);
    this.statusWord = statusWord;
  }
}

/** A security failure: the session that raised it is closed and its keys are zeroed. */
export class Scp03SecurityError extends Scp03Error {}

/** Input that is not a well-formed APDU, key or option; the session state is unchanged unless stated. */
export class Scp03FormatError extends Scp03Error {}

/** A call out of protocol order, or on a closed session. */
export class Scp03StateError extends Scp03Error {}

/** ISO 7816-4 / GPCS status words used by the card side. */
export const StatusWord = {
  success: 0x9000,
  authenticationFailed: 0x6300,
  wrongLength: 0x6700,
  securityStatusNotSatisfied: 0x6982,
  conditionsNotSatisfied: 0x6985,
  incorrectData: 0x6a80,
  incorrectP1P2: 0x6a86,
  referencedDataNotFound: 0x6a88,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
} as const;
