/** Extension checks: presence, criticality, order, forbidden and unknown extensions, and each value rule. */
import type {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CertificatePolicies,
  Certificate,
  CRLDistributionPoints,
  Extension,
  GeneralNames,
  Name,
} from '../../generated/asn1/index.js';
import type { BitString } from '../der/index.js';
import { bytesToHex } from '../hex.js';
import type { ProfileCodecs } from './codecs.js';
import { checkName, equalBytes, type Findings, nameText, sameName } from './lint-findings.js';
import type { ExtensionRule, FindingSeverity, ForbiddenExtensionRule, NameRule } from './profile-data.js';
import { issuerKeyIdentifier, KEY_USAGE_BITS, keyIdentifierOf } from './templates.js';
import { isDateOfBirth } from './validity.js';

export interface ExtensionScope {
  readonly codecs: ProfileCodecs;
  readonly findings: Findings;
  /** e.g. `tbsCertificate.extensions`. */
  readonly path: string;
  readonly rules: readonly ExtensionRule[];
  readonly forbidden: readonly ForbiddenExtensionRule[];
  readonly otherExtensions: FindingSeverity;
  /** The issuer name of the structure (AKI and ARL checks). */
  readonly issuerName: Name;
  readonly issuerCertificate: Certificate | undefined;
  /** The subject key, for the SKI check. */
  readonly subjectPublicKey?: BitString;
  readonly variants: Set<string>;
}

export interface PersonalDataSeen {
  dateOfBirth?: string;
}

const OID_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.35': 'authorityKeyIdentifier',
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.15': 'keyUsage',
  '2.5.29.16': 'privateKeyUsagePeriod',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.33': 'policyMappings',
  '2.5.29.17': 'subjectAltName',
  '2.5.29.18': 'issuerAltName',
  '2.5.29.9': 'subjectDirectoryAttributes',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.36': 'policyConstraints',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.37': 'extKeyUsage',
  '2.5.29.54': 'inhibitAnyPolicy',
  '2.5.29.46': 'freshestCRL',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
  '1.3.6.1.5.5.7.1.11': 'subjectInfoAccess',
  '2.5.29.20': 'cRLNumber',
  '2.5.29.28': 'issuingDistributionPoint',
  '2.5.29.27': 'deltaCRLIndicator',
  '1.3.6.1.5.5.7.48.1.2': 'nonce',
  '1.3.6.1.5.5.7.48.1.5': 'ocspNoCheck',
  '2.5.29.21': 'reasonCode',
  '2.5.29.24': 'invalidityDate',
  '2.5.29.29': 'certificateIssuer',
  '2.5.29.23': 'holdInstructionCode',
};

/** The name used in paths: the RFC name when we know it, else the OID. */
export function extensionName(oid: string): string {
  return OID_NAMES[oid] ?? oid;
}

const ID_QT_CPS = '1.3.6.1.5.5.7.2.1';
const ID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
const ID_JPKI_DATE_OF_BIRTH = '1.2.392.200149.8.5.5.4';
const ID_JPKI_SEX = '1.2.392.200149.8.5.5.3';
const FLAG_FIELDS: Readonly<Record<string, string>> = { '1.2.392.200149.8.5.5.2': '1.2.392.200149.8.5.5.1', '1.2.392.200149.8.5.5.6': '1.2.392.200149.8.5.5.5' };

