/**
 * Reads certificate, CRL and OCSP-response profiles (spec/profiles/*.yaml) into the profile data
 * the runtime engine interprets, checking what the meta-schema cannot: names resolve to OIDs,
 * each extension carries the value fields of its kind, nothing is both listed and forbidden,
 * fixed values match their patterns and variants are declared.
 */
import { compareText } from '../compare-text.js';
import type {
  CertificateProfileData,
  CrlProfileData,
  ExtensionRule,
  ExtensionValueRule,
  FindingSeverity,
  ForbiddenExtensionRule,
  NameAttributeRule,
  NameRule,
  OcspResponseProfileData,
  ProfileCase,
  ProfileData,
  ProfileProvenance,
  ValidityRule,
} from '../../runtime/profiles/profile-data.js';
import { SpecError } from '../spec-error.js';
import { pointerFromSegments, type YamlSource } from '../yaml-source.js';

export interface ProfileIR {
  readonly file: string;
  readonly data: ProfileData;
}

export interface ProfilesIR {
  readonly profiles: readonly ProfileIR[];
}

/** RFC 5280 §4.2, RFC 6960 §4.4 extension identifiers by name. */
export const EXTENSION_OIDS: Readonly<Record<string, string>> = {
  authorityKeyIdentifier: '2.5.29.35',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  privateKeyUsagePeriod: '2.5.29.16',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  subjectDirectoryAttributes: '2.5.29.9',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  policyConstraints: '2.5.29.36',
  cRLDistributionPoints: '2.5.29.31',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  freshestCRL: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  cRLNumber: '2.5.29.20',
  issuingDistributionPoint: '2.5.29.28',
  deltaCRLIndicator: '2.5.29.27',
  nonce: '1.3.6.1.5.5.7.48.1.2',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
  holdInstructionCode: '2.5.29.23',
};

/** RFC 4055 §5, RFC 5758 §3.2. */
const SIGNATURE_ALGORITHM_OIDS: Readonly<Record<string, string>> = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
};

/** RFC 5280 Appendix A.1. */
const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  serialNumber: '2.5.4.5',
};

/** RFC 5280 §4.2.1.12. */
const KEY_PURPOSE_OIDS: Readonly<Record<string, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
};

/** JPKI personal-data otherNames (jpki.md §2.3). */
const OTHER_NAME_OIDS: Readonly<Record<string, string>> = {
  name: '1.2.392.200149.8.5.5.1',
  nameSubstitutes: '1.2.392.200149.8.5.5.2',
  sex: '1.2.392.200149.8.5.5.3',
  dateOfBirth: '1.2.392.200149.8.5.5.4',
  address: '1.2.392.200149.8.5.5.5',
  addressSubstitutes: '1.2.392.200149.8.5.5.6',
};

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** Value fields each extension takes; any other field on it is a spec error. */
const VALUE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  keyUsage: ['keyUsage'],
  extKeyUsage: ['purposes'],
  certificatePolicies: ['policies', 'alsoAccepted'],
  subjectAltName: ['directoryName', 'otherNames'],
  issuerAltName: ['directoryName', 'otherNames'],
  basicConstraints: ['cA', 'pathLenConstraint'],
  cRLDistributionPoints: ['directoryName'],
  authorityKeyIdentifier: ['keyIdentifier', 'authorityCertIssuer', 'authorityCertSerialNumber'],
  subjectKeyIdentifier: ['method'],
  authorityInfoAccess: ['ocsp'],
};
const COMMON_FIELDS = new Set(['extension', 'critical', 'presence', 'valueSeverity', 'x-provenance']);

type Yaml = Record<string, unknown>;
type Fail = (pointer: string, expected: string) => never;

export function readProfiles(sources: readonly YamlSource[]): ProfilesIR {
  const seen = new Map<string, YamlSource>();
  const profiles = sources.map((source) => {
    const spec = source.value as Yaml;
    const name = spec['name'] as string;
    const first = seen.get(name);
    if (first !== undefined) {
      const at = first.locate('/name');
      throw new SpecError('SPEC_DUPLICATE_NAME', source.locate('/name'), `a unique profile name, but '${name}' is already defined at ${at.file}:${at.line}:${at.column}`, '/name');
    }
    seen.set(name, source);
    return { file: source.file, data: readProfile(source, spec) };
  });
  return { profiles: profiles.sort((a, b) => compareText(a.data.name, b.data.name)) };
}

