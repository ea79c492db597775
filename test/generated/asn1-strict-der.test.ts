/**
 * Strict DER on decode (X.690 §10–11): each rejection has its DecodeError code, the byte offset
 * of the fault and the ASN.1 path; the same input is accepted in the explicit lenient BER mode
 * where BER allows it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeBasicConstraints,
  decodeCertificate,
  decodeCertificateSerialNumber,
  decodeCRLReason,
  decodeDirectoryString,
  decodeExtensions,
  decodeKeyUsage,
  decodeRelativeDistinguishedName,
  PKIX1Explicit88,
  decodeX520countryName,
  encodeBasicConstraints,
  encodeKeyUsage,
  encodeRelativeDistinguishedName,
} from '../../generated/asn1/index.js';
import { DecodeError } from '../../runtime/der/decode-error.js';
import { pemToDer } from '../../runtime/der/pem.js';
import { bytesToHex, hexToBytes } from '../../runtime/hex.js';
import { extensionValueLine } from '../helpers/openssl-asn1.js';

function rejection(decode: () => unknown): DecodeError {
  try {
    decode();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

interface StrictCase {
  readonly name: string;
  readonly hex: string;
  readonly decode: (der: Uint8Array, options?: { ber?: boolean }) => unknown;
  readonly code: string;
  readonly offset: number;
  readonly path: string;
  /** What BER mode decodes it to, when BER allows the encoding. */
  readonly ber?: unknown;
}

const decodeTime = PKIX1Explicit88.decodeTime;

