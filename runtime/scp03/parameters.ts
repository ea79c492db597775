/** The protocol parameters of an SCP03 session: the "i" parameter, S8/S16 mode and the security level. */
import { Scp03FormatError } from './errors.js';

/**
 * S8 is the mode of Amd D v1.1.1 (8-byte challenges, cryptograms and MACs). S16 (16 bytes each)
 * comes from Amd D v1.2, which is not public; its shape here follows the implementations cited in
 * reference/globalplatform.md §3.3 and is checked against Samsung OpenSCP's S16 test data.
 */
export type Scp03Mode = 'S8' | 'S16';

/** Bits of the "i" parameter (Amd D Table 5-1; b1 = S16 from Amd D v1.2). */
export const IParameterBit = {
  s16: 0x01,
  pseudoRandomChallenge: 0x10,
  rMac: 0x20,
  rEncryption: 0x40,
} as const;

export interface IParameterOptions {
  readonly mode: Scp03Mode;
  readonly pseudoRandomChallenge: boolean;
  readonly rMac: boolean;
  readonly rEncryption: boolean;
}

export function describeIParameter(i: number): IParameterOptions {
  if (!Number.isInteger(i) || i < 0 || i > 0xff) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `"i" parameter must be one byte, got ${i}`);
  }
  if ((i & 0x80) !== 0) throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', '"i" parameter b8 is reserved and must be 0');
  if ((i & 0x0e) !== 0) throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', '"i" parameter b4–b2 are RFU and must be 0');
  // Table 5-1 defines b7b6 = 00, 01 and 11 only: R-ENCRYPTION never comes without R-MAC.
  if ((i & IParameterBit.rEncryption) !== 0 && (i & IParameterBit.rMac) === 0) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', '"i" parameter announces R-ENCRYPTION without R-MAC');
  }
  return {
    mode: (i & IParameterBit.s16) !== 0 ? 'S16' : 'S8',
    pseudoRandomChallenge: (i & IParameterBit.pseudoRandomChallenge) !== 0,
    rMac: (i & IParameterBit.rMac) !== 0,
    rEncryption: (i & IParameterBit.rEncryption) !== 0,
  };
}

/** Challenge, cryptogram and MAC length in bytes for a mode. */
export function modeLength(mode: Scp03Mode): 8 | 16 {
  return mode === 'S16' ? 16 : 8;
}

export function modeForChallengeLength(length: number): Scp03Mode {
  if (length === 8) return 'S8';
  if (length === 16) return 'S16';
  throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `host challenge must be 8 (S8) or 16 (S16) bytes, got ${length}`);
}

/** Security level bits (GPCS Table 10-1, Amd D §5.5). */
export const SecurityLevelBit = {
  cMac: 0x01,
  cDecryption: 0x02,
  rMac: 0x10,
  rEncryption: 0x20,
} as const;

/**
 * The P1 values of EXTERNAL AUTHENTICATE that Amd D Table 7-3 defines. '31' (R-ENCRYPTION without
 * C-DECRYPTION) is not among them, so it is refused like any other undefined value.
 */
export const SECURITY_LEVELS = [0x00, 0x01, 0x03, 0x11, 0x13, 0x33] as const;
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];

export function isSecurityLevel(value: number): value is SecurityLevel {
  return (SECURITY_LEVELS as readonly number[]).includes(value);
}

export function assertSecurityLevel(value: number): SecurityLevel {
  if (!isSecurityLevel(value)) {
    throw new Scp03FormatError(
      'SCP03_UNSUPPORTED_SECURITY_LEVEL',
      `security level must be one of 00, 01, 03, 11, 13, 33 (Amd D Table 7-3), got ${value.toString(16).padStart(2, '0')}`,
    );
  }
  return value;
}

/** Whether the card's "i" parameter allows the response protection a level asks for (Amd D §5.1). */
export function levelAllowedByIParameter(level: SecurityLevel, i: IParameterOptions): boolean {
  if ((level & SecurityLevelBit.rMac) !== 0 && !i.rMac) return false;
  if ((level & SecurityLevelBit.rEncryption) !== 0 && !i.rEncryption) return false;
  return true;
}

/** Whether `level` protects at least everything `minimum` asks for (Amd D §5.6 "match nor exceed"). */
export function levelCovers(level: number, minimum: number): boolean {
  return (level & minimum) === minimum;
}
