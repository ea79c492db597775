/** Lints CRLs and OCSP responses against their (modelled) profiles. */
import { createHash } from 'node:crypto';
import type { BasicOCSPResponse, Certificate, CertificateList, CRLReason, Extension, OCSPResponse } from '../../generated/asn1/index.js';
import type { ProfileCodecs } from './codecs.js';
import { checkExtensions, extensionName } from './lint-extensions.js';
import {
  checkDuplicates,
  checkName,
  checkSignatureAlgorithm,
  checkTimeEncoding,
  checkVariants,
  decodeFailure,
  decodeOptional,
  equalBytes,
  Findings,
  nameText,
  publicKeyOf,
  sameName,
  signatureVerifies,
  type LintContext,
  type LintFinding,
} from './lint-findings.js';
import type { CrlProfileData, OcspResponseProfileData } from './profile-data.js';
import { keyIdentifierOf } from './templates.js';

const V2 = 1;
const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const ID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const ID_CE_EXT_KEY_USAGE = '2.5.29.37';
const ID_CE_BASIC_CONSTRAINTS = '2.5.29.19';
const ID_CE_REASON_CODE = '2.5.29.21';
const SHA1 = '1.3.14.3.2.26';
const SHA256 = '2.16.840.1.101.3.4.2.1';
/** Tolerated clock difference between the responder's producedAt and thisUpdate. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

function guarded(findings: Findings, what: string, check: () => void): LintFinding[] {
  try {
    check();
  } catch (error) {
    findings.add('error', 'lint.incomplete', what, `linting stopped: ${error instanceof Error ? error.message : String(error)}`);
  }
  return findings.list;
}

export function lintCertificateListData(codecs: ProfileCodecs, profile: CrlProfileData, der: Uint8Array, context: LintContext = {}): LintFinding[] {
  let crl: CertificateList;
  try {
    crl = codecs.decodeCertificateList(der);
  } catch (error) {
    return [decodeFailure(error, 'certificateList')];
  }
  const findings = new Findings();
  return guarded(findings, 'certificateList', () => checkCertificateList(codecs, profile, crl, context, findings));
}

function checkCertificateList(codecs: ProfileCodecs, profile: CrlProfileData, crl: CertificateList, context: LintContext, findings: Findings): void {
  const tbs = crl.tbsCertList;
  const issuer = context.issuerCertificate === undefined ? undefined : decodeOptional(() => codecs.decodeCertificate(context.issuerCertificate as Uint8Array));
  const variants = new Set<string>();
  if ((tbs.version ?? 0) !== profile.version - 1) findings.add('error', 'version.unexpected', 'tbsCertList.version', `v${profile.version}, found v${(tbs.version ?? 0) + 1}`);
  checkSignatureAlgorithm(findings, profile.signatureAlgorithms, tbs.signature, crl.signatureAlgorithm, { inner: 'tbsCertList.signature', outer: 'signatureAlgorithm' });
  checkName(findings, profile.issuer, tbs.issuer, 'tbsCertList.issuer', 'issuer', variants);
  checkVariants(findings, variants);
  if (issuer !== undefined) {
    if (!sameName(codecs, tbs.issuer, issuer.tbsCertificate.subject)) findings.add('error', 'issuer.mismatch', 'tbsCertList.issuer', `the issuer certificate's subject ${nameText(issuer.tbsCertificate.subject)}`);
    const key = publicKeyOf(codecs, issuer);
    if (key !== undefined && tbs.$der !== undefined && signatureVerifies(crl.signatureAlgorithm, tbs.$der, crl.signature.bytes, key) === false) {
      findings.add('error', 'signature.invalid', 'signature', "a signature that verifies with the issuer's public key");
    }
  }
  checkTimeEncoding(findings, tbs.thisUpdate, 'tbsCertList.thisUpdate');
  if (tbs.nextUpdate === undefined) {
    findings.add('error', 'nextUpdate.missing', 'tbsCertList.nextUpdate', 'a nextUpdate (RFC 5280 §5.1.2.5: conforming CAs include it)');
  } else {
    checkTimeEncoding(findings, tbs.nextUpdate, 'tbsCertList.nextUpdate');
    const interval = (tbs.nextUpdate.value.getTime() - tbs.thisUpdate.value.getTime()) / 1000;
    if (interval <= 0) findings.add('error', 'nextUpdate.beforeThisUpdate', 'tbsCertList.nextUpdate', 'a nextUpdate after thisUpdate');
    else if (interval > profile.maxUpdateIntervalSeconds) findings.add('warning', 'nextUpdate.interval', 'tbsCertList.nextUpdate', `at most ${profile.maxUpdateIntervalSeconds} s after thisUpdate, found ${interval} s`);
  }
  const extensions = tbs.crlExtensions ?? [];
  checkDuplicates(findings, extensions, 'tbsCertList.crlExtensions', extensionName);
  checkExtensions(
    {
      codecs,
      findings,
      path: 'tbsCertList.crlExtensions',
      rules: profile.extensions,
      forbidden: [],
      otherExtensions: profile.otherExtensions,
      issuerName: tbs.issuer,
      issuerCertificate: issuer,
      variants,
    },
    extensions,
    {},
  );
  checkEntries(profile, crl, findings);
}

function checkEntries(profile: CrlProfileData, crl: CertificateList, findings: Findings): void {
  const serials = new Set<bigint>();
  const allowedExtensions = new Set(profile.entryExtensions.map((entry) => entry.oid));
  let index = 0;
  for (const entry of crl.tbsCertList.revokedCertificates ?? []) {
    const path = `tbsCertList.revokedCertificates[${index}]`;
    if (serials.has(entry.userCertificate)) findings.add('error', 'entry.duplicateSerial', `${path}.userCertificate`, `each serial once, ${entry.userCertificate.toString(16)} repeats`);
    serials.add(entry.userCertificate);
    checkTimeEncoding(findings, entry.revocationDate, `${path}.revocationDate`);
    if (entry.revocationDate.value.getTime() > crl.tbsCertList.thisUpdate.value.getTime()) {
      findings.add('error', 'entry.revocationDateAfterThisUpdate', `${path}.revocationDate`, `a revocation date no later than thisUpdate ${crl.tbsCertList.thisUpdate.value.toISOString()}`);
    }
    for (const extension of entry.crlEntryExtensions ?? []) {
      const extensionPath = `${path}.crlEntryExtensions[${extensionName(extension.extnID)}]`;
      if (!allowedExtensions.has(extension.extnID)) findings.add('error', 'entry.extensionUnexpected', extensionPath, `only ${profile.entryExtensions.map((allowed) => allowed.name).join(', ')}`);
      if (extension.critical === true) findings.add('error', 'entry.extensionCritical', `${extensionPath}.critical`, 'non-critical entry extensions (RFC 5280 §5.3)');
      if (extension.extnID === ID_CE_REASON_CODE) checkReason(profile, extension, extensionPath, findings);
    }
    index += 1;
  }
}

function checkReason(profile: CrlProfileData, extension: Extension, path: string, findings: Findings): void {
  const reason = extension.extnValue.value as CRLReason | undefined;
  if (reason === undefined || !profile.entryReasons.includes(reason)) {
    findings.add('error', 'entry.reasonCode.unexpected', `${path}.extnValue`, `one of ${profile.entryReasons.join(', ')}, found ${reason ?? 'an undecodable reason'}`);
  }
  // RFC 5280 §5.3.1: the reason code unspecified SHOULD be absent rather than present.
  if (reason === 'unspecified') findings.add('notice', 'entry.reasonCode.unspecified', `${path}.extnValue`, 'no reasonCode entry for unspecified (RFC 5280 §5.3.1)');
}

export function lintOcspResponseData(codecs: ProfileCodecs, profile: OcspResponseProfileData, der: Uint8Array, context: LintContext = {}): LintFinding[] {
  let response: OCSPResponse;
  try {
    response = codecs.decodeOCSPResponse(der);
  } catch (error) {
    return [decodeFailure(error, 'ocspResponse')];
  }
  const findings = new Findings();
  return guarded(findings, 'ocspResponse', () => checkOcspResponse(codecs, profile, response, context, findings));
}

function checkOcspResponse(codecs: ProfileCodecs, profile: OcspResponseProfileData, response: OCSPResponse, context: LintContext, findings: Findings): void {
  if (response.responseStatus !== 'successful') {
    if (response.responseBytes !== undefined) findings.add('error', 'responseBytes.unexpected', 'responseBytes', `no responseBytes with status ${response.responseStatus} (RFC 6960 §4.2.1)`);
    else findings.add('notice', 'responseStatus.notSuccessful', 'responseStatus', `an error response (${response.responseStatus}): nothing else to check`);
    return;
  }
  const bytes = response.responseBytes;
  if (bytes === undefined) {
    findings.add('error', 'responseBytes.missing', 'responseBytes', 'responseBytes in a successful response');
    return;
  }
  if (bytes.responseType !== ID_PKIX_OCSP_BASIC || !profile.responseTypes.includes('basic')) {
    findings.add('error', 'responseType.unexpected', 'responseBytes.responseType', `id-pkix-ocsp-basic, found ${bytes.responseType}`);
    return;
  }
  const basic = bytes.response.value as BasicOCSPResponse | undefined;
  if (basic === undefined) {
    findings.add('error', 'decode.failed', 'responseBytes.response', 'a BasicOCSPResponse');
    return;
  }
  const data = basic.tbsResponseData;
  const issuer = context.issuerCertificate === undefined ? undefined : decodeOptional(() => codecs.decodeCertificate(context.issuerCertificate as Uint8Array));
  checkSignatureAlgorithm(findings, profile.signatureAlgorithms, undefined, basic.signatureAlgorithm, { outer: 'basicOCSPResponse.signatureAlgorithm' });
  if ((data.version ?? 0) !== 0) findings.add('error', 'version.unexpected', 'tbsResponseData.version', `v1, found v${(data.version ?? 0) + 1}`);
  if (!profile.responderId.includes(data.responderID.type)) findings.add('error', 'responderId.type', 'tbsResponseData.responderID', `${profile.responderId.join(' or ')}, found ${data.responderID.type}`);
  const signer = checkResponder(codecs, basic, issuer, findings);
  if (signer !== undefined && data.$der !== undefined) {
    const key = publicKeyOf(codecs, signer.certificate);
    if (key !== undefined && signatureVerifies(basic.signatureAlgorithm, data.$der, basic.signature.bytes, key) === false) {
      findings.add('error', 'signature.invalid', 'basicOCSPResponse.signature', `a signature that verifies with the ${signer.what}'s public key`);
    }
  }
  data.responses.forEach((single, index) => {
    const path = `tbsResponseData.responses[${index}]`;
    if (single.thisUpdate.getTime() > data.producedAt.getTime() + CLOCK_SKEW_MS) findings.add('error', 'response.thisUpdateAfterProducedAt', `${path}.thisUpdate`, `a thisUpdate no later than producedAt ${data.producedAt.toISOString()}`);
    if (single.nextUpdate === undefined) {
      findings.add('warning', 'response.nextUpdate.missing', `${path}.nextUpdate`, 'a nextUpdate (the responder refreshes its data on a schedule)');
    } else {
      const interval = (single.nextUpdate.getTime() - single.thisUpdate.getTime()) / 1000;
      if (interval <= 0) findings.add('error', 'response.nextUpdate.beforeThisUpdate', `${path}.nextUpdate`, 'a nextUpdate after thisUpdate');
      else if (interval > profile.maxUpdateIntervalSeconds) findings.add('warning', 'response.nextUpdate.interval', `${path}.nextUpdate`, `at most ${profile.maxUpdateIntervalSeconds} s after thisUpdate, found ${interval} s`);
    }
    const hash = single.certID.hashAlgorithm.algorithm;
    if (hash !== SHA1 && hash !== SHA256) findings.add('notice', 'response.certId.hashAlgorithm', `${path}.certID.hashAlgorithm`, `SHA-1 or SHA-256, found ${hash}`);
    if (issuer !== undefined && (hash === SHA1 || hash === SHA256)) checkCertId(codecs, single.certID, issuer, hash === SHA1 ? 'sha1' : 'sha256', `${path}.certID`, findings);
    for (const extension of single.singleExtensions ?? []) {
      findings.add(profile.otherExtensions, 'response.extensionUnexpected', `${path}.singleExtensions[${extensionName(extension.extnID)}]`, 'no single-response extensions');
    }
  });
  const extensions = data.responseExtensions ?? [];
  checkDuplicates(findings, extensions, 'tbsResponseData.responseExtensions', extensionName);
  checkExtensions(
    { codecs, findings, path: 'tbsResponseData.responseExtensions', rules: profile.extensions, forbidden: [], otherExtensions: profile.otherExtensions, issuerName: issuer?.tbsCertificate.subject ?? { type: 'rdnSequence', value: [] }, issuerCertificate: issuer, variants: new Set() },
    extensions,
    {},
  );
}

/** The included certificate is the CA itself: the given issuer, or (without one) a self-issued CA certificate, as JPKI's single-tier CAs are. */
function isTheCa(codecs: ProfileCodecs, included: Certificate, issuer: Certificate | undefined): boolean {
  const tbs = included.tbsCertificate;
  if (issuer !== undefined) {
    return sameName(codecs, tbs.subject, issuer.tbsCertificate.subject) && equalBytes(tbs.subjectPublicKeyInfo.subjectPublicKey.bytes, issuer.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey.bytes);
  }
  const constraints = tbs.extensions?.find((extension) => extension.extnID === ID_CE_BASIC_CONSTRAINTS)?.extnValue.value as { cA?: boolean } | undefined;
  return constraints?.cA === true && sameName(codecs, tbs.subject, tbs.issuer);
}

