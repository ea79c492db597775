/** INITIALIZE UPDATE command and response (GPCS §D.4.1 / §11.1.4, Amd D §7.1.1). */
import { encodeClass } from './apdu.js';
import { concatBytes, readUint24, uint24 } from './bytes.js';
import { Scp03FormatError } from './errors.js';
import { describeIParameter, modeLength, type IParameterOptions } from './parameters.js';

export const INS_INITIALIZE_UPDATE = 0x50;
export const INS_EXTERNAL_AUTHENTICATE = 0x82;
export const SCP03_IDENTIFIER = 0x03;
export const KEY_DIVERSIFICATION_DATA_LENGTH = 10;

export interface InitializeUpdateCommandOptions {
  /** P1: the key version number to use; 0 lets the card pick the first available keyset. */
  readonly keyVersion: number;
  /** 8 bytes (S8) or 16 bytes (S16). */
  readonly hostChallenge: Uint8Array;
  readonly channel?: number;
}

/** CLA '80' (+ channel), INS '50', P1 = KVN, P2 '00', host challenge, Le '00'. */
export function buildInitializeUpdateCommand(options: InitializeUpdateCommandOptions): Uint8Array {
  const { keyVersion, hostChallenge } = options;
  if (!Number.isInteger(keyVersion) || keyVersion < 0 || keyVersion > 0xff) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `key version number must be one byte, got ${keyVersion}`);
  }
  if (hostChallenge.length !== 8 && hostChallenge.length !== 16) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `host challenge must be 8 or 16 bytes, got ${hostChallenge.length}`);
  }
  const cla = encodeClass({ proprietary: true, secureMessaging: false, chaining: false, channel: options.channel ?? 0 });
  return concatBytes(Uint8Array.of(cla, INS_INITIALIZE_UPDATE, keyVersion, 0x00, hostChallenge.length), hostChallenge, Uint8Array.of(0x00));
}

/** Amd D Table 7-2. */
export interface InitializeUpdateResponse {
  readonly keyDiversificationData: Uint8Array;
  readonly keyVersion: number;
  readonly scpIdentifier: number;
  /** The "i" parameter byte, and what it says. */
  readonly i: number;
  readonly parameters: IParameterOptions;
  readonly cardChallenge: Uint8Array;
  readonly cardCryptogram: Uint8Array;
  /** Present only in pseudo-random challenge mode. */
  readonly sequenceCounter: number | undefined;
}

function malformed(message: string): Scp03FormatError {
  return new Scp03FormatError('SCP03_MALFORMED_RESPONSE', message);
}

/**
 * Reads KDD (10) ‖ key information (KVN, '03', i) ‖ card challenge ‖ card cryptogram ‖
 * [sequence counter (3)]. The lengths follow from "i": 8 or 16 bytes per S8/S16, and the counter
 * only when challenges are pseudo-random — 29/32 bytes (S8) or 45/48 (S16).
 */
export function parseInitializeUpdateResponse(data: Uint8Array): InitializeUpdateResponse {
  if (data.length < KEY_DIVERSIFICATION_DATA_LENGTH + 3) {
    throw malformed(`INITIALIZE UPDATE response of ${data.length} bytes is shorter than KDD and key information`);
  }
  const keyVersion = data[10] ?? 0;
  const scpIdentifier = data[11] ?? 0;
  const i = data[12] ?? 0;
  if (scpIdentifier !== SCP03_IDENTIFIER) {
    throw malformed(`key information names secure channel protocol ${scpIdentifier.toString(16).padStart(2, '0')}, not 03`);
  }
  let parameters: IParameterOptions;
  try {
    parameters = describeIParameter(i);
  } catch (error) {
    throw malformed(`key information: ${(error as Error).message}`);
  }
  const length = modeLength(parameters.mode);
  const expected = 13 + 2 * length + (parameters.pseudoRandomChallenge ? 3 : 0);
  if (data.length !== expected) {
    throw malformed(`INITIALIZE UPDATE response is ${data.length} bytes; "i" ${i.toString(16).padStart(2, '0')} makes it ${expected}`);
  }
  return {
    keyDiversificationData: data.slice(0, 10),
    keyVersion,
    scpIdentifier,
    i,
    parameters,
    cardChallenge: data.slice(13, 13 + length),
    cardCryptogram: data.slice(13 + length, 13 + 2 * length),
    sequenceCounter: parameters.pseudoRandomChallenge ? readUint24(data, 13 + 2 * length) : undefined,
  };
}

export function encodeInitializeUpdateResponse(response: Omit<InitializeUpdateResponse, 'parameters' | 'scpIdentifier'>): Uint8Array {
  if (response.keyDiversificationData.length !== KEY_DIVERSIFICATION_DATA_LENGTH) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `key diversification data must be 10 bytes, got ${response.keyDiversificationData.length}`);
  }
  return concatBytes(
    response.keyDiversificationData,
    Uint8Array.of(response.keyVersion, SCP03_IDENTIFIER, response.i),
    response.cardChallenge,
    response.cardCryptogram,
    response.sequenceCounter === undefined ? new Uint8Array(0) : uint24(response.sequenceCounter),
  );
}
