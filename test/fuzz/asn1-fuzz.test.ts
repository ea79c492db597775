/**
 * Fuzzing the generated DER decoders: random bytes and mutations of real encodings (J-LIS CA
 * certificates, a CRL, an OCSP response, CMS), strict and BER. Only DecodeError may escape; a
 * value strict DER accepts must re-encode to the very same bytes. Deterministic seed, bounded time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeCertificate,
  decodeCertificateList,
  decodeContentInfo,
  decodeLinkageList,
  decodeOCSPResponse,
  encodeCertificate,
  encodeCertificateList,
  encodeContentInfo,
  encodeLinkageList,
  encodeOCSPResponse,
} from '../../generated/asn1/index.js';
import { DecodeError } from '../../runtime/der/decode-error.js';
import { DerWriter } from '../../runtime/der/der-writer.js';
import { dumpTlv } from '../../runtime/der/tlv-dump.js';
import { pemToDer } from '../../runtime/der/pem.js';
import { bytesToHex } from '../../runtime/hex.js';
import { pick, seededRandom } from '../helpers/random.js';

const SEED = 0x6a706b69;
const CASES = 120_000;
const TIME_LIMIT_MS = 90_000;

interface Codec {
  readonly name: string;
  readonly decode: (der: Uint8Array, options?: { ber?: boolean }) => unknown;
  readonly encode: (value: never, options?: { useKeptDer?: boolean }) => Uint8Array;
}

const CODECS: Codec[] = [
  { name: 'Certificate', decode: decodeCertificate, encode: encodeCertificate as Codec['encode'] },
  { name: 'CertificateList', decode: decodeCertificateList, encode: encodeCertificateList as Codec['encode'] },
  { name: 'OCSPResponse', decode: decodeOCSPResponse, encode: encodeOCSPResponse as Codec['encode'] },
  { name: 'ContentInfo', decode: decodeContentInfo, encode: encodeContentInfo as Codec['encode'] },
  { name: 'LinkageList', decode: decodeLinkageList, encode: encodeLinkageList as Codec['encode'] },
];

/** Seeds: the real certificates, and small valid CRL / OCSP / CMS / linkage encodings built here. */
function seeds(): Uint8Array[] {
  const files = ['auth_ca_2015.pem', 'auth_ca_2023.pem', 'sign_ca_2015.pem', 'sign_ca_2023.pem'].map((name) => `../shared/fixtures/jpki-ca/${name}`);
  files.push('../shared/fixtures/jpki-shape/synthetic-sign-cert.pem');
  const certificates = files.map((file) => pemToDer(readFileSync(file, 'utf8')));
  const certificate = decodeCertificate(certificates[0] as Uint8Array);
  const tbs = certificate.tbsCertificate;
  const crl = encodeCertificateList({
    tbsCertList: {
      version: 1,
      signature: tbs.signature,
      issuer: tbs.issuer,
      thisUpdate: { type: 'utcTime', value: new Date('2026-01-01T00:00:00Z') },
      nextUpdate: { type: 'generalTime', value: new Date('2026-01-08T00:00:00.25Z') },
      revokedCertificates: [1n, 2n, 0x7fffffffffffffffffffn].map((serial) => ({ userCertificate: serial, revocationDate: { type: 'utcTime' as const, value: new Date('2025-12-31T12:00:00Z') } })),
    },
    signatureAlgorithm: certificate.signatureAlgorithm,
    signature: { bytes: new Uint8Array(16).fill(7), unusedBits: 0 },
  });
  const ocsp = encodeOCSPResponse({ responseStatus: 'tryLater' });
  const linkage = encodeLinkageList({
    tbsLinkageList: {
      issuer: tbs.issuer,
      thisUpdate: new Date('2026-01-01T00:00:00Z'),
      records: [{ issuer: tbs.issuer, oldSerialNumber: 1n, newSerialNumber: 2n, reason: 'mobileIssued', linkedAt: new Date('2025-06-24T00:00:00Z') }],
    },
    signatureAlgorithm: certificate.signatureAlgorithm,
    signature: { bytes: new Uint8Array(8), unusedBits: 0 },
  });
  const cms = encodeContentInfo({ contentType: '1.2.840.113549.1.7.1', content: { der: Uint8Array.of(0x04, 0x02, 0x68, 0x69) } });
  return [...certificates, crl, ocsp, linkage, cms];
}

