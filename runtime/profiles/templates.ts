/**
 * Certificate templates driven by profile data: the extensions a profile prescribes, in its order,
 * with its criticality and fixed values, filled from the subject key, the issuer certificate and
 * the holder's data. The CA signs what it builds from these; the linter checks the same rules.
 */
import { createHash } from 'node:crypto';
import type { BitString } from '../der/index.js';
import type { BasicFourInfo } from '../../generated/messages/types.js';
import type { Certificate, Extension, GeneralName, Name } from '../../generated/asn1/index.js';
import type { ProfileCodecs } from './codecs.js';
import { buildName, ProfileTemplateError } from './names.js';
import type { CertificateProfileData, ExtensionRule, ExtensionValueRule } from './profile-data.js';

export interface CertificateTemplateInputs {
  /** SubjectPublicKeyInfo DER of the subject. */
  readonly subjectPublicKeyInfo: Uint8Array;
  /** Issuer certificate DER: its key identifier, name and serial fill the AKI; absent for a self-signed CA. */
  readonly issuerCertificate?: Uint8Array;
  /** DER of the Name the CRL distribution point names (the municipality's CRLDP, or the CA's own DN for the ARL). */
  readonly crlDistributionPoint?: Uint8Array;
  /** Signature profiles: the 基本4情報 written into the subjectAltName. */
  readonly personalData?: BasicFourInfo;
  /** Overrides the profile's OCSP URL. */
  readonly ocspUrl?: string;
  /** Profiles with variants (jpkiCa): `authentication` or `signature`. */
  readonly variant?: string;
}

const ID_QT_CPS = '1.3.6.1.5.5.7.2.1';
const ID_AD_OCSP = '1.3.6.1.5.5.7.48.1';

/** Which BasicFourInfo field each JPKI personal-data otherName carries (jpki.md §2.3). */
const PERSONAL_DATA_FIELDS: Readonly<Record<string, keyof BasicFourInfo>> = {
  '1.2.392.200149.8.5.5.1': 'name',
  '1.2.392.200149.8.5.5.2': 'nameSubstitutionFlags',
  '1.2.392.200149.8.5.5.3': 'sex',
  '1.2.392.200149.8.5.5.4': 'dateOfBirth',
  '1.2.392.200149.8.5.5.5': 'address',
  '1.2.392.200149.8.5.5.6': 'addressSubstitutionFlags',
};

export const KEY_USAGE_BITS: Readonly<Record<string, number>> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
};

/** A named bit list as DER wants it: trailing zero bits dropped (X.690 §11.2.2). */
export function namedBits(names: readonly string[]): BitString {
  const positions = names.map((name) => KEY_USAGE_BITS[name] ?? -1).filter((bit) => bit >= 0);
  if (positions.length === 0) return { bytes: new Uint8Array(0), unusedBits: 0 };
  const highest = Math.max(...positions);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of positions) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return { bytes, unusedBits: 7 - (highest % 8) };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value (without tag, length, unused-bits octet). */
export function keyIdentifierOf(subjectPublicKey: BitString): Uint8Array {
  return new Uint8Array(createHash('sha1').update(subjectPublicKey.bytes).digest());
}

export function buildCertificateExtensions(codecs: ProfileCodecs, profile: CertificateProfileData, inputs: CertificateTemplateInputs): Extension[] {
  const issuer = inputs.issuerCertificate === undefined ? undefined : decodeInput(profile.name, 'issuerCertificate', () => codecs.decodeCertificate(inputs.issuerCertificate as Uint8Array));
  const subjectKey = decodeInput(profile.name, 'subjectPublicKeyInfo', () => codecs.decodeSubjectPublicKeyInfo(inputs.subjectPublicKeyInfo));
  const build = (rule: ExtensionRule): Extension => {
    const value = extensionValue(codecs, profile, rule.value, inputs, issuer, subjectKey.subjectPublicKey);
    return rule.critical ? { extnID: rule.oid, critical: true, extnValue: { value } } : { extnID: rule.oid, extnValue: { value } };
  };
  return profile.extensions.filter((rule) => rule.presence === 'required' || optionalPresent(rule.value, inputs)).map(build);
}

/** Optional extensions are written when their input is there. */
function optionalPresent(rule: ExtensionValueRule, inputs: CertificateTemplateInputs): boolean {
  if (rule.kind === 'authorityInfoAccess') return inputs.ocspUrl !== undefined;
  if (rule.kind === 'generalNames' && rule.otherNames !== undefined) return inputs.personalData !== undefined;
  return false;
}

function decodeInput<T>(profile: string, input: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new ProfileTemplateError('PROFILE_INPUT_INVALID', profile, `${input} does not decode: ${(error as Error).message}`);
  }
}

