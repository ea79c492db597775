/**
 * The card (security domain) side of an SCP03 secure channel on one logical channel: answers
 * INITIALIZE UPDATE, verifies EXTERNAL AUTHENTICATE, unwraps protected commands and wraps
 * responses, enforcing the protocol rules of Amd D §5.6.
 *
 * Every rejection throws a typed error whose `statusWord` is what the card answers. A security
 * failure aborts the session (state `closed`, keys zeroed); later commands are then refused with
 * a security error until a new INITIALIZE UPDATE starts a new session, as §5.6 requires.
 */
import { randomBytes } from 'node:crypto';
import { assertAesKeyset } from './aes.js';
import { decodeClass, encodeCommandApdu, encodeResponseApdu, parseCommandApdu } from './apdu.js';
import { computePseudoRandomCardChallenge, MAX_SEQUENCE_COUNTER } from './card-challenge.js';
import { computeCardCryptogram, computeHostCryptogram } from './cryptograms.js';
import { constantTimeEqual, copyBytes } from './bytes.js';
import { Scp03Error, Scp03FormatError, Scp03SecurityError, Scp03StateError, StatusWord } from './errors.js';
import {
  encodeInitializeUpdateResponse,
  INS_EXTERNAL_AUTHENTICATE,
  INS_INITIALIZE_UPDATE,
  KEY_DIVERSIFICATION_DATA_LENGTH,
} from './initialize-update.js';
import { deriveSessionKeys, type Scp03StaticKeys } from './kdf.js';
import {
  describeIParameter,
  isSecurityLevel,
  levelAllowedByIParameter,
  levelCovers,
  modeLength,
  type IParameterOptions,
  type SecurityLevel,
} from './parameters.js';
import { ChannelKeys, computeCommandMac, protectResponse, unprotectCommand, type ChannelContext } from './secure-messaging.js';

export interface CardSessionOptions {
  /** The SD's SCP03 keyset (Amd D Table 6-1). The session keeps copies of Key-ENC and Key-MAC. */
  readonly keys: Scp03StaticKeys;
  /** The keyset's key version number, returned in the key information. */
  readonly keyVersion: number;
  /** The "i" parameter (Amd D Table 5-1, b1 = S16). Default '70': pseudo-random challenge, R-MAC and R-ENCRYPTION, S8. */
  readonly i?: number;
  /** 10 bytes returned first in the INITIALIZE UPDATE response; default ten '00'. */
  readonly keyDiversificationData?: Uint8Array;
  /** The AID of the SD invoking the secure channel: the context of the pseudo-random card challenge. */
  readonly sdAid?: Uint8Array;
  /** The keyset's sequence counter as last used (default 0); INITIALIZE UPDATE increments it first (§6.2.2.1). */
  readonly sequenceCounter?: number;
  /** A fixed card challenge, or a source of them, overriding random and pseudo-random generation (tests, replays). */
  readonly cardChallenge?: Uint8Array | (() => Uint8Array);
  /** EXTERNAL AUTHENTICATE asking for less than this level (bitwise) is refused. Default '00'. */
  readonly minimumSecurityLevel?: number;
  /** Accept extended-length commands (default false). */
  readonly extendedLength?: boolean;
}

export type CardSessionState = 'idle' | 'initialized' | 'open' | 'closed';

const ZERO_MCV = new Uint8Array(16);

export class Scp03CardSession {
  readonly #keyVersion: number;
  readonly #i: number;
  readonly #parameters: IParameterOptions;
  readonly #keyDiversificationData: Uint8Array;
  readonly #sdAid: Uint8Array | undefined;
  readonly #cardChallengeSource: (() => Uint8Array) | undefined;
  readonly #minimumSecurityLevel: number;
  readonly #extendedLength: boolean;
  readonly #staticEnc: Uint8Array;
  readonly #staticMac: Uint8Array;
  #disposed = false;
  #sequenceCounter: number;
  #state: CardSessionState = 'idle';
  #channel = 0;
  #hostChallenge: Uint8Array | undefined;
  #cardChallenge: Uint8Array | undefined;
  #keys: ChannelKeys | undefined;
  #securityLevel: SecurityLevel = 0x00;
  #macChainingValue: Uint8Array = new Uint8Array(16);
  #counter = 0;
  #pendingCounter: number | undefined;