export function checkExtensions(scope: ExtensionScope, extensions: readonly Extension[], personal: PersonalDataSeen): void {
  const { findings, path } = scope;
  for (const rule of scope.rules) {
    const extension = extensions.find((entry) => entry.extnID === rule.oid);
    const at = `${path}[${rule.name}]`;
    if (extension === undefined) {
      if (rule.presence === 'required') findings.add('error', `extension.${rule.name}.missing`, at, `a ${rule.critical ? 'critical' : 'non-critical'} ${rule.name} extension`);
      continue;
    }
    const critical = extension.critical === true;
    if (rule.critical && !critical) findings.add('error', `extension.${rule.name}.criticalMissing`, `${at}.critical`, `${rule.name} marked critical`);
    if (!rule.critical && critical) findings.add('error', `extension.${rule.name}.criticalUnexpected`, `${at}.critical`, `${rule.name} not marked critical`);
    checkValue(scope, rule, extension, `${at}.extnValue`, personal);
  }
  for (const rule of scope.forbidden) {
    if (extensions.some((entry) => entry.extnID === rule.oid)) findings.add('error', `extension.${rule.name}.forbidden`, `${path}[${rule.name}]`, `no ${rule.name}: ${rule.reason}`);
  }
  const known = new Set([...scope.rules, ...scope.forbidden].map((rule) => rule.oid));
  for (const extension of extensions) {
    if (known.has(extension.extnID)) continue;
    const severity: FindingSeverity = extension.critical === true ? 'error' : scope.otherExtensions;
    findings.add(severity, 'extension.unexpected', `${path}[${extensionName(extension.extnID)}]`, `only the extensions the profile lists; ${extensionName(extension.extnID)}${extension.critical === true ? ' (critical)' : ''} is not one of them`);
  }
  checkOrder(scope, extensions);
}

/** Extensions the profile lists appear in its order (a notice: order carries no meaning in X.509). */
function checkOrder(scope: ExtensionScope, extensions: readonly Extension[]): void {
  const expected = scope.rules.map((rule) => rule.oid);
  const actual = extensions.map((extension) => extension.extnID).filter((oid) => expected.includes(oid));
  const sorted = [...actual].sort((a, b) => expected.indexOf(a) - expected.indexOf(b));
  if (actual.join() !== sorted.join()) {
    scope.findings.add('notice', 'extension.order', scope.path, `the profile's order ${sorted.map(extensionName).join(', ')}; found ${actual.map(extensionName).join(', ')}`);
  }
}

function checkValue(scope: ExtensionScope, rule: ExtensionRule, extension: Extension, at: string, personal: PersonalDataSeen): void {
  const { findings } = scope;
  const severity = rule.valueSeverity;
  const code = `extension.${rule.name}`;
  const value: unknown = extension.extnValue.value;
  switch (rule.value.kind) {
    case 'keyUsage': {
      const bits = setBits(value as BitString);
      const expected = [...rule.value.bits].sort();
      if (bits.join() !== expected.join()) findings.add(severity, `${code}.bits`, at, `${expected.join(', ')}, found ${bits.join(', ') || 'none'}`);
      return;
    }
    case 'extKeyUsage': {
      const purposes = [...(value as string[])].sort();
      const expected = rule.value.purposes.map((purpose) => purpose.oid).sort();
      if (purposes.join() !== expected.join()) findings.add(severity, `${code}.purposes`, at, `${rule.value.purposes.map((purpose) => purpose.name).join(', ')}, found ${purposes.join(', ')}`);
      return;
    }
    case 'certificatePolicies':
      checkPolicies(scope, rule, value as CertificatePolicies, at);
      return;
    case 'generalNames':
      checkGeneralNames(scope, rule, value as GeneralNames, at, personal);
      return;
    case 'basicConstraints': {
      const constraints = value as BasicConstraints;
      if ((constraints.cA === true) !== rule.value.cA) findings.add(severity, `${code}.cA`, `${at}.cA`, `cA ${String(rule.value.cA)}`);
      const pathLen = constraints.pathLenConstraint;
      const expected = rule.value.pathLenConstraint;
      if (expected === 'absent' ? pathLen !== undefined : pathLen !== BigInt(expected)) {
        findings.add(severity, `${code}.pathLenConstraint`, `${at}.pathLenConstraint`, expected === 'absent' ? 'no pathLenConstraint' : `pathLenConstraint ${expected}`);
      }
      return;
    }
    case 'crlDistributionPoints':
      checkDistributionPoints(scope, rule, value as CRLDistributionPoints, at);
      return;
    case 'authorityKeyIdentifier':
      checkAuthorityKeyIdentifier(scope, rule, value as AuthorityKeyIdentifier, at);
      return;
    case 'subjectKeyIdentifier': {
      if (scope.subjectPublicKey === undefined) return;
      const expected = keyIdentifierOf(scope.subjectPublicKey);
      if (!equalBytes(value as Uint8Array, expected)) findings.add(severity, `${code}.method`, at, `SHA-1 of the subjectPublicKey (RFC 5280 §4.2.1.2 method 1) = ${bytesToHex(expected)}`);
      return;
    }
    case 'authorityInfoAccess': {
      const descriptions = value as AuthorityInfoAccessSyntax;
      descriptions.forEach((description, index) => {
        const location = description.accessLocation;
        const url = location.type === 'uniformResourceIdentifier' ? location.value : undefined;
        if (description.accessMethod !== ID_AD_OCSP || url === undefined) {
          findings.add(severity, `${code}.accessMethod`, `${at}[${index}]`, 'id-ad-ocsp with a URI only');
        } else if (rule.value.kind === 'authorityInfoAccess' && !rule.value.ocsp.includes(url)) {
          findings.add(severity, `${code}.ocspUrl`, `${at}[${index}].accessLocation`, `${rule.value.ocsp.join(' or ')}, found ${url}`);
        }
      });
      return;
    }
    default:
      return;
  }
}

