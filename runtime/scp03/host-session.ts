/**
 * The off-card (host) side of an SCP03 secure channel: INITIALIZE UPDATE, card cryptogram check,
 * EXTERNAL AUTHENTICATE, then wrapCommand / unwrapResponse for every APDU of the session.
 *
 * A session object is used once. Any security failure closes it for good and zeroes its keys;
 * open a new session to continue (Amd D §5.2: a failed authentication restarts with new challenges).
 */
import { randomBytes } from 'node:crypto';
import { assertAesKeyset } from './aes.js';
import { decodeClass, encodeClass, parseCommandApdu, parseResponseApdu, type CommandApdu } from './apdu.js';
import { computePseudoRandomCardChallenge } from './card-challenge.js';
import { computeCardCryptogram, computeHostCryptogram } from './cryptograms.js';
import { constantTimeEqual, copyBytes } from './bytes.js';
import { Scp03Error, Scp03FormatError, Scp03SecurityError, Scp03StateError } from './errors.js';
import {
  buildInitializeUpdateCommand,
  INS_EXTERNAL_AUTHENTICATE,
  parseInitializeUpdateResponse,
  type InitializeUpdateResponse,
} from './initialize-update.js';
import { deriveSessionKeys, type Scp03StaticKeys } from './kdf.js';
import {
  assertSecurityLevel,
  levelAllowedByIParameter,
  modeForChallengeLength,
  modeLength,
  SecurityLevelBit,
  type Scp03Mode,
  type SecurityLevel,
} from './parameters.js';
import { ChannelKeys, protectCommand, unprotectResponse, type ChannelContext } from './secure-messaging.js';

export interface HostSessionOptions {
  /** The static keyset (Key-ENC, Key-MAC, Key-DEK of one length). The session keeps copies of ENC and MAC only. */
  readonly keys: Scp03StaticKeys;
  /** P1 of EXTERNAL AUTHENTICATE (Amd D Table 7-3). */
  readonly securityLevel: number;
  /** P1 of INITIALIZE UPDATE; 0 (default) lets the card choose. A non-zero value must come back in the key information. */
  readonly keyVersion?: number;
  /** 8 bytes selects S8, 16 bytes S16. Random when absent. */
  readonly hostChallenge?: Uint8Array;
  /** Used when no host challenge is given; default S8. */
  readonly mode?: Scp03Mode;
  /** Logical channel 0–19 of the session (GPCS §11.1.4). */
  readonly channel?: number;
  /** The SD's AID: when given and the card uses pseudo-random challenges, the host checks the challenge too. */
  readonly sdAid?: Uint8Array;
  /** Allow extended-length wrapped commands (default false: GPCS §11.1.5 keeps GP commands short). */
  readonly extendedLength?: boolean;
}

export type HostSessionState = 'new' | 'initializing' | 'initialized' | 'authenticating' | 'open' | 'closed';

const ZERO_MCV = new Uint8Array(16);

export class Scp03HostSession {
  readonly #securityLevel: SecurityLevel;
  readonly #keyVersion: number;
  readonly #hostChallenge: Uint8Array;
  readonly #mode: Scp03Mode;
  readonly #channel: number;
  readonly #sdAid: Uint8Array | undefined;
  readonly #extendedLength: boolean;
  readonly #staticEnc: Uint8Array;
  readonly #staticMac: Uint8Array;
  #state: HostSessionState = 'new';
  #card: InitializeUpdateResponse | undefined;
  #keys: ChannelKeys | undefined;
  #macChainingValue: Uint8Array = new Uint8Array(16);
  #counter = 0;
  /** The encryption counter of the wrapped command still awaiting its response. */
  #pendingCounter: number | undefined;

