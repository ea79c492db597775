/**
 * Binds profile data to the generated codecs: the functions generated/profiles exports, with the
 * profile looked up by name. Unknown names are typed errors, never undefined behaviour.
 */
import type { Extension, Name } from '../../generated/asn1/index.js';
import type { ProfileCodecs } from './codecs.js';
import { buildName, ProfileTemplateError, type NameInputs } from './names.js';
import type { CertificateProfileData, CrlProfileData, NameRule, OcspResponseProfileData, ProfileData } from './profile-data.js';
import { lintCertificateData } from './lint-certificate.js';
import type { LintContext, LintFinding } from './lint-findings.js';
import { lintCertificateListData, lintOcspResponseData } from './lint-revocation.js';
import { buildCertificateExtensions, type CertificateTemplateInputs } from './templates.js';
import { computeValidity, type ValidityInputs } from './validity.js';

export interface ProfileEngine {
  certificateProfile(name: string): CertificateProfileData;
  crlProfile(name: string): CrlProfileData;
  ocspResponseProfile(name: string): OcspResponseProfileData;
  certificateExtensions(profile: string, inputs: CertificateTemplateInputs): Extension[];
  certificateValidity(profile: string, inputs: ValidityInputs): { notBefore: Date; notAfter: Date };
  subjectName(profile: string, inputs: NameInputs): Name;
  issuerName(profile: string, inputs: NameInputs): Name;
  crlDistributionPointName(profile: string, inputs: NameInputs): Name;
  lintCertificate(der: Uint8Array, profile: string, context?: LintContext): LintFinding[];
  lintCertificateList(der: Uint8Array, profile: string, context?: LintContext): LintFinding[];
  lintOcspResponse(der: Uint8Array, profile: string, context?: LintContext): LintFinding[];
  /** The certificate profile whose policy the certificate carries, else the CA profile when it is a CA. */
  selectCertificateProfile(der: Uint8Array): string | undefined;
  readonly codecs: ProfileCodecs;
}

export function createProfileEngine(codecs: ProfileCodecs, profiles: Readonly<Record<string, ProfileData>>): ProfileEngine {
  const lookup = <K extends ProfileData['kind']>(name: string, kind: K): Extract<ProfileData, { kind: K }> => {
    const profile = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
    if (profile === undefined || profile.kind !== kind) {
      const known = Object.values(profiles).filter((entry) => entry.kind === kind).map((entry) => entry.name);
      throw new ProfileTemplateError('PROFILE_UNKNOWN', name, `not a ${kind} profile; known: ${known.join(', ')}`);
    }
    return profile as Extract<ProfileData, { kind: K }>;
  };
  const certificateProfile = (name: string) => lookup(name, 'certificate');
  return {
    codecs,
    lintCertificate: (der, name, context) => lintCertificateData(codecs, certificateProfile(name), der, context),
    lintCertificateList: (der, name, context) => lintCertificateListData(codecs, lookup(name, 'crl'), der, context),
    lintOcspResponse: (der, name, context) => lintOcspResponseData(codecs, lookup(name, 'ocspResponse'), der, context),
    selectCertificateProfile: (der) => selectProfile(codecs, Object.values(profiles), der),
    certificateProfile,
    crlProfile: (name) => lookup(name, 'crl'),
    ocspResponseProfile: (name) => lookup(name, 'ocspResponse'),
    certificateExtensions: (name, inputs) => buildCertificateExtensions(codecs, certificateProfile(name), inputs),
    certificateValidity: (name, inputs) => computeValidity(name, certificateProfile(name).validity, inputs),
    subjectName: (name, inputs) => {
      const profile = certificateProfile(name);
      return buildName(name, profile.subject === 'issuer' ? profile.issuer : profile.subject, inputs);
    },
    issuerName: (name, inputs) => buildName(name, certificateProfile(name).issuer, inputs),
    crlDistributionPointName: (name, inputs) => {
      const profile = certificateProfile(name);
      const rule = profile.extensions.find((extension) => extension.value.kind === 'crlDistributionPoints')?.value;
      if (rule?.kind !== 'crlDistributionPoints') throw new ProfileTemplateError('PROFILE_INPUT_INVALID', name, 'the profile has no cRLDistributionPoints');
      const nameRule: NameRule = rule.directoryName === 'issuer' ? profile.issuer : rule.directoryName;
      return buildName(name, nameRule, inputs);
    },
  };
}

const ID_CE_CERTIFICATE_POLICIES = '2.5.29.32';
const ID_CE_BASIC_CONSTRAINTS = '2.5.29.19';

function selectProfile(codecs: ProfileCodecs, profiles: readonly ProfileData[], der: Uint8Array): string | undefined {
  let extensions;
  try {
    extensions = codecs.decodeCertificate(der).tbsCertificate.extensions ?? [];
  } catch {
    return undefined;
  }
  const certificates = profiles.filter((profile): profile is CertificateProfileData => profile.kind === 'certificate');
  const policies = (extensions.find((extension) => extension.extnID === ID_CE_CERTIFICATE_POLICIES)?.extnValue.value as { policyIdentifier: string }[] | undefined) ?? [];
  for (const policy of policies) {
    const match = certificates.find((profile) => profile.selector.policies.includes(policy.policyIdentifier));
    if (match !== undefined) return match.name;
  }
  const constraints = extensions.find((extension) => extension.extnID === ID_CE_BASIC_CONSTRAINTS)?.extnValue.value as { cA?: boolean } | undefined;
  if (constraints?.cA === true) return certificates.find((profile) => profile.selector.ca)?.name;
  return undefined;
}