function mutate(random: () => number, seed: Uint8Array): Uint8Array {
  const bytes = seed.slice();
  const strategy = Math.floor(random() * 7);
  const at = Math.floor(random() * bytes.length);
  switch (strategy) {
    case 0: // flip bits
      for (let count = 1 + Math.floor(random() * 3); count > 0; count -= 1) {
        const index = Math.floor(random() * bytes.length);
        bytes[index] = (bytes[index] as number) ^ (1 << Math.floor(random() * 8));
      }
      return bytes;
    case 1: // a byte replaced by an interesting value
      bytes[at] = pick(random, [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0x30, 0x31, 0xa0, 0x05, 0x1f]);
      return bytes;
    case 2: // truncated
      return bytes.subarray(0, at);
    case 3: // bytes inserted
      return Uint8Array.from([...bytes.subarray(0, at), ...Array.from({ length: 1 + Math.floor(random() * 4) }, () => Math.floor(random() * 256)), ...bytes.subarray(at)]);
    case 4: // bytes removed
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1 + Math.floor(random() * 4))]);
    case 5: // a region duplicated
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at, at + 1 + Math.floor(random() * 40)), ...bytes.subarray(at)]);
    default: // a length made indefinite or huge
      bytes[at] = pick(random, [0x80, 0x84, 0x88, 0xfe]);
      return bytes;
  }
}

function randomBytes(random: () => number): Uint8Array {
  const length = Math.floor(random() * 64);
  const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
  if (length > 0 && random() < 0.5) bytes[0] = pick(random, [0x30, 0x31, 0x02, 0x04, 0xa0]);
  return bytes;
}

describe('ASN.1 decoder fuzz', () => {
  it(`${CASES} random and mutated inputs: only DecodeError escapes, strict DER round-trips, no hang`, () => {
    const random = seededRandom(SEED);
    const inputs = seeds();
    const started = performance.now();
    const outcomes = { decoded: 0, rejected: 0 };
    for (let index = 0; index < CASES; index += 1) {
      const input = random() < 0.15 ? randomBytes(random) : mutate(random, pick(random, inputs));
      const codec = pick(random, CODECS);
      const ber = random() < 0.3;
      let value: unknown;
      try {
        value = codec.decode(input, { ber });
        outcomes.decoded += 1;
      } catch (error) {
        if (!(error instanceof DecodeError)) throw new Error(`case ${index} (${codec.name}, ber ${ber}, input ${bytesToHex(input)}): ${String(error)}`, { cause: error });
        expect(error.offset).toBeGreaterThanOrEqual(0);
        expect(error.offset).toBeLessThanOrEqual(input.length);
        outcomes.rejected += 1;
        continue;
      }
      if (!ber) {
        const reencoded = codec.encode(value as never, { useKeptDer: false });
        if (bytesToHex(reencoded) !== bytesToHex(input)) throw new Error(`case ${index} (${codec.name}): strict decode accepted ${bytesToHex(input)} but re-encodes to ${bytesToHex(reencoded)}`);
      }
      if (index % 1000 === 0) expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
    }
    expect(outcomes.rejected).toBeGreaterThan(CASES / 2);
    expect(outcomes.decoded).toBeGreaterThan(100);
  }, 180_000);

  it('the generic TLV dump also throws only DecodeError', () => {
    const random = seededRandom(SEED + 1);
    const inputs = seeds();
    for (let index = 0; index < 20_000; index += 1) {
      const input = random() < 0.3 ? randomBytes(random) : mutate(random, pick(random, inputs));
      try {
        dumpTlv(input, { ber: random() < 0.5 });
      } catch (error) {
        if (!(error instanceof DecodeError)) throw new Error(`dump case ${index} (${bytesToHex(input)}): ${String(error)}`);
      }
    }
  });

  it('the encoder writes what it is given or throws a typed error, never produces bad lengths', () => {
    const writer = new DerWriter();
    const mark = writer.open(0x30);
    writer.writeOctetString(0x04, new Uint8Array(70_000));
    writer.close(mark);
    const bytes = writer.finish();
    expect(bytesToHex(bytes.subarray(0, 10))).toBe('30830111750483011170');
    expect(bytes.length).toBe(70_000 + 5 + 5);
  });
});
