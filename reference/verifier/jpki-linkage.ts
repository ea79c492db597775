/**
 * Old/new linkage (新旧紐付け情報, linkage-record.yaml): from a certificate serial to the holder's
 * current certificate, following renewals and reissues (and, from a smartphone certificate, its
 * replacements on new devices). Records come as JSON LinkageRecords or as a CA-signed LinkageList
 * (DER, spec/asn1 jpki-linkage.asn), whose signature is checked when the issuing CA is given.
 */
import { decodeLinkageList, type LinkageList as LinkageListDer } from '../../generated/asn1/index.js';
import type { LinkageRecord } from '../../generated/messages/types.js';
import { certificateFacts, formatName, serialToHex } from './certificate-facts.js';
import { VerifierError } from './errors.js';
import { verifySignature } from './signature.js';

export type LinkageReason = LinkageRecord['reason'];

/** One link, serials as uppercase hex (CertificateSerial). */
export interface LinkageStep {
  readonly oldSerial: string;
  readonly newSerial: string;
  readonly reason: LinkageReason;
  readonly linkedAt: Date;
}

export interface LinkageResolution {
  /** The serial asked about. */
  readonly from: string;
  /** The holder's current certificate serial (`from` itself when nothing follows it). */
  readonly current: string;
  /** The links followed, oldest first. */
  readonly steps: readonly LinkageStep[];
  /** Smartphone certificates issued from a card certificate on the way (mobileIssued links). */
  readonly mobileIssued: readonly LinkageStep[];
}

/** Which links move the holder to a successor: a smartphone certificate issued from a card certificate is a second certificate, not a successor. */
const SUCCESSION: ReadonlySet<LinkageReason> = new Set(['renewal', 'reissue', 'mobileReplaced']);

export function linkageStepsOf(records: readonly LinkageRecord[]): LinkageStep[] {
  return records.map((record) => ({ oldSerial: normalizeSerial(record.oldSerial), newSerial: normalizeSerial(record.newSerial), reason: record.reason, linkedAt: new Date(record.linkedAt) }));
}

/**
 * Follows succession links from `serial` to the newest. Several successors of one serial: the
 * latest link wins (a later reissue supersedes an earlier one). A serial met twice is a loop:
 * VerifierError('linkageLoop').
 */
export function followLinkage(steps: readonly LinkageStep[], serial: string): LinkageResolution {
  const from = normalizeSerial(serial);
  const successors = new Map<string, LinkageStep[]>();
  const issuedMobile = new Map<string, LinkageStep[]>();
  for (const step of steps) {
    const table = SUCCESSION.has(step.reason) ? successors : issuedMobile;
    const list = table.get(step.oldSerial) ?? [];
    list.push(step);
    table.set(step.oldSerial, list);
  }
  const visited = new Set<string>([from]);
  const followed: LinkageStep[] = [];
  const mobileIssued: LinkageStep[] = [...(issuedMobile.get(from) ?? [])];
  let current = from;
  for (;;) {
    const candidates = successors.get(current);
    if (candidates === undefined || candidates.length === 0) break;
    const next = candidates.reduce((latest, candidate) => (candidate.linkedAt.getTime() > latest.linkedAt.getTime() ? candidate : latest));
    if (visited.has(next.newSerial)) {
      throw new VerifierError('linkageLoop', `linkage loops: ${[...followed.map((step) => step.oldSerial), current, next.newSerial].join(' → ')}`);
    }
    visited.add(next.newSerial);
    followed.push(next);
    current = next.newSerial;
    mobileIssued.push(...(issuedMobile.get(current) ?? []));
  }
  return { from, current, steps: followed, mobileIssued };
}

export interface DecodedLinkageList {
  readonly issuerName: string;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly steps: readonly LinkageStep[];
}

/**
 * A CA-signed LinkageList (DER). With `issuerCertificate` the signature is verified with its key
 * (sha256WithRSAEncryption, as the JPKI CAs sign) and the list's issuer must be its subject.
 */
export function readLinkageList(der: Uint8Array, issuerCertificate?: Uint8Array): DecodedLinkageList {
  let list: LinkageListDer;
  try {
    list = decodeLinkageList(der);
  } catch (error) {
    throw new VerifierError('invalidLinkageList', `not a DER LinkageList: ${(error as Error).message}`, { cause: error });
  }
  const tbs = list.tbsLinkageList;
  const issuerName = formatName(tbs.issuer);
  if (issuerCertificate !== undefined) checkLinkageSignature(list, issuerName, issuerCertificate);
  const steps: LinkageStep[] = [];
  for (const record of tbs.records) {
    if (typeof record.reason === 'number') throw new VerifierError('invalidLinkageList', `unknown linkage reason ${record.reason}`);
    steps.push({ oldSerial: serialToHex(record.oldSerialNumber), newSerial: serialToHex(record.newSerialNumber), reason: record.reason, linkedAt: record.linkedAt });
  }
  return { issuerName, thisUpdate: tbs.thisUpdate, ...(tbs.nextUpdate !== undefined ? { nextUpdate: tbs.nextUpdate } : {}), steps };
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

function checkLinkageSignature(list: LinkageListDer, issuerName: string, issuerCertificate: Uint8Array): void {
  const issuer = certificateFacts(issuerCertificate);
  if (issuer.subjectName !== issuerName) throw new VerifierError('invalidLinkageList', `the list's issuer (${issuerName}) is not the CA certificate's subject (${issuer.subjectName})`);
  if (list.signatureAlgorithm.algorithm !== SHA256_WITH_RSA) throw new VerifierError('invalidLinkageList', `the list is signed with ${list.signatureAlgorithm.algorithm}, not sha256WithRSAEncryption`);
  const signed = list.tbsLinkageList.$der;
  if (signed === undefined || list.signature.unusedBits !== 0) throw new VerifierError('invalidLinkageList', 'the signed part or the signature is not available as whole octets');
  const verdict = verifySignature({ publicKey: issuerCertificate, data: signed, signature: list.signature.bytes, algorithm: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' });
  if (!verdict.valid) throw new VerifierError('invalidLinkageList', `the list's signature does not verify with the CA key (${verdict.reason})`);
}

function normalizeSerial(serial: string): string {
  if (!/^[0-9A-Fa-f]+$/u.test(serial)) throw new VerifierError('invalidInput', `a certificate serial is hex digits, not '${serial.slice(0, 40)}'`);
  return serialToHex(BigInt(`0x${serial}`));
}
