/**
 * The seam between the CA's stored state and what publishes it (OCSP responder, revocation API).
 * The CA implements it over its database; the responder only reads through it, so either side can
 * be tested alone (an in-memory source in the responder's tests, the real CA in the integration tests).
 */
import type { JpkiCaId, RevocationReason } from '../../generated/messages/types.js';

/** What one issuing CA needs to publish revocation information. */
export interface RevocationIssuer {
  readonly caId: JpkiCaId;
  /** The CA certificate (DER). OCSP CertIDs are matched against its subject name and public key hashes. */
  readonly certificate: Uint8Array;
  /** Signs with the CA key (or a delegated responder key); `data` is the exact DER to be signed. */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** The AlgorithmIdentifier DER that goes beside the signature, e.g. sha256WithRSAEncryption with NULL parameters. */
  readonly signatureAlgorithm: Uint8Array;
  /** A delegated OCSP signer's certificate (RFC 6960 §4.2.2.2), sent in `certs`; absent when the CA signs itself. */
  readonly responderCertificate?: Uint8Array;
}

export type CertificateStatusEntry =
  | { readonly serialNumber: bigint; readonly status: 'good' }
  | { readonly serialNumber: bigint; readonly status: 'revoked'; readonly revokedAt: Date; readonly reason: RevocationReason }
  /** Never issued by this CA (RFC 6960 §2.2 "unknown"). */
  | { readonly serialNumber: bigint; readonly status: 'unknown' };

export interface RevocationSource {
  issuers(): readonly RevocationIssuer[];
  /** The status of one serial; `unknown` when the CA did not issue it. A hold is `revoked` with reason certificateHold. */
  statusOf(caId: JpkiCaId, serialNumber: bigint): Promise<CertificateStatusEntry>;
  /** Every certificate the CA issued that has not expired, with its status: what pre-produced responses are made from. */
  currentStatuses(caId: JpkiCaId): AsyncIterable<CertificateStatusEntry>;
  /** A counter that moves whenever a certificate is issued or any status changes, so a publisher knows when to refresh early. */
  changeCounter(): Promise<bigint>;
  /** The CA's CRL distribution points: one per municipality it issued for, named as its certificates name them. */
  distributionPoints(caId: JpkiCaId): Promise<readonly CrlDistributionPoint[]>;
  /** Revoked (and held) certificates that have not expired, for one distribution point, or for the ARL (revoked CA certificates). */
  revokedEntries(caId: JpkiCaId, scope: { readonly municipalityCode: string } | 'arl'): AsyncIterable<RevokedEntry>;
  /** Every old/new linkage record the CA wrote, oldest first. */
  linkageRecords(caId: JpkiCaId): AsyncIterable<LinkageRecordEntry>;
}

export interface CrlDistributionPoint {
  readonly municipalityCode: string;
  /** DER of the directoryName the certificates carry in cRLDistributionPoints (and the CRL in issuingDistributionPoint). */
  readonly name: Uint8Array;
}

export interface RevokedEntry {
  readonly serialNumber: bigint;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

export interface LinkageRecordEntry {
  readonly oldSerialNumber: bigint;
  readonly newSerialNumber: bigint;
  readonly reason: 'renewal' | 'reissue' | 'mobileIssued' | 'mobileReplaced';
  readonly linkedAt: Date;
}