function readProfile(source: YamlSource, spec: Yaml): ProfileData {
  const fail: Fail = (pointer, expected) => {
    throw new SpecError('SPEC_INVALID', source.locate(pointer), expected, pointer);
  };
  const variants = (spec['variants'] as string[] | undefined) ?? [];
  const common = {
    name: spec['name'] as string,
    title: spec['title'] as string,
    provenance: spec['x-provenance'] as ProfileProvenance,
    signatureAlgorithms: (spec['signatureAlgorithms'] as string[]).map((name) => ({ name, oid: SIGNATURE_ALGORITHM_OIDS[name] as string })),
    extensions: readExtensions(spec, variants, fail),
    otherExtensions: spec['otherExtensions'] as FindingSeverity,
    valid: readCases(spec, 'valid'),
    invalid: readCases(spec, 'invalid'),
  };
  const kind = spec['kind'] as ProfileData['kind'];
  if (kind === 'crl') {
    const profile: CrlProfileData = {
      ...common,
      kind,
      variants,
      version: spec['version'] as number,
      issuer: readNameRule(spec['issuer'] as Yaml, '/issuer', variants, fail),
      maxUpdateIntervalSeconds: spec['maxUpdateIntervalSeconds'] as number,
      entryReasons: spec['entryReasons'] as string[],
      entryExtensions: (spec['entryExtensions'] as string[]).map((name) => ({ name, oid: EXTENSION_OIDS[name] as string })),
    };
    return profile;
  }
  if (kind === 'ocspResponse') {
    const profile: OcspResponseProfileData = {
      ...common,
      kind,
      responseTypes: spec['responseTypes'] as string[],
      responderId: spec['responderId'] as ('byName' | 'byKey')[],
      maxUpdateIntervalSeconds: spec['maxUpdateIntervalSeconds'] as number,
    };
    return profile;
  }
  const forbidden = readForbidden(spec, common.extensions, fail);
  const validity = spec['validity'] as Yaml;
  if (validity['rule'] === 'birthday' && (validity['renewalBirthdays'] as number) < (validity['birthdays'] as number)) {
    fail('/validity/renewalBirthdays', 'at least as many birthdays on renewal as on first issuance');
  }
  const basicConstraints = common.extensions.find((rule) => rule.value.kind === 'basicConstraints');
  const profile: CertificateProfileData = {
    ...common,
    kind: 'certificate',
    variants,
    selector: {
      policies: common.extensions.flatMap((rule) => (rule.value.kind === 'certificatePolicies' ? [...rule.value.policies, ...rule.value.alsoAccepted].map((policy) => policy.oid) : [])),
      ca: basicConstraints?.value.kind === 'basicConstraints' && basicConstraints.value.cA,
    },
    version: spec['version'] as number,
    publicKey: readPublicKey(spec['publicKey'] as Yaml),
    issuer: readNameRule(spec['issuer'] as Yaml, '/issuer', variants, fail),
    subject: spec['subject'] === 'issuer' ? 'issuer' : readNameRule(spec['subject'] as Yaml, '/subject', variants, fail),
    validity: readValidity(validity),
    forbiddenExtensions: forbidden,
  };
  return profile;
}

function readPublicKey(key: Yaml): CertificateProfileData['publicKey'] {
  return {
    algorithm: key['algorithm'] as string,
    algorithmOid: RSA_ENCRYPTION,
    modulusBits: key['modulusBits'] as number,
    publicExponent: key['publicExponent'] as number,
    provenance: key['x-provenance'] as ProfileProvenance,
  };
}

function readValidity(validity: Yaml): ValidityRule {
  const provenance = validity['x-provenance'] as ProfileProvenance;
  const limits = validity['limits'] as ValidityRule['limits'];
  const notAfterTimeOfDay = validity['notAfterTimeOfDay'] as string;
  if (validity['rule'] === 'anniversary') return { rule: 'anniversary', years: validity['years'] as number, notAfterTimeOfDay, limits, provenance };
  return { rule: 'birthday', birthdays: validity['birthdays'] as number, renewalBirthdays: validity['renewalBirthdays'] as number, notAfterTimeOfDay, limits, provenance };
}

