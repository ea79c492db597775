/**
 * Builds one signed CRL (RFC 5280 §5) of a JPKI CA: a municipality distribution point's CRL of
 * end-entity certificates, or the ARL of the CA's revoked CA certificates.
 *
 * Entries stream in (an AsyncIterable of any length) and are encoded one by one into a single
 * byte buffer as they arrive, so a million entries cost their DER (~40 bytes each) plus an offset,
 * not a million live objects. Every element is written by the generated PKIX1 writers; the
 * list is put in serial order by sorting offsets, not objects.
 */
import {
  decodeName,
  encodeCertificateList,
  encodeExtensions,
  idCeAuthorityKeyIdentifier,
  idCeCRLNumber,
  idCeCRLReasons,
  idCeHoldInstructionCode,
  idCeIssuingDistributionPoint,
  idHoldinstructionCallissuer,
  type Extension,
  type Name,
} from '../../generated/asn1/index.js';
import { writeAlgorithmIdentifier, writeCertificateSerialNumber, writeExtensions, writeName, writeTime, writeVersion, type Time } from '../../generated/asn1/pkix1-explicit88.js';
import type { RevocationReason } from '../../generated/messages/types.js';
import { DerWriter } from '../../runtime/der/index.js';
import { JpkigenError } from '../../runtime/errors.js';
import type { IssuerIdentity } from './revocation-service-issuer.js';
import type { RevokedEntry } from './revocation-source.js';

/** A CRL cannot be built from what it was given (a serial listed twice, a bad time). */
export class CrlBuildError extends JpkigenError {
  constructor(detail: string, options?: ErrorOptions) {
    super('CRL_BUILD_INVALID', detail, options);
  }
}

/** Which certificates the CRL covers (RFC 5280 §5.2.5 issuingDistributionPoint). */
export type CrlScope =
  /** End-entity certificates of one municipality: `name` is the DER directoryName the certificates' cRLDistributionPoints carry. */
  | { readonly kind: 'distributionPoint'; readonly name: Uint8Array }
  /** The ARL: CA certificates, named by the CA's own DN (jpki.md §2.7). */
  | { readonly kind: 'arl' };

export interface CrlBuildInput {
  readonly identity: IssuerIdentity;
  readonly scope: CrlScope;
  readonly entries: AsyncIterable<RevokedEntry> | Iterable<RevokedEntry>;
  /** Truncated to whole seconds: the number derives from it and UTCTime carries seconds. */
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** Default: crlNumberFor(thisUpdate). A publisher issuing twice within one second passes the next number instead. */
  readonly crlNumber?: bigint;
}

export interface BuiltCrl {
  readonly der: Uint8Array;
  readonly crlNumber: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly entryCount: number;
}

/**
 * The cRLNumber of a CRL issued at `thisUpdate`: its Unix time in seconds. Deriving the number from
 * the time keeps it monotonic without stored state, as Let's Encrypt's Boulder does
 * (letsencrypt/boulder crl/crl.go `Number(thisUpdate)`, which uses nanoseconds). We use seconds:
 * UTCTime carries seconds, so anyone can recompute the number from the CRL's own thisUpdate, and the
 * value stays an exact JSON number (< 2^53) in the revocation API's index.
 */
export function crlNumberFor(thisUpdate: Date): bigint {
  return BigInt(Math.floor(thisUpdate.getTime() / 1000));
}

/** RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050. */
export function pkixTime(date: Date): Time {
  return date.getUTCFullYear() < 2050 ? { type: 'utcTime', value: date } : { type: 'generalTime', value: date };
}

export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

const ENTRY_PATH = 'TBSCertList.revokedCertificates[]';

/**
 * The crlEntryExtensions DER for one reason. unspecified has none (RFC 5280 §5.3.1: the reasonCode
 * SHOULD be absent rather than unspecified). A hold carries holdInstructionCode callissuer
 * (RFC 5280 §5.3.2): JPKI holds are released only through the issuer's hotline (jpki.md §2.6).
 */
