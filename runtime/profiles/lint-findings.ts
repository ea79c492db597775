/** Findings, the collector the checks report into, and the checks shared by certificates, CRLs and OCSP responses. */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { AlgorithmIdentifier, Certificate, Extension, Name, PKIX1Explicit88 } from '../../generated/asn1/index.js';
import { DecodeError } from '../der/index.js';
import { bytesToHex } from '../hex.js';
import type { ProfileCodecs } from './codecs.js';
import { fixedValue, stringTypeOfTag } from './names.js';
import type { FindingSeverity, NameRule } from './profile-data.js';

export interface LintFinding {
  readonly severity: FindingSeverity;
  /** Stable, e.g. `extension.keyUsage.criticalMissing`. */
  readonly code: string;
  /** Where, e.g. `tbsCertificate.extensions[keyUsage].critical`. */
  readonly path: string;
  readonly message: string;
}

/** What the linter may compare with: the issuer, the card and authentication certificates (DER), the holder's date of birth. */
export interface LintContext {
  readonly issuerCertificate?: Uint8Array;
  /** Smartphone profiles: the card certificate the phone's was issued from (profiles whose validity is limited by `cardCertificate`). */
  readonly cardCertificate?: Uint8Array;
  /** Signature profiles: the authentication certificate issued with it. */
  readonly authenticationCertificate?: Uint8Array;
  /** `EYYYYMMDD`. */
  readonly dateOfBirth?: string;
}

export class Findings {
  readonly list: LintFinding[] = [];

  add(severity: FindingSeverity, code: string, path: string, message: string): void {
    this.list.push({ severity, code, path, message });
  }
}

export function decodeFailure(error: unknown, what: string): LintFinding {
  if (error instanceof DecodeError) {
    return { severity: 'error', code: 'decode.failed', path: error.path === '' ? what : error.path, message: `${what} does not decode: ${error.message} (offset ${error.offset})` };
  }
  return { severity: 'error', code: 'decode.failed', path: what, message: `${what} does not decode: ${error instanceof Error ? error.message : String(error)}` };
}

export function equalBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((byte, index) => byte === b[index]);
}

export function sameName(codecs: ProfileCodecs, a: Name, b: Name): boolean {
  try {
    return equalBytes(codecs.encodeName(a), codecs.encodeName(b));
  } catch {
    return false;
  }
}

export function nameText(name: Name): string {
  return name.value.map((rdn) => rdn.map((attribute) => `${attribute.type}=${attributeText(attribute.value.value)}`).join('+')).join(', ');
}

function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return '?';
}

/**
 * Checks a name against a rule, attribute by attribute (one per RDN, in order): types, string
 * types read off the DER tag, fixed values, per-variant values and patterns. Reports under
 * `<codePrefix>.<attribute>.<what>`; returns the variants the values imply.
 */
export function checkName(findings: Findings, rule: NameRule, name: Name, path: string, codePrefix: string, variants: Set<string>): void {
  const rdns = name.value;
  const expectedTypes = rule.attributes.map((attribute) => attribute.attribute);
  rdns.forEach((rdn, index) => {
    if (rdn.length !== 1) findings.add('error', `${codePrefix}.multiValuedRdn`, `${path}.rdnSequence[${index}]`, `one attribute per RDN, found ${rdn.length}`);
  });
  const actualOids = rdns.map((rdn) => rdn[0]?.type ?? '');
  const expectedOids = rule.attributes.map((attribute) => attribute.oid);
  if (actualOids.join() !== expectedOids.join()) {
    findings.add('error', `${codePrefix}.attributes`, path, `attributes ${expectedTypes.join(', ')} in this order; found ${nameText(name) || '(empty)'}`);
  }
  rule.attributes.forEach((attributeRule, index) => {
    const attribute = rdns[index]?.[0];
    if (attribute === undefined || attribute.type !== attributeRule.oid) return;
    const at = `${path}.rdnSequence[${index}].value`;
    const code = `${codePrefix}.${attributeRule.attribute}`;
    const stringType = stringTypeOfTag(attribute.value.der?.[0]);
    if (stringType !== attributeRule.stringType) {
      findings.add('error', `${code}.stringType`, at, `${attributeRule.attribute} as ${attributeRule.stringType}, found ${stringType ?? 'another type'}`);
    }
    const text = attributeText(attribute.value.value);
    const other = attributeRule.alsoAccepted?.find((accepted) => accepted.value === text);
    if (other !== undefined) {
      findings.add('notice', `${code}.${other.code}`, at, `'${text}': ${other.note}`);
      return;
    }
    if (attributeRule.variants !== undefined) {
      const matching = Object.entries(attributeRule.variants).filter(([, value]) => value === text).map(([variant]) => variant);
      if (matching.length === 0) findings.add('error', `${code}.value`, at, `one of ${Object.values(attributeRule.variants).map((value) => `'${value}'`).join(', ')}, found '${text}'`);
      for (const variant of matching) variants.add(`${variant}\0${code}`);
      return;
    }
    const fixed = fixedValue(attributeRule, undefined);
    if (fixed !== undefined && fixed !== text) findings.add('error', `${code}.value`, at, `'${fixed}', found '${text}'`);
    if (attributeRule.pattern !== undefined && !new RegExp(attributeRule.pattern, 'u').test(text)) {
      findings.add('error', `${code}.value`, at, `a value matching ${attributeRule.pattern}, found '${text}'`);
    }
  });
}

