import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  expectedEntry,
  generateSignedCrl,
  generateSignedCrlWithAbsentSerials,
  SHA256_WITH_RSA,
  serialAt,
  type ExpectedEntries,
  type SerialColumn,
} from '../../../bench/fixtures/crl-generator.js';
import {
  bitString,
  explicit,
  extension,
  integer,
  name,
  nullValue,
  objectIdentifier,
  octetString,
  sequence,
  tlv,
  utcTime,
} from '../../../bench/fixtures/der-writer.js';
import { DecodeError } from '../../../runtime/der/decode-error.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';
import { CertificateListIndex, CRL_REASONS, type RevokedCertificate } from '../../../runtime/der/certificate-list-index.js';
import { opensslCrl, parseOpensslRevokedEntries } from '../../helpers/openssl-crl.js';

function magnitudeHex(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  return bytesToHex(bytes.subarray(start));
}

/** What an index entry should hold for expected entry `index`. */
function expectEntryMatches(found: RevokedCertificate | undefined, entries: ExpectedEntries, index: number): void {
  const expected = expectedEntry(entries, index);
  expect(found, `entry ${index}`).toBeDefined();
  expect(magnitudeHex(found?.serialNumber ?? new Uint8Array())).toBe(bytesToHex(expected.serial));
  expect(found?.revocationDate.getTime()).toBe(expected.revocationTime);
  expect(found?.reason).toBe(expected.reasonCode === -1 ? undefined : CRL_REASONS[expected.reasonCode]);
  expect(found?.invalidityDate?.getTime()).toBe(Number.isNaN(expected.invalidityTime) ? undefined : expected.invalidityTime);
}

function differsFromExpected(found: RevokedCertificate | undefined, entries: ExpectedEntries, index: number): boolean {
  if (found === undefined || found.revocationDate.getTime() !== entries.revocationTimes[index]) return true;
  if ((found.reason === undefined ? -1 : CRL_REASONS.indexOf(found.reason)) !== entries.reasonCodes[index]) return true;
  const invalidityTime = entries.invalidityTimes[index] as number;
  return Number.isNaN(invalidityTime) ? found.invalidityDate !== undefined : found.invalidityDate?.getTime() !== invalidityTime;
}

/** OpenSSL prints reasons as words ("Key Compromise"); RFC 5280 names them in camel case. */
function reasonFromOpenssl(words: string | undefined): string | undefined {
  if (words === undefined) return undefined;
  const squashed = words.replace(/\s+/g, '').toLowerCase();
  return CRL_REASONS.find((name) => name?.toLowerCase() === squashed) ?? `unknown: ${words}`;
}

function serialColumn(serials: readonly Uint8Array[]): SerialColumn {
  const offsets = new Uint32Array(serials.length + 1);
  let total = 0;
  serials.forEach((serial, index) => {
    offsets[index] = total;
    total += serial.length;
  });
  offsets[serials.length] = total;
  const bytes = new Uint8Array(total);
  serials.forEach((serial, index) => bytes.set(serial, offsets[index]));
  return { count: serials.length, bytes, offsets };
}

function compareMagnitudes(left: Uint8Array, right: Uint8Array): number {
  if (left.length !== right.length) return left.length - right.length;
  for (let index = 0; index < left.length; index += 1) if (left[index] !== right[index]) return (left[index] as number) - (right[index] as number);
  return 0;
}

