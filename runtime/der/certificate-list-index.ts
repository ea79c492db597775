/**
 * A CRL (RFC 5280 §5.1 CertificateList, DER) opened lazily and indexed by serial number.
 *
 * Opening reads the outer fields and walks the revoked-certificate headers (strict DER framing,
 * each entry's serial located); nothing per entry is decoded until it is looked up. The index is
 * a handful of typed arrays sorted by serial, so a 1M-entry CRL costs tens of megabytes rather
 * than the gigabytes an object per entry costs (reference/anchors.md: @peculiar/x509 9 GB).
 *
 * Serials are compared as unsigned big-endian magnitudes of the INTEGER content (leading zero
 * bytes ignored): RFC 5280 §4.1.2.2 makes serials positive, and a CA that wrongly encodes a
 * negative one still gets its entries found by the same bytes.
 */
import { LazySequenceOf } from './lazy-sequence-of.js';
import { DecodeError } from './decode-error.js';
import { objectIdentifierText } from './der-primitives.js';
import { readTlvHeader, type TlvHeader } from './tlv.js';

const TAG_BOOLEAN = 0x01;
const TAG_INTEGER = 0x02;
const TAG_BIT_STRING = 0x03;
const TAG_OCTET_STRING = 0x04;
const TAG_OBJECT_IDENTIFIER = 0x06;
const TAG_ENUMERATED = 0x0a;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
const TAG_SEQUENCE = 0x30;
const TAG_CONTEXT_0_CONSTRUCTED = 0xa0;

/** CRLReason (RFC 5280 §5.3.1); value 7 is unused. */
export const CRL_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined,
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;
export type CrlReason = Exclude<(typeof CRL_REASONS)[number], undefined>;

export interface Extension {
  /** Dotted object identifier, e.g. `2.5.29.20`. */
  readonly extnId: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING's content: the extension's own DER. */
  readonly value: Uint8Array;
}

export interface AlgorithmIdentifier {
  readonly algorithm: string;
  /** The whole AlgorithmIdentifier DER (parameters included). */
  readonly der: Uint8Array;
}

/**
 * One revokedCertificates entry. The dates and the reason are decoded (and the whole entry
 * checked) when it is made; the views and the extension list are made when first read, since a
 * lookup usually needs only the former.
 */
export class RevokedCertificate {
  readonly revocationDate: Date;
  /** The reasonCode entry extension (RFC 5280 §5.3.1), or undefined when absent. */
  readonly reason: CrlReason | undefined;
  /** The invalidityDate entry extension (RFC 5280 §5.3.2), or undefined when absent. */
  readonly invalidityDate: Date | undefined;
  readonly #bytes: Uint8Array;
  readonly #offset: number;
  readonly #end: number;
  readonly #serialStart: number;
  readonly #serialEnd: number;
  /** The crlEntryExtensions SEQUENCE's TLV, or -1 when absent. */
  readonly #extensionsOffset: number;

  /** Use decodeRevokedCertificate. */
  constructor(bytes: Uint8Array, offset: number, end: number, serialStart: number, serialEnd: number, extensionsOffset: number, revocationDate: Date, reason: CrlReason | undefined, invalidityDate: Date | undefined) {
    this.#bytes = bytes;
    this.#offset = offset;
    this.#end = end;
    this.#serialStart = serialStart;
    this.#serialEnd = serialEnd;
    this.#extensionsOffset = extensionsOffset;
    this.revocationDate = revocationDate;
    this.reason = reason;
    this.invalidityDate = invalidityDate;
  }

  /** The serial's INTEGER content bytes, as encoded (a view into the CRL). */
  get serialNumber(): Uint8Array {
    return this.#bytes.subarray(this.#serialStart, this.#serialEnd);
  }

  /** The entry's complete DER, a view into the CRL. */
  get entry(): Uint8Array {
    return this.#bytes.subarray(this.#offset, this.#end);
  }