function setBits(bitString: BitString): string[] {
  return Object.entries(KEY_USAGE_BITS)
    .filter(([, bit]) => ((bitString.bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0)
    .map(([name]) => name)
    .sort();
}

function checkPolicies(scope: ExtensionScope, rule: ExtensionRule, policies: CertificatePolicies, at: string): void {
  if (rule.value.kind !== 'certificatePolicies') return;
  const { findings } = scope;
  const value = rule.value;
  const known = [...value.policies, ...value.alsoAccepted];
  policies.forEach((policy, index) => {
    const path = `${at}[${index}].policyIdentifier`;
    const expected = known.find((entry) => entry.oid === policy.policyIdentifier);
    if (expected === undefined) {
      findings.add(rule.valueSeverity, 'extension.certificatePolicies.policyUnexpected', path, `${value.policies.map((entry) => entry.oid).join(' or ')}, found ${policy.policyIdentifier}`);
      return;
    }
    const accepted = value.alsoAccepted.find((entry) => entry.oid === policy.policyIdentifier);
    if (accepted !== undefined) findings.add(accepted.severity, `extension.certificatePolicies.${accepted.code}`, path, `${policy.policyIdentifier}: ${accepted.note}`);
    if (expected.cps !== undefined) {
      const cps = policy.policyQualifiers?.find((qualifier) => qualifier.policyQualifierId === ID_QT_CPS)?.qualifier.value;
      if (cps !== expected.cps) findings.add('warning', 'extension.certificatePolicies.cps', `${at}[${index}].policyQualifiers`, `the CPS qualifier ${expected.cps}, found ${typeof cps === 'string' ? cps : 'none'}`);
    }
  });
  if (!policies.some((policy) => known.some((entry) => entry.oid === policy.policyIdentifier))) {
    findings.add('error', 'extension.certificatePolicies.policyMissing', at, `the policy ${value.policies.map((entry) => entry.oid).join(' or ')}`);
  }
}

function checkGeneralNames(scope: ExtensionScope, rule: ExtensionRule, names: GeneralNames, at: string, personal: PersonalDataSeen): void {
  if (rule.value.kind !== 'generalNames') return;
  const { findings } = scope;
  const code = `extension.${rule.name}`;
  const directoryNames = names.flatMap((name, index) => (name.type === 'directoryName' ? [{ name: name.value, index }] : []));
  const otherNames = names.flatMap((name, index) => (name.type === 'otherName' ? [{ name: name.value, index }] : []));
  names.forEach((name, index) => {
    const allowed = (name.type === 'directoryName' && rule.value.kind === 'generalNames' && rule.value.directoryName !== undefined) || (name.type === 'otherName' && rule.value.kind === 'generalNames' && rule.value.otherNames !== undefined);
    if (!allowed) findings.add(rule.valueSeverity, `${code}.generalNameUnexpected`, `${at}[${index}]`, `no ${name.type} in the ${rule.name}`);
  });
  const directoryRule = rule.value.directoryName;
  if (directoryRule !== undefined) {
    const first = directoryNames[0];
    if (directoryNames.length !== 1 || first === undefined) findings.add(rule.valueSeverity, `${code}.directoryName`, at, `exactly one directoryName, found ${directoryNames.length}`);
    else checkName(findings, directoryRule, first.name, `${at}[${first.index}].directoryName`, `${code}.directoryName`, scope.variants);
  }
  const otherRule = rule.value.otherNames;
  if (otherRule !== undefined) {
    const actual = otherNames.map((entry) => entry.name.typeId);
    const expected = otherRule.map((entry) => entry.oid);
    if (actual.join() !== expected.join()) {
      const missing = otherRule.filter((entry) => !actual.includes(entry.oid)).map((entry) => entry.name);
      findings.add(
        rule.valueSeverity,
        missing.length > 0 ? `${code}.otherNameMissing` : `${code}.otherNameOrder`,
        at,
        `otherNames ${otherRule.map((entry) => entry.name).join(', ')} in this order${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}`,
      );
    }
    checkPersonalData(findings, otherNames, at, code, personal);
  }
}

/** The JPKI personal data formats of jpki.md §2.3: date of birth, sex, and substitution flags one per character. */
function checkPersonalData(findings: Findings, otherNames: readonly { name: { typeId: string; value: { value?: unknown } }; index: number }[], at: string, code: string, personal: PersonalDataSeen): void {
  const text = (oid: string) => {
    const value = otherNames.find((entry) => entry.name.typeId === oid)?.name.value.value;
    return typeof value === 'string' ? value : undefined;
  };
  for (const entry of otherNames) {
    const value = entry.name.value.value;
    const path = `${at}[${entry.index}].otherName.value`;
    if (typeof value !== 'string') continue;
    if (entry.name.typeId === ID_JPKI_DATE_OF_BIRTH) {
      if (isDateOfBirth(value)) personal.dateOfBirth = value;
      else findings.add('error', `${code}.dateOfBirth`, path, `EYYYYMMDD (era digit 0–5), found '${value}'`);
    }
    // One public source quotes 3 for 不明 where JIS X 0303 has 9 (jpki.md §2.3): conflicting, so a notice.
    if (entry.name.typeId === ID_JPKI_SEX && value === '3') findings.add('notice', `${code}.sexCode`, path, "9 for 'not applicable' (JIS X 0303); 3 is the code one source quotes for 不明");
    else if (entry.name.typeId === ID_JPKI_SEX && !['1', '2', '9'].includes(value)) findings.add('error', `${code}.sex`, path, `1, 2 or 9 (JIS X 0303), found '${value}'`);
    const flagsOf = FLAG_FIELDS[entry.name.typeId];
    if (flagsOf !== undefined) {
      const subject = text(flagsOf);
      if (!/^[01]*$/u.test(value) || (subject !== undefined && [...subject].length !== value.length)) {
        findings.add('error', `${code}.substitutionFlags`, path, `one 0/1 per character of ${flagsOf} (${subject === undefined ? '?' : [...subject].length} characters)`);
      }
    }
  }
}

function checkDistributionPoints(scope: ExtensionScope, rule: ExtensionRule, points: CRLDistributionPoints, at: string): void {
  if (rule.value.kind !== 'crlDistributionPoints') return;
  const { findings } = scope;
  const code = `extension.${rule.name}`;
  const point = points[0];
  const fullName = point?.distributionPoint?.type === 'fullName' ? point.distributionPoint.value : undefined;
  const directoryName = fullName?.length === 1 && fullName[0]?.type === 'directoryName' ? fullName[0].value : undefined;
  if (points.length !== 1 || point === undefined || directoryName === undefined) {
    findings.add(rule.valueSeverity, `${code}.directoryName`, at, 'one distribution point whose fullName is one directoryName');
    return;
  }
  if (point.reasons !== undefined || point.cRLIssuer !== undefined) findings.add(rule.valueSeverity, `${code}.fields`, `${at}[0]`, 'no reasons and no cRLIssuer');
  const path = `${at}[0].distributionPoint.fullName[0].directoryName`;
  if (rule.value.directoryName === 'issuer') {
    if (!sameName(scope.codecs, directoryName, scope.issuerName)) findings.add(rule.valueSeverity, `${code}.directoryName`, path, `the CA's own DN ${nameText(scope.issuerName)}, found ${nameText(directoryName)}`);
    return;
  }
  checkName(findings, rule.value.directoryName as NameRule, directoryName, path, `${code}.directoryName`, scope.variants);
}

function checkAuthorityKeyIdentifier(scope: ExtensionScope, rule: ExtensionRule, aki: AuthorityKeyIdentifier, at: string): void {
  if (rule.value.kind !== 'authorityKeyIdentifier') return;
  const { findings } = scope;
  const code = 'extension.authorityKeyIdentifier';
  const expected = rule.value;
  const presence = (field: 'keyIdentifier' | 'authorityCertIssuer' | 'authorityCertSerialNumber', wanted: boolean) => {
    const present = aki[field] !== undefined;
    if (wanted && !present) findings.add(rule.valueSeverity, `${code}.${field}Missing`, `${at}.${field}`, `the ${field}`);
    if (!wanted && present) findings.add(rule.valueSeverity, `${code}.${field}Unexpected`, `${at}.${field}`, `no ${field}`);
  };
  presence('keyIdentifier', expected.keyIdentifier);
  presence('authorityCertIssuer', expected.authorityCertIssuer);
  presence('authorityCertSerialNumber', expected.authorityCertSerialNumber);
  // JPKI is single-tier: the issuing CA is self-signed, so its issuer is the structure's issuer.
  const issuerNames = aki.authorityCertIssuer ?? [];
  const issuerName = issuerNames.length === 1 && issuerNames[0]?.type === 'directoryName' ? issuerNames[0].value : undefined;
  if (aki.authorityCertIssuer !== undefined && (issuerName === undefined || !sameName(scope.codecs, issuerName, scope.issuerCertificate?.tbsCertificate.issuer ?? scope.issuerName))) {
    findings.add('error', `${code}.authorityCertIssuerMismatch`, `${at}.authorityCertIssuer`, `one directoryName equal to the CA's DN ${nameText(scope.issuerName)}`);
  }
  const issuer = scope.issuerCertificate;
  if (issuer === undefined) return;
  if (aki.keyIdentifier !== undefined && !equalBytes(aki.keyIdentifier, issuerKeyIdentifier(issuer))) {
    findings.add('error', `${code}.keyIdentifierMismatch`, `${at}.keyIdentifier`, `the issuer's key identifier ${bytesToHex(issuerKeyIdentifier(issuer))}`);
  }
  if (aki.authorityCertSerialNumber !== undefined && aki.authorityCertSerialNumber !== issuer.tbsCertificate.serialNumber) {
    findings.add('error', `${code}.authorityCertSerialNumberMismatch`, `${at}.authorityCertSerialNumber`, `the issuer certificate's serial ${issuer.tbsCertificate.serialNumber.toString(16)}`);
  }
}
