/**
 * APDUs as the secure channel needs them: the ISO 7816-4 codec of runtime/apdu with errors
 * turned into SCP03 errors, and the class byte as GPCS §11.1.4 codes logical channels and
 * secure messaging.
 */
import {
  encodeCommandApdu as encodeIsoCommandApdu,
  encodeResponseApdu,
  parseCommandApdu as parseIsoCommandApdu,
  parseResponseApdu as parseIsoResponseApdu,
  type CommandApdu as IsoCommandApdu,
  type ResponseApdu,
} from '../apdu/command-apdu.js';
import { Scp03FormatError } from './errors.js';

/** A command APDU as SCP03 handles it: the ISO case follows from `data` and `le`, so it is not carried. */
export type CommandApdu = Omit<IsoCommandApdu, 'isoCase'>;

export type { ResponseApdu };

export const SHORT_MAX_DATA = 255;
export const SHORT_MAX_LE = 256;

/** Parses the four cases of ISO 7816-4 §5.1, short and extended (runtime/apdu), throwing with the card's status word. */
export function parseCommandApdu(bytes: Uint8Array): CommandApdu {
  const parsed = parseIsoCommandApdu(bytes);
  if (!parsed.ok) throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', parsed.reason, parsed.sw);
  return parsed.apdu;
}

/** Whether the APDU needs extended length fields. */
export function needsExtendedLength(data: Uint8Array, le: number | undefined): boolean {
  return data.length > SHORT_MAX_DATA || (le !== undefined && le > SHORT_MAX_LE);
}

/** Encodes in short form unless `extended` is asked for or the lengths need it. */
export function encodeCommandApdu(apdu: Omit<CommandApdu, 'extended'> & { readonly extended?: boolean }): Uint8Array {
  try {
    return encodeIsoCommandApdu({
      cla: apdu.cla,
      ins: apdu.ins,
      p1: apdu.p1,
      p2: apdu.p2,
      data: apdu.data,
      ...(apdu.le === undefined ? {} : { le: apdu.le }),
      ...(apdu.extended === true ? { extended: true } : {}),
    });
  } catch (error) {
    throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', (error as Error).message, 0x6700);
  }
}

export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  const parsed = parseIsoResponseApdu(bytes);
  if (parsed === undefined) {
    throw new Scp03FormatError('SCP03_MALFORMED_RESPONSE', `response APDU must end with SW1 SW2, got ${bytes.length} bytes`);
  }
  return parsed;
}

export { encodeResponseApdu };

/** Amd D §6.2.5: only '9000' and warnings '62xx'/'63xx' are not errors; errors carry no R-MAC. */
export function isSuccessOrWarning(sw: number): boolean {
  const sw1 = sw >>> 8;
  return sw === 0x9000 || sw1 === 0x62 || sw1 === 0x63;
}

/** What a class byte says (GPCS §11.1.4, ISO 7816-4 §5.4.1). */
export interface ClassByte {
  /** b8: GlobalPlatform (proprietary) command rather than ISO. */
  readonly proprietary: boolean;
  /** GP proprietary secure messaging: b4b3 = 01 for channels 0–3, b6 = 1 for channels 4–19. */
  readonly secureMessaging: boolean;
  /** ISO command chaining bit (b5). */
  readonly chaining: boolean;
  /** Logical channel 0–19. */
  readonly channel: number;
}

export function decodeClass(cla: number): ClassByte {
  const proprietary = (cla & 0x80) !== 0;
  const chaining = (cla & 0x10) !== 0;
  if ((cla & 0x40) !== 0) {
    // Further interindustry class: channel 4–19 in b4–b1, secure messaging in b6.
    return { proprietary, chaining, secureMessaging: (cla & 0x20) !== 0, channel: 4 + (cla & 0x0f) };
  }
  if ((cla & 0x20) !== 0) {
    throw new Scp03FormatError('SCP03_MALFORMED_COMMAND', `class byte ${cla.toString(16).padStart(2, '0')} is reserved`, 0x6e00);
  }
  return { proprietary, chaining, secureMessaging: (cla & 0x0c) === 0x04, channel: cla & 0x03 };
}

export function encodeClass(value: ClassByte): number {
  const { proprietary, chaining, secureMessaging, channel } = value;
  if (!Number.isInteger(channel) || channel < 0 || channel > 19) {
    throw new Scp03FormatError('SCP03_INVALID_ARGUMENT', `logical channel must be 0–19, got ${channel}`);
  }
  const base = (proprietary ? 0x80 : 0) | (chaining ? 0x10 : 0);
  if (channel <= 3) return base | (secureMessaging ? 0x04 : 0) | channel;
  return base | 0x40 | (secureMessaging ? 0x20 : 0) | (channel - 4);
}

/**
 * The class byte as it enters the C-MAC (Amd D §6.2.4): channel number zero, b4 = 0, b3 = 1 —
 * the first-interindustry coding of GP secure messaging whatever channel the command travels on,
 * so the channel stays outside the integrity protection as the spec intends.
 */
export function macClass(cla: number): number {
  const decoded = decodeClass(cla);
  return encodeClass({ ...decoded, secureMessaging: true, channel: 0 });
}