describe('CertificateListIndex against OpenSSL', () => {
  it('finds exactly the serials, dates and reasons `openssl crl -text` lists (300 entries)', () => {
    const crl = generateSignedCrl({ count: 300, seed: 7 });
    const text = opensslCrl(crl.der, ['-noout', '-text']);
    expect(text.status, text.stderr).toBe(0);
    const listed = parseOpensslRevokedEntries(text.stdout);
    expect(listed).toHaveLength(300);
    const index = CertificateListIndex.open(crl.der);
    expect(index.size).toBe(300);
    expect(index.duplicateCount).toBe(0);
    for (const entry of listed) {
      const found = index.lookup(hexToBytes(entry.serialHex));
      expect(found, entry.serialHex).toBeDefined();
      expect(magnitudeHex(found?.serialNumber ?? new Uint8Array())).toBe(entry.serialHex);
      expect(found?.revocationDate.toISOString()).toBe(entry.revocationDate.toISOString());
      expect(found?.reason).toBe(reasonFromOpenssl(entry.reason));
      expect(found?.invalidityDate?.toISOString()).toBe(entry.invalidityDate?.toISOString());
    }
    // The lazy list walks the entries in the order OpenSSL prints them.
    expect([...index.list.revokedCertificates].map((entry) => magnitudeHex(entry.serialNumber))).toEqual(listed.map((entry) => entry.serialHex));
    // The generator's own record agrees too, so the comparison above is not vacuous.
    for (let entryNumber = 0; entryNumber < crl.entries.count; entryNumber += 1) expectEntryMatches(index.list.revokedCertificates.at(entryNumber), crl.entries, entryNumber);
    expect(listed.some((entry) => entry.reason !== undefined) && listed.some((entry) => entry.invalidityDate !== undefined)).toBe(true);
  });

  it('writes a 10,000-entry CRL whose signature OpenSSL and node:crypto verify, and reads its outer fields', () => {
    const crl = generateSignedCrl({ count: 10_000, seed: 11, crlNumber: 0x1234_5678_9an });
    const checked = opensslCrl(crl.der, ['-noout', '-verify'], crl.caCertificatePem);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stderr + checked.stdout).toContain('verify OK');
    const list = CertificateListIndex.open(crl.der).list;
    expect(verify('sha256', list.tbsCertList, crl.publicKey, list.signatureValue)).toBe(true);
    expect(list.version).toBe(2);
    expect(list.signature.algorithm).toBe(SHA256_WITH_RSA);
    expect(list.signatureAlgorithm.der).toEqual(list.signature.der);
    expect(list.issuer).toEqual(crl.issuerDer);
    expect(list.thisUpdate.toISOString()).toBe(crl.thisUpdate.toISOString());
    expect(list.nextUpdate?.toISOString()).toBe(crl.nextUpdate.toISOString());
    expect(list.revokedCertificates.length).toBe(10_000);
    expect(list.crlExtensions.map((extension) => extension.extnId)).toEqual(['2.5.29.35', '2.5.29.20']);
    // cRLNumber's value is an INTEGER; AKI's is SEQUENCE { [0] keyIdentifier }.
    expect(bytesToHex(list.crlExtensions[1]?.value ?? new Uint8Array())).toBe('0205123456789A');
    expect(bytesToHex(list.crlExtensions[0]?.value ?? new Uint8Array())).toBe(`30168014${bytesToHex(crl.authorityKeyIdentifier)}`);
    const text = opensslCrl(crl.der, ['-noout', '-text']).stdout;
    expect(text).toContain(`CRL Number: \n                ${0x1234_5678_9a}`);
  });

  it('refuses a CRL whose signed bytes were changed (OpenSSL as the judge of the fixture)', () => {
    const crl = generateSignedCrl({ count: 20, seed: 3 });
    const tampered = crl.der.slice();
    const list = CertificateListIndex.open(tampered).list;
    const dateOffset = list.revokedCertificates.elementOffset(5) + 2 + 2 + (list.revokedCertificates.at(5)?.serialNumber.length ?? 0) + 2;
    tampered[dateOffset] = tampered[dateOffset] === 0x31 ? 0x32 : 0x31;
    const checked = opensslCrl(tampered, ['-noout', '-verify'], crl.caCertificatePem);
    expect(checked.stderr + checked.stdout).not.toContain('verify OK');
    const reopened = CertificateListIndex.open(tampered).list;
    expect(verify('sha256', reopened.tbsCertList, crl.publicKey, reopened.signatureValue)).toBe(false);
  });
});