export function entryExtensionsFor(reason: RevocationReason): Uint8Array | undefined {
  if (reason === 'unspecified') return undefined;
  const extensions: Extension[] = [{ extnID: idCeCRLReasons, extnValue: { value: reason } }];
  if (reason === 'certificateHold') extensions.push({ extnID: idCeHoldInstructionCode, extnValue: { value: idHoldinstructionCallissuer } });
  return encodeExtensions(extensions);
}

/** The CRL extensions: authorityKeyIdentifier, cRLNumber, issuingDistributionPoint (critical, §5.2.5). */
export function crlExtensionsFor(identity: IssuerIdentity, scope: CrlScope, crlNumber: bigint): Extension[] {
  const pointName: Name = scope.kind === 'arl' ? identity.subject : decodeName(scope.name);
  return [
    { extnID: idCeAuthorityKeyIdentifier, extnValue: { value: { keyIdentifier: identity.keyIdentifier } } },
    { extnID: idCeCRLNumber, extnValue: { value: crlNumber } },
    {
      extnID: idCeIssuingDistributionPoint,
      critical: true,
      extnValue: {
        value: {
          distributionPoint: { type: 'fullName', value: [{ type: 'directoryName', value: pointName }] },
          ...(scope.kind === 'arl' ? { onlyContainsCACerts: true } : { onlyContainsUserCerts: true }),
        },
      },
    },
  ];
}

/** Entries encoded back to back, with what sorting them needs. */
class EncodedEntries {
  readonly writer = new DerWriter(undefined, 1 << 16);
  readonly starts: number[] = [];
  /** Serial values while every serial fits 32 bits (then order can be found by a numeric typed-array sort). */
  smallSerials: number[] | undefined = [];
  inOrder = true;
  private lastSerial = -1n;
  private readonly extensionsByReason = new Map<RevocationReason, Uint8Array | undefined>();

  add(entry: RevokedEntry): void {
    const { writer } = this;
    if (entry.serialNumber <= 0n) throw new CrlBuildError(`serial ${entry.serialNumber} is not a positive integer (RFC 5280 §4.1.2.2)`);
    if (entry.serialNumber <= this.lastSerial) this.inOrder = false;
    this.lastSerial = entry.serialNumber;
    if (this.smallSerials !== undefined) {
      if (entry.serialNumber < 0x1_0000_0000n) this.smallSerials.push(Number(entry.serialNumber));
      else this.smallSerials = undefined;
    }
    this.starts.push(writer.position);
    const mark = writer.open(0x30);
    writeCertificateSerialNumber(writer, entry.serialNumber, ENTRY_PATH);
    writeTime(writer, pkixTime(wholeSeconds(entry.revokedAt)), ENTRY_PATH);
    let extensions = this.extensionsByReason.get(entry.reason);
    if (extensions === undefined && !this.extensionsByReason.has(entry.reason)) {
      extensions = entryExtensionsFor(entry.reason);
      this.extensionsByReason.set(entry.reason, extensions);
    }
    if (extensions !== undefined) writer.writeRaw(extensions);
    writer.close(mark);
  }

  /** Entry indexes in ascending serial order (undefined: already in order); throws on a serial listed twice. */
  order(bytes: Uint8Array): ArrayLike<number> | undefined {
    const count = this.starts.length;
    if (this.inOrder) return undefined;
    if (this.smallSerials !== undefined && count < 2 ** 21) return this.orderSmall(this.smallSerials);
    const order = this.starts.map((_, index) => index);
    order.sort((a, b) => compareSerialAt(bytes, this.starts[a] as number, this.starts[b] as number));
    for (let index = 1; index < order.length; index += 1) {
      if (compareSerialAt(bytes, this.starts[order[index - 1] as number] as number, this.starts[order[index] as number] as number) === 0) throw duplicate();
    }
    return order;
  }

  /** serial × 2^21 + index stays below 2^53, so one native numeric sort orders the entries. */
  private orderSmall(serials: readonly number[]): ArrayLike<number> {
    const keys = new Float64Array(serials.length);
    for (let index = 0; index < serials.length; index += 1) keys[index] = (serials[index] as number) * 2 ** 21 + index;
    keys.sort();
    const order = new Uint32Array(keys.length);
    let previous = -1;
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index] as number;
      const serial = Math.floor(key / 2 ** 21);
      if (serial === previous) throw duplicate();
      previous = serial;
      order[index] = key - serial * 2 ** 21;
    }
    return order;
  }
}

