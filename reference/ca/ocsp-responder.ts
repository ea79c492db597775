/**
 * OCSP responder (RFC 6960) over a RevocationSource.
 *
 * Signing is what limits an OCSP responder, so — as RFC 6960 §2.5 allows and Let's Encrypt does at
 * its origin (anchors.md, "OCSP at internet scale") — every current certificate's response is signed
 * ahead of time and kept as ready DER per (issuer, CertID hash, serial). A request without a nonce
 * for one certificate is then a decode, a map lookup and the bytes out. Everything else (a nonce, a
 * serial not pre-produced, several certificates) is signed on demand. The pre-produced set is
 * rebuilt every 15 minutes (JPKI's OCSP update interval, jpki.md §2.7) and whenever the source's
 * change counter moves.
 */
import { coalescedRun } from './coalesced-run.js';
import {
  decodeCertificate,
  decodeOCSPRequest,
  encodeOCSPResponse,
  encodeResponseData,
  idPkixOcspBasic,
  idPkixOcspNonce,
  type BasicOCSPResponse,
  type CertID,
  type CertStatus,
  type Certificate,
  type Extension,
  type OCSPRequest,
  type OCSPResponseStatus,
  type ResponseData,
  type SingleResponse,
} from '../../generated/asn1/index.js';
import type { JpkiCaId } from '../../generated/messages/types.js';
import { wholeSeconds } from './crl-builder.js';
import { certIdKey, describeIssuer, digest, type IssuerIdentity } from './revocation-service-issuer.js';
import type { CertificateStatusEntry, RevocationSource } from './revocation-source.js';

const SHA1 = '1.3.14.3.2.26';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const HASH_OIDS = { sha1: SHA1, sha256: SHA256 } as const;
const DER_NULL = Uint8Array.of(0x05, 0x00);
/** RFC 8954 §2.1: a nonce is 1 to 32 octets. */
const MAX_NONCE_OCTETS = 32;

/** How many on-demand `unknown` answers are kept between two rebuilds. */
const MAX_KEPT_UNKNOWN = 10_000;

export interface OcspResponderOptions {
  readonly clock?: () => Date;
  /** nextUpdate − thisUpdate of every response; 15 minutes. */
  readonly validityMs?: number;
  /** How long before the pre-produced responses expire their replacements are made; 1 minute. */
  readonly refreshLeadMs?: number;
  /** CertID hash algorithms pre-produced for (others are signed on first request, then kept); SHA-1, what RFC 5019 clients and OpenSSL send. */
  readonly preproduceHashes?: readonly (keyof typeof HASH_OIDS)[];
  /** Larger requests are malformedRequest; 16 KiB. */
  readonly maxRequestBytes?: number;
  /** More certificates in one request are malformedRequest; 64. */
  readonly maxRequestEntries?: number;
  /** How often the source's change counter is read; 5 s. */
  readonly changePollMs?: number;
  /** Signatures in flight while pre-producing; 32. */
  readonly signingConcurrency?: number;
}

export interface OcspResponderStatistics {
  readonly preproduced: number;
  readonly cacheHits: number;
  readonly signedOnDemand: number;
  readonly malformed: number;
  readonly unauthorized: number;
  readonly lastRefresh: Date | undefined;
}

/** The bare OCSPResponse for each error status (no responseBytes, RFC 6960 §4.2.1). */
const ERROR_RESPONSES = new Map<OCSPResponseStatus, Uint8Array>(
  (['malformedRequest', 'internalError', 'tryLater', 'unauthorized'] as const).map((status) => [status, encodeOCSPResponse({ responseStatus: status })]),
);

export function ocspErrorResponse(status: Exclude<OCSPResponseStatus, 'successful' | 'sigRequired'>): Uint8Array {
  return ERROR_RESPONSES.get(status) as Uint8Array;
}

interface ServedIssuer {
  readonly identity: IssuerIdentity;
  readonly index: number;
  /** SHA-1 of the signer's public key: ResponderID byKey (RFC 6960 §4.2.2.3). */
  readonly responderKeyHash: Uint8Array;
  readonly certs: Certificate[] | undefined;
}

/** What a request asks, once parsed and matched. */
interface ParsedRequest {
  readonly issuer: ServedIssuer;
  readonly certIds: readonly CertID[];
  readonly nonce: Uint8Array | undefined;
}