describe('CertificateListIndex lookups', () => {
  it('keeps the first of duplicated serials and counts the rest', () => {
    const crl = generateSignedCrl({ count: 2_000, duplicates: 25, seed: 5 });
    const text = opensslCrl(crl.der, ['-noout', '-text']);
    expect(parseOpensslRevokedEntries(text.stdout)).toHaveLength(2_025);
    const index = CertificateListIndex.open(crl.der);
    expect(index.size).toBe(2_000);
    expect(index.duplicateCount).toBe(25);
    let duplicatesSeen = 0;
    for (let entryNumber = 0; entryNumber < crl.entries.count; entryNumber += 1) {
      const first = crl.entries.firstWithSerial[entryNumber] as number;
      if (first !== entryNumber) duplicatesSeen += 1;
      const serial = expectedEntry(crl.entries, entryNumber).serial;
      expect(index.entryNumberOf(serial)).toBe(first);
      expectEntryMatches(index.lookup(serial), crl.entries, first);
    }
    expect(duplicatesSeen).toBe(25);
  });

  it('reads serials as unsigned magnitudes, from bytes with or without leading zeros and from bigints', () => {
    const crl = generateSignedCrlWithAbsentSerials({ count: 500, absentCount: 200, seed: 9 });
    const index = CertificateListIndex.open(crl.der);
    for (let entryNumber = 0; entryNumber < 500; entryNumber += 1) {
      const serial = serialAt({ count: 500, bytes: crl.entries.serialBytes, offsets: crl.entries.serialOffsets }, entryNumber);
      expect(index.entryNumberOf(BigInt(`0x${bytesToHex(serial)}`))).toBe(entryNumber);
      expect(index.entryNumberOf(Uint8Array.of(0, 0, ...serial))).toBe(entryNumber);
      expect(index.lookup(serial)?.entry).toEqual(index.list.revokedCertificates.elementBytes(entryNumber));
    }
    for (let absent = 0; absent < 200; absent += 1) {
      const serial = serialAt(crl.absentSerials, absent);
      expect(index.lookup(serial)).toBeUndefined();
      expect(index.lookup(BigInt(`0x${bytesToHex(serial)}`))).toBeUndefined();
    }
    expect(index.lookup(new Uint8Array())).toBeUndefined();
    expect(() => index.lookup(-1n)).toThrow(RangeError);
  });

  it('orders serials that tie on long prefixes, very long serials and tiny ones', () => {
    const shared = Uint8Array.from({ length: 15 }, (_, index) => 0x10 + index);
    const serials: Uint8Array[] = [];
    // Four hundred 20-byte serials agreeing on their first 15 bytes: the sort must look past 2 keys.
    for (let index = 0; index < 400; index += 1) serials.push(Uint8Array.of(...shared, (index * 37) % 256, index >> 8, 7, 7, (index * 11) % 256));
    // Serials of 255 to 300 bytes share one length byte in the key; ordered by full comparison.
    for (let index = 0; index < 60; index += 1) serials.push(Uint8Array.from({ length: 255 + (index % 46) }, (_, at) => (at === 0 ? 0x40 : (index * 13 + at) % 256)));
    // 24 to 40 bytes, agreeing on 25: past what the search keys hold (23 bytes), so bytes are compared.
    for (let index = 0; index < 80; index += 1) serials.push(Uint8Array.from({ length: 24 + (index % 17) }, (_, at) => (at < 25 ? 0x33 : (index * 29 + at * 7) % 256)));
    for (let index = 1; index < 100; index += 1) serials.push(Uint8Array.of(index));
    const unique = [...new Map(serials.map((serial) => [bytesToHex(serial), serial])).values()];
    const crl = generateSignedCrl({ count: unique.length, serials: serialColumn(unique), seed: 13 });
    const index = CertificateListIndex.open(crl.der);
    expect(index.size).toBe(unique.length);
    const inOrder = [...index.entryNumbersBySerial()].map((entryNumber) => expectedEntry(crl.entries, entryNumber).serial);
    const naive = [...unique].sort(compareMagnitudes);
    expect(inOrder.map(bytesToHex)).toEqual(naive.map(bytesToHex));
    unique.forEach((serial, entryNumber) => {
      expect(index.entryNumberOf(serial)).toBe(entryNumber);
      const neighbour = serial.slice();
      neighbour[neighbour.length - 1] = ((neighbour[neighbour.length - 1] as number) + 128) % 256;
      if (!unique.some((other) => compareMagnitudes(other, neighbour) === 0)) expect(index.entryNumberOf(neighbour)).toBe(-1);
    });
  });

  it('opens a CRL without revoked certificates', () => {
    const crl = generateSignedCrl({ count: 0 });
    const index = CertificateListIndex.open(crl.der);
    expect(index.size).toBe(0);
    expect(index.list.revokedCertificates.length).toBe(0);
    expect(index.lookup(Uint8Array.of(1))).toBeUndefined();
    expect(opensslCrl(crl.der, ['-noout', '-verify'], crl.caCertificatePem).status).toBe(0);
  });

  it('indexes 1,000,000 entries and finds every one of them, and none of 10,000 absent serials', () => {
    const crl = generateSignedCrlWithAbsentSerials({ count: 1_000_000, absentCount: 10_000, seed: 2026 });
    const started = performance.now();
    const index = CertificateListIndex.open(crl.der);
    const opened = performance.now() - started;
    expect(index.size).toBe(1_000_000);
    const { entries } = crl;
    for (let entryNumber = 0; entryNumber < entries.count; entryNumber += 1) {
      const serial = entries.serialBytes.subarray(entries.serialOffsets[entryNumber], entries.serialOffsets[entryNumber + 1]);
      const found = index.lookup(serial);
      // expect() per field a million times costs more than the lookups; it runs only on a mismatch.
      if (differsFromExpected(found, entries, entryNumber)) expectEntryMatches(found, entries, entryNumber);
    }
    for (let absent = 0; absent < crl.absentSerials.count; absent += 1) {
      if (index.entryNumberOf(serialAt(crl.absentSerials, absent)) !== -1) expect.fail(`absent serial ${bytesToHex(serialAt(crl.absentSerials, absent))} found`);
    }
    // A loose bound only: the benchmark measures this against OpenSSL.
    expect(opened).toBeLessThan(10_000);
  });
});