function duplicate(): CrlBuildError {
  return new CrlBuildError('a serial number is listed twice');
}

/** Compares the INTEGER serials of two encoded entries (positive, minimal: longer is larger). */
function compareSerialAt(bytes: Uint8Array, a: number, b: number): number {
  const serialA = serialSpan(bytes, a);
  const serialB = serialSpan(bytes, b);
  if (serialA.length !== serialB.length) return serialA.length - serialB.length;
  for (let index = 0; index < serialA.length; index += 1) {
    const difference = (bytes[serialA.start + index] as number) - (bytes[serialB.start + index] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Where the serial's content octets sit inside an entry this module wrote (SEQUENCE header, then INTEGER). */
function serialSpan(bytes: Uint8Array, entryStart: number): { start: number; length: number } {
  const sequenceLength = bytes[entryStart + 1] as number;
  const integerAt = entryStart + 2 + (sequenceLength & 0x80 ? sequenceLength & 0x7f : 0);
  return { start: integerAt + 2, length: bytes[integerAt + 1] as number };
}

export async function buildCrl(input: CrlBuildInput): Promise<BuiltCrl> {
  const thisUpdate = wholeSeconds(input.thisUpdate);
  const nextUpdate = wholeSeconds(input.nextUpdate);
  if (!(nextUpdate > thisUpdate)) throw new CrlBuildError('nextUpdate must be later than thisUpdate');
  const crlNumber = input.crlNumber ?? crlNumberFor(thisUpdate);
  const entries = new EncodedEntries();
  for await (const entry of input.entries) entries.add(entry);
  const entryBytes = entries.writer.finish();
  const tbsDer = writeTbsCertList(input, thisUpdate, nextUpdate, crlNumber, entries, entryBytes);
  const { identity } = input;
  const signature = await identity.issuer.sign(tbsDer);
  const der = encodeCertificateList({
    tbsCertList: { $der: tbsDer, signature: identity.signatureAlgorithm, issuer: identity.subject, thisUpdate: pkixTime(thisUpdate) },
    signatureAlgorithm: identity.signatureAlgorithm,
    signature: { bytes: signature, unusedBits: 0 },
  });
  return { der, crlNumber, thisUpdate, nextUpdate, entryCount: entries.starts.length };
}

/** TBSCertList written field by field with the generated writers, the entries copied in serial order. */
function writeTbsCertList(input: CrlBuildInput, thisUpdate: Date, nextUpdate: Date, crlNumber: bigint, entries: EncodedEntries, entryBytes: Uint8Array): Uint8Array {
  const writer = new DerWriter(undefined, entryBytes.length + 2048);
  const tbs = writer.open(0x30);
  writeVersion(writer, 1, 'TBSCertList.version');
  writeAlgorithmIdentifier(writer, input.identity.signatureAlgorithm, 'TBSCertList.signature');
  writeName(writer, input.identity.subject, 'TBSCertList.issuer');
  writeTime(writer, pkixTime(thisUpdate), 'TBSCertList.thisUpdate');
  writeTime(writer, pkixTime(nextUpdate), 'TBSCertList.nextUpdate');
  const count = entries.starts.length;
  // RFC 5280 §5.1.2.6: an empty list leaves revokedCertificates out altogether.
  if (count > 0) {
    const list = writer.open(0x30);
    const order = entries.order(entryBytes);
    for (let index = 0; index < count; index += 1) {
      const entry = order === undefined ? index : (order[index] as number);
      writer.writeRaw(entryBytes.subarray(entries.starts[entry], entry + 1 < count ? entries.starts[entry + 1] : entryBytes.length));
    }
    writer.close(list);
  }
  const extensions = writer.open(0xa0);
  writeExtensions(writer, crlExtensionsFor(input.identity, input.scope, crlNumber), 'TBSCertList.crlExtensions');
  writer.close(extensions);
  writer.close(tbs);
  return writer.finish();
}
