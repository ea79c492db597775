/** Lints a certificate against a certificate profile, in the manner of zlint / pkilint: one finding per broken rule. */
import type { Certificate } from '../../generated/asn1/index.js';
import type { ProfileCodecs } from './codecs.js';
import { checkExtensions, extensionName, type PersonalDataSeen } from './lint-extensions.js';
import {
  checkDuplicates,
  checkName,
  checkSignatureAlgorithm,
  checkTimeEncoding,
  checkVariants,
  decodeFailure,
  decodeOptional,
  Findings,
  nameText,
  publicKeyOf,
  sameName,
  signatureVerifies,
  type LintContext,
  type LintFinding,
} from './lint-findings.js';
import type { CertificateProfileData } from './profile-data.js';
import { birthMonthDay, inRenewalWindow, isBirthday, japanDate, ruleNotAfter } from './validity.js';

const V3 = 2;
const DER_NULL = [0x05, 0x00];

export function lintCertificateData(codecs: ProfileCodecs, profile: CertificateProfileData, der: Uint8Array, context: LintContext = {}): LintFinding[] {
  let certificate: Certificate;
  try {
    certificate = codecs.decodeCertificate(der);
  } catch (error) {
    return [decodeFailure(error, 'certificate')];
  }
  const findings = new Findings();
  try {
    checkCertificate(codecs, profile, certificate, der, context, findings);
  } catch (error) {
    // A rule that cannot run on a strange but decodable value is itself a finding, never a throw.
    findings.add('error', 'lint.incomplete', 'certificate', `linting stopped: ${error instanceof Error ? error.message : String(error)}`);
  }
  return findings.list;
}

function checkCertificate(codecs: ProfileCodecs, profile: CertificateProfileData, certificate: Certificate, der: Uint8Array, context: LintContext, findings: Findings): void {
  const tbs = certificate.tbsCertificate;
  const issuer = context.issuerCertificate === undefined ? undefined : decodeContext(codecs, context.issuerCertificate, 'issuerCertificate', findings);
  const variants = new Set<string>();

  if ((tbs.version ?? 0) !== profile.version - 1) findings.add('error', 'version.unexpected', 'tbsCertificate.version', `v${profile.version}, found v${(tbs.version ?? 0) + 1}`);
  checkSerialNumber(findings, tbs.serialNumber);
  checkSignatureAlgorithm(findings, profile.signatureAlgorithms, tbs.signature, certificate.signatureAlgorithm, { inner: 'tbsCertificate.signature', outer: 'signatureAlgorithm' });
  if (tbs.issuerUniqueID !== undefined || tbs.subjectUniqueID !== undefined) {
    findings.add('error', 'uniqueIdentifier.present', 'tbsCertificate.issuerUniqueID', 'no unique identifiers (RFC 5280 §4.1.2.8: conforming CAs must not generate them)');
  }

  checkName(findings, profile.issuer, tbs.issuer, 'tbsCertificate.issuer', 'issuer', variants);
  if (profile.subject === 'issuer') {
    if (!sameName(codecs, tbs.subject, tbs.issuer)) findings.add('error', 'subject.notIssuer', 'tbsCertificate.subject', `the issuer name (a self-signed CA), found ${nameText(tbs.subject)}`);
  } else {
    checkName(findings, profile.subject, tbs.subject, 'tbsCertificate.subject', 'subject', variants);
  }
  if (issuer !== undefined && !sameName(codecs, tbs.issuer, issuer.tbsCertificate.subject)) {
    findings.add('error', 'issuer.mismatch', 'tbsCertificate.issuer', `the issuer certificate's subject ${nameText(issuer.tbsCertificate.subject)}`);
  }

  checkPublicKey(codecs, profile, certificate, findings);
  checkSignature(codecs, certificate, profile.subject === 'issuer' ? certificate : issuer, findings);

  const extensions = tbs.extensions ?? [];
  checkDuplicates(findings, extensions, 'tbsCertificate.extensions', extensionName);
  const personal: PersonalDataSeen = {};
  checkExtensions(
    {
      codecs,
      findings,
      path: 'tbsCertificate.extensions',
      rules: profile.extensions,
      forbidden: profile.forbiddenExtensions,
      otherExtensions: profile.otherExtensions,
      issuerName: tbs.issuer,
      issuerCertificate: issuer ?? (profile.subject === 'issuer' ? certificate : undefined),
      subjectPublicKey: tbs.subjectPublicKeyInfo.subjectPublicKey,
      variants,
    },
    extensions,
    personal,
  );
  checkVariants(findings, variants);
  checkValidity(codecs, profile, certificate, context, issuer, personal, findings);
}