/** A CRL around hand-made entries; the signature is filler (these tests are about framing). */
function assembleCrl(entries: readonly Uint8Array[], outer: { version?: Uint8Array; signatureValue?: Uint8Array } = {}): Uint8Array {
  const algorithm = sequence(objectIdentifier(SHA256_WITH_RSA), nullValue());
  const tbs = sequence(
    outer.version ?? integer(1),
    algorithm,
    name([['2.5.4.3', 'malformed']]),
    utcTime(new Date(Date.UTC(2026, 0, 1))),
    utcTime(new Date(Date.UTC(2026, 0, 8))),
    tlv(0x30, ...entries),
    explicit(0, sequence(extension('2.5.29.20', false, integer(1)))),
  );
  return sequence(tbs, algorithm, outer.signatureValue ?? bitString(new Uint8Array(16).fill(0xab)));
}

const REVOKED = new Date(Date.UTC(2025, 5, 30, 12, 0, 0));
const goodEntry = (serial: number): Uint8Array => sequence(integer(serial), utcTime(REVOKED));
const reasonExtension = (code: number): Uint8Array => extension('2.5.29.21', false, Uint8Array.of(0x0a, 0x01, code));
const ENTRIES_PATH = 'CertificateList.tbsCertList.revokedCertificates';

function decodeErrorOf(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

/** Where entry `entryNumber` starts in a CRL made by assembleCrl from good entries of equal size and one faulty one. */
function entryOffset(entryNumber: number): number {
  // Four good entries frame the same way as the faulty CRLs below (same count, length octets of the same size).
  return CertificateListIndex.open(assembleCrl([goodEntry(1), goodEntry(2), goodEntry(3), goodEntry(4)])).list.revokedCertificates.elementOffset(entryNumber);
}

describe('malformed CRLs', () => {
  const valid = assembleCrl([goodEntry(1), goodEntry(2), goodEntry(3), goodEntry(4)]);

  it('opens the well-formed base case', () => {
    const index = CertificateListIndex.open(valid);
    expect(index.size).toBe(4);
    expect(index.lookup(3n)?.revocationDate.toISOString()).toBe(REVOKED.toISOString());
  });

  it('rejects a truncated CRL at every length', () => {
    for (let length = 0; length < valid.length; length += 1) {
      const error = decodeErrorOf(() => CertificateListIndex.open(valid.subarray(0, length)));
      expect(error.path.startsWith('CertificateList'), `cut at ${length}: ${error.path}`).toBe(true);
      expect(error.offset).toBeLessThanOrEqual(length);
    }
    const error = decodeErrorOf(() => CertificateListIndex.open(valid.subarray(0, valid.length - 1)));
    expect([error.code, error.offset, error.path]).toEqual(['DER_OVERRUN', 0, 'CertificateList']);
  });

  it('rejects trailing bytes after the CRL', () => {
    const error = decodeErrorOf(() => CertificateListIndex.open(Uint8Array.from([...valid, 0x00])));
    expect([error.code, error.offset, error.path]).toEqual(['DER_TRAILING_BYTES', valid.length, 'CertificateList']);
  });

  it('rejects an entry length written in more bytes than needed', () => {
    const content = goodEntry(3).subarray(2);
    const crl = assembleCrl([goodEntry(1), goodEntry(2), Uint8Array.from([0x30, 0x81, content.length, ...content]), goodEntry(4)]);
    const error = decodeErrorOf(() => CertificateListIndex.open(crl));
    expect([error.code, error.offset, error.path]).toEqual(['DER_NON_MINIMAL_LENGTH', entryOffset(2) + 1, `${ENTRIES_PATH}[2]`]);
  });

  it('rejects an entry running past the end of the list', () => {
    const last = goodEntry(4).slice();
    last[1] = (last[1] as number) + 1;
    const crl = assembleCrl([goodEntry(1), goodEntry(2), goodEntry(3), last]);
    const error = decodeErrorOf(() => CertificateListIndex.open(crl));
    expect([error.code, error.offset, error.path]).toEqual(['DER_OVERRUN', entryOffset(3), `${ENTRIES_PATH}[3]`]);
  });

  it('rejects a serial running past the end of its entry', () => {
    const entry = goodEntry(3).slice();
    entry[3] = 0x20;
    const crl = assembleCrl([goodEntry(1), goodEntry(2), entry, goodEntry(4)]);
    const error = decodeErrorOf(() => CertificateListIndex.open(crl));
    expect([error.code, error.offset, error.path]).toEqual(['DER_OVERRUN', entryOffset(2) + 2, `${ENTRIES_PATH}[2].userCertificate`]);
  });

  it('rejects a serial with a redundant leading zero', () => {
    const crl = assembleCrl([goodEntry(1), sequence(Uint8Array.of(0x02, 0x02, 0x00, 0x05), utcTime(REVOKED))]);
    const error = decodeErrorOf(() => CertificateListIndex.open(crl));
    expect([error.code, error.path]).toEqual(['DER_NON_MINIMAL_INTEGER', `${ENTRIES_PATH}[1].userCertificate`]);
  });

  it('rejects bytes after an entry’s extensions', () => {
    const crl = assembleCrl([goodEntry(1), sequence(integer(2), utcTime(REVOKED), sequence(reasonExtension(1)), Uint8Array.of(0x05, 0x00))]);
    const error = decodeErrorOf(() => CertificateListIndex.open(crl));
    expect([error.code, error.path]).toEqual(['DER_TRAILING_BYTES', `${ENTRIES_PATH}[1]`]);
  });

  it('rejects an element that is not a SEQUENCE', () => {
    const crl = assembleCrl([goodEntry(1), integer(2)]);
    const error = decodeErrorOf(() => CertificateListIndex.open(crl));
    expect([error.code, error.path]).toEqual(['DER_UNEXPECTED_TAG', `${ENTRIES_PATH}[1]`]);
  });

  const lazyFaults: readonly (readonly [string, Uint8Array, string, string])[] = [
    ['an impossible revocation date', sequence(integer(2), tlv(0x17, new TextEncoder().encode('251330120000Z'))), 'DER_BAD_TIME', 'revocationDate'],
    ['a revocation date without Z', sequence(integer(2), tlv(0x17, new TextEncoder().encode('2506301200000'))), 'DER_BAD_TIME', 'revocationDate'],
    ['the unused CRLReason 7', sequence(integer(2), utcTime(REVOKED), sequence(reasonExtension(7))), 'DER_UNKNOWN_ENUMERATED', 'crlEntryExtensions.reasonCode'],
    ['critical FALSE written out', sequence(integer(2), utcTime(REVOKED), sequence(sequence(objectIdentifier('2.5.29.21'), Uint8Array.of(0x01, 0x01, 0x00), octetString(Uint8Array.of(0x0a, 0x01, 0x01))))), 'DER_DEFAULT_ENCODED', 'crlEntryExtensions[0].critical'],
    ['the same extension twice', sequence(integer(2), utcTime(REVOKED), sequence(reasonExtension(1), reasonExtension(2))), 'CRL_DUPLICATE_EXTENSION', 'crlEntryExtensions[1].extnID'],
    ['an invalidity date as UTCTime', sequence(integer(2), utcTime(REVOKED), sequence(extension('2.5.29.24', false, utcTime(REVOKED)))), 'DER_UNEXPECTED_TAG', 'crlEntryExtensions.invalidityDate'],
    ['an empty extension list', sequence(integer(2), utcTime(REVOKED), sequence()), 'DER_CONSTRAINT', 'crlEntryExtensions'],
  ];
  it.each(lazyFaults)('opens, then rejects on lookup, %s', (_, entry, code, pathInEntry) => {
    const index = CertificateListIndex.open(assembleCrl([goodEntry(1), entry]));
    expect(index.lookup(1n)).toBeDefined();
    const error = decodeErrorOf(() => index.lookup(2n));
    expect([error.code, error.path]).toEqual([code, `${ENTRIES_PATH}[1].${pathInEntry}`]);
    expect(error.offset).toBeGreaterThan(index.list.revokedCertificates.elementOffset(1));
    expect(error.offset).toBeLessThan(index.list.revokedCertificates.elementEnd(1));
  });

  const times: readonly (readonly [string, Uint8Array, string])[] = [
    ['UTCTime 50 as 1950', tlv(0x17, new TextEncoder().encode('500101000000Z')), '1950-01-01T00:00:00.000Z'],
    ['UTCTime 49 as 2049', tlv(0x17, new TextEncoder().encode('491231235959Z')), '2049-12-31T23:59:59.000Z'],
    ['a leap day in 2024', tlv(0x17, new TextEncoder().encode('240229120000Z')), '2024-02-29T12:00:00.000Z'],
    ['a leap day in 2000', tlv(0x18, new TextEncoder().encode('20000229000000Z')), '2000-02-29T00:00:00.000Z'],
    ['GeneralizedTime in 2150', tlv(0x18, new TextEncoder().encode('21500701083000Z')), '2150-07-01T08:30:00.000Z'],
    ['GeneralizedTime in year 50', tlv(0x18, new TextEncoder().encode('00500301000000Z')), '0050-03-01T00:00:00.000Z'],
  ];
  it.each(times)('reads %s', (_, time, iso) => {
    const index = CertificateListIndex.open(assembleCrl([sequence(integer(9), time)]));
    expect(index.lookup(9n)?.revocationDate.toISOString()).toBe(iso);
  });

  const impossibleTimes: readonly (readonly [string, number])[] = [
    // 2023 and 2100 are not leap years; November has 30 days; there is no hour 24, minute 60 or month 0.
    ['230229000000Z', 0x17],
    ['21000229000000Z', 0x18],
    ['241131000000Z', 0x17],
    ['240101240000Z', 0x17],
    ['240101006000Z', 0x17],
    ['240001000000Z', 0x17],
    ['20240101000000.5Z', 0x18],
    ['202401010000Z', 0x18],
  ];
  it.each(impossibleTimes)('rejects the time %s', (text, tag) => {
    const index = CertificateListIndex.open(assembleCrl([sequence(integer(9), tlv(tag, new TextEncoder().encode(text)))]));
    expect(decodeErrorOf(() => index.lookup(9n)).code).toBe('DER_BAD_TIME');
  });

  it('finds a (non-conforming) negative serial by its content bytes, which then equal a positive serial’s magnitude', () => {
    const negative = sequence(Uint8Array.of(0x02, 0x02, 0xff, 0x01), utcTime(REVOKED));
    const index = CertificateListIndex.open(assembleCrl([goodEntry(1), negative]));
    expect(index.entryNumberOf(Uint8Array.of(0xff, 0x01))).toBe(1);
    expect(index.entryNumberOf(0xff01n)).toBe(1);
    // 00 80 (128) and 80 (-128) share the magnitude 80: one index entry, the first kept.
    const both = CertificateListIndex.open(assembleCrl([sequence(integer(128), utcTime(REVOKED)), sequence(Uint8Array.of(0x02, 0x01, 0x80), utcTime(REVOKED))]));
    expect([both.size, both.duplicateCount, both.entryNumberOf(128n)]).toEqual([1, 1, 0]);
  });

  it('rejects an unsupported version and a signature with unused bits', () => {
    expect(decodeErrorOf(() => CertificateListIndex.open(assembleCrl([goodEntry(1)], { version: integer(2) }))).path).toBe('CertificateList.tbsCertList.version');
    const error = decodeErrorOf(() => CertificateListIndex.open(assembleCrl([goodEntry(1)], { signatureValue: bitString(Uint8Array.of(0xf0), 4) })));
    expect([error.code, error.path]).toEqual(['DER_BAD_BIT_STRING', 'CertificateList.signatureValue']);
  });
});