const CASES: StrictCase[] = [
  { name: 'indefinite length', hex: '30800101ff0000', decode: decodeBasicConstraints, code: 'DER_INDEFINITE_LENGTH', offset: 1, path: 'BasicConstraints', ber: { cA: true } },
  { name: 'length in more octets than needed', hex: '3081030101ff', decode: decodeBasicConstraints, code: 'DER_NON_MINIMAL_LENGTH', offset: 1, path: 'BasicConstraints', ber: { cA: true } },
  { name: 'INTEGER with a redundant leading 00', hex: '02020001', decode: decodeCertificateSerialNumber, code: 'DER_NON_MINIMAL_INTEGER', offset: 2, path: 'CertificateSerialNumber', ber: 1n },
  { name: 'INTEGER with a redundant leading ff', hex: '0202ff80', decode: decodeCertificateSerialNumber, code: 'DER_NON_MINIMAL_INTEGER', offset: 2, path: 'CertificateSerialNumber', ber: -128n },
  { name: 'empty INTEGER', hex: '0200', decode: decodeCertificateSerialNumber, code: 'DER_NON_MINIMAL_INTEGER', offset: 2, path: 'CertificateSerialNumber' },
  {
    name: 'SET OF not in ascending order (well-framed)',
    hex: '311a300b0603550403130442424242300b0603550403130441414141',
    decode: decodeRelativeDistinguishedName,
    code: 'DER_SET_OF_UNSORTED',
    offset: 15,
    path: 'RelativeDistinguishedName[1]',
    ber: [
      { type: '2.5.4.3', value: { der: hexToBytes('130442424242'), value: { type: 'printableString', value: 'BBBB' } } },
      { type: '2.5.4.3', value: { der: hexToBytes('130441414141'), value: { type: 'printableString', value: 'AAAA' } } },
    ],
  },
  { name: 'DEFAULT value encoded', hex: '3003010100', decode: decodeBasicConstraints, code: 'DER_DEFAULT_ENCODED', offset: 2, path: 'BasicConstraints.cA', ber: { cA: false } },
  { name: 'BOOLEAN TRUE not encoded as ff', hex: '3003010101', decode: decodeBasicConstraints, code: 'DER_BAD_BOOLEAN', offset: 4, path: 'BasicConstraints.cA', ber: { cA: true } },
  { name: 'PrintableString with "@"', hex: '1302 4a40', decode: decodeX520countryName, code: 'DER_BAD_STRING', offset: 3, path: 'X520countryName' },
  { name: 'SIZE constraint (countryName is 2 characters)', hex: '1303 4a5050', decode: decodeX520countryName, code: 'DER_CONSTRAINT', offset: 2, path: 'X520countryName' },
  { name: 'invalid UTF-8', hex: '0c02c328', decode: decodeDirectoryString, code: 'DER_BAD_STRING', offset: 2, path: 'DirectoryString.utf8String' },
  { name: 'constructed string', hex: '2c060c01410c0142', decode: decodeDirectoryString, code: 'DER_CONSTRUCTED_FORM', offset: 0, path: 'DirectoryString.utf8String', ber: { type: 'utf8String', value: 'AB' } },
  { name: 'UTCTime without seconds', hex: '170b323530313032303330345a', decode: decodeTime, code: 'DER_BAD_TIME', offset: 2, path: 'Time.utcTime', ber: { type: 'utcTime', value: new Date('2025-01-02T03:04:00Z') } },
  { name: 'UTCTime with month 13', hex: '170d3235313330323033303430355a', decode: decodeTime, code: 'DER_BAD_TIME', offset: 2, path: 'Time.utcTime' },
  { name: 'UTCTime with an offset', hex: '17113235303130323033303430352b30393030', decode: decodeTime, code: 'DER_BAD_TIME', offset: 2, path: 'Time.utcTime', ber: { type: 'utcTime', value: new Date('2025-01-01T18:04:05Z') } },
  { name: 'GeneralizedTime with a trailing fraction zero', hex: '181132303235303130323033303430352e305a', decode: decodeTime, code: 'DER_BAD_TIME', offset: 2, path: 'Time.generalTime', ber: { type: 'generalTime', value: new Date('2025-01-02T03:04:05Z') } },
  { name: 'named BIT STRING with trailing zero bits', hex: '03020080', decode: decodeKeyUsage, code: 'DER_BAD_BIT_STRING', offset: 3, path: 'KeyUsage', ber: { bytes: hexToBytes('80'), unusedBits: 0 } },
  { name: 'BIT STRING unused bits not zero', hex: '030207c0', decode: decodeKeyUsage, code: 'DER_BAD_BIT_STRING', offset: 3, path: 'KeyUsage', ber: { bytes: hexToBytes('c0'), unusedBits: 7 } },
  { name: 'unknown ENUMERATED value (7 is unused in CRLReason)', hex: '0a0107', decode: decodeCRLReason, code: 'DER_UNKNOWN_ENUMERATED', offset: 2, path: 'CRLReason' },
  { name: 'SEQUENCE SIZE (1..MAX) OF empty', hex: '3000', decode: decodeExtensions, code: 'DER_CONSTRAINT', offset: 2, path: 'Extensions' },
  { name: 'element overruns its parent', hex: '30030101ff01', decode: decodeBasicConstraints, code: 'DER_TRAILING_BYTES', offset: 5, path: 'BasicConstraints' },
  { name: 'unexpected component', hex: '30030401ff', decode: decodeBasicConstraints, code: 'DER_UNEXPECTED_TAG', offset: 2, path: 'BasicConstraints' },
  { name: 'truncated', hex: '3005', decode: decodeBasicConstraints, code: 'DER_OVERRUN', offset: 0, path: 'BasicConstraints' },
];

describe('strict DER rejections', () => {
  for (const testCase of CASES) {
    it(`${testCase.name}: ${testCase.code} at ${testCase.offset} (${testCase.path})`, () => {
      const der = hexToBytes(testCase.hex);
      const error = rejection(() => testCase.decode(der));
      expect({ code: error.code, offset: error.offset, path: error.path }).toEqual({ code: testCase.code, offset: testCase.offset, path: testCase.path });
      expect(error.message).toContain(`byte ${testCase.offset}`);
      if (testCase.ber !== undefined) expect(testCase.decode(der, { ber: true })).toEqual(testCase.ber);
    });
  }

  it('re-encodes what BER mode accepted as canonical DER (sorted SET OF, DEFAULT omitted, TRUE as ff)', () => {
    expect(bytesToHex(encodeRelativeDistinguishedName(decodeRelativeDistinguishedName(hexToBytes('311a300b0603550403130442424242300b0603550403130441414141'), { ber: true }), { useKeptDer: false }))).toBe(
      '311A300B0603550403130441414141300B0603550403130442424242',
    );
    expect(bytesToHex(encodeBasicConstraints(decodeBasicConstraints(hexToBytes('3003010100'), { ber: true })))).toBe('3000');
    expect(bytesToHex(encodeBasicConstraints(decodeBasicConstraints(hexToBytes('30800101010000'), { ber: true })))).toBe('30030101FF');
    expect(bytesToHex(encodeKeyUsage(decodeKeyUsage(hexToBytes('03020080'), { ber: true })))).toBe('03020780');
  });
});

