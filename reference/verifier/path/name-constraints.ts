/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c), §6.1.4 (g)). Instead of computing the
 * intersection of permitted subtrees, every CA certificate's constraints are kept and a name must
 * satisfy each of them: a name is in the intersection exactly when it is in every set.
 */
import type { Name } from '../../../generated/asn1/pkix1-explicit88.js';
import type { GeneralName, GeneralSubtree, NameConstraints } from '../../../generated/asn1/pkix1-implicit88.js';
import { emailAddressesInName, nameKey, nameKeyHasPrefix } from './names.js';
import { PathFailure } from './path-errors.js';

const SUPPORTED_FORMS: ReadonlySet<GeneralName['type']> = new Set(['directoryName', 'rfc822Name', 'dNSName', 'uniformResourceIdentifier', 'iPAddress']);

/** Checks that a constraints extension only uses what §4.2.1.10 allows (minimum 0, no maximum). */
export function assertUsableNameConstraints(constraints: NameConstraints, certificateIndex: number): void {
  for (const subtree of [...(constraints.permittedSubtrees ?? []), ...(constraints.excludedSubtrees ?? [])]) {
    if ((subtree.minimum ?? 0n) !== 0n || subtree.maximum !== undefined) {
      throw new PathFailure('unsupportedNameConstraint', 'a name constraint uses minimum or maximum, which RFC 5280 forbids', certificateIndex);
    }
    if (subtree.base.type === 'iPAddress' && subtree.base.value.length !== 8 && subtree.base.value.length !== 32) {
      throw new PathFailure('malformedExtension', 'an iPAddress name constraint is not an address and mask', certificateIndex);
    }
  }
}

function lower(text: string): string {
  return text.toLowerCase();
}

function dnsMatches(name: string, base: string): boolean {
  const host = lower(name).replace(/\.$/u, '');
  const domain = lower(base).replace(/\.$/u, '');
  if (domain === '') return true;
  if (domain.startsWith('.')) return host.endsWith(domain);
  return host === domain || host.endsWith(`.${domain}`);
}

function mailboxMatches(mailbox: string, base: string): boolean {
  const at = mailbox.lastIndexOf('@');
  if (at < 0) return false;
  const host = lower(mailbox.slice(at + 1));
  if (base.includes('@')) {
    const baseAt = base.lastIndexOf('@');
    // The local part is case-sensitive (RFC 5321 §2.4); the host is not.
    return mailbox.slice(0, at) === base.slice(0, baseAt) && host === lower(base.slice(baseAt + 1));
  }
  if (base.startsWith('.')) return host.endsWith(lower(base));
  return host === lower(base);
}

function uriHost(uri: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/iu.exec(uri);
  return match?.[1] === undefined || match[1] === '' ? undefined : match[1];
}

function uriMatches(uri: string, base: string): boolean {
  const host = uriHost(uri);
  if (host === undefined) return false;
  if (base.startsWith('.')) return lower(host).endsWith(lower(base));
  return lower(host) === lower(base);
}

function addressMatches(address: Uint8Array, base: Uint8Array): boolean {
  if (address.length * 2 !== base.length) return false;
  for (let index = 0; index < address.length; index += 1) {
    const mask = base[address.length + index] ?? 0;
    if (((address[index] ?? 0) & mask) !== ((base[index] ?? 0) & mask)) return false;
  }
  return true;
}

function withinSubtree(name: GeneralName, base: GeneralName): boolean {
  if (name.type === 'directoryName' && base.type === 'directoryName') return nameKeyHasPrefix(nameKey(name.value), nameKey(base.value));
  if (name.type === 'dNSName' && base.type === 'dNSName') return dnsMatches(name.value, base.value);
  if (name.type === 'rfc822Name' && base.type === 'rfc822Name') return mailboxMatches(name.value, base.value);
  if (name.type === 'uniformResourceIdentifier' && base.type === 'uniformResourceIdentifier') return uriMatches(name.value, base.value);
  if (name.type === 'iPAddress' && base.type === 'iPAddress') return addressMatches(name.value, base.value);
  return false;
}

function checkAgainst(name: GeneralName, constraints: NameConstraints, certificateIndex: number): void {
  const permitted = (constraints.permittedSubtrees ?? []).filter((subtree: GeneralSubtree) => subtree.base.type === name.type);
  const excluded = (constraints.excludedSubtrees ?? []).filter((subtree: GeneralSubtree) => subtree.base.type === name.type);
  if (permitted.length === 0 && excluded.length === 0) return;
  if (!SUPPORTED_FORMS.has(name.type)) {
    // §4.2.1.10: a constrained name form we cannot process means the certificate is rejected.
    throw new PathFailure('unsupportedNameConstraint', `names of form ${name.type} are constrained but cannot be checked`, certificateIndex);
  }
  if (permitted.length > 0 && !permitted.some((subtree) => withinSubtree(name, subtree.base))) {
    throw new PathFailure('nameConstraintsViolated', `${name.type} is outside the permitted subtrees`, certificateIndex);
  }
  if (excluded.some((subtree) => withinSubtree(name, subtree.base))) {
    throw new PathFailure('nameConstraintsViolated', `${name.type} is inside an excluded subtree`, certificateIndex);
  }
}

/** §6.1.3 (b)–(c): the subject DN, its emailAddress attributes and every subjectAltName. */
export function checkNameConstraints(
  subject: Name,
  subjectAltName: readonly GeneralName[] | undefined,
  accumulated: readonly NameConstraints[],
  certificateIndex: number,
): void {
  if (accumulated.length === 0) return;
  const names: GeneralName[] = [];
  if (subject.value.length > 0) names.push({ type: 'directoryName', value: subject });
  // §4.2.1.10: without a subjectAltName, rfc822Name constraints apply to emailAddress attributes.
  if (subjectAltName === undefined) for (const email of emailAddressesInName(subject)) names.push({ type: 'rfc822Name', value: email });
  for (const altName of subjectAltName ?? []) names.push(altName);
  for (const constraints of accumulated) for (const name of names) checkAgainst(name, constraints, certificateIndex);
}