function extensionValue(
  codecs: ProfileCodecs,
  profile: CertificateProfileData,
  rule: ExtensionValueRule,
  inputs: CertificateTemplateInputs,
  issuer: Certificate | undefined,
  subjectPublicKey: BitString,
): NonNullable<Extension['extnValue']['value']> {
  const missing = (what: string): never => {
    throw new ProfileTemplateError('PROFILE_INPUT_MISSING', profile.name, what);
  };
  switch (rule.kind) {
    case 'keyUsage':
      return namedBits(rule.bits);
    case 'extKeyUsage':
      return rule.purposes.map((purpose) => purpose.oid);
    case 'certificatePolicies':
      return rule.policies.map((policy) =>
        policy.cps === undefined
          ? { policyIdentifier: policy.oid }
          : { policyIdentifier: policy.oid, policyQualifiers: [{ policyQualifierId: ID_QT_CPS, qualifier: { value: policy.cps } }] },
      );
    case 'generalNames': {
      const names: GeneralName[] = [];
      if (rule.directoryName !== undefined) {
        names.push({ type: 'directoryName', value: buildName(profile.name, rule.directoryName, variantInputs(inputs)) });
      }
      if (rule.otherNames !== undefined) {
        const personal = inputs.personalData ?? missing('personalData for the subjectAltName');
        for (const otherName of rule.otherNames) {
          const field = PERSONAL_DATA_FIELDS[otherName.oid] ?? missing(`a personal-data field for otherName ${otherName.oid}`);
          names.push({ type: 'otherName', value: { typeId: otherName.oid, value: { value: personal[field] } } });
        }
      }
      return names;
    }
    case 'basicConstraints':
      return rule.pathLenConstraint === 'absent' ? { cA: rule.cA } : { cA: rule.cA, pathLenConstraint: BigInt(rule.pathLenConstraint) };
    case 'crlDistributionPoints': {
      const name = crlDistributionPointName(codecs, profile, rule.directoryName, inputs, issuer);
      return [{ distributionPoint: { type: 'fullName', value: [{ type: 'directoryName', value: name }] } }];
    }
    case 'authorityKeyIdentifier': {
      const issuerCertificate = issuer ?? missing('issuerCertificate for the authorityKeyIdentifier');
      const tbs = issuerCertificate.tbsCertificate;
      return {
        ...(rule.keyIdentifier ? { keyIdentifier: issuerKeyIdentifier(issuerCertificate) } : {}),
        ...(rule.authorityCertIssuer ? { authorityCertIssuer: [{ type: 'directoryName' as const, value: tbs.issuer }] } : {}),
        ...(rule.authorityCertSerialNumber ? { authorityCertSerialNumber: tbs.serialNumber } : {}),
      };
    }
    case 'subjectKeyIdentifier':
      return keyIdentifierOf(subjectPublicKey);
    case 'authorityInfoAccess': {
      const url = inputs.ocspUrl ?? rule.ocsp[0] ?? missing('an OCSP URL');
      return [{ accessMethod: ID_AD_OCSP, accessLocation: { type: 'uniformResourceIdentifier', value: url } }];
    }
    default:
      throw new ProfileTemplateError('PROFILE_INPUT_INVALID', profile.name, `no certificate template for a ${rule.kind} extension`);
  }
}

function variantInputs(inputs: CertificateTemplateInputs): { variant?: string } {
  return inputs.variant === undefined ? {} : { variant: inputs.variant };
}

/** The issuer's own key identifier: its SKI extension, else method 1 over its key. */
export function issuerKeyIdentifier(issuer: Certificate): Uint8Array {
  const ski = issuer.tbsCertificate.extensions?.find((extension) => extension.extnID === '2.5.29.14')?.extnValue.value;
  if (ski instanceof Uint8Array) return ski;
  return keyIdentifierOf(issuer.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
}

function crlDistributionPointName(
  codecs: ProfileCodecs,
  profile: CertificateProfileData,
  rule: 'issuer' | import('./profile-data.js').NameRule,
  inputs: CertificateTemplateInputs,
  issuer: Certificate | undefined,
): Name {
  if (inputs.crlDistributionPoint !== undefined) {
    return decodeInput(profile.name, 'crlDistributionPoint', () => codecs.decodeName(inputs.crlDistributionPoint as Uint8Array));
  }
  // The ARL of a self-signed CA is named by the CA's own DN.
  if (rule === 'issuer') {
    if (issuer !== undefined) return issuer.tbsCertificate.subject;
    return buildName(profile.name, profile.issuer, variantInputs(inputs));
  }
  throw new ProfileTemplateError('PROFILE_INPUT_MISSING', profile.name, 'crlDistributionPoint (DER of the CRLDP Name; crlDistributionPointName() builds one)');
}