function readCases(spec: Yaml, group: 'valid' | 'invalid'): ProfileCase[] {
  const cases = (spec['cases'] as Record<string, Yaml[]>)[group] ?? [];
  return cases.map((entry) => ({
    description: entry['description'] as string,
    fixture: entry['fixture'] as string,
    ...(entry['context'] === undefined ? {} : { context: entry['context'] as NonNullable<ProfileCase['context']> }),
    findings: (entry['findings'] as string[] | undefined) ?? [],
  }));
}

function readExtensions(spec: Yaml, variants: readonly string[], fail: Fail): ExtensionRule[] {
  const seen = new Set<string>();
  return (spec['extensions'] as Yaml[]).map((entry, index) => {
    const at = (...rest: (string | number)[]) => pointerFromSegments(['extensions', index, ...rest]);
    const name = entry['extension'] as string;
    if (seen.has(name)) fail(at('extension'), `each extension once, but '${name}' is listed twice`);
    seen.add(name);
    const allowed = new Set(VALUE_FIELDS[name] ?? []);
    for (const key of Object.keys(entry)) {
      if (!COMMON_FIELDS.has(key) && !allowed.has(key)) fail(at(key), `only ${[...allowed].join(', ') || 'no value fields'} on a ${name} extension, not '${key}'`);
    }
    return {
      name,
      oid: EXTENSION_OIDS[name] as string,
      critical: entry['critical'] as boolean,
      presence: (entry['presence'] as 'required' | 'optional' | undefined) ?? 'required',
      valueSeverity: (entry['valueSeverity'] as FindingSeverity | undefined) ?? 'error',
      value: readExtensionValue(name, entry, at, variants, fail),
      provenance: entry['x-provenance'] as ProfileProvenance,
    };
  });
}

function readExtensionValue(name: string, entry: Yaml, at: (...rest: (string | number)[]) => string, variants: readonly string[], fail: Fail): ExtensionValueRule {
  const need = (field: string): unknown => entry[field] ?? fail(at(), `a '${field}' on the ${name} extension`);
  switch (name) {
    case 'keyUsage':
      return { kind: 'keyUsage', bits: need('keyUsage') as string[] };
    case 'extKeyUsage':
      return { kind: 'extKeyUsage', purposes: (need('purposes') as string[]).map((purpose) => ({ name: purpose, oid: KEY_PURPOSE_OIDS[purpose] as string })) };
    case 'certificatePolicies': {
      const policies = (need('policies') as Yaml[]).map(readPolicy);
      const alsoAccepted = ((entry['alsoAccepted'] as Yaml[] | undefined) ?? []).map((policy) => ({
        ...readPolicy(policy),
        severity: policy['severity'] as FindingSeverity,
        code: policy['code'] as string,
        note: policy['note'] as string,
      }));
      const oids = [...policies, ...alsoAccepted].map((policy) => policy.oid);
      if (new Set(oids).size !== oids.length) fail(at('alsoAccepted'), 'each policy OID once across policies and alsoAccepted');
      return { kind: 'certificatePolicies', policies, alsoAccepted };
    }
    case 'subjectAltName':
    case 'issuerAltName': {
      const directoryName = entry['directoryName'];
      const otherNames = entry['otherNames'] as string[] | undefined;
      if (directoryName === undefined && otherNames === undefined) fail(at(), `a directoryName or otherNames on the ${name} extension`);
      if (directoryName === 'issuer') fail(at('directoryName'), `a name rule (only cRLDistributionPoints may say 'issuer')`);
      return {
        kind: 'generalNames',
        ...(directoryName === undefined ? {} : { directoryName: readNameRule(directoryName as Yaml, at('directoryName'), variants, fail) }),
        ...(otherNames === undefined ? {} : { otherNames: otherNames.map((otherName) => ({ name: otherName, oid: OTHER_NAME_OIDS[otherName] as string })) }),
      };
    }
    case 'basicConstraints':
      return { kind: 'basicConstraints', cA: need('cA') as boolean, pathLenConstraint: (entry['pathLenConstraint'] as number | 'absent' | undefined) ?? 'absent' };
    case 'cRLDistributionPoints': {
      const directoryName = need('directoryName');
      return { kind: 'crlDistributionPoints', directoryName: directoryName === 'issuer' ? 'issuer' : readNameRule(directoryName as Yaml, at('directoryName'), variants, fail) };
    }
    case 'authorityKeyIdentifier':
      return {
        kind: 'authorityKeyIdentifier',
        keyIdentifier: entry['keyIdentifier'] === true,
        authorityCertIssuer: entry['authorityCertIssuer'] === true,
        authorityCertSerialNumber: entry['authorityCertSerialNumber'] === true,
      };
    case 'subjectKeyIdentifier':
      return { kind: 'subjectKeyIdentifier', method: 'sha1OfSubjectPublicKey' };
    case 'authorityInfoAccess':
      return { kind: 'authorityInfoAccess', ocsp: need('ocsp') as string[] };
    case 'cRLNumber':
      return { kind: 'crlNumber' };
    case 'issuingDistributionPoint':
      return { kind: 'issuingDistributionPoint' };
    case 'nonce':
      return { kind: 'nonce' };
    default:
      return { kind: 'any' };
  }
}