export class OcspResponder {
  private readonly source: RevocationSource;
  private readonly clock: () => Date;
  private readonly validityMs: number;
  private readonly refreshLeadMs: number;
  private readonly preproduceHashes: readonly string[];
  private readonly maxRequestBytes: number;
  private readonly maxRequestEntries: number;
  private readonly changePollMs: number;
  private readonly signingConcurrency: number;
  private served: ServedIssuer[] = [];
  private byCertIdKey = new Map<string, ServedIssuer>();
  /** `issuerIndex|hashOid|serialHex` → a signed OCSPResponse without nonce. */
  private ready = new Map<string, Uint8Array>();
  /**
   * Request bytes (latin1) → the ready answer they got: clients repeat byte-identical no-nonce
   * requests, and this skips even the decode. Emptied with `ready`; bounded so that distinct
   * encodings of the same question cannot grow it without limit.
   */
  private byRequestBytes = new Map<string, Uint8Array>();
  private generation = 0;
  private keptUnknown = 0;
  private seenCounter: bigint | undefined;
  private timers: NodeJS.Timeout[] = [];
  private counts = { preproduced: 0, cacheHits: 0, signedOnDemand: 0, malformed: 0, unauthorized: 0 };
  private lastRefresh: Date | undefined;

  constructor(source: RevocationSource, options: OcspResponderOptions = {}) {
    this.source = source;
    this.clock = options.clock ?? (() => new Date());
    this.validityMs = options.validityMs ?? 15 * 60_000;
    this.refreshLeadMs = options.refreshLeadMs ?? 60_000;
    this.preproduceHashes = (options.preproduceHashes ?? ['sha1']).map((name) => HASH_OIDS[name]);
    this.maxRequestBytes = options.maxRequestBytes ?? 16 * 1024;
    this.maxRequestEntries = options.maxRequestEntries ?? 64;
    this.changePollMs = options.changePollMs ?? 5000;
    this.signingConcurrency = options.signingConcurrency ?? 32;
    this.loadIssuers();
  }

  statistics(): OcspResponderStatistics {
    return { ...this.counts, preproduced: this.ready.size, lastRefresh: this.lastRefresh };
  }