/** All values that name a variant must name the same one (an authentication CA's DN with signature alternative names is wrong). */
export function checkVariants(findings: Findings, variants: Set<string>): void {
  const byVariant = new Map<string, string[]>();
  for (const entry of variants) {
    const [variant = '', code = ''] = entry.split('\0');
    byVariant.set(variant, [...(byVariant.get(variant) ?? []), code]);
  }
  if (byVariant.size > 1) {
    const described = [...byVariant].map(([variant, codes]) => `${variant} (${codes.join(', ')})`).join(' vs ');
    findings.add('error', 'name.variantMismatch', 'tbsCertificate', `names of one hierarchy, found ${described}`);
  }
}

const HASH_OF_SIGNATURE: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
};

const RSA_SIGNATURES = new Set(['1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13']);
const DER_NULL = '0500';

/** The algorithm is one the profile allows; RSA signatures carry NULL parameters (RFC 4055 §5); inner and outer agree. */
export function checkSignatureAlgorithm(
  findings: Findings,
  allowed: readonly { name: string; oid: string }[],
  inner: AlgorithmIdentifier | undefined,
  outer: AlgorithmIdentifier,
  paths: { inner?: string; outer: string },
): void {
  const algorithm = inner ?? outer;
  const path = paths.inner ?? paths.outer;
  if (!allowed.some((entry) => entry.oid === algorithm.algorithm)) {
    findings.add('error', 'signatureAlgorithm.unexpected', `${path}.algorithm`, `${allowed.map((entry) => entry.name).join(' or ')}, found ${algorithm.algorithm}`);
  }
  if (RSA_SIGNATURES.has(algorithm.algorithm) && bytesToHex(algorithm.parameters?.der ?? new Uint8Array(0)).toLowerCase() !== DER_NULL) {
    findings.add('error', 'signatureAlgorithm.parameters', `${path}.parameters`, 'NULL parameters for an RSA PKCS#1 v1.5 signature (RFC 4055 §5)');
  }
  if (inner !== undefined && (inner.algorithm !== outer.algorithm || !equalBytes(inner.parameters?.der ?? new Uint8Array(0), outer.parameters?.der ?? new Uint8Array(0)))) {
    findings.add('error', 'signatureAlgorithm.mismatch', paths.outer, `the same algorithm as ${paths.inner ?? ''} (RFC 5280 §4.1.1.2)`);
  }
}

/** Issuer keys seen lately: a CA lints many certificates against few issuers, and importing a key costs more than verifying with it. */
const RECENT_KEYS = new Map<string, KeyObject>();
const RECENT_KEYS_LIMIT = 16;

/** A certificate's public key for node:crypto, from its SubjectPublicKeyInfo re-encoded (parsing the whole certificate again costs ten times more). */
export function publicKeyOf(codecs: ProfileCodecs, certificate: Certificate): KeyObject | undefined {
  try {
    const spki = codecs.encodeSubjectPublicKeyInfo(certificate.tbsCertificate.subjectPublicKeyInfo);
    const cacheKey = bytesToHex(spki);
    const cached = RECENT_KEYS.get(cacheKey);
    if (cached !== undefined) return cached;
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    if (RECENT_KEYS.size >= RECENT_KEYS_LIMIT) RECENT_KEYS.delete(RECENT_KEYS.keys().next().value as string);
    RECENT_KEYS.set(cacheKey, key);
    return key;
  } catch {
    return undefined;
  }
}

/** Whether the signature over `signed` verifies with the key; undefined when the algorithm is not one we can check. */
export function signatureVerifies(algorithm: AlgorithmIdentifier, signed: Uint8Array, signature: Uint8Array, key: KeyObject): boolean | undefined {
  const hash = HASH_OF_SIGNATURE[algorithm.algorithm];
  if (hash === undefined) return undefined;
  try {
    return verify(hash, signed, key, signature);
  } catch {
    return false;
  }
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function checkTimeEncoding(findings: Findings, time: PKIX1Explicit88.Time, path: string): void {
  const expected = time.value.getUTCFullYear() < 2050 ? 'utcTime' : 'generalTime';
  if (time.type !== expected) findings.add('error', 'validity.timeEncoding', path, `${expected === 'utcTime' ? 'UTCTime' : 'GeneralizedTime'} for ${time.value.toISOString()} (RFC 5280 §4.1.2.5)`);
}

/** Each extension at most once (RFC 5280 §4.2). */
export function checkDuplicates(findings: Findings, extensions: readonly Extension[], path: string, nameOf: (oid: string) => string): void {
  const seen = new Set<string>();
  for (const extension of extensions) {
    if (seen.has(extension.extnID)) findings.add('error', 'extension.duplicate', `${path}[${nameOf(extension.extnID)}]`, `each extension once (RFC 5280 §4.2), ${nameOf(extension.extnID)} appears again`);
    seen.add(extension.extnID);
  }
}

export function decodeOptional<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

export type { Certificate };