function readPolicy(policy: Yaml): { oid: string; cps?: string; provenance?: ProfileProvenance } {
  return {
    oid: policy['oid'] as string,
    ...(policy['cps'] === undefined ? {} : { cps: policy['cps'] as string }),
    ...(policy['x-provenance'] === undefined ? {} : { provenance: policy['x-provenance'] as ProfileProvenance }),
  };
}

function readForbidden(spec: Yaml, extensions: readonly ExtensionRule[], fail: Fail): ForbiddenExtensionRule[] {
  const listed = new Set(extensions.map((rule) => rule.name));
  return ((spec['forbiddenExtensions'] as Yaml[] | undefined) ?? []).map((entry, index) => {
    const name = entry['extension'] as string;
    if (listed.has(name)) fail(pointerFromSegments(['forbiddenExtensions', index, 'extension']), `an extension the profile does not also list, but '${name}' is in extensions`);
    return { name, oid: EXTENSION_OIDS[name] as string, reason: entry['reason'] as string, provenance: entry['x-provenance'] as ProfileProvenance };
  });
}

function readNameRule(rule: Yaml, pointer: string, variants: readonly string[], fail: Fail): NameRule {
  const attributes = (rule['attributes'] as Yaml[]).map((attribute, index): NameAttributeRule => {
    const at = (field: string) => `${pointer}/attributes/${index}/${field}`;
    const pattern = attribute['pattern'] as string | undefined;
    if (pattern !== undefined) {
      try {
        new RegExp(pattern, 'u');
      } catch (error) {
        fail(at('pattern'), `an ECMAScript regular expression (${(error as Error).message})`);
      }
    }
    const variantValues = attribute['variants'] as Record<string, string> | undefined;
    if (variantValues !== undefined) {
      const keys = Object.keys(variantValues).sort(compareText);
      if (keys.join() !== [...variants].sort(compareText).join()) fail(at('variants'), `one value for each of the profile's variants (${variants.join(', ') || 'none declared'})`);
    }
    const name = attribute['attribute'] as string;
    return {
      attribute: name,
      oid: ATTRIBUTE_OIDS[name] as string,
      stringType: attribute['stringType'] as NameAttributeRule['stringType'],
      ...(attribute['value'] === undefined ? {} : { value: attribute['value'] as string }),
      ...(variantValues === undefined ? {} : { variants: variantValues }),
      ...(pattern === undefined ? {} : { pattern }),
      ...(attribute['input'] === undefined ? {} : { input: attribute['input'] as NonNullable<NameAttributeRule['input']> }),
      ...(attribute['suffix'] === undefined ? {} : { suffix: attribute['suffix'] as string }),
      ...(attribute['alsoAccepted'] === undefined ? {} : { alsoAccepted: attribute['alsoAccepted'] as NonNullable<NameAttributeRule['alsoAccepted']> }),
      ...(attribute['x-provenance'] === undefined ? {} : { provenance: attribute['x-provenance'] as ProfileProvenance }),
    };
  });
  const countryIndex = attributes.findIndex((attribute) => attribute.attribute === 'countryName' && attribute.stringType !== 'printableString');
  if (countryIndex >= 0) fail(`${pointer}/attributes/${countryIndex}/stringType`, 'printableString for countryName (RFC 5280 fixes it)');
  return { attributes, ...(rule['x-provenance'] === undefined ? {} : { provenance: rule['x-provenance'] as ProfileProvenance }) };
}
