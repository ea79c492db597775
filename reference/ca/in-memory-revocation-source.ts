/**
 * A RevocationSource held in memory: what the publishers' tests and benches run against, and what
 * `serve ocsp --index` fills from an OpenSSL index.txt. The real CA implements the same contract
 * over its database (reference/ca/revocation-source.ts).
 */
import { sign as signWithKey, type KeyObject } from 'node:crypto';
import { encodeAlgorithmIdentifier } from '../../generated/asn1/index.js';
import type { JpkiCaId, RevocationReason } from '../../generated/messages/types.js';
import { JpkigenError } from '../../runtime/errors.js';
import type { CertificateStatusEntry, CrlDistributionPoint, LinkageRecordEntry, RevocationIssuer, RevocationSource, RevokedEntry } from './revocation-source.js';

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const DER_NULL = Uint8Array.of(0x05, 0x00);

/** The signing half of a RevocationIssuer over a node:crypto private key (RSA PKCS#1 v1.5 or ECDSA, SHA-256). */
export function keySigner(key: KeyObject): Pick<RevocationIssuer, 'sign' | 'signatureAlgorithm'> {
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') throw new JpkigenError('REVOCATION_KEY_UNSUPPORTED', `signing key type ${String(type)}: expected rsa or ec`);
  const signatureAlgorithm = encodeAlgorithmIdentifier(type === 'rsa' ? { algorithm: SHA256_WITH_RSA, parameters: { der: DER_NULL } } : { algorithm: ECDSA_WITH_SHA256 });
  return {
    signatureAlgorithm,
    // The callback form runs on libuv's thread pool, so pre-producing thousands of OCSP responses uses every core.
    sign: (data) =>
      new Promise((resolve, reject) => {
        signWithKey('sha256', data, key, (error, signature) => (error === null ? resolve(new Uint8Array(signature)) : reject(error)));
      }),
  };
}

export class UnknownCaError extends JpkigenError {
  constructor(caId: string) {
    super('REVOCATION_UNKNOWN_CA', `no issuer ${caId} in this revocation source`);
  }
}

interface CertificateRecord {
  readonly serialNumber: bigint;
  readonly municipalityCode: string | undefined;
  readonly isCa: boolean;
  readonly notAfter: Date | undefined;
  revocation: { readonly revokedAt: Date; readonly reason: RevocationReason } | undefined;
}

interface IssuerState {
  readonly issuer: RevocationIssuer;
  readonly certificates: Map<bigint, CertificateRecord>;
  readonly distributionPoints: Map<string, CrlDistributionPoint>;
  readonly linkage: LinkageRecordEntry[];
}

export interface IssueOptions {
  /** The municipality whose CRL lists the certificate once revoked; absent for CA certificates. */
  readonly municipalityCode?: string;
  /** A CA certificate: it goes on the ARL. */
  readonly isCa?: boolean;
  readonly notAfter?: Date;
}

export class InMemoryRevocationSource implements RevocationSource {
  private readonly states = new Map<JpkiCaId, IssuerState>();
  private counter = 0n;
  private readonly clock: () => Date;

  constructor(issuers: readonly RevocationIssuer[], clock: () => Date = () => new Date()) {
    for (const issuer of issuers) this.states.set(issuer.caId, { issuer, certificates: new Map(), distributionPoints: new Map(), linkage: [] });
    this.clock = clock;
  }

  addDistributionPoint(caId: JpkiCaId, point: CrlDistributionPoint): void {
    this.state(caId).distributionPoints.set(point.municipalityCode, point);
  }

  issue(caId: JpkiCaId, serialNumber: bigint, options: IssueOptions = {}): void {
    this.state(caId).certificates.set(serialNumber, { serialNumber, municipalityCode: options.municipalityCode, isCa: options.isCa === true, notAfter: options.notAfter, revocation: undefined });
    this.counter += 1n;
  }

  revoke(caId: JpkiCaId, serialNumber: bigint, reason: RevocationReason, revokedAt: Date = this.clock()): void {
    const record = this.state(caId).certificates.get(serialNumber);
    if (record === undefined) throw new JpkigenError('REVOCATION_UNKNOWN_SERIAL', `${caId} did not issue serial ${serialNumber.toString(16)}`);
    record.revocation = { revokedAt, reason };
    this.counter += 1n;
  }

  link(caId: JpkiCaId, record: LinkageRecordEntry): void {
    this.state(caId).linkage.push(record);
    this.counter += 1n;
  }

  issuers(): readonly RevocationIssuer[] {
    return [...this.states.values()].map((state) => state.issuer);
  }

  async statusOf(caId: JpkiCaId, serialNumber: bigint): Promise<CertificateStatusEntry> {
    const record = this.states.get(caId)?.certificates.get(serialNumber);
    if (record === undefined) return { serialNumber, status: 'unknown' };
    return statusEntry(record);
  }

  async *currentStatuses(caId: JpkiCaId): AsyncIterable<CertificateStatusEntry> {
    const now = this.clock();
    for (const record of this.state(caId).certificates.values()) if (record.notAfter === undefined || record.notAfter > now) yield statusEntry(record);
  }

  async changeCounter(): Promise<bigint> {
    return this.counter;
  }

  async distributionPoints(caId: JpkiCaId): Promise<readonly CrlDistributionPoint[]> {
    return [...this.state(caId).distributionPoints.values()];
  }