  /** Every entry extension, reasonCode and invalidityDate included. */
  get extensions(): readonly Extension[] {
    if (this.#extensionsOffset === -1) return [];
    const header = readTlvHeader(this.#bytes, this.#extensionsOffset, this.#end);
    return decodeExtensions(this.#bytes, this.#extensionsOffset, header, 'crlEntryExtensions');
  }
}

export interface CertificateList {
  /** 1 for v1 (version absent), 2 for v2. */
  readonly version: 1 | 2;
  /** tbsCertList.signature. */
  readonly signature: AlgorithmIdentifier;
  /** The issuer Name's complete DER. */
  readonly issuer: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly revokedCertificates: LazySequenceOf<RevokedCertificate>;
  /** The crlExtensions Extensions SEQUENCE's complete DER (inside the [0] tag), when present. */
  readonly crlExtensionsDer?: Uint8Array;
  readonly crlExtensions: readonly Extension[];
  /** The exact tbsCertList DER the signature covers. */
  readonly tbsCertList: Uint8Array;
  /** The outer signatureAlgorithm. */
  readonly signatureAlgorithm: AlgorithmIdentifier;
  /** The signatureValue BIT STRING's bits (after the unused-bits octet, which must be 0). */
  readonly signatureValue: Uint8Array;
  /** The whole CRL. */
  readonly der: Uint8Array;
}

/** Opens a CRL: outer fields decoded, revoked certificates framed but not decoded. */
export function openCertificateList(der: Uint8Array): CertificateList {
  const outer = expectTlv(der, 0, der.length, TAG_SEQUENCE, 'CertificateList', 'CertificateList SEQUENCE');
  if (outer.end !== der.length) throw new DecodeError('DER_TRAILING_BYTES', outer.end, 'CertificateList', `the CRL to end at byte ${outer.end}, found ${der.length - outer.end} more bytes`);
  const tbs = expectTlv(der, outer.contentStart, outer.end, TAG_SEQUENCE, 'CertificateList.tbsCertList', 'TBSCertList SEQUENCE');
  const fields = readTbsCertList(der, tbs);
  const signatureAlgorithmHeader = expectTlv(der, tbs.end, outer.end, TAG_SEQUENCE, 'CertificateList.signatureAlgorithm', 'AlgorithmIdentifier SEQUENCE');
  const signatureAlgorithm = readAlgorithmIdentifier(der, tbs.end, signatureAlgorithmHeader, 'CertificateList.signatureAlgorithm');
  const signatureHeader = expectTlv(der, signatureAlgorithmHeader.end, outer.end, TAG_BIT_STRING, 'CertificateList.signatureValue', 'BIT STRING');
  if (signatureHeader.length === 0 || der[signatureHeader.contentStart] !== 0) {
    throw new DecodeError('DER_BAD_BIT_STRING', signatureHeader.contentStart, 'CertificateList.signatureValue', 'a BIT STRING with 0 unused bits');
  }
  expectEnd(signatureHeader.end, outer.end, 'CertificateList', 'CertificateList');
  return {
    ...fields,
    tbsCertList: der.subarray(outer.contentStart, tbs.end),
    signatureAlgorithm,
    signatureValue: der.subarray(signatureHeader.contentStart + 1, signatureHeader.end),
    der,
  };
}

type TbsFields = Omit<CertificateList, 'tbsCertList' | 'signatureAlgorithm' | 'signatureValue' | 'der'>;

function readTbsCertList(der: Uint8Array, tbs: TlvHeader): TbsFields {
  const end = tbs.end;
  let cursor = tbs.contentStart;
  let header = expectAnyTlv(der, cursor, end, 'CertificateList.tbsCertList.version');
  let version: 1 | 2 = 1;
  if (header.tag === TAG_INTEGER) {
    if (header.length !== 1 || der[header.contentStart] !== 1) {
      throw new DecodeError('CRL_VERSION', header.contentStart, 'CertificateList.tbsCertList.version', 'v2 (INTEGER 1), the only version that is written explicitly');
    }
    version = 2;
    cursor = header.end;
  }
  header = expectTlv(der, cursor, end, TAG_SEQUENCE, 'CertificateList.tbsCertList.signature', 'AlgorithmIdentifier SEQUENCE');
  const signature = readAlgorithmIdentifier(der, cursor, header, 'CertificateList.tbsCertList.signature');
  cursor = header.end;
  header = expectTlv(der, cursor, end, TAG_SEQUENCE, 'CertificateList.tbsCertList.issuer', 'Name SEQUENCE');
  const issuer = der.subarray(cursor, header.end);
  cursor = header.end;
  header = expectAnyTlv(der, cursor, end, 'CertificateList.tbsCertList.thisUpdate');
  const thisUpdate = decodeTime(der, cursor, header, 'CertificateList.tbsCertList.thisUpdate');
  cursor = header.end;
  let nextUpdate: Date | undefined;
  let revokedCertificates: LazySequenceOf<RevokedCertificate> | undefined;
  let crlExtensionsDer: Uint8Array | undefined;
  let crlExtensions: readonly Extension[] = [];
  if (cursor < end) {
    header = expectAnyTlv(der, cursor, end, 'CertificateList.tbsCertList.nextUpdate');
    if (header.tag === TAG_UTC_TIME || header.tag === TAG_GENERALIZED_TIME) {
      nextUpdate = decodeTime(der, cursor, header, 'CertificateList.tbsCertList.nextUpdate');
      cursor = header.end;
    }
  }
  if (cursor < end) {
    header = expectAnyTlv(der, cursor, end, 'CertificateList.tbsCertList.revokedCertificates');
    if (header.tag === TAG_SEQUENCE) {
      revokedCertificates = new LazySequenceOf(der, header.contentStart, header.end, decodeRevokedCertificate, {
        path: 'CertificateList.tbsCertList.revokedCertificates',
        elementTag: TAG_SEQUENCE,
      });
      cursor = header.end;
    }
  }
  if (cursor < end) {
    header = expectTlv(der, cursor, end, TAG_CONTEXT_0_CONSTRUCTED, 'CertificateList.tbsCertList.crlExtensions', 'crlExtensions [0] (nothing else may follow revokedCertificates)');
    if (version !== 2) throw new DecodeError('CRL_VERSION', cursor, 'CertificateList.tbsCertList.crlExtensions', 'version v2 when crlExtensions are present (RFC 5280 §5.1.2.1)');
    const inner = expectTlv(der, header.contentStart, header.end, TAG_SEQUENCE, 'CertificateList.tbsCertList.crlExtensions', 'Extensions SEQUENCE');
    expectEnd(inner.end, header.end, 'CertificateList.tbsCertList.crlExtensions', '[0]');
    crlExtensionsDer = der.subarray(header.contentStart, inner.end);
    crlExtensions = decodeExtensions(der, header.contentStart, inner, 'CertificateList.tbsCertList.crlExtensions');
    cursor = header.end;
  }
  expectEnd(cursor, end, 'CertificateList.tbsCertList', 'TBSCertList');
  return {
    version,
    signature,
    issuer,
    thisUpdate,
    ...(nextUpdate === undefined ? {} : { nextUpdate }),
    // RFC 5280 §5.1.2.6: no revoked certificates means the field is absent.
    revokedCertificates: revokedCertificates ?? new LazySequenceOf(der, cursor, cursor, decodeRevokedCertificate, { path: 'CertificateList.tbsCertList.revokedCertificates' }),
    ...(crlExtensionsDer === undefined ? {} : { crlExtensionsDer }),
    crlExtensions,
  };
}

/** Decodes one revokedCertificates element (its TLV spans bytes[offset, end)). */
export function decodeRevokedCertificate(bytes: Uint8Array, offset: number, end: number): RevokedCertificate {
  const entry = expectTlv(bytes, offset, end, TAG_SEQUENCE, '', 'revoked certificate SEQUENCE');
  expectEnd(entry.end, end, '', 'element');
  const serial = expectTlv(bytes, entry.contentStart, entry.end, TAG_INTEGER, 'userCertificate', 'CertificateSerialNumber INTEGER');
  checkMinimalInteger(bytes, serial, 'userCertificate');
  const dateHeader = expectAnyTlv(bytes, serial.end, entry.end, 'revocationDate');
  const revocationDate = decodeTime(bytes, serial.end, dateHeader, 'revocationDate');
  let reason: CrlReason | undefined;
  let invalidityDate: Date | undefined;
  let extensionsOffset = -1;
  if (dateHeader.end < entry.end) {
    extensionsOffset = dateHeader.end;
    const extensionsHeader = expectTlv(bytes, extensionsOffset, entry.end, TAG_SEQUENCE, 'crlEntryExtensions', 'Extensions SEQUENCE');
    expectEnd(extensionsHeader.end, entry.end, '', 'revoked certificate');
    // Checks every extension's framing and finds the two this index reports, without objects.
    const found = scanExtensions(bytes, extensionsOffset, extensionsHeader, 'crlEntryExtensions');
    if (found.reasonValue !== -1) reason = decodeReason(bytes, found.reasonValue);
    if (found.invalidityValue !== -1) invalidityDate = decodeInvalidityDate(bytes, found.invalidityValue);
  }
  return new RevokedCertificate(bytes, offset, entry.end, serial.contentStart, serial.end, extensionsOffset, revocationDate, reason, invalidityDate);
}

function decodeReason(bytes: Uint8Array, valueOffset: number): CrlReason {
  const path = 'crlEntryExtensions.reasonCode';
  const value = readTlvHeader(bytes, valueOffset, bytes.length);
  const header = expectTlv(bytes, value.contentStart, value.end, TAG_ENUMERATED, path, 'CRLReason ENUMERATED');
  expectEnd(header.end, value.end, path, 'CRLReason');
  checkMinimalInteger(bytes, header, path);
  const code = header.length === 1 ? (bytes[header.contentStart] as number) : -1;
  const reason = CRL_REASONS[code];
  if (reason === undefined) throw new DecodeError('DER_UNKNOWN_ENUMERATED', header.contentStart, path, 'a CRLReason of 0–6 or 8–10 (RFC 5280 §5.3.1)');
  return reason;
}

function decodeInvalidityDate(bytes: Uint8Array, valueOffset: number): Date {
  const path = 'crlEntryExtensions.invalidityDate';
  const value = readTlvHeader(bytes, valueOffset, bytes.length);
  const header = expectTlv(bytes, value.contentStart, value.end, TAG_GENERALIZED_TIME, path, 'GeneralizedTime (RFC 5280 §5.3.2)');
  expectEnd(header.end, value.end, path, 'InvalidityDate');
  return decodeTime(bytes, value.contentStart, header, path);
}

/** Offsets (of each extension's extnValue OCTET STRING TLV) that entry decoding needs, -1 when absent. */
interface EntryExtensionValues {
  reasonValue: number;
  invalidityValue: number;
}

const extnIdOffsets: number[] = [];
const extnIdLengths: number[] = [];

/**
 * Checks an Extensions SEQUENCE as decodeExtensions does (framing, DER BOOLEAN, no extnID twice)
 * but builds nothing: entry decoding runs once per lookup.
 */
function scanExtensions(bytes: Uint8Array, offset: number, sequence: TlvHeader, path: string): EntryExtensionValues {
  if (sequence.length === 0) throw new DecodeError('DER_CONSTRAINT', offset, path, 'at least one Extension (SIZE (1..MAX))');
  const result: EntryExtensionValues = { reasonValue: -1, invalidityValue: -1 };
  let cursor = sequence.contentStart;
  let count = 0;
  let part = '';
  try {
    while (cursor < sequence.end) {
      part = '';
      const extension = expectTlv(bytes, cursor, sequence.end, TAG_SEQUENCE, '', 'Extension SEQUENCE');
      part = 'extnID';
      const idHeader = expectTlv(bytes, extension.contentStart, extension.end, TAG_OBJECT_IDENTIFIER, '', 'OBJECT IDENTIFIER');
      checkObjectIdentifier(bytes, idHeader, '');
      for (let earlier = 0; earlier < count; earlier += 1) {
        if (sameBytes(bytes, extnIdOffsets[earlier] as number, extnIdLengths[earlier] as number, idHeader.contentStart, idHeader.length)) {
          throw new DecodeError('CRL_DUPLICATE_EXTENSION', extension.contentStart, '', `each extension at most once, found ${decodeObjectIdentifier(bytes, idHeader, '')} again`);
        }
      }
      extnIdOffsets[count] = idHeader.contentStart;
      extnIdLengths[count] = idHeader.length;
      part = 'critical';
      let valueOffset = idHeader.end;
      let value = expectAnyTlv(bytes, valueOffset, extension.end, '');
      if (value.tag === TAG_BOOLEAN) {
        checkCriticalTrue(bytes, value);
        valueOffset = value.end;
        part = 'extnValue';
        value = expectAnyTlv(bytes, valueOffset, extension.end, '');
      }
      part = 'extnValue';
      if (value.tag !== TAG_OCTET_STRING) throw unexpectedTag(valueOffset, value.tag, '', 'OCTET STRING');
      part = '';
      expectEnd(value.end, extension.end, '', 'Extension');
      if (idHeader.length === 3 && bytes[idHeader.contentStart] === 0x55 && bytes[idHeader.contentStart + 1] === 0x1d) {
        const arc = bytes[idHeader.contentStart + 2];
        if (arc === REASON_CODE_ARC) result.reasonValue = valueOffset;
        else if (arc === INVALIDITY_DATE_ARC) result.invalidityValue = valueOffset;
      }
      count += 1;
      cursor = extension.end;
    }
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    const where = `${path}[${count}]`;
    throw under(error, part === '' ? where : `${where}.${part}`);
  }
  return result;
}

// id-ce-cRLReasons 2.5.29.21 and id-ce-invalidityDate 2.5.29.24 (RFC 5280 §5.3.1, §5.3.2).
const REASON_CODE_ARC = 21;
const INVALIDITY_DATE_ARC = 24;

function sameBytes(bytes: Uint8Array, leftStart: number, leftLength: number, rightStart: number, rightLength: number): boolean {
  if (leftLength !== rightLength) return false;
  for (let index = 0; index < leftLength; index += 1) if (bytes[leftStart + index] !== bytes[rightStart + index]) return false;
  return true;
}

function checkCriticalTrue(bytes: Uint8Array, header: TlvHeader): void {
  // DER (X.690 §11.5): a DEFAULT value is omitted, so an explicit critical is TRUE (0xFF).
  if (header.length !== 1 || bytes[header.contentStart] !== 0xff) {
    throw new DecodeError('DER_DEFAULT_ENCODED', header.contentStart, '', 'TRUE encoded as FF (FALSE is the DEFAULT and must be omitted)');
  }
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, each extnID at most once (RFC 5280 §4.2). */
function decodeExtensions(bytes: Uint8Array, offset: number, sequence: TlvHeader, path: string): Extension[] {
  if (sequence.length === 0) throw new DecodeError('DER_CONSTRAINT', offset, path, 'at least one Extension (SIZE (1..MAX))');
  const extensions: Extension[] = [];
  let cursor = sequence.contentStart;
  // Paths are built only on failure: a lookup decodes an entry's extensions every time.
  let part = '';
  try {
    while (cursor < sequence.end) {
      part = '';
      const extension = expectTlv(bytes, cursor, sequence.end, TAG_SEQUENCE, '', 'Extension SEQUENCE');
      part = 'extnID';
      const idHeader = expectTlv(bytes, extension.contentStart, extension.end, TAG_OBJECT_IDENTIFIER, '', 'OBJECT IDENTIFIER');
      const extnId = decodeObjectIdentifier(bytes, idHeader, '');
      part = 'critical';
      let nextOffset = idHeader.end;
      let next = expectAnyTlv(bytes, nextOffset, extension.end, '');
      let critical = false;
      if (next.tag === TAG_BOOLEAN) {
        checkCriticalTrue(bytes, next);
        critical = true;
        part = 'extnValue';
        nextOffset = next.end;
        next = expectAnyTlv(bytes, nextOffset, extension.end, '');
      }
      part = 'extnValue';
      if (next.tag !== TAG_OCTET_STRING) throw unexpectedTag(nextOffset, next.tag, '', 'OCTET STRING');
      part = '';
      expectEnd(next.end, extension.end, '', 'Extension');
      for (const seen of extensions) {
        if (seen.extnId === extnId) throw new DecodeError('CRL_DUPLICATE_EXTENSION', cursor, '', `each extension at most once, found ${extnId} again`);
      }
      extensions.push({ extnId, critical, value: bytes.subarray(next.contentStart, next.end) });
      cursor = extension.end;
    }
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    const where = `${path}[${extensions.length}]`;
    throw under(error, part === '' ? where : `${where}.${part}`);
  }
  return extensions;
}

function readAlgorithmIdentifier(der: Uint8Array, offset: number, header: TlvHeader, path: string): AlgorithmIdentifier {
  const id = expectTlv(der, header.contentStart, header.end, TAG_OBJECT_IDENTIFIER, `${path}.algorithm`, 'OBJECT IDENTIFIER');
  const algorithm = decodeObjectIdentifier(der, id, `${path}.algorithm`);
  if (id.end < header.end) {
    const parameters = expectAnyTlv(der, id.end, header.end, `${path}.parameters`);
    expectEnd(parameters.end, header.end, path, 'AlgorithmIdentifier');
  }
  return { algorithm, der: der.subarray(offset, header.end) };
}

const ID_CE_OIDS = Array.from({ length: 128 }, (_, arc) => `2.5.29.${arc}`);

/** X.690 §8.19 framing without building the dotted string. */
function checkObjectIdentifier(bytes: Uint8Array, header: TlvHeader, path: string): void {
  if (header.length === 0) throw new DecodeError('DER_BAD_OID', header.contentStart, path, 'at least one subidentifier');
  let startOfSubidentifier = true;
  for (let index = header.contentStart; index < header.end; index += 1) {
    const byte = bytes[index] as number;
    if (startOfSubidentifier && byte === 0x80) throw new DecodeError('DER_BAD_OID', index, path, 'a subidentifier without leading 0x80 padding');
    startOfSubidentifier = (byte & 0x80) === 0;
  }
  if (!startOfSubidentifier) throw new DecodeError('DER_BAD_OID', header.end - 1, path, 'the last subidentifier to end (high bit clear)');
}

/** X.690 §8.19 as dotted text (the runtime's reader, big arcs included). */
function decodeObjectIdentifier(bytes: Uint8Array, header: TlvHeader, path: string): string {
  // id-ce (2.5.29.x, RFC 5280 §4.2) covers nearly every extension met: skip the general path.
  if (header.length === 3 && bytes[header.contentStart] === 0x55 && bytes[header.contentStart + 1] === 0x1d) {
    const arc = bytes[header.contentStart + 2] as number;
    if (arc < 0x80) return ID_CE_OIDS[arc] as string;
  }
  try {
    return objectIdentifierText(bytes, header.contentStart, header.end, false);
  } catch (error) {
    throw error instanceof DecodeError ? under(error, path) : error;
  }
}

/**
 * UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, the only forms RFC 5280 §4.1.2.5
 * allows (seconds present, Zulu, no fractions); UTCTime years 50–99 are 19xx.
 */
function decodeTime(bytes: Uint8Array, offset: number, header: TlvHeader, path: string): Date {
  let cursor = header.contentStart;
  let year: number;
  if (header.tag === TAG_UTC_TIME) {
    if (header.length !== 13) throw new DecodeError('DER_BAD_TIME', offset, path, 'UTCTime YYMMDDHHMMSSZ (13 characters)');
    const shortYear = twoDigits(bytes, cursor, path);
    year = shortYear >= 50 ? 1900 + shortYear : 2000 + shortYear;
    cursor += 2;
  } else if (header.tag === TAG_GENERALIZED_TIME) {
    if (header.length !== 15) throw new DecodeError('DER_BAD_TIME', offset, path, 'GeneralizedTime YYYYMMDDHHMMSSZ (15 characters)');
    year = twoDigits(bytes, cursor, path) * 100 + twoDigits(bytes, cursor + 2, path);
    cursor += 4;
  } else {
    throw unexpectedTag(offset, header.tag, path, 'UTCTime or GeneralizedTime');
  }
  const month = twoDigits(bytes, cursor, path);
  const day = twoDigits(bytes, cursor + 2, path);
  const hour = twoDigits(bytes, cursor + 4, path);
  const minute = twoDigits(bytes, cursor + 6, path);
  const second = twoDigits(bytes, cursor + 8, path);
  if (bytes[cursor + 10] !== 0x5a) throw new DecodeError('DER_BAD_TIME', cursor + 10, path, "the time to end in 'Z'");
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new DecodeError('DER_BAD_TIME', header.contentStart, path, 'a calendar date and time of day');
  }
  return new Date(daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000);
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date: H. Hinnant's days_from_civil formula
 * ("chrono-Compatible Low-Level Date Algorithms"). Cheaper than Date.UTC, and right for years
 * below 100, which Date.UTC reads as 19xx.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function twoDigits(bytes: Uint8Array, at: number, path: string): number {
  const tens = (bytes[at] as number) - 0x30;
  const units = (bytes[at + 1] as number) - 0x30;
  if (tens < 0 || tens > 9 || units < 0 || units > 9) throw new DecodeError('DER_BAD_TIME', at, path, 'decimal digits');
  return tens * 10 + units;
}

/** X.690 §8.3.2: no leading 00 before a clear high bit, no leading FF before a set one. */
function checkMinimalInteger(bytes: Uint8Array, header: TlvHeader, path: string): void {
  if (header.length === 0) throw new DecodeError('DER_NON_MINIMAL_INTEGER', header.contentStart, path, 'at least one content byte');
  if (header.length > 1) {
    const first = bytes[header.contentStart] as number;
    const second = bytes[header.contentStart + 1] as number;
    if ((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80)) {
      throw new DecodeError('DER_NON_MINIMAL_INTEGER', header.contentStart, path, 'an INTEGER in the fewest bytes (no redundant leading byte)');
    }
  }
}

function expectAnyTlv(bytes: Uint8Array, offset: number, end: number, path: string): TlvHeader {
  try {
    return readTlvHeader(bytes, offset, end);
  } catch (error) {
    throw error instanceof DecodeError ? under(error, path) : error;
  }
}

function expectTlv(bytes: Uint8Array, offset: number, end: number, tag: number, path: string, expected: string): TlvHeader {
  const header = expectAnyTlv(bytes, offset, end, path);
  if (header.tag !== tag) throw unexpectedTag(offset, header.tag, path, expected);
  return header;
}

function expectEnd(cursor: number, end: number, path: string, what: string): void {
  if (cursor !== end) throw new DecodeError('DER_TRAILING_BYTES', cursor, path, `the end of the ${what} at byte ${end}, found ${end - cursor} more bytes`);
}

/** The error located under `path` (nothing to add when `path` is empty). */
function under(error: DecodeError, path: string): DecodeError {
  return path === '' ? error : error.prependPath(path);
}

function unexpectedTag(offset: number, tag: number, path: string, expected: string): DecodeError {
  return new DecodeError('DER_UNEXPECTED_TAG', offset, path, `${expected}, found tag 0x${tag.toString(16).padStart(2, '0')}`);
}

/** What looking up a serial finds. */
export type RevocationEntry = RevokedCertificate;

/**
 * Serial → entry over a CertificateList, built in one pass over the entry headers and one radix
 * sort. When a serial is listed more than once the first entry (in CRL order) is kept and the
 * others are counted in `duplicateCount`; RFC 5280 does not allow duplicates, so callers may
 * treat a non-zero count as a finding about the CA.
 */
export class CertificateListIndex {
  readonly list: CertificateList;
  /** Distinct serials indexed. */
  readonly size: number;
  /** Entries dropped because an earlier entry has the same serial. */
  readonly duplicateCount: number;
  /** Entry numbers (positions in revokedCertificates), ordered by serial magnitude. */
  readonly #sortedEntries: Uint32Array;
  /** Per entry number: where its serial's magnitude starts in the DER, and its length. */
  readonly #magnitudeStart: Uint32Array;
  readonly #magnitudeLength: Uint32Array;
  /** Per sorted position, KEY_WORDS words: the serial's search key (see searchKey). */
  readonly #sortedKeys: Uint32Array;
  /**
   * For each value of a key's top `#bucketBits` bits (the serial's length, first byte and more
   * for bigger lists), the first sorted position with it, plus the end. A lookup searches only
   * its bucket, which keeps the binary search within a few cache lines instead of missing the
   * cache at every step.
   */
  readonly #bucketStart: Uint32Array;
  readonly #bucketShift: number;

  private constructor(list: CertificateList) {
    this.list = list;
    const located = locateSerials(list.revokedCertificates);
    this.#magnitudeStart = located.magnitudeStart;
    this.#magnitudeLength = located.magnitudeLength;
    // Keys are made front to back through the CRL, then sorted; reading serials in sorted order
    // instead would miss the cache once per entry.
    const keysByEntry = searchKeysByEntry(list.der, located.magnitudeStart, located.magnitudeLength);
    const order = sortBySerial(list.der, located.magnitudeStart, located.magnitudeLength, keysByEntry);
    const distinct = distinctSearchKeys(list.der, order, keysByEntry, located.magnitudeStart, located.magnitudeLength);
    this.#sortedEntries = distinct.order;
    this.#sortedKeys = distinct.keys;
    // About one bucket per entry, between 2^16 (256 KiB) and 2^22 (16 MiB) of them.
    const bucketBits = Math.max(16, Math.min(22, Math.ceil(Math.log2(distinct.order.length + 1))));
    this.#bucketShift = 32 - bucketBits;
    this.#bucketStart = bucketStarts(distinct.keys, bucketBits);
    this.size = distinct.order.length;
    this.duplicateCount = order.length - distinct.order.length;
  }

  /** Opens a CRL and indexes it; DecodeError for anything that is not a strictly DER CertificateList. */
  static open(der: Uint8Array): CertificateListIndex {
    return new CertificateListIndex(openCertificateList(der));
  }

  static of(list: CertificateList): CertificateListIndex {
    return new CertificateListIndex(list);
  }

  /**
   * The entry revoking `serial`, or undefined. A Uint8Array is read as an unsigned big-endian
   * magnitude (a positive INTEGER's content works as is); a bigint must not be negative.
   * Entries are decoded here, so a malformed entry surfaces now, as a DecodeError whose path
   * names it (`CertificateList.tbsCertList.revokedCertificates[i]…`).
   */
  lookup(serial: Uint8Array | bigint): RevocationEntry | undefined {
    const entryNumber = this.entryNumberOf(serial);
    return entryNumber === -1 ? undefined : this.list.revokedCertificates.at(entryNumber);
  }

  /** Entry numbers (positions in revokedCertificates) in ascending serial order, duplicates left out. */
  entryNumbersBySerial(): Uint32Array {
    return this.#sortedEntries.slice();
  }

  /** Position in revokedCertificates of the (first) entry for `serial`, or -1. */
  entryNumberOf(serial: Uint8Array | bigint): number {
    const query = typeof serial === 'bigint' ? magnitudeOfBigInt(serial) : serial;
    let queryStart = 0;
    while (queryStart < query.length && query[queryStart] === 0) queryStart += 1;
    const queryLength = query.length - queryStart;
    const queryMagnitude = query.subarray(queryStart);
    searchKey(queryMagnitude, 0, queryLength, queryKey, 0);
    // The search reads only the sorted keys, which hold a 20-byte serial whole and sit together
    // in memory; the CRL's bytes are read only for serials longer than the keys cover.
    const keys = this.#sortedKeys;
    const bucket = (queryKey[0] as number) >>> this.#bucketShift;
    let low = this.#bucketStart[bucket] as number;
    let high = (this.#bucketStart[bucket + 1] as number) - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = middle * KEY_WORDS;
      let order = 0;
      for (let word = 0; word < KEY_WORDS && order === 0; word += 1) order = (keys[at + word] as number) - (queryKey[word] as number);
      if (order === 0 && queryLength > KEY_BYTES) order = this.#compareBeyondKey(this.#sortedEntries[middle] as number, queryMagnitude);
      if (order === 0) return this.#sortedEntries[middle] as number;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Orders entry `entryNumber`'s serial against `query`, whose search keys are equal. */
  #compareBeyondKey(entryNumber: number, query: Uint8Array): number {
    const length = this.#magnitudeLength[entryNumber] as number;
    const order = length - query.length;
    if (order !== 0) return order;
    const der = this.list.der;
    const start = this.#magnitudeStart[entryNumber] as number;
    // Serials of 255 bytes or more share one key whatever their bytes (see searchKey).
    for (let index = length >= 255 ? 0 : KEY_BYTES; index < length; index += 1) {
      const difference = (der[start + index] as number) - (query[index] as number);
      if (difference !== 0) return difference;
    }
    return 0;
  }
}

/** Words (32-bit) and serial bytes a search key holds: the length byte and 23 bytes. */
const KEY_WORDS = 6;
const KEY_BYTES = 23;
const queryKey = new Uint32Array(KEY_WORDS);

/**
 * The search key of a serial magnitude, written to into[at … at + 5]: prefixKey (length and
 * bytes 0–6), then bytes 7–14 and 15–22, zero padded. Keys order serials as (length, bytes) do,
 * and equal keys mean equal serials up to 23 bytes (RFC 5280 caps serials at 20 octets).
 */
function searchKey(bytes: Uint8Array, start: number, length: number, into: Uint32Array, at: number): void {
  prefixKey(bytes, start, length, into, at);
  const long = length >= 255;
  for (let word = 2; word < KEY_WORDS; word += 1) {
    let value = 0;
    for (let slot = 0; slot < 4; slot += 1) {
      const index = 7 + (word - 2) * 4 + slot;
      value = value * 256 + (!long && index < length ? (bytes[start + index] as number) : 0);
    }
    into[at + word] = value;
  }
}

/**
 * The first sort key of a serial magnitude: its length and first 7 bytes, zero padded, as two
 * 32-bit halves. Keys order serials as (length, bytes) do, up to ties.
 */
function prefixKey(bytes: Uint8Array, start: number, length: number, highs: Uint32Array, at: number, lows: Uint32Array = highs, lowAt: number = at + 1): void {
  if (length >= 255) {
    // Serials this long (far beyond RFC 5280's 20 octets) all share one key and are compared whole.
    highs[at] = 0xff000000;
    lows[lowAt] = 0;
    return;
  }
  let high = length;
  for (let index = 0; index < 3; index += 1) high = high * 256 + (index < length ? (bytes[start + index] as number) : 0);
  let low = 0;
  for (let index = 3; index < 7; index += 1) low = low * 256 + (index < length ? (bytes[start + index] as number) : 0);
  highs[at] = high;
  lows[lowAt] = low;
}

function magnitudeOfBigInt(serial: bigint): Uint8Array {
  if (serial < 0n) throw new RangeError('a serial number to look up must not be negative');
  const hex = serial.toString(16);
  const padded = hex.length % 2 === 0 ? hex : `0${hex}`;
  const bytes = new Uint8Array(padded.length / 2);
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = Number.parseInt(padded.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/**
 * Reads each entry's framing (SEQUENCE { INTEGER, Time, Extensions? } filling the entry) and
 * where its serial's magnitude lies. Dates and extensions are left for lookup.
 */
function locateSerials(entries: LazySequenceOf<RevokedCertificate>): { magnitudeStart: Uint32Array; magnitudeLength: Uint32Array } {
  const der = entries.bytes;
  const count = entries.length;
  const magnitudeStart = new Uint32Array(count);
  const magnitudeLength = new Uint32Array(count);
  let entryNumber = 0;
  let part = 'userCertificate';
  try {
    for (; entryNumber < count; entryNumber += 1) {
      const entryOffset = entries.elementOffset(entryNumber);
      const entryEnd = entries.elementEnd(entryNumber);
      part = '';
      const entry = readTlvHeader(der, entryOffset, entryEnd);
      part = 'userCertificate';
      const serial = readTlvHeader(der, entry.contentStart, entryEnd);
      if (serial.tag !== TAG_INTEGER) throw unexpectedTag(entry.contentStart, serial.tag, '', 'CertificateSerialNumber INTEGER');
      checkMinimalInteger(der, serial, '');
      part = 'revocationDate';
      const date = readTlvHeader(der, serial.end, entryEnd);
      if (date.tag !== TAG_UTC_TIME && date.tag !== TAG_GENERALIZED_TIME) throw unexpectedTag(serial.end, date.tag, '', 'UTCTime or GeneralizedTime');
      let cursor = date.end;
      if (cursor < entryEnd) {
        part = 'crlEntryExtensions';
        const extensions = readTlvHeader(der, cursor, entryEnd);
        if (extensions.tag !== TAG_SEQUENCE) throw unexpectedTag(cursor, extensions.tag, '', 'Extensions SEQUENCE');
        cursor = extensions.end;
        part = '';
        expectEnd(cursor, entryEnd, '', 'revoked certificate');
      }
      let start = serial.contentStart;
      while (start < serial.end && der[start] === 0) start += 1;
      magnitudeStart[entryNumber] = start;
      magnitudeLength[entryNumber] = serial.end - start;
    }
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    const where = `${entries.path}[${entryNumber}]`;
    throw under(error, part === '' ? where : `${where}.${part}`);
  }
  return { magnitudeStart, magnitudeLength };
}

/**
 * Entry numbers ordered by (magnitude length, magnitude bytes), stable, so equal serials stay in
 * CRL order. Most-significant-first groups of 64-bit keys, each group sorted by an LSD radix
 * sort: byte comparisons happen only inside groups whose keys tie, and a 1M-entry CRL sorts in
 * tens of milliseconds rather than the seconds a comparator sort takes.
 */
export function sortBySerial(der: Uint8Array, magnitudeStart: Uint32Array, magnitudeLength: Uint32Array, keysByEntry = searchKeysByEntry(der, magnitudeStart, magnitudeLength)): Uint32Array {
  const count = magnitudeStart.length;
  const order = new Uint32Array(count);
  for (let index = 0; index < count; index += 1) order[index] = index;
  const scratch: SortScratch = {
    keyHigh: new Uint32Array(count),
    keyLow: new Uint32Array(count),
    order: new Uint32Array(count),
    keyHighOut: new Uint32Array(count),
    keyLowOut: new Uint32Array(count),
    counts: new Uint32Array(8 * 256),
  };
  // The first key (prefixKey) is the search key's first two words.
  for (let entryNumber = 0; entryNumber < count; entryNumber += 1) {
    scratch.keyHigh[entryNumber] = keysByEntry[entryNumber * KEY_WORDS] as number;
    scratch.keyLow[entryNumber] = keysByEntry[entryNumber * KEY_WORDS + 1] as number;
  }
  radixSortByKey(order, 0, count, scratch);
  // Keep the first keys in sorted order before deeper groups reuse the scratch arrays.
  const keyHigh = scratch.keyHigh.slice();
  const keyLow = scratch.keyLow.slice();
  resolveTies(der, magnitudeStart, magnitudeLength, order, 0, count, 0, keyHigh, keyLow, scratch);
  return order;
}

interface SortScratch {
  keyHigh: Uint32Array;
  keyLow: Uint32Array;
  order: Uint32Array;
  keyHighOut: Uint32Array;
  keyLowOut: Uint32Array;
  readonly counts: Uint32Array;
}

const SMALL_GROUP = 24;

/** Sorts order[from, to), whose serials agree on every byte before `depth`'s key (depth ≥ 1). */
function sortGroup(der: Uint8Array, starts: Uint32Array, lengths: Uint32Array, order: Uint32Array, from: number, to: number, depth: number, scratch: SortScratch): void {
  if (to - from <= SMALL_GROUP) {
    insertionSort(der, starts, lengths, order, from, to);
    return;
  }
  // The key at depth d covers bytes 7 + 8(d - 1) … 7 + 8d - 1. Past the length the bytes count
  // as 0: the lengths agree there (the first key holds the length).
  const byteBase = 7 + 8 * (depth - 1);
  for (let position = from; position < to; position += 1) {
    const entryNumber = order[position] as number;
    const start = starts[entryNumber] as number;
    const length = lengths[entryNumber] as number;
    let high = 0;
    let low = 0;
    for (let slot = 0; slot < 8; slot += 1) {
      const at = byteBase + slot;
      const byte = at < length ? (der[start + at] as number) : 0;
      if (slot < 4) high = high * 256 + byte;
      else low = low * 256 + byte;
    }
    scratch.keyHigh[position] = high;
    scratch.keyLow[position] = low;
  }
  radixSortByKey(order, from, to, scratch);
  // Deeper groups swap the scratch arrays; these keep this group's sorted keys.
  resolveTies(der, starts, lengths, order, from, to, depth, scratch.keyHigh, scratch.keyLow, scratch);
}

/** After sorting order[from, to) by the keys at `depth`, orders each run of equal keys by what follows. */
function resolveTies(
  der: Uint8Array,
  starts: Uint32Array,
  lengths: Uint32Array,
  order: Uint32Array,
  from: number,
  to: number,
  depth: number,
  keyHigh: Uint32Array,
  keyLow: Uint32Array,
  scratch: SortScratch,
): void {
  const coveredBytes = 7 + 8 * depth;
  let runStart = from;
  for (let position = from + 1; position <= to; position += 1) {
    if (position < to && keyHigh[position] === keyHigh[runStart] && keyLow[position] === keyLow[runStart]) continue;
    if (position - runStart > 1) {
      const length = lengths[order[runStart] as number] as number;
      // Serials of 255 bytes or more share one first key and are compared whole.
      if (length >= 255) comparatorSort(der, starts, lengths, order, runStart, position);
      else if (length > coveredBytes) sortGroup(der, starts, lengths, order, runStart, position, depth + 1, scratch);
      // Otherwise the whole serial was in the key: equal serials, left in CRL order.
    }
    runStart = position;
  }
}

/** Stable LSD radix sort of order[from, to) by (keyHigh, keyLow), byte digits, skipping digits that do not vary. */
function radixSortByKey(order: Uint32Array, from: number, to: number, scratch: SortScratch): void {
  const counts = scratch.counts;
  counts.fill(0);
  for (let position = from; position < to; position += 1) {
    const high = scratch.keyHigh[position] as number;
    const low = scratch.keyLow[position] as number;
    for (let digit = 0; digit < 4; digit += 1) {
      const lowBucket = digit * 256 + ((low >>> (8 * digit)) & 0xff);
      const highBucket = (digit + 4) * 256 + ((high >>> (8 * digit)) & 0xff);
      counts[lowBucket] = (counts[lowBucket] as number) + 1;
      counts[highBucket] = (counts[highBucket] as number) + 1;
    }
  }
  const size = to - from;
  let source = order;
  let target = scratch.order;
  for (let digit = 0; digit < 8; digit += 1) {
    const base = digit * 256;
    let varies = true;
    let total = 0;
    for (let bucket = 0; bucket < 256; bucket += 1) {
      const inBucket = counts[base + bucket] as number;
      if (inBucket === size) varies = false;
      counts[base + bucket] = total + from;
      total += inBucket;
    }
    if (!varies) continue;
    const useHigh = digit >= 4;
    const shift = 8 * (digit & 3);
    const keyHigh = scratch.keyHigh;
    const keyLow = scratch.keyLow;
    const keyHighOut = scratch.keyHighOut;
    const keyLowOut = scratch.keyLowOut;
    for (let position = from; position < to; position += 1) {
      const high = keyHigh[position] as number;
      const low = keyLow[position] as number;
      const bucket = base + (((useHigh ? high : low) >>> shift) & 0xff);
      const destination = counts[bucket] as number;
      counts[bucket] = destination + 1;
      target[destination] = source[position] as number;
      keyHighOut[destination] = high;
      keyLowOut[destination] = low;
    }
    scratch.keyHigh = keyHighOut;
    scratch.keyLow = keyLowOut;
    scratch.keyHighOut = keyHigh;
    scratch.keyLowOut = keyLow;
    const swapped = source;
    source = target;
    target = swapped;
  }
  if (source !== order) {
    // An odd number of passes left the result in the scratch array: copy it home, and swap the
    // arrays back so `order` stays the caller's.
    order.set(source.subarray(from, to), from);
  }
}

function compareSerials(der: Uint8Array, starts: Uint32Array, lengths: Uint32Array, left: number, right: number): number {
  const leftLength = lengths[left] as number;
  const difference = leftLength - (lengths[right] as number);
  if (difference !== 0) return difference;
  const leftStart = starts[left] as number;
  const rightStart = starts[right] as number;
  for (let index = 0; index < leftLength; index += 1) {
    const byteDifference = (der[leftStart + index] as number) - (der[rightStart + index] as number);
    if (byteDifference !== 0) return byteDifference;
  }
  return 0;
}

function insertionSort(der: Uint8Array, starts: Uint32Array, lengths: Uint32Array, order: Uint32Array, from: number, to: number): void {
  for (let position = from + 1; position < to; position += 1) {
    const entryNumber = order[position] as number;
    let slot = position;
    while (slot > from && compareSerials(der, starts, lengths, order[slot - 1] as number, entryNumber) > 0) {
      order[slot] = order[slot - 1] as number;
      slot -= 1;
    }
    order[slot] = entryNumber;
  }
}

function comparatorSort(der: Uint8Array, starts: Uint32Array, lengths: Uint32Array, order: Uint32Array, from: number, to: number): void {
  // Array.prototype.sort is stable (ECMAScript 2019), which keeps equal serials in CRL order.
  const group = Array.from(order.subarray(from, to));
  group.sort((left, right) => compareSerials(der, starts, lengths, left, right) || left - right);
  order.set(group, from);
}

/** Every entry's search key, in CRL order (the serial bytes read front to back). */
function searchKeysByEntry(der: Uint8Array, starts: Uint32Array, lengths: Uint32Array): Uint32Array {
  const keys = new Uint32Array(starts.length * KEY_WORDS);
  for (let entryNumber = 0; entryNumber < starts.length; entryNumber += 1) searchKey(der, starts[entryNumber] as number, lengths[entryNumber] as number, keys, entryNumber * KEY_WORDS);
  return keys;
}

/**
 * The search keys in sorted order, without the second and later entries of each serial (stable
 * sorting put the first in CRL order first), so the binary search reads neighbouring memory.
 */
function distinctSearchKeys(der: Uint8Array, order: Uint32Array, keysByEntry: Uint32Array, starts: Uint32Array, lengths: Uint32Array): { order: Uint32Array; keys: Uint32Array } {
  const keys = new Uint32Array(order.length * KEY_WORDS);
  let kept = 0;
  for (let position = 0; position < order.length; position += 1) {
    const entryNumber = order[position] as number;
    const at = kept * KEY_WORDS;
    const from = entryNumber * KEY_WORDS;
    if (kept > 0) {
      let sameKey = true;
      for (let word = 0; word < KEY_WORDS && sameKey; word += 1) sameKey = keysByEntry[from + word] === keys[at - KEY_WORDS + word];
      // Equal keys are equal serials up to KEY_BYTES; longer ones need their bytes compared.
      if (sameKey && ((lengths[entryNumber] as number) <= KEY_BYTES || compareSerials(der, starts, lengths, order[kept - 1] as number, entryNumber) === 0)) continue;
    }
    for (let word = 0; word < KEY_WORDS; word += 1) keys[at + word] = keysByEntry[from + word] as number;
    order[kept] = entryNumber;
    kept += 1;
  }
  return kept === order.length ? { order, keys } : { order: order.slice(0, kept), keys: keys.slice(0, kept * KEY_WORDS) };
}

/** Where each bucket (the top `bits` bits of the first key word) starts among the sorted positions. */
function bucketStarts(keys: Uint32Array, bits: number): Uint32Array {
  const starts = new Uint32Array(2 ** bits + 1);
  const shift = 32 - bits;
  for (let at = 0; at < keys.length; at += KEY_WORDS) {
    const bucket = ((keys[at] as number) >>> shift) + 1;
    starts[bucket] = (starts[bucket] as number) + 1;
  }
  for (let bucket = 1; bucket < starts.length; bucket += 1) starts[bucket] = (starts[bucket] as number) + (starts[bucket - 1] as number);
  return starts;
}
