/**
 * CRLs decoded once with the generated codec (revoked entries lazily: a CRL can hold millions)
 * and indexed by serial number on first look-up; cached by content hash.
 */
import {
  decodeCertificateList,
  type AlgorithmIdentifier,
  type CertificateList,
  type Extension,
  type Name,
  type TBSCertListRevokedCertificatesItem,
} from '../../../generated/asn1/pkix1-explicit88.js';
import type { CRLReason, GeneralNames, IssuingDistributionPoint } from '../../../generated/asn1/pkix1-implicit88.js';
import { ContentCache } from './bounded-cache.js';
import { nameKey, type NameKey } from './names.js';
import { contentHash } from './parsed-certificate.js';

export const CRL_EXT = {
  cRLNumber: '2.5.29.20',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  authorityKeyIdentifier: '2.5.29.35',
  freshestCRL: '2.5.29.46',
  issuerAltName: '2.5.29.18',
} as const;
const ENTRY_EXT = { reasonCode: '2.5.29.21', invalidityDate: '2.5.29.24', certificateIssuer: '2.5.29.29', holdInstructionCode: '2.5.29.23' } as const;
const RECOGNISED_CRL_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(CRL_EXT));
const RECOGNISED_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(ENTRY_EXT));

export interface RevokedEntry {
  readonly revocationDate: Date;
  readonly reason: CRLReason | undefined;
}

export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly tbsDer: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signatureValue: Uint8Array;
  readonly signatureMalformed: boolean;
  readonly issuer: Name;
  readonly issuerKey: NameKey;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly crlNumber: bigint | undefined;
  /** Set on a delta CRL: the cRLNumber of the complete CRL it builds on. */
  readonly baseCrlNumber: bigint | undefined;
  readonly issuingDistributionPoint: IssuingDistributionPoint | undefined;
  readonly issuingDistributionPointDer: Uint8Array | undefined;
  /** An unrecognised critical CRL or entry extension: §6.3.3 forbids using such a CRL. */
  readonly unusableBecause: string | undefined;
  /** `certificateIssuer` is the issuer's NameKey as JSON text (ParsedCertificate.issuerKeyText). */
  readonly lookUp: (certificateIssuer: string, serialNumber: bigint) => RevokedEntry | undefined;
  /** Signature verdicts under candidate signer certificates, keyed by the signer object. */
  readonly verdictsBySigner: WeakMap<object, boolean>;
}

function findExtension(extensions: readonly Extension[] | undefined, oid: string): Extension | undefined {
  return extensions?.find((extension) => extension.extnID === oid);
}

function issuerKeyText(key: NameKey): string {
  return JSON.stringify(key);
}

/**
 * Entries keyed by (certificate issuer, serial). In an indirect CRL a certificateIssuer entry
 * extension names the issuer of that entry and of the entries after it (RFC 5280 §5.3.3); in any
 * other CRL every entry belongs to the CRL issuer.
 */
function buildIndex(list: CertificateList, crlIssuer: NameKey, indirect: boolean): { index: Map<string, RevokedEntry>; unusable: string | undefined } {
  const index = new Map<string, RevokedEntry>();
  let unusable: string | undefined;
  let entryIssuer = issuerKeyText(crlIssuer);
  for (const entry of (list.tbsCertList.revokedCertificates ?? []) as Iterable<TBSCertListRevokedCertificatesItem>) {
    let reason: CRLReason | undefined;
    for (const extension of entry.crlEntryExtensions ?? []) {
      if (extension.extnID === ENTRY_EXT.reasonCode) reason = extension.extnValue.value as CRLReason | undefined;
      else if (extension.extnID === ENTRY_EXT.certificateIssuer) {
        const names = (extension.extnValue.value as GeneralNames | undefined) ?? [];
        const directoryName = names.find((name) => name.type === 'directoryName');
        if (!indirect) unusable = 'a CRL that is not indirect names a certificateIssuer';
        else if (directoryName?.type === 'directoryName') entryIssuer = issuerKeyText(nameKey(directoryName.value));
        else unusable = 'a certificateIssuer entry extension without a directoryName';
      } else if (extension.critical === true && !RECOGNISED_ENTRY_EXTENSIONS.has(extension.extnID)) unusable = `critical CRL entry extension ${extension.extnID}`;
    }
    index.set(`${entryIssuer}|${entry.userCertificate}`, { revocationDate: entry.revocationDate.value, reason });
  }
  return { index, unusable };
}

function buildParsedCrl(der: Uint8Array): ParsedCrl | Error {
  let list: CertificateList;
  try {
    list = decodeCertificateList(der, { lazy: ['TBSCertList.revokedCertificates'] });
  } catch (error) {
    return error as Error;
  }
  const tbs = list.tbsCertList;
  if (tbs.$der === undefined) return new Error('the codec kept no tbsCertList bytes');
  const extensions = tbs.crlExtensions;
  let unusable: string | undefined;
  for (const extension of extensions ?? []) {
    if (extension.critical === true && !RECOGNISED_CRL_EXTENSIONS.has(extension.extnID)) unusable = `critical CRL extension ${extension.extnID}`;
  }
  const idp = findExtension(extensions, CRL_EXT.issuingDistributionPoint);
  const issuerKey = nameKey(tbs.issuer);
  const idpValue = idp?.extnValue.value as IssuingDistributionPoint | undefined;
  let index: Map<string, RevokedEntry> | undefined;
  const indexed = (): Map<string, RevokedEntry> => {
    if (index === undefined) {
      const built = buildIndex(list, issuerKey, idpValue?.indirectCRL === true);
      index = built.index;
      entryProblem = built.unusable;
    }
    return index;
  };
  let entryProblem: string | undefined;
  try {
    indexed();
  } catch (error) {
    return error as Error;
  }
  return {
    der,
    tbsDer: tbs.$der,
    signatureAlgorithm: list.signatureAlgorithm,
    signatureValue: list.signature.bytes,
    signatureMalformed: list.signature.unusedBits !== 0,
    issuer: tbs.issuer,
    issuerKey,
    thisUpdate: tbs.thisUpdate.value,
    nextUpdate: tbs.nextUpdate?.value,
    crlNumber: findExtension(extensions, CRL_EXT.cRLNumber)?.extnValue.value as bigint | undefined,
    baseCrlNumber: findExtension(extensions, CRL_EXT.deltaCRLIndicator)?.extnValue.value as bigint | undefined,
    issuingDistributionPoint: idpValue,
    issuingDistributionPointDer: idp?.extnValue.der,
    unusableBecause: unusable ?? entryProblem,
    verdictsBySigner: new WeakMap(),
    lookUp: (certificateIssuer, serialNumber) => indexed().get(`${certificateIssuer}|${serialNumber}`),
  };
}

const crlCache = new ContentCache<ParsedCrl | Error>(256, contentHash);

/** The decoded CRL, or the Error that says why it does not decode. */
export function parseCrl(der: Uint8Array): ParsedCrl | Error {
  return crlCache.get(der, buildParsedCrl);
}
