/**
 * The shape of the profile data the generator emits from spec/profiles/ (generated/profiles/data.ts).
 * The lint engine and the template builders interpret it; nothing here knows a particular profile.
 */

export type FindingSeverity = 'error' | 'warning' | 'notice';

export interface ProfileProvenance {
  readonly status: 'public' | 'modelled';
  readonly source?: string;
  readonly note?: string;
}

/** ASN.1 string types a directory attribute may be written in (the DirectoryString CHOICE names, plus the fixed ones). */
export type DirectoryStringType = 'printableString' | 'utf8String' | 'teletexString' | 'universalString' | 'bmpString' | 'ia5String';

/** One attribute in a name; the name holds one attribute per RDN, in this order. */
export interface NameAttributeRule {
  /** Attribute name as RFC 5280 spells it (countryName, organizationName …). */
  readonly attribute: string;
  readonly oid: string;
  readonly stringType: DirectoryStringType;
  /** A fixed value. */
  readonly value?: string;
  /** A value fixed per profile variant (the JPKI CA's authentication or signature hierarchy). */
  readonly variants?: Readonly<Record<string, string>>;
  /** Otherwise a pattern the value must match (ECMAScript, anchored by the spec author). */
  readonly pattern?: string;
  /** Which template input fills the value when the profile builds the name. */
  readonly input?: 'commonName' | 'prefecture' | 'municipality';
  /** Appended to the input when building (e.g. " CRLDP"). */
  readonly suffix?: string;
  /** Values of other hierarchies (test cards, the jpkigen simulation) accepted with a notice `<attribute>.<code>`. */
  readonly alsoAccepted?: readonly { readonly value: string; readonly code: string; readonly note: string }[];
  readonly provenance?: ProfileProvenance;
}

export interface NameRule {
  readonly attributes: readonly NameAttributeRule[];
  readonly provenance?: ProfileProvenance;
}

export interface PolicyRule {
  readonly oid: string;
  readonly cps?: string;
  readonly provenance?: ProfileProvenance;
}

/** A policy accepted with a finding of its own, e.g. the test-card policy. */
export interface AcceptedPolicyRule extends PolicyRule {
  readonly severity: FindingSeverity;
  /** Stable code suffix: the finding is `extension.certificatePolicies.<code>`. */
  readonly code: string;
  readonly note: string;
}

/** What an extension's value must be; `kind` matches the extension. */
export type ExtensionValueRule =
  | { readonly kind: 'keyUsage'; readonly bits: readonly string[] }
  | { readonly kind: 'extKeyUsage'; readonly purposes: readonly { readonly name: string; readonly oid: string }[] }
  | { readonly kind: 'certificatePolicies'; readonly policies: readonly PolicyRule[]; readonly alsoAccepted: readonly AcceptedPolicyRule[] }
  | { readonly kind: 'generalNames'; readonly directoryName?: NameRule; readonly otherNames?: readonly { readonly name: string; readonly oid: string }[] }
  | { readonly kind: 'basicConstraints'; readonly cA: boolean; readonly pathLenConstraint: 'absent' | number }
  | { readonly kind: 'crlDistributionPoints'; readonly directoryName: NameRule | 'issuer' }
  | { readonly kind: 'authorityKeyIdentifier'; readonly keyIdentifier: boolean; readonly authorityCertIssuer: boolean; readonly authorityCertSerialNumber: boolean }
  | { readonly kind: 'subjectKeyIdentifier'; readonly method: 'sha1OfSubjectPublicKey' }
  | { readonly kind: 'authorityInfoAccess'; readonly ocsp: readonly string[] }
  | { readonly kind: 'crlNumber' }
  | { readonly kind: 'issuingDistributionPoint' }
  | { readonly kind: 'nonce' }
  | { readonly kind: 'any' };

export interface ExtensionRule {
  /** RFC 5280 name (keyUsage, cRLDistributionPoints …): the `[name]` in finding paths and codes. */
  readonly name: string;
  readonly oid: string;
  readonly critical: boolean;
  readonly presence: 'required' | 'optional';
  /** How a wrong value is reported: `warning` where the public record is thin. */
  readonly valueSeverity: FindingSeverity;
  readonly value: ExtensionValueRule;
  readonly provenance: ProfileProvenance;
}

export interface ForbiddenExtensionRule {
  readonly name: string;
  readonly oid: string;
  readonly reason: string;
  readonly provenance: ProfileProvenance;
}