function decodeContext(codecs: ProfileCodecs, der: Uint8Array, name: string, findings: Findings): Certificate | undefined {
  const certificate = decodeOptional(() => codecs.decodeCertificate(der));
  if (certificate === undefined) findings.add('warning', 'context.undecodable', `context.${name}`, `${name} does not decode as a certificate, so the checks that need it were skipped`);
  return certificate;
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets. */
function checkSerialNumber(findings: Findings, serial: bigint): void {
  if (serial <= 0n) findings.add('error', 'serialNumber.notPositive', 'tbsCertificate.serialNumber', 'a positive serial number');
  if (serial.toString(16).length > 40) findings.add('error', 'serialNumber.tooLong', 'tbsCertificate.serialNumber', 'at most 20 octets');
}

function checkPublicKey(codecs: ProfileCodecs, profile: CertificateProfileData, certificate: Certificate, findings: Findings): void {
  const info = certificate.tbsCertificate.subjectPublicKeyInfo;
  const rule = profile.publicKey;
  const path = 'tbsCertificate.subjectPublicKeyInfo';
  if (info.algorithm.algorithm !== rule.algorithmOid) {
    findings.add('error', 'publicKey.algorithm', `${path}.algorithm.algorithm`, `${rule.algorithm} (${rule.algorithmOid}), found ${info.algorithm.algorithm}`);
    return;
  }
  const parameters = info.algorithm.parameters?.der;
  if (parameters === undefined || parameters.length !== 2 || parameters[0] !== DER_NULL[0] || parameters[1] !== DER_NULL[1]) {
    findings.add('error', 'publicKey.parameters', `${path}.algorithm.parameters`, 'NULL parameters for rsaEncryption (RFC 3279 §2.3.1)');
  }
  const key = decodeOptional(() => codecs.decodeRSAPublicKey(info.subjectPublicKey.bytes));
  if (key === undefined || info.subjectPublicKey.unusedBits !== 0) {
    findings.add('error', 'publicKey.encoding', `${path}.subjectPublicKey`, 'an RSAPublicKey (RFC 8017 A.1.1) in a whole-octet BIT STRING');
    return;
  }
  const bits = key.modulus > 0n ? key.modulus.toString(2).length : 0;
  if (bits !== rule.modulusBits) findings.add('error', 'publicKey.size', `${path}.subjectPublicKey.modulus`, `a ${rule.modulusBits}-bit modulus, found ${bits} bits`);
  if (key.publicExponent !== BigInt(rule.publicExponent)) {
    findings.add('error', 'publicKey.exponent', `${path}.subjectPublicKey.publicExponent`, `exponent ${rule.publicExponent}, found ${key.publicExponent.toString()}`);
  }
}

/** The signature verifies with the issuer's key (self-signed: the certificate's own). Skipped without an issuer. */
function checkSignature(codecs: ProfileCodecs, certificate: Certificate, signer: Certificate | undefined, findings: Findings): void {
  const signed = certificate.tbsCertificate.$der;
  if (signer === undefined || signed === undefined) return;
  const key = publicKeyOf(codecs, signer);
  if (key === undefined) {
    findings.add('warning', 'signature.unchecked', 'signature', 'an issuer key node:crypto can read, to check the signature');
    return;
  }
  const verified = signatureVerifies(certificate.signatureAlgorithm, signed, certificate.signature.bytes, key);
  if (verified === false) findings.add('error', 'signature.invalid', 'signature', "a signature that verifies with the issuer's public key");
}

function checkValidity(
  codecs: ProfileCodecs,
  profile: CertificateProfileData,
  certificate: Certificate,
  context: LintContext,
  issuer: Certificate | undefined,
  personal: PersonalDataSeen,
  findings: Findings,
): void {
  const validity = certificate.tbsCertificate.validity;
  const path = 'tbsCertificate.validity';
  checkTimeEncoding(findings, validity.notBefore, `${path}.notBefore`);
  checkTimeEncoding(findings, validity.notAfter, `${path}.notAfter`);
  const notBefore = validity.notBefore.value;
  const notAfter = validity.notAfter.value;
  if (notAfter.getTime() <= notBefore.getTime()) {
    findings.add('error', 'validity.inverted', `${path}.notAfter`, `a notAfter after notBefore ${notBefore.toISOString()}`);
    return;
  }
  const rule = profile.validity;
  const timeOfDay = notAfter.toISOString().slice(11, 19);
  if (timeOfDay !== rule.notAfterTimeOfDay) {
    findings.add('warning', 'validity.notAfterTimeOfDay', `${path}.notAfter`, `notAfter at ${rule.notAfterTimeOfDay}Z (23:59:59 Japan time), found ${timeOfDay}Z`);
  }
  const caps = validityCaps(codecs, profile, context, issuer, findings);
  for (const cap of caps) {
    if (notAfter.getTime() > cap.notAfter.getTime()) findings.add('error', cap.code, `${path}.notAfter`, `a notAfter no later than the ${cap.what}'s ${cap.notAfter.toISOString()}, found ${notAfter.toISOString()}`);
  }
  if (rule.rule === 'anniversary') {
    const limit = ruleNotAfter(rule, notBefore, undefined, false);
    if (limit !== undefined && notAfter.getTime() > limit.getTime()) {
      findings.add('error', 'validity.beyondLifetime', `${path}.notAfter`, `at most ${rule.years} years (until ${limit.toISOString()}), found ${notAfter.toISOString()}`);
    }
    return;
  }
  const dateOfBirth = context.dateOfBirth ?? personal.dateOfBirth;
  if (dateOfBirth === undefined) return;
  const birth = birthMonthDay(dateOfBirth);
  const issued = japanDate(notBefore);
  const renewal = birth !== undefined && inRenewalWindow(issued, birth);
  const limit = ruleNotAfter(rule, notBefore, dateOfBirth, renewal);
  if (limit === undefined) return;
  if (notAfter.getTime() > limit.getTime()) {
    const count = renewal ? rule.renewalBirthdays : rule.birthdays;
    findings.add('error', 'validity.beyondBirthdayLimit', `${path}.notAfter`, `no later than the ${ordinal(count)} birthday after issuance (${limit.toISOString()})${renewal ? ', renewal window' : ''}, found ${notAfter.toISOString()}`);
    return;
  }
  const endsOnCap = caps.some((cap) => cap.notAfter.getTime() === notAfter.getTime());
  const onBirthday = birth !== undefined && isBirthday(japanDate(notAfter), birth);
  if (!endsOnCap && birth !== undefined && !onBirthday) {
    findings.add('notice', 'validity.notOnBirthday', `${path}.notAfter`, `a notAfter on the holder's birthday (${String(birth.month).padStart(2, '0')}-${String(birth.day).padStart(2, '0')}) or on a limiting certificate's, found ${notAfter.toISOString()}`);
  }
}

interface ValidityCap {
  readonly notAfter: Date;
  readonly code: string;
  readonly what: string;
}

function validityCaps(codecs: ProfileCodecs, profile: CertificateProfileData, context: LintContext, issuer: Certificate | undefined, findings: Findings): ValidityCap[] {
  const caps: ValidityCap[] = [];
  for (const limit of profile.validity.limits) {
    if (limit === 'issuer' && issuer !== undefined) caps.push({ notAfter: issuer.tbsCertificate.validity.notAfter.value, code: 'validity.beyondIssuer', what: 'issuer certificate' });
    if (limit === 'cardCertificate' && context.cardCertificate !== undefined) {
      const card = decodeContext(codecs, context.cardCertificate, 'cardCertificate', findings);
      if (card !== undefined) caps.push({ notAfter: card.tbsCertificate.validity.notAfter.value, code: 'validity.beyondCard', what: 'card certificate' });
    }
    if (limit === 'authentication' && context.authenticationCertificate !== undefined) {
      const authentication = decodeContext(codecs, context.authenticationCertificate, 'authenticationCertificate', findings);
      if (authentication !== undefined) caps.push({ notAfter: authentication.tbsCertificate.validity.notAfter.value, code: 'validity.beyondAuthentication', what: 'authentication certificate' });
    }
  }
  return caps;
}

function ordinal(n: number): string {
  return `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;
}
