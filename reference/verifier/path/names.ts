/**
 * Distinguished-name comparison per RFC 5280 §7.1: attribute values of the string types are
 * compared after the LDAP StringPrep steps that matter for certificates (RFC 4518: Unicode
 * normalisation, case folding, insignificant-space handling) whatever string type encoded them
 * (PKITS 4.3.9–4.3.10 roll over from PrintableString to UTF8String); values of attribute types we
 * do not decode are compared by their exact DER.
 */
import type { AttributeTypeAndValue, Name } from '../../../generated/asn1/pkix1-explicit88.js';
import type { GeneralName } from '../../../generated/asn1/pkix1-implicit88.js';
import { bytesToHex } from '../../../runtime/hex.js';

export const ID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

/** One comparable key per RDN, in order from the root of the directory tree. */
export type NameKey = readonly string[];

function attributeText(value: AttributeTypeAndValue['value']): string | undefined {
  const decoded: unknown = value.value;
  if (typeof decoded === 'string') return decoded;
  if (typeof decoded === 'object' && decoded !== null && 'value' in decoded) {
    const inner = (decoded as { value: unknown }).value;
    if (typeof inner === 'string') return inner;
  }
  return undefined;
}

/** RFC 4518 §2: normalise, fold case, drop leading and trailing space, squeeze inner runs. */
export function prepareString(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

function attributeKey(attribute: AttributeTypeAndValue): string {
  const text = attributeText(attribute.value);
  if (text !== undefined) return `${attribute.type}=${prepareString(text)}`;
  return `${attribute.type}#${attribute.value.der === undefined ? '' : bytesToHex(attribute.value.der)}`;
}

export function nameKey(name: Name): NameKey {
  // A multi-valued RDN is a set: sort its members so encoding order does not matter.
  return name.value.map((rdn) => JSON.stringify(rdn.map(attributeKey).sort()));
}

export function nameKeysEqual(a: NameKey, b: NameKey): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

/** True when `prefix` names `name` or one of its ancestors (directoryName subtrees). */
export function nameKeyHasPrefix(name: NameKey, prefix: NameKey): boolean {
  if (prefix.length > name.length) return false;
  for (let index = 0; index < prefix.length; index += 1) if (name[index] !== prefix[index]) return false;
  return true;
}

/** The emailAddress attributes of a subject DN, which §4.2.1.10 subjects to rfc822Name constraints. */
export function emailAddressesInName(name: Name): string[] {
  const found: string[] = [];
  for (const rdn of name.value) {
    for (const attribute of rdn) {
      if (attribute.type !== ID_EMAIL_ADDRESS) continue;
      const text = attributeText(attribute.value);
      if (text !== undefined) found.push(text);
    }
  }
  return found;
}

/** A key that is equal for two GeneralNames that name the same thing (CRL distribution points). */
export function generalNameKey(name: GeneralName): string {
  switch (name.type) {
    case 'directoryName':
      return `dn:${JSON.stringify(nameKey(name.value))}`;
    case 'dNSName':
      return `dns:${name.value.toLowerCase()}`;
    case 'rfc822Name':
    case 'uniformResourceIdentifier':
    case 'registeredID':
      return `${name.type}:${name.value}`;
    case 'iPAddress':
      return `ip:${bytesToHex(name.value)}`;
    default:
      return `${name.type}:${JSON.stringify(name.value, (_key, value: unknown) => (value instanceof Uint8Array ? bytesToHex(value) : typeof value === 'bigint' ? value.toString() : value))}`;
  }
}