  /** Pre-produces, then keeps responses fresh: a refresh before they expire, and soon after any status change. */
  async start(): Promise<void> {
    await this.refresh();
    const every = Math.max(1000, this.validityMs - this.refreshLeadMs);
    this.timers.push(setInterval(() => void this.refresh().catch(() => undefined), every).unref());
    this.timers.push(setInterval(() => void this.refreshIfChanged().catch(() => undefined), this.changePollMs).unref());
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** Tells the responder a status changed (a push in place of waiting for the poll). */
  async markChanged(): Promise<void> {
    await this.refresh();
  }

  async refreshIfChanged(): Promise<void> {
    const counter = await this.source.changeCounter();
    if (counter !== this.seenCounter) await this.refresh();
  }

  /** Re-signs every current certificate's response; concurrent calls share one run. */
  readonly refresh: () => Promise<void> = coalescedRun(() => this.rebuild());

  private async rebuild(): Promise<void> {
    const counter = await this.source.changeCounter();
    this.generation += 1;
    this.loadIssuers();
    const next = new Map<string, Uint8Array>();
    const thisUpdate = wholeSeconds(this.clock());
    const inFlight = new Set<Promise<void>>();
    for (const issuer of this.served) {
      for await (const status of this.source.currentStatuses(issuer.identity.issuer.caId)) {
        for (const hashOid of this.preproduceHashes) {
          const task = this.sign(issuer, [singleResponse(certIdFor(issuer.identity, hashOid, status.serialNumber), status, thisUpdate, this.validityMs)], undefined, thisUpdate).then((der) => {
            next.set(readyKey(issuer.index, hashOid, status.serialNumber), der);
          });
          inFlight.add(task);
          void task.finally(() => inFlight.delete(task));
          if (inFlight.size >= this.signingConcurrency) await Promise.race(inFlight);
        }
      }
    }
    await Promise.all(inFlight);
    this.ready = next;
    this.keptUnknown = 0;
    this.byRequestBytes = new Map();
    this.seenCounter = counter;
    this.lastRefresh = thisUpdate;
  }

  /** The ready response for a plain one-certificate request, or undefined when it has to be signed. */
  cached(requestDer: Uint8Array): Uint8Array | undefined {
    const bytesKey = requestDer.length <= 256 ? Buffer.from(requestDer.buffer, requestDer.byteOffset, requestDer.length).toString('latin1') : undefined;
    const known = bytesKey === undefined ? undefined : this.byRequestBytes.get(bytesKey);
    if (known !== undefined) {
      this.counts.cacheHits += 1;
      return known;
    }
    const parsed = this.parse(requestDer);
    if (parsed instanceof Uint8Array) return parsed;
    const hit = this.lookup(parsed);
    if (hit !== undefined && bytesKey !== undefined && this.byRequestBytes.size < 2 * this.ready.size + 1024) this.byRequestBytes.set(bytesKey, hit);
    return hit;
  }

  /** Answers one DER OCSPRequest with a DER OCSPResponse; never throws for bad input. */
  async respond(requestDer: Uint8Array): Promise<Uint8Array> {
    const parsed = this.parse(requestDer);
    if (parsed instanceof Uint8Array) return parsed;
    const hit = this.lookup(parsed);
    if (hit !== undefined) return hit;
    try {
      return await this.signOnDemand(parsed);
    } catch {
      return ocspErrorResponse('internalError');
    }
  }

  private lookup(parsed: ParsedRequest): Uint8Array | undefined {
    if (parsed.nonce !== undefined || parsed.certIds.length !== 1) return undefined;
    const certId = parsed.certIds[0] as CertID;
    const hit = this.ready.get(readyKey(parsed.issuer.index, certId.hashAlgorithm.algorithm, certId.serialNumber));
    if (hit !== undefined) this.counts.cacheHits += 1;
    return hit;
  }

  private async signOnDemand(parsed: ParsedRequest): Promise<Uint8Array> {
    const generation = this.generation;
    const { caId } = parsed.issuer.identity.issuer;
    const statuses = await Promise.all(parsed.certIds.map((certId) => this.source.statusOf(caId as JpkiCaId, certId.serialNumber)));
    const thisUpdate = wholeSeconds(this.clock());
    const responses = parsed.certIds.map((certId, index) => singleResponse(certId, statuses[index] as CertificateStatusEntry, thisUpdate, this.validityMs));
    const der = await this.sign(parsed.issuer, responses, parsed.nonce, thisUpdate);
    this.counts.signedOnDemand += 1;
    const only = statuses[0];
    // Kept for the next identical request unless the set was rebuilt meanwhile (it may be stale). An
    // `unknown` is kept too — issuing that serial moves the change counter, which rebuilds the set, as a
    // revocation does (J-LIS's responder itself publishes changes every 15 minutes, jpki.md §2.7) — but
    // only so many, so that a stream of made-up serials cannot grow the set without bound.
    const keep = only?.status !== 'unknown' || this.keptUnknown < MAX_KEPT_UNKNOWN;
    if (parsed.nonce === undefined && statuses.length === 1 && keep && generation === this.generation) {
      const certId = parsed.certIds[0] as CertID;
      this.ready.set(readyKey(parsed.issuer.index, certId.hashAlgorithm.algorithm, certId.serialNumber), der);
      if (only?.status === 'unknown') this.keptUnknown += 1;
    }
    return der;
  }

  /** Decodes and checks a request; an error response (DER) when it cannot be answered. */
  private parse(requestDer: Uint8Array): ParsedRequest | Uint8Array {
    if (requestDer.length === 0 || requestDer.length > this.maxRequestBytes) return this.malformed();
    let request: OCSPRequest;
    try {
      request = decodeOCSPRequest(requestDer, { maxInputLength: this.maxRequestBytes, maxElements: this.maxRequestEntries });
    } catch {
      return this.malformed();
    }
    const { requestList, requestExtensions } = request.tbsRequest;
    if (requestList.length === 0 || requestList.length > this.maxRequestEntries) return this.malformed();
    const nonce = nonceOf(requestExtensions);
    if (nonce === null) return this.malformed();
    let issuer: ServedIssuer | undefined;
    for (const { reqCert } of requestList) {
      const match = this.byCertIdKey.get(certIdKey(reqCert.hashAlgorithm.algorithm, reqCert.issuerNameHash, reqCert.issuerKeyHash));
      // One signer per response: a request naming an issuer we do not serve, or two issuers, is refused (RFC 6960 §2.3).
      if (match === undefined || (issuer !== undefined && match !== issuer)) {
        this.counts.unauthorized += 1;
        return ocspErrorResponse('unauthorized');
      }
      issuer = match;
    }
    return { issuer: issuer as ServedIssuer, certIds: requestList.map((entry) => entry.reqCert), nonce };
  }

  private malformed(): Uint8Array {
    this.counts.malformed += 1;
    return ocspErrorResponse('malformedRequest');
  }

  private async sign(issuer: ServedIssuer, responses: SingleResponse[], nonce: Uint8Array | undefined, producedAt: Date): Promise<Uint8Array> {
    const data: ResponseData = { responderID: { type: 'byKey', value: issuer.responderKeyHash }, producedAt, responses };
    if (nonce !== undefined) data.responseExtensions = [{ extnID: idPkixOcspNonce, extnValue: { value: nonce } }];
    const tbsDer = encodeResponseData(data);
    const signature = await issuer.identity.issuer.sign(tbsDer);
    const basic: BasicOCSPResponse = { tbsResponseData: { ...data, $der: tbsDer }, signatureAlgorithm: issuer.identity.signatureAlgorithm, signature: { bytes: signature, unusedBits: 0 } };
    if (issuer.certs !== undefined) basic.certs = issuer.certs;
    return encodeOCSPResponse({ responseStatus: 'successful', responseBytes: { responseType: idPkixOcspBasic, response: { value: basic } } });
  }

  private loadIssuers(): void {
    this.served = this.source.issuers().map((issuer, index) => {
      const identity = describeIssuer(issuer);
      const delegated = issuer.responderCertificate === undefined ? undefined : decodeCertificate(issuer.responderCertificate);
      const signerKey = delegated === undefined ? identity.publicKeyBits : delegated.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey.bytes;
      return { identity, index, responderKeyHash: digest('sha1', signerKey), certs: delegated === undefined ? undefined : [delegated] };
    });
    this.byCertIdKey = new Map(this.served.flatMap((issuer) => [...issuer.identity.certIdKeys].map((key) => [key, issuer] as const)));
  }
}

function readyKey(issuerIndex: number, hashOid: string, serialNumber: bigint): string {
  return `${issuerIndex}|${hashOid}|${serialNumber.toString(16)}`;
}

/** The nonce (RFC 6960 §4.4.1, RFC 8954), undefined when absent, null when out of bounds. */
function nonceOf(extensions: readonly Extension[] | undefined): Uint8Array | undefined | null {
  const extension = extensions?.find((candidate) => candidate.extnID === idPkixOcspNonce);
  if (extension === undefined) return undefined;
  const value = extension.extnValue.value;
  if (!(value instanceof Uint8Array) || value.length < 1 || value.length > MAX_NONCE_OCTETS) return null;
  return value;
}

function certIdFor(identity: IssuerIdentity, hashOid: string, serialNumber: bigint): CertID {
  const hash = hashOid === SHA1 ? 'sha1' : 'sha256';
  return {
    hashAlgorithm: { algorithm: hashOid, parameters: { der: DER_NULL } },
    issuerNameHash: digest(hash, identity.subjectDer),
    issuerKeyHash: digest(hash, identity.publicKeyBits),
    serialNumber,
  };
}

function singleResponse(certID: CertID, status: CertificateStatusEntry, thisUpdate: Date, validityMs: number): SingleResponse {
  return { certID, certStatus: certStatusOf(status), thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + validityMs) };
}

function certStatusOf(status: CertificateStatusEntry): CertStatus {
  switch (status.status) {
    case 'good':
      return { type: 'good', value: null };
    case 'unknown':
      return { type: 'unknown', value: null };
    case 'revoked':
      // As on the CRL, unspecified is left out rather than stated (RFC 5280 §5.3.1).
      return {
        type: 'revoked',
        value: status.reason === 'unspecified' ? { revocationTime: wholeSeconds(status.revokedAt) } : { revocationTime: wholeSeconds(status.revokedAt), revocationReason: status.reason },
      };
  }
}