  constructor(options: HostSessionOptions) {
    const { keys } = options;
    assertAesKeyset(keys);
    this.#securityLevel = assertSecurityLevel(options.securityLevel);
    this.#keyVersion = options.keyVersion ?? 0;
    this.#mode = options.hostChallenge === undefined ? (options.mode ?? 'S8') : modeForChallengeLength(options.hostChallenge.length);
    if (options.mode !== undefined && options.mode !== this.#mode) {
      throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `a ${options.hostChallenge?.length}-byte host challenge does not fit mode ${options.mode}`);
    }
    this.#hostChallenge = options.hostChallenge === undefined ? new Uint8Array(randomBytes(modeLength(this.#mode))) : copyBytes(options.hostChallenge);
    this.#channel = options.channel ?? 0;
    encodeClass({ proprietary: true, secureMessaging: false, chaining: false, channel: this.#channel }); // validates the channel
    this.#sdAid = options.sdAid === undefined ? undefined : copyBytes(options.sdAid);
    this.#extendedLength = options.extendedLength ?? false;
    this.#staticEnc = copyBytes(keys.enc);
    this.#staticMac = copyBytes(keys.mac);
  }

  get state(): HostSessionState {
    return this.#state;
  }

  get mode(): Scp03Mode {
    return this.#mode;
  }

  get securityLevel(): SecurityLevel {
    return this.#securityLevel;
  }

  get channel(): number {
    return this.#channel;
  }

  get hostChallenge(): Uint8Array {
    return copyBytes(this.#hostChallenge);
  }

  /** What the card said in its INITIALIZE UPDATE response (no secrets in it). */
  get cardInfo(): InitializeUpdateResponse | undefined {
    return this.#card;
  }

  /** The encryption counter of the last wrapped command (0 before the first). */
  get encryptionCounter(): number {
    return this.#counter;
  }

  /** The INITIALIZE UPDATE C-APDU. */
  buildInitializeUpdate(): Uint8Array {
    this.#expectState('new', 'build INITIALIZE UPDATE');
    const command = buildInitializeUpdateCommand({ keyVersion: this.#keyVersion, hostChallenge: this.#hostChallenge, channel: this.#channel });
    this.#state = 'initializing';
    return command;
  }

  /**
   * Checks the card's answer (data ‖ SW) and derives the session keys: key information, mode and
   * "i" must fit the request, the card cryptogram must verify (Amd D §6.2.2.2) and, when the host
   * knows the SD AID, so must a pseudo-random card challenge.
   */
  processInitializeUpdateResponse(responseApdu: Uint8Array): InitializeUpdateResponse {
    this.#expectState('initializing', 'process the INITIALIZE UPDATE response');
    return this.#guard(() => {
      const { data, sw } = parseResponseApdu(responseApdu);
      if (sw !== 0x9000) {
        throw new Scp03SecurityError('SCP03_AUTHENTICATION_REJECTED', `card answered INITIALIZE UPDATE with ${sw.toString(16).padStart(4, '0')}`);
      }
      const card = parseInitializeUpdateResponse(data);
      if (card.parameters.mode !== this.#mode) {
        throw new Scp03SecurityError('SCP03_MALFORMED_RESPONSE', `card answered in ${card.parameters.mode} mode to a ${this.#mode} host challenge`);
      }
      if (this.#keyVersion !== 0 && card.keyVersion !== this.#keyVersion) {
        throw new Scp03SecurityError('SCP03_MALFORMED_RESPONSE', 'card answered with another key version than requested');
      }
      if (!levelAllowedByIParameter(this.#securityLevel, card.parameters)) {
        throw new Scp03SecurityError('SCP03_UNSUPPORTED_SECURITY_LEVEL', `"i" ${card.i.toString(16).padStart(2, '0')} does not support the requested response protection`);
      }
      if (card.parameters.pseudoRandomChallenge && this.#sdAid !== undefined && card.sequenceCounter !== undefined) {
        const expected = computePseudoRandomCardChallenge(this.#staticEnc, card.sequenceCounter, this.#sdAid, this.#mode);
        if (!constantTimeEqual(expected, card.cardChallenge)) {
          throw new Scp03SecurityError('SCP03_BAD_CARD_CHALLENGE', 'card challenge is not the pseudo-random one for its sequence counter and the SD AID');
        }
      }
      const sessionKeys = deriveSessionKeys({ enc: this.#staticEnc, mac: this.#staticMac }, this.#hostChallenge, card.cardChallenge);
      this.#zeroStaticKeys();
      this.#keys = new ChannelKeys(sessionKeys);
      const expected = computeCardCryptogram(this.#keys.sMac, this.#hostChallenge, card.cardChallenge);
      if (!constantTimeEqual(expected, card.cardCryptogram)) {
        throw new Scp03SecurityError('SCP03_BAD_CARD_CRYPTOGRAM', 'card cryptogram does not verify');
      }
      this.#card = card;
      this.#state = 'initialized';
      return card;
    });
  }

  /**
   * EXTERNAL AUTHENTICATE: host cryptogram with a C-MAC over MCV = 16 × '00' (Amd D §6.2.3). Its
   * data is never encrypted; the security level applies to the commands after it.
   */
  buildExternalAuthenticate(): Uint8Array {
    this.#expectState('initialized', 'build EXTERNAL AUTHENTICATE');
    const keys = this.#requireKeys();
    const card = this.#card;
    if (card === undefined) throw new Scp03StateError('SCP03_INVALID_STATE', 'no INITIALIZE UPDATE response');
    const hostCryptogram = computeHostCryptogram(keys.sMac, this.#hostChallenge, card.cardChallenge);
    const plain: CommandApdu = {
      cla: encodeClass({ proprietary: true, secureMessaging: false, chaining: false, channel: this.#channel }),
      ins: INS_EXTERNAL_AUTHENTICATE,
      p1: this.#securityLevel,
      p2: 0x00,
      data: hostCryptogram,
      le: undefined,
      extended: false,
    };
    const wrapped = protectCommand(this.#context(SecurityLevelBit.cMac, ZERO_MCV, 0), plain);
    this.#macChainingValue = copyBytes(wrapped.macChainingValue);
    this.#state = 'authenticating';
    return wrapped.bytes;
  }

  /** The card's answer to EXTERNAL AUTHENTICATE (SW only, never an R-MAC: Amd D §6.2.5). */
  processExternalAuthenticateResponse(responseApdu: Uint8Array): void {
    this.#expectState('authenticating', 'process the EXTERNAL AUTHENTICATE response');
    this.#guard(() => {
      const { sw } = parseResponseApdu(responseApdu);
      if (sw !== 0x9000) {
        throw new Scp03SecurityError('SCP03_AUTHENTICATION_REJECTED', `card answered EXTERNAL AUTHENTICATE with ${sw.toString(16).padStart(4, '0')}`);
      }
      this.#counter = 0;
      this.#state = 'open';
    });
  }

  /**
   * Protects one plain C-APDU per the session's level. The encryption counter advances for every
   * command, with or without data (Amd D §6.2.6). Input errors (malformed APDU, too long, wrong
   * channel) throw before any state changes and leave the channel open.
   */
  wrapCommand(plainCommand: Uint8Array): Uint8Array {
    this.#expectState('open', 'wrap a command');
    const plain = parseCommandApdu(plainCommand);
    this.#assertChannel(plain.cla);
    const counter = this.#counter + 1;
    const wrapped = protectCommand(this.#context(this.#securityLevel, this.#macChainingValue, counter), plain);
    this.#counter = counter;
    this.#macChainingValue = copyBytes(wrapped.macChainingValue);
    this.#pendingCounter = counter;
    return wrapped.bytes;
  }

  /**
   * Checks and decrypts the card's response (data ‖ SW) to the last wrapped command and returns
   * the plain data ‖ SW. Each command's response is accepted once.
   */
  unwrapResponse(responseApdu: Uint8Array): Uint8Array {
    this.#expectState('open', 'unwrap a response');
    return this.#guard(() => {
      const counter = this.#pendingCounter;
      if (counter === undefined) {
        throw new Scp03SecurityError('SCP03_UNEXPECTED_RESPONSE', 'no wrapped command is awaiting a response (replayed or out-of-order response)');
      }
      this.#pendingCounter = undefined;
      return unprotectResponse(this.#context(this.#securityLevel, this.#macChainingValue, counter), responseApdu);
    });
  }

  /** Ends the session: zeroes the session keys, the chaining value and any static key copies. */
  close(): void {
    this.#keys?.dispose();
    this.#keys = undefined;
    this.#macChainingValue.fill(0);
    this.#zeroStaticKeys();
    this.#pendingCounter = undefined;
    this.#state = 'closed';
  }

  #context(securityLevel: number, macChainingValue: Uint8Array, counter: number): ChannelContext {
    return { keys: this.#requireKeys(), mode: this.#mode, securityLevel, macChainingValue, counter, extendedLength: this.#extendedLength };
  }

  #requireKeys(): ChannelKeys {
    if (this.#keys === undefined) throw new Scp03StateError('SCP03_INVALID_STATE', 'no session keys');
    return this.#keys;
  }

  #assertChannel(cla: number): void {
    const { channel } = decodeClass(cla);
    if (channel !== this.#channel) {
      throw new Scp03FormatError('SCP03_WRONG_LOGICAL_CHANNEL', `command is for logical channel ${channel}, the session runs on ${this.#channel}`);
    }
  }

  #expectState(expected: HostSessionState, action: string): void {
    if (this.#state === expected) return;
    if (this.#state === 'closed') throw new Scp03StateError('SCP03_CHANNEL_CLOSED', `cannot ${action}: the secure channel is closed`);
    throw new Scp03StateError('SCP03_INVALID_STATE', `cannot ${action} in state ${this.#state}`);
  }

  /** Runs a step that may meet a security failure: on any SCP03 error the channel ends. */
  #guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.close();
      if (error instanceof Scp03Error && !(error instanceof Scp03SecurityError)) {
        throw new Scp03SecurityError(error.code, error.message, error.statusWord);
      }
      throw error;
    }
  }

  #zeroStaticKeys(): void {
    this.#staticEnc.fill(0);
    this.#staticMac.fill(0);
  }
}