export interface PublicKeyRule {
  /** rsaEncryption and the key size and exponent it must have. */
  readonly algorithm: string;
  readonly algorithmOid: string;
  readonly modulusBits: number;
  readonly publicExponent: number;
  readonly provenance: ProfileProvenance;
}

export type ValidityRule =
  /** End-entity certificates: until 14:59:59Z on the Nth birthday after issuance (Japan time). */
  | {
      readonly rule: 'birthday';
      readonly birthdays: number;
      readonly renewalBirthdays: number;
      readonly notAfterTimeOfDay: string;
      /** Which other certificates' notAfter the certificate never passes. */
      readonly limits: readonly ValidityLimit[];
      readonly provenance: ProfileProvenance;
    }
  /** CA certificates: until 14:59:59Z on the day before the Nth anniversary of issuance (Japan time). */
  | { readonly rule: 'anniversary'; readonly years: number; readonly notAfterTimeOfDay: string; readonly limits: readonly ValidityLimit[]; readonly provenance: ProfileProvenance };

/**
 * `card`: the card's own expiry (no certificate states it; template input only); `cardCertificate`:
 * the card certificate a smartphone certificate was issued from; `authentication`: the
 * authentication certificate issued with a signature certificate; `issuer`: the CA certificate.
 */
export type ValidityLimit = 'card' | 'cardCertificate' | 'authentication' | 'issuer';

/** An embedded test case: a fixture file (path relative to the project root) and what linting it gives. */
export interface ProfileCase {
  readonly description: string;
  readonly fixture: string;
  readonly context?: { readonly dateOfBirth?: string; readonly issuerFixture?: string; readonly cardFixture?: string; readonly authenticationFixture?: string };
  /** Codes that must be reported (for valid cases: the only findings allowed, all below error). */
  readonly findings: readonly string[];
}

export interface CertificateProfileData {
  readonly name: string;
  readonly kind: 'certificate';
  readonly title: string;
  readonly provenance: ProfileProvenance;
  /** Variants the profile's name rules distinguish (jpkiCa: authentication, signature); empty when none. */
  readonly variants: readonly string[];
  /** Selects the profile when none is given: a policy OID the certificate carries, or a CA. */
  readonly selector: { readonly policies: readonly string[]; readonly ca: boolean };
  readonly version: number;
  readonly signatureAlgorithms: readonly { readonly name: string; readonly oid: string }[];
  readonly publicKey: PublicKeyRule;
  readonly issuer: NameRule;
  /** `issuer`: the subject equals the issuer (self-signed CA). */
  readonly subject: NameRule | 'issuer';
  readonly validity: ValidityRule;
  readonly extensions: readonly ExtensionRule[];
  readonly forbiddenExtensions: readonly ForbiddenExtensionRule[];
  /** Extensions neither listed nor forbidden: reported with this severity. */
  readonly otherExtensions: FindingSeverity;
  readonly valid: readonly ProfileCase[];
  readonly invalid: readonly ProfileCase[];
}

export interface CrlProfileData {
  readonly name: string;
  readonly kind: 'crl';
  readonly title: string;
  readonly provenance: ProfileProvenance;
  readonly variants: readonly string[];
  readonly version: number;
  readonly signatureAlgorithms: readonly { readonly name: string; readonly oid: string }[];
  readonly issuer: NameRule;
  /** Longest allowed nextUpdate − thisUpdate, in seconds. */
  readonly maxUpdateIntervalSeconds: number;
  readonly extensions: readonly ExtensionRule[];
  readonly otherExtensions: FindingSeverity;
  readonly entryReasons: readonly string[];
  readonly entryExtensions: readonly { readonly name: string; readonly oid: string }[];
  readonly valid: readonly ProfileCase[];
  readonly invalid: readonly ProfileCase[];
}

export interface OcspResponseProfileData {
  readonly name: string;
  readonly kind: 'ocspResponse';
  readonly title: string;
  readonly provenance: ProfileProvenance;
  readonly responseTypes: readonly string[];
  readonly signatureAlgorithms: readonly { readonly name: string; readonly oid: string }[];
  readonly responderId: readonly ('byName' | 'byKey')[];
  /** Longest allowed nextUpdate − thisUpdate, in seconds; nextUpdate required. */
  readonly maxUpdateIntervalSeconds: number;
  readonly extensions: readonly ExtensionRule[];
  readonly otherExtensions: FindingSeverity;
  readonly valid: readonly ProfileCase[];
  readonly invalid: readonly ProfileCase[];
}

export type ProfileData = CertificateProfileData | CrlProfileData | OcspResponseProfileData;
