/**
 * The JPKI CA generations and how a certificate's issuer is resolved to one of them. All
 * generations of a CA share one DN, so resolution goes by AuthorityKeyIdentifier (key id, then CA
 * serial), never by name (jpki.md §2.1, jpki-ca-id.yaml).
 */
import type { CertificateKind, JpkiCaId } from '../../generated/messages/types.js';
import { bytesToHex } from '../../runtime/hex.js';
import { certificateFacts, type CertificateFacts } from './certificate-facts.js';

export interface KnownJpkiCa {
  readonly caId: JpkiCaId;
  readonly kind: CertificateKind;
  /** CA certificate serial (uppercase hex). */
  readonly serialHex: string;
  /** subjectKeyIdentifier (uppercase hex), when known. */
  readonly keyIdentifierHex?: string;
  /** SHA-256 of the CA certificate, when we hold it. */
  readonly sha256Fingerprint?: string;
}

/**
 * Serials: jpki-ca-id.yaml (jpki.md §2.1). Key identifiers and fingerprints of authca01/03 and
 * signca01/03: computed from the real certificates in shared/fixtures/jpki-ca. signca02's key
 * identifier: the AKI of shared/fixtures/jpki-shape/synthetic-sign-cert.pem, whose AKI was copied
 * from a real signature certificate (jpki.md §2.3, MynaWallet dummy). authca02's is not public.
 */
export const KNOWN_JPKI_CAS: readonly KnownJpkiCa[] = [
  { caId: 'authca01', kind: 'userAuthentication', serialHex: '01', keyIdentifierHex: '9567951B5CA70D84A0FFF1D85A87F1AAB1340385', sha256Fingerprint: '4DCFC4CA0AAF9FB2A3081B3F0C991C320B3ACC008667A341EEAEC5AF1D58CA7D' },
  { caId: 'authca02', kind: 'userAuthentication', serialHex: '0133C349' },
  { caId: 'authca03', kind: 'userAuthentication', serialHex: '06D18006', keyIdentifierHex: '1AC100F596A3BC8C4B3DF195E32699249E9E308A', sha256Fingerprint: '64114F29620C24ED2631D46476A040E7EE740D956089C00B036A6A8118C322B5' },
  { caId: 'signca01', kind: 'signature', serialHex: '01', keyIdentifierHex: '0D034CBB34D0714F45E45A1CAFD8FD143FAB54A7', sha256Fingerprint: '19645405A1FE14377434BD55957628AC4038557C542403A2243F21C706FC9355' },
  { caId: 'signca02', kind: 'signature', serialHex: '0132C4AB', keyIdentifierHex: '4DE017DE4B7F473DCD867A62D38B134ACE83558A' },
  { caId: 'signca03', kind: 'signature', serialHex: '067C6A21', keyIdentifierHex: 'D21EA55895617E93ADBF966B941AB4EDF653F08F', sha256Fingerprint: 'D227F6CDE11D35C5252178F106F843D246519449754139539FA2FB68DBFA365F' },
];

/** The OU that tells the two JPKI CA DNs apart (jpki.md §2.1). */
const KIND_BY_CA_OU: ReadonlyMap<string, CertificateKind> = new Map([
  ['OU=JPKI for digital signature', 'signature'],
  ['OU=JPKI for user authentication', 'userAuthentication'],
]);

/** A trust anchor as callers give it: the DER, optionally labelled with the CA generation it stands for (a simulated CA). */
export type TrustAnchorInput = Uint8Array | { readonly certificate: Uint8Array; readonly caId?: JpkiCaId };

export interface TrustAnchor {
  readonly der: Uint8Array;
  readonly facts: CertificateFacts;
  readonly caId?: JpkiCaId;
  readonly keyIdentifierHex?: string;
}

/** Which certificate kind a JPKI CA DN issues, from its OU; undefined for other names. */
export function kindOfCaName(name: string): CertificateKind | undefined {
  for (const [ou, kind] of KIND_BY_CA_OU) if (name.includes(ou)) return kind;
  return undefined;
}

/** Decodes the anchors once; an unlabelled anchor gets the id of the J-LIS CA it is (fingerprint) or mirrors (kind and serial). */
export function prepareTrustAnchors(inputs: readonly TrustAnchorInput[]): TrustAnchor[] {
  return inputs.map((input) => {
    const der = input instanceof Uint8Array ? input : input.certificate;
    const facts = certificateFacts(der);
    const label = input instanceof Uint8Array ? undefined : input.caId;
    const caId = label ?? caIdOfAnchor(facts);
    const keyIdentifierHex = facts.subjectKeyIdentifier === undefined ? undefined : bytesToHex(facts.subjectKeyIdentifier);
    return { der, facts, ...(caId !== undefined ? { caId } : {}), ...(keyIdentifierHex !== undefined ? { keyIdentifierHex } : {}) };
  });
}

function caIdOfAnchor(facts: CertificateFacts): JpkiCaId | undefined {
  const byFingerprint = KNOWN_JPKI_CAS.find((ca) => ca.sha256Fingerprint === facts.sha256Fingerprint);
  if (byFingerprint !== undefined) return byFingerprint.caId;
  const kind = kindOfCaName(facts.subjectName);
  return KNOWN_JPKI_CAS.find((ca) => ca.kind === kind && ca.serialHex === facts.serialHex)?.caId;
}

/**
 * The CA generation that issued `facts`: an anchor whose key identifier is the AKI key id, else a
 * J-LIS CA with that key id, else a J-LIS CA of the issuer's kind with the AKI's CA serial.
 */
export function resolveIssuerCaId(facts: CertificateFacts, anchors: readonly TrustAnchor[]): JpkiCaId | undefined {
  const aki = facts.authorityKeyIdentifier;
  const keyIdHex = aki?.keyIdentifier === undefined ? undefined : bytesToHex(aki.keyIdentifier);
  if (keyIdHex !== undefined) {
    const anchor = anchors.find((candidate) => candidate.caId !== undefined && candidate.keyIdentifierHex === keyIdHex);
    if (anchor?.caId !== undefined) return anchor.caId;
    const known = KNOWN_JPKI_CAS.find((ca) => ca.keyIdentifierHex === keyIdHex);
    if (known !== undefined) return known.caId;
  }
  const kind = kindOfCaName(facts.issuerName);
  if (aki?.authorityCertSerialNumber !== undefined && kind !== undefined) {
    const serialHex = certificateSerialHex(aki.authorityCertSerialNumber);
    return KNOWN_JPKI_CAS.find((ca) => ca.kind === kind && ca.serialHex === serialHex)?.caId;
  }
  return undefined;
}

function certificateSerialHex(serial: bigint): string {
  const hex = serial.toString(16).toUpperCase();
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}