  constructor(options: CardSessionOptions) {
    const { keys } = options;
    assertAesKeyset(keys);
    if (!Number.isInteger(options.keyVersion) || options.keyVersion < 1 || options.keyVersion > 0xff) {
      throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `key version number must be 01–FF, got ${options.keyVersion}`);
    }
    this.#keyVersion = options.keyVersion;
    this.#i = options.i ?? 0x70;
    this.#parameters = describeIParameter(this.#i);
    this.#keyDiversificationData = copyBytes(options.keyDiversificationData ?? new Uint8Array(KEY_DIVERSIFICATION_DATA_LENGTH));
    if (this.#keyDiversificationData.length !== KEY_DIVERSIFICATION_DATA_LENGTH) {
      throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `key diversification data must be 10 bytes, got ${this.#keyDiversificationData.length}`);
    }
    this.#sdAid = options.sdAid === undefined ? undefined : copyBytes(options.sdAid);
    if (this.#sdAid !== undefined && (this.#sdAid.length < 5 || this.#sdAid.length > 16)) {
      throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `security domain AID must be 5–16 bytes, got ${this.#sdAid.length}`);
    }
    const injected = options.cardChallenge;
    this.#cardChallengeSource = injected === undefined ? undefined : typeof injected === 'function' ? injected : () => copyBytes(injected);
    if (this.#parameters.pseudoRandomChallenge && this.#sdAid === undefined && this.#cardChallengeSource === undefined) {
      throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', '"i" asks for pseudo-random card challenges: give the SD AID (or inject challenges)');
    }
    this.#sequenceCounter = options.sequenceCounter ?? 0;
    if (!Number.isInteger(this.#sequenceCounter) || this.#sequenceCounter < 0 || this.#sequenceCounter > MAX_SEQUENCE_COUNTER) {
      throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `sequence counter must be 0–FFFFFF, got ${this.#sequenceCounter}`);
    }
    this.#minimumSecurityLevel = options.minimumSecurityLevel ?? 0x00;
    this.#extendedLength = options.extendedLength ?? false;
    this.#staticEnc = copyBytes(keys.enc);
    this.#staticMac = copyBytes(keys.mac);
  }

  get state(): CardSessionState {
    return this.#state;
  }

  /** The current security level (Amd D §5.5); '00' outside an open session. */
  get securityLevel(): SecurityLevel {
    return this.#state === 'open' ? this.#securityLevel : 0x00;
  }

  /** The keyset's sequence counter as last used; persist it to carry it over to the next session object. */
  get sequenceCounter(): number {
    return this.#sequenceCounter;
  }

  /** The logical channel the current session was initiated on. */
  get channel(): number {
    return this.#channel;
  }

  /**
   * Answers INITIALIZE UPDATE (Amd D §7.1.1) with data ‖ '9000'. It first ends any session on this
   * channel (§5.6). Refusals (wrong length, unknown key version, exhausted counter) throw with the
   * status word to send and leave no session.
   */
  processInitializeUpdate(commandApdu: Uint8Array): Uint8Array {
    if (this.#disposed) throw new Scp03StateError('SCP03_CHANNEL_CLOSED', 'the card session was disposed');
    this.#endSession('idle');
    const command = parseCommandApdu(commandApdu);
    const cla = decodeClass(command.cla);
    if (!cla.proprietary || cla.secureMessaging) {
      throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', 'INITIALIZE UPDATE must use a GP class byte without secure messaging', StatusWord.claNotSupported);
    }
    if (command.ins !== INS_INITIALIZE_UPDATE) {
      throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', 'not an INITIALIZE UPDATE command', StatusWord.insNotSupported);
    }
    if (command.p2 !== 0x00) throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', 'INITIALIZE UPDATE P2 must be 00', StatusWord.incorrectP1P2);
    const challengeLength = modeLength(this.#parameters.mode);
    if (command.data.length !== challengeLength) {
      // Cards configured for S16 refuse an 8-byte challenge this way, and vice versa.
      throw new Scp03FormatError(
        'SCP03_MALFORMED_COMMAND',
        `host challenge must be ${challengeLength} bytes in ${this.#parameters.mode} mode, got ${command.data.length}`,
        StatusWord.wrongLength,
      );
    }
    if (command.p1 !== 0x00 && command.p1 !== this.#keyVersion) {
      throw new Scp03FormatError('SCP03_KEY_NOT_FOUND', 'no keyset with the requested key version', StatusWord.referencedDataNotFound);
    }
    let sequenceCounter: number | undefined;
    if (this.#parameters.pseudoRandomChallenge) {
      if (this.#sequenceCounter >= MAX_SEQUENCE_COUNTER) {
        throw new Scp03FormatError('SCP03_SEQUENCE_COUNTER_EXHAUSTED', 'sequence counter reached its maximum', StatusWord.conditionsNotSatisfied);
      }
      this.#sequenceCounter += 1;
      sequenceCounter = this.#sequenceCounter;
    }
    const cardChallenge = this.#nextCardChallenge(sequenceCounter, challengeLength);
    const hostChallenge = copyBytes(command.data);
    this.#keys = new ChannelKeys(deriveSessionKeys({ enc: this.#staticEnc, mac: this.#staticMac }, hostChallenge, cardChallenge));
    const cardCryptogram = computeCardCryptogram(this.#keys.sMac, hostChallenge, cardChallenge);
    this.#hostChallenge = hostChallenge;
    this.#cardChallenge = cardChallenge;
    this.#channel = cla.channel;
    this.#state = 'initialized';
    const data = encodeInitializeUpdateResponse({
      keyDiversificationData: this.#keyDiversificationData,
      keyVersion: this.#keyVersion,
      i: this.#i,
      cardChallenge,
      cardCryptogram,
      sequenceCounter,
    });
    return encodeResponseApdu({ data, sw: StatusWord.success });
  }

  /**
   * Verifies EXTERNAL AUTHENTICATE (Amd D §7.1.2): its C-MAC over MCV = 16 × '00', the host
   * cryptogram, and that the level is one of Table 7-3, allowed by "i" and not below the card's
   * minimum. Returns '9000' (no R-MAC on this response). Any failure aborts the session.
   */
  processExternalAuthenticate(commandApdu: Uint8Array): Uint8Array {
    if (this.#state !== 'initialized') {
      throw new Scp03StateError('SCP03_INVALID_STATE', 'EXTERNAL AUTHENTICATE must follow INITIALIZE UPDATE', StatusWord.conditionsNotSatisfied);
    }
    return this.#guard(() => {
      const keys = this.#requireKeys();
      const command = parseCommandApdu(commandApdu);
      const cla = decodeClass(command.cla);
      if (command.ins !== INS_EXTERNAL_AUTHENTICATE) {
        throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', 'not an EXTERNAL AUTHENTICATE command', StatusWord.insNotSupported);
      }
      if (cla.channel !== this.#channel) {
        throw new Scp03FormatError('SCP03_WRONG_LOGICAL_CHANNEL', 'EXTERNAL AUTHENTICATE arrived on another logical channel', StatusWord.claNotSupported);
      }
      if (!cla.proprietary || !cla.secureMessaging) {
        // Amd D §6.2.3: SCP03 mandates the C-MAC on EXTERNAL AUTHENTICATE.
        throw new Scp03SecurityError('SCP03_SECURITY_LEVEL_NOT_MET', 'EXTERNAL AUTHENTICATE without GP secure messaging', StatusWord.securityStatusNotSatisfied);
      }
      const length = modeLength(this.#parameters.mode);
      if (command.p2 !== 0x00) throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', 'EXTERNAL AUTHENTICATE P2 must be 00', StatusWord.incorrectP1P2);
      if (command.data.length !== 2 * length || command.extended) {
        throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', `EXTERNAL AUTHENTICATE data must be ${2 * length} bytes`, StatusWord.wrongLength);
      }
      const hostCryptogram = command.data.subarray(0, length);
      const mac = computeCommandMac(keys.sMac, ZERO_MCV, command, hostCryptogram, command.data.length, false);
      if (!constantTimeEqual(mac.subarray(0, length), command.data.subarray(length))) {
        throw new Scp03SecurityError('SCP03_BAD_C_MAC', 'EXTERNAL AUTHENTICATE C-MAC does not verify', StatusWord.securityStatusNotSatisfied);
      }
      const expected = computeHostCryptogram(keys.sMac, this.#hostChallenge ?? new Uint8Array(0), this.#cardChallenge ?? new Uint8Array(0));
      if (!constantTimeEqual(expected, hostCryptogram)) {
        throw new Scp03SecurityError('SCP03_BAD_HOST_CRYPTOGRAM', 'host cryptogram does not verify', StatusWord.authenticationFailed);
      }
      const level = command.p1;
      if (!isSecurityLevel(level) || !levelAllowedByIParameter(level, this.#parameters)) {
        throw new Scp03SecurityError('SCP03_UNSUPPORTED_SECURITY_LEVEL', `security level ${level.toString(16).padStart(2, '0')} is not available on this card`, StatusWord.incorrectP1P2);
      }
      if (!levelCovers(level, this.#minimumSecurityLevel)) {
        throw new Scp03SecurityError('SCP03_SECURITY_LEVEL_NOT_MET', `security level ${level.toString(16).padStart(2, '0')} is below the card's minimum`, StatusWord.securityStatusNotSatisfied);
      }
      this.#securityLevel = level;
      this.#macChainingValue = copyBytes(mac);
      this.#counter = 0;
      this.#state = 'open';
      return encodeResponseApdu({ data: new Uint8Array(0), sw: StatusWord.success });
    });
  }

  /**
   * Checks a command against the session's level and returns it plain (Amd D §5.6, §6.2.4,
   * §6.2.6): GP secure messaging in CLA, a C-MAC that verifies under the chaining value, data
   * that decrypts. A replayed or reordered command fails its C-MAC. Failures abort the session.
   */
  unwrapCommand(commandApdu: Uint8Array): Uint8Array {
    this.#expectOpen();
    return this.#guard(() => {
      this.#counter += 1;
      this.#pendingCounter = undefined;
      const wrapped = parseCommandApdu(commandApdu);
      const { channel } = decodeClass(wrapped.cla);
      if (channel !== this.#channel) {
        throw new Scp03FormatError('SCP03_WRONG_LOGICAL_CHANNEL', `command on logical channel ${channel}, the session runs on ${this.#channel}`, StatusWord.securityStatusNotSatisfied);
      }
      const { apdu, macChainingValue } = unprotectCommand(this.#context(this.#counter), wrapped);
      this.#macChainingValue = copyBytes(macChainingValue);
      this.#pendingCounter = this.#counter;
      return encodeCommandApdu(apdu);
    });
  }

  /** Protects the response (data ‖ SW) to the last unwrapped command per the session's level. */
  wrapResponse(plainResponse: Uint8Array): Uint8Array {
    this.#expectOpen();
    const counter = this.#pendingCounter;
    if (counter === undefined) {
      throw new Scp03StateError('SCP03_INVALID_STATE', 'no unwrapped command is awaiting a response');
    }
    this.#pendingCounter = undefined;
    return this.#guard(() => protectResponse(this.#context(counter), plainResponse));
  }

  /** Ends the session (e.g. on deselection or channel close): zeroes the session keys. */
  close(): void {
    this.#endSession('closed');
  }

  /** Closes the session and zeroes the card's copies of the static keys; the object is unusable afterwards. */
  dispose(): void {
    this.close();
    this.#staticEnc.fill(0);
    this.#staticMac.fill(0);
    this.#disposed = true;
  }

  #nextCardChallenge(sequenceCounter: number | undefined, length: number): Uint8Array {
    if (this.#cardChallengeSource !== undefined) {
      const challenge = this.#cardChallengeSource();
      if (challenge.length !== length) {
        throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `injected card challenge must be ${length} bytes, got ${challenge.length}`);
      }
      return copyBytes(challenge);
    }
    if (sequenceCounter !== undefined && this.#sdAid !== undefined) {
      return computePseudoRandomCardChallenge(this.#staticEnc, sequenceCounter, this.#sdAid, this.#parameters.mode);
    }
    return new Uint8Array(randomBytes(length));
  }

  #context(counter: number): ChannelContext {
    return {
      keys: this.#requireKeys(),
      mode: this.#parameters.mode,
      securityLevel: this.#securityLevel,
      macChainingValue: this.#macChainingValue,
      counter,
      extendedLength: this.#extendedLength,
    };
  }

  #requireKeys(): ChannelKeys {
    if (this.#keys === undefined) throw new Scp03StateError('SCP03_INVALID_STATE', 'no session keys');
    return this.#keys;
  }

  #expectOpen(): void {
    if (this.#state === 'open') return;
    if (this.#state === 'closed') {
      // Amd D §5.6: after an abort, commands are rejected with a security error until a new session.
      throw new Scp03StateError('SCP03_CHANNEL_CLOSED', 'the secure channel session was aborted or closed', StatusWord.securityStatusNotSatisfied);
    }
    throw new Scp03StateError('SCP03_INVALID_STATE', `no secure channel session is open (state ${this.#state})`, StatusWord.conditionsNotSatisfied);
  }

  /** Runs a step under the §5.6 rule: a security error aborts the session. */
  #guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.close();
      if (error instanceof Scp03Error && !(error instanceof Scp03SecurityError)) {
        throw new Scp03SecurityError(error.code, error.message, error.statusWord ?? StatusWord.securityStatusNotSatisfied);
      }
      throw error;
    }
  }

  #endSession(next: CardSessionState): void {
    this.#keys?.dispose();
    this.#keys = undefined;
    this.#macChainingValue.fill(0);
    this.#hostChallenge = undefined;
    this.#cardChallenge = undefined;
    this.#pendingCounter = undefined;
    this.#securityLevel = 0x00;
    this.#state = next;
  }
}

