/** TypeScript names for ASN.1 names: type references PascalCase, values and components camelCase. */
import { RESERVED_WORDS } from '../../printer/reserved-words.js';
import { pascal } from '../../readers/asn1/asn1-resolver.js';


export function typeIdentifier(name: string): string {
  return pascal(name);
}

export function camel(name: string): string {
  const joined = pascal(name);
  const result = joined.charAt(0).toLowerCase() + joined.slice(1);
  return RESERVED_WORDS.has(result) ? `${result}_` : result;
}

/** The module's file name: PKIX1Explicit88 → pkix1-explicit88. */
export function moduleFileName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/gu, '$1-$2')
    .replace(/[^A-Za-z0-9]+/gu, '-')
    .toLowerCase()
    .replace(/^-|-$/gu, '');
}