/** Who signed: a delegated responder certificate in `certs` (issued by the CA, with id-kp-OCSPSigning), else the CA itself. */
function checkResponder(codecs: ProfileCodecs, basic: BasicOCSPResponse, issuer: Certificate | undefined, findings: Findings): { certificate: Certificate; what: string } | undefined {
  const responderId = basic.tbsResponseData.responderID;
  // A CA signing its own responses may include its certificate; only another certificate is a delegate.
  const included = basic.certs?.[0];
  const delegated = included === undefined || isTheCa(codecs, included, issuer) ? undefined : included;
  const signer = delegated ?? issuer ?? included;
  if (signer === undefined) return undefined;
  const matches =
    responderId.type === 'byKey'
      ? equalBytes(responderId.value, keyIdentifierOf(signer.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey))
      : sameName(codecs, responderId.value, signer.tbsCertificate.subject);
  if (!matches) findings.add('error', 'responderId.mismatch', 'tbsResponseData.responderID', `the ${delegated === undefined ? 'CA' : 'responder certificate'} (${nameText(signer.tbsCertificate.subject)})`);
  if (delegated !== undefined) {
    const eku = delegated.tbsCertificate.extensions?.find((extension) => extension.extnID === ID_CE_EXT_KEY_USAGE)?.extnValue.value as string[] | undefined;
    if (eku?.includes(ID_KP_OCSP_SIGNING) !== true) findings.add('error', 'responder.ocspSigningMissing', 'basicOCSPResponse.certs[0]', 'id-kp-OCSPSigning in the responder certificate (RFC 6960 §4.2.2.2)');
    if (issuer !== undefined && !sameName(codecs, delegated.tbsCertificate.issuer, issuer.tbsCertificate.subject)) {
      findings.add('error', 'responder.notIssuedByCa', 'basicOCSPResponse.certs[0].tbsCertificate.issuer', 'a responder certificate issued by the CA');
    }
    return { certificate: delegated, what: 'responder certificate' };
  }
  return { certificate: signer, what: 'CA' };
}

function checkCertId(codecs: ProfileCodecs, certId: { issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array }, issuer: Certificate, hash: 'sha1' | 'sha256', path: string, findings: Findings): void {
  const nameHash = new Uint8Array(createHash(hash).update(codecs.encodeName(issuer.tbsCertificate.subject)).digest());
  const keyHash = new Uint8Array(createHash(hash).update(issuer.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey.bytes).digest());
  if (!equalBytes(certId.issuerNameHash, nameHash) || !equalBytes(certId.issuerKeyHash, keyHash)) {
    findings.add('error', 'response.certId.issuerMismatch', path, `issuerNameHash and issuerKeyHash of ${nameText(issuer.tbsCertificate.subject)} (RFC 6960 §4.1.1)`);
  }
}