describe('errors in a real certificate name the byte and the path', () => {
  const file = '../shared/fixtures/jpki-ca/sign_ca_2023.pem';
  const der = pemToDer(readFileSync(file, 'utf8'));

  it('a broken CRL distribution point extension (the fourth) is reported inside extnValue', () => {
    const line = extensionValueLine(file, 'X509v3 CRL Distribution Points');
    const broken = der.slice();
    const contentStart = line.offset + line.headerLength;
    broken[contentStart] = 0x31; // the CRLDistributionPoints SEQUENCE becomes a SET
    const error = rejection(() => decodeCertificate(broken));
    expect(error.code).toBe('DER_UNEXPECTED_TAG');
    expect(error.offset).toBe(contentStart);
    expect(error.path).toBe('Certificate.tbsCertificate.extensions[3].extnValue');
  });

  it('trailing bytes after the certificate', () => {
    const error = rejection(() => decodeCertificate(Uint8Array.from([...der, 0])));
    expect({ code: error.code, offset: error.offset, path: error.path }).toEqual({ code: 'DER_TRAILING_BYTES', offset: der.length, path: 'Certificate' });
    expect(decodeCertificate(Uint8Array.from([...der, 0]), { allowTrailingBytes: true }).tbsCertificate.serialNumber).toBe(decodeCertificate(der).tbsCertificate.serialNumber);
  });

  it('limits: nesting depth and input size are configurable', () => {
    expect(rejection(() => decodeCertificate(der, { maxDepth: 4 })).code).toBe('DER_DEPTH_LIMIT');
    expect(() => decodeCertificate(der, { maxDepth: 12 })).not.toThrow();
    const tooBig = rejection(() => decodeCertificate(der, { maxInputLength: 100 }));
    expect({ code: tooBig.code, offset: tooBig.offset }).toEqual({ code: 'DER_SIZE_LIMIT', offset: 0 });
    expect(rejection(() => decodeExtensions(hexToBytes('30 0b 30 09 06 03 55 1d 13 04 02 30 00'.replace(/ /gu, '')), { maxElements: 0 })).code).toBe('DER_SIZE_LIMIT');
  });

  it('every truncation of the certificate is a DecodeError with an offset inside the input', () => {
    for (let length = 0; length < der.length; length += 1) {
      const error = rejection(() => decodeCertificate(der.subarray(0, length)));
      expect(error.offset).toBeGreaterThanOrEqual(0);
      expect(error.offset).toBeLessThanOrEqual(length);
      expect(error.path.startsWith('Certificate')).toBe(true);
    }
  });
});

describe('SET component order (X.690 §10.3)', () => {
  // PersonalName ::= SET { surname [0], given-name [1], initials [2], generation-qualifier [3] }
  const ordered = '310b8002414181024242820143';
  const swapped = '310b8102424280024141820143';

  it('accepts components in tag order and re-encodes them so', async () => {
    const { decodePersonalName, encodePersonalName } = await import('../../generated/asn1/index.js');
    const value = decodePersonalName(hexToBytes(ordered));
    expect(value).toEqual({ surname: 'AA', givenName: 'BB', initials: 'C' });
    expect(bytesToHex(encodePersonalName(value)).toLowerCase()).toBe(ordered);
  });

  it('refuses them out of order in DER, accepts them in BER and re-encodes canonically', async () => {
    const { decodePersonalName, encodePersonalName } = await import('../../generated/asn1/index.js');
    const error = rejection(() => decodePersonalName(hexToBytes(swapped)));
    expect({ code: error.code, offset: error.offset, path: error.path }).toEqual({ code: 'DER_SET_ORDER', offset: 6, path: 'PersonalName' });
    expect(bytesToHex(encodePersonalName(decodePersonalName(hexToBytes(swapped), { ber: true }))).toLowerCase()).toBe(ordered);
  });
});