  async *revokedEntries(caId: JpkiCaId, scope: { readonly municipalityCode: string } | 'arl'): AsyncIterable<RevokedEntry> {
    const now = this.clock();
    for (const record of this.state(caId).certificates.values()) {
      if (record.revocation === undefined || (record.notAfter !== undefined && record.notAfter <= now)) continue;
      const inScope = scope === 'arl' ? record.isCa : !record.isCa && record.municipalityCode === scope.municipalityCode;
      if (inScope) yield { serialNumber: record.serialNumber, ...record.revocation };
    }
  }

  async *linkageRecords(caId: JpkiCaId): AsyncIterable<LinkageRecordEntry> {
    yield* this.state(caId).linkage;
  }

  private state(caId: JpkiCaId): IssuerState {
    const state = this.states.get(caId);
    if (state === undefined) throw new UnknownCaError(caId);
    return state;
  }
}

function statusEntry(record: CertificateRecord): CertificateStatusEntry {
  const { serialNumber, revocation } = record;
  return revocation === undefined ? { serialNumber, status: 'good' } : { serialNumber, status: 'revoked', revokedAt: revocation.revokedAt, reason: revocation.reason };
}

/** One line of an OpenSSL `ca` database (index.txt): the file `openssl ca` and `openssl ocsp -index` read. */
export interface OpensslIndexLine {
  readonly status: 'V' | 'R' | 'E';
  readonly notAfter: Date;
  readonly serialNumber: bigint;
  readonly revokedAt?: Date;
  readonly reason?: RevocationReason;
}

/** OpenSSL's reason words in index.txt (apps/ca.c crl_reasons) → RFC 5280 names. */
const OPENSSL_REASONS: Readonly<Record<string, RevocationReason>> = {
  unspecified: 'unspecified',
  keyCompromise: 'keyCompromise',
  CACompromise: 'cACompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
  removeFromCRL: 'removeFromCRL',
};

export class OpensslIndexError extends JpkigenError {
  constructor(lineNumber: number, detail: string) {
    super('OPENSSL_INDEX_INVALID', `index.txt line ${lineNumber}: ${detail}`);
  }
}

/** YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ, as OpenSSL writes them. */
function parseIndexTime(text: string, lineNumber: number): Date {
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) throw new OpensslIndexError(lineNumber, `'${text}' is not a time in YYMMDDHHMMSSZ form`);
  const [, yearText = '', month, day, hour, minute, second] = match;
  const year = yearText.length === 2 ? (Number(yearText) < 50 ? 2000 : 1900) + Number(yearText) : Number(yearText);
  return new Date(Date.UTC(year, Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
}

export function parseOpensslIndexLine(line: string, lineNumber: number): OpensslIndexLine | undefined {
  if (line.trim() === '') return undefined;
  const [status, expiry, revocation = '', serial] = line.split('\t');
  if (status !== 'V' && status !== 'R' && status !== 'E') throw new OpensslIndexError(lineNumber, `status '${String(status)}': expected V, R or E`);
  if (serial === undefined || !/^[0-9A-Fa-f]+$/.test(serial)) throw new OpensslIndexError(lineNumber, 'the fourth field is not a hex serial');
  const base = { status, notAfter: parseIndexTime(expiry ?? '', lineNumber), serialNumber: BigInt(`0x${serial}`) } as const;
  if (status !== 'R') return base;
  const [when = '', reasonWord = 'unspecified'] = revocation.split(',');
  const reason = OPENSSL_REASONS[reasonWord];
  if (reason === undefined) throw new OpensslIndexError(lineNumber, `unknown revocation reason '${reasonWord}'`);
  return { ...base, revokedAt: parseIndexTime(when, lineNumber), reason };
}

function indexTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

const REASON_WORDS = new Map(Object.entries(OPENSSL_REASONS).map(([word, reason]) => [reason, word]));

/** An index.txt line OpenSSL reads back (serial as even-length uppercase hex). */
export function formatOpensslIndexLine(line: OpensslIndexLine, subject = '/CN=jpkigen'): string {
  let serial = line.serialNumber.toString(16).toUpperCase();
  if (serial.length % 2 === 1) serial = `0${serial}`;
  const revocation = line.revokedAt === undefined ? '' : `${indexTime(line.revokedAt)}${line.reason === undefined || line.reason === 'unspecified' ? '' : `,${REASON_WORDS.get(line.reason) ?? ''}`}`;
  return `${line.status}\t${indexTime(line.notAfter)}\t${revocation}\t${serial}\tunknown\t${subject}`;
}

/** Reads an index.txt one line at a time (a million-line file never sits in memory whole). */
export async function* readOpensslIndex(file: string): AsyncIterable<OpensslIndexLine> {
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  let lineNumber = 0;
  for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    lineNumber += 1;
    const line = parseOpensslIndexLine(text, lineNumber);
    if (line !== undefined) yield line;
  }
}

/** Fills a source from an index.txt: every line issued by `caId` (in one municipality), R lines revoked. */
export async function loadOpensslIndex(source: InMemoryRevocationSource, caId: JpkiCaId, file: string, municipalityCode = '00000'): Promise<number> {
  let count = 0;
  for await (const line of readOpensslIndex(file)) {
    source.issue(caId, line.serialNumber, { municipalityCode, notAfter: line.notAfter });
    if (line.status === 'R' && line.revokedAt !== undefined) source.revoke(caId, line.serialNumber, line.reason ?? 'unspecified', line.revokedAt);
    count += 1;
  }
  return count;
}
