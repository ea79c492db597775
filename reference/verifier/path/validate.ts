/**
 * RFC 5280 §6.1 basic path validation over a built path, then revocation (§6.3, RFC 6960).
 * Counter names follow the RFC so each step can be read against it.
 */
import { ANY_POLICY, PolicyTree } from './policy-tree.js';
import { assertUsableNameConstraints, checkNameConstraints } from './name-constraints.js';
import { nameKeysEqual } from './names.js';
import { hasKeyUsageBit, KEY_USAGE, type ParsedCertificate } from './parsed-certificate.js';
import { PathFailure } from './path-errors.js';
import { lacksDsaParameters, signatureVerdict } from './build-path.js';
import { encodeSubjectPublicKeyInfo } from '../../../generated/asn1/pkix1-explicit88.js';
import { checkSignature } from './signature.js';
import type { NameConstraints } from '../../../generated/asn1/pkix1-implicit88.js';

export interface PolicyInputs {
  readonly initialPolicySet: ReadonlySet<string>;
  readonly initialExplicitPolicy: boolean;
  readonly initialPolicyMappingInhibit: boolean;
  readonly initialAnyPolicyInhibit: boolean;
}

export interface BasicValidationOutput {
  readonly validPolicies: readonly string[];
  /** The leaf's public key with any inherited parameters (§6.1.6 working_public_key). */
  readonly workingPublicKey: Uint8Array;
  /** Keys that took their DSA parameters from the issuer, for checking CRLs those CAs signed. */
  readonly inheritedKeys: ReadonlyMap<ParsedCertificate, Uint8Array>;
}

/** §6.1.4 (d)–(f): the key of `certificate` with the working parameters when it has none. */
function keyWithInheritedParameters(certificate: ParsedCertificate, workingParameters: Uint8Array | undefined): Uint8Array | undefined {
  if (!lacksDsaParameters(certificate) || workingParameters === undefined) return undefined;
  return encodeSubjectPublicKeyInfo({ algorithm: { algorithm: certificate.spki.algorithm.algorithm, parameters: { der: workingParameters } }, subjectPublicKey: certificate.spki.subjectPublicKey });
}

function checkValidity(certificate: ParsedCertificate, time: Date, index: number): void {
  if (certificate.notBefore.getTime() > time.getTime()) throw new PathFailure('certificateNotYetValid', `not valid before ${certificate.notBefore.toISOString()}`, index);
  if (certificate.notAfter.getTime() < time.getTime()) throw new PathFailure('certificateExpired', `expired at ${certificate.notAfter.toISOString()}`, index);
}

function rejectUnrecognisedCritical(certificate: ParsedCertificate, index: number): void {
  const oid = certificate.unrecognisedCritical[0];
  if (oid !== undefined) throw new PathFailure('unknownCriticalExtension', `critical extension ${oid} is not recognised`, index);
}

function smallCount(value: bigint): number {
  return value > 1_000_000n ? 1_000_000 : Number(value);
}

/**
 * §6.1.2–§6.1.5. `chain` is leaf first (as returned by buildPath); certificate indexes in
 * failures are positions in it (0 is the leaf).
 */
export function validateBasicPath(chain: readonly ParsedCertificate[], anchor: ParsedCertificate, time: Date, policy: PolicyInputs): BasicValidationOutput {
  const n = chain.length;
  const inheritedKeys = new Map<ParsedCertificate, Uint8Array>();
  if (n === 0) return { validPolicies: policy.initialPolicySet.has(ANY_POLICY) ? [ANY_POLICY] : [...policy.initialPolicySet].sort(), workingPublicKey: anchor.spkiDer, inheritedKeys };
  // §6.1.2 initialisation.
  let validPolicyTree: PolicyTree | null = new PolicyTree();
  const permittedAndExcluded: NameConstraints[] = [];
  let explicitPolicy = policy.initialExplicitPolicy ? 0 : n + 1;
  let inhibitAnyPolicy = policy.initialAnyPolicyInhibit ? 0 : n + 1;
  let policyMapping = policy.initialPolicyMappingInhibit ? 0 : n + 1;
  let workingIssuer: ParsedCertificate = anchor;
  let workingKey = anchor.spkiDer;
  let workingParameters = anchor.spki.algorithm.parameters?.der;
  let maxPathLength = n;

  for (let i = 1; i <= n; i += 1) {
    const certificate = chain[n - i] as ParsedCertificate;
    const index = n - i;
    const isLast = i === n;
    // §6.1.3 (a): signature with the working public key, validity, issuer name chaining.
    const inherited = workingKey !== workingIssuer.spkiDer;
    const verdict = certificate.signatureMalformed
      ? 'invalid'
      : inherited
        ? checkSignature(certificate.signatureAlgorithm, certificate.tbsDer, certificate.signatureValue, workingKey, workingIssuer.spki.algorithm.algorithm)
        : signatureVerdict(certificate, workingIssuer);
    if (verdict !== 'valid') {
      const code = verdict === 'invalid' ? 'signatureInvalid' : verdict === 'unsupportedKey' ? 'unsupportedPublicKey' : 'unsupportedSignatureAlgorithm';
      throw new PathFailure(code, 'the signature does not verify with the working public key', index);
    }
    checkValidity(certificate, time, index);
    if (!nameKeysEqual(certificate.issuerKey, workingIssuer.subjectKey)) throw new PathFailure('nameChainingMismatch', 'issuer differs from the working issuer name', index);
    // (b)–(c): self-issued intermediates are exempt.
    if (!certificate.selfIssued || isLast) checkNameConstraints(certificate.subject, certificate.subjectAltName, permittedAndExcluded, index);
    // (d)–(f): the policy tree.
    if (validPolicyTree !== null && certificate.certificatePolicies !== undefined) {
      const ids = certificate.certificatePolicies.map((information) => information.policyIdentifier);
      if (new Set(ids).size !== ids.length) throw new PathFailure('malformedExtension', 'certificatePolicies names a policy twice', index);
      const anyPolicyAllowed = inhibitAnyPolicy > 0 || (!isLast && certificate.selfIssued);
      validPolicyTree.processCertificatePolicies(i, certificate.certificatePolicies, anyPolicyAllowed, index);
      if (validPolicyTree.isEmpty) validPolicyTree = null;
    } else if (certificate.certificatePolicies === undefined) {
      validPolicyTree = null;
    }
    if (explicitPolicy <= 0 && validPolicyTree === null) throw new PathFailure('noValidPolicy', 'an explicit policy is required and no acceptable policy remains', index);

    if (!isLast) {
      // §6.1.4 preparation for certificate i+1.
      const mappings = certificate.policyMappings;
      if (mappings !== undefined) {
        if (mappings.some((mapping) => mapping.issuerDomainPolicy === ANY_POLICY || mapping.subjectDomainPolicy === ANY_POLICY)) {
          throw new PathFailure('policyMappingToOrFromAnyPolicy', 'a policy mapping maps to or from anyPolicy', index);
        }
        if (validPolicyTree !== null) {
          validPolicyTree.processPolicyMappings(i, mappings, policyMapping > 0, index);
          if (validPolicyTree.isEmpty) validPolicyTree = null;
        }
      }
      workingIssuer = certificate;
      const withParameters = keyWithInheritedParameters(certificate, workingParameters);
      if (withParameters === undefined) {
        workingKey = certificate.spkiDer;
        workingParameters = certificate.spki.algorithm.parameters?.der;
      } else {
        workingKey = withParameters;
        inheritedKeys.set(certificate, withParameters);
      }
      if (certificate.nameConstraints !== undefined) {
        assertUsableNameConstraints(certificate.nameConstraints, index);
        permittedAndExcluded.push(certificate.nameConstraints);
      }
      if (!certificate.selfIssued) {
        if (explicitPolicy > 0) explicitPolicy -= 1;
        if (policyMapping > 0) policyMapping -= 1;
        if (inhibitAnyPolicy > 0) inhibitAnyPolicy -= 1;
      }
      const constraints = certificate.policyConstraints;
      if (constraints?.requireExplicitPolicy !== undefined) explicitPolicy = Math.min(explicitPolicy, smallCount(constraints.requireExplicitPolicy));
      if (constraints?.inhibitPolicyMapping !== undefined) policyMapping = Math.min(policyMapping, smallCount(constraints.inhibitPolicyMapping));
      if (certificate.inhibitAnyPolicy !== undefined) inhibitAnyPolicy = Math.min(inhibitAnyPolicy, smallCount(certificate.inhibitAnyPolicy));
      // (k): v1 and v2 certificates cannot be shown to be CAs in-band, so they are rejected.
      if (certificate.basicConstraints?.cA !== true) throw new PathFailure('notCertificateAuthority', 'an intermediate certificate is not a CA (basicConstraints cA)', index);
      if (!certificate.selfIssued) {
        if (maxPathLength <= 0) throw new PathFailure('pathLengthExceeded', 'the path is longer than a pathLenConstraint allows', index);
        maxPathLength -= 1;
      }
      const pathLength = certificate.basicConstraints.pathLenConstraint;
      if (pathLength !== undefined) maxPathLength = Math.min(maxPathLength, smallCount(pathLength));
      if (certificate.keyUsage !== undefined && !hasKeyUsageBit(certificate.keyUsage, KEY_USAGE.keyCertSign)) {
        throw new PathFailure('keyCertSignMissing', 'an intermediate certificate lacks keyUsage keyCertSign', index);
      }
      rejectUnrecognisedCritical(certificate, index);
    } else {
      // §6.1.5 wrap-up.
      if (explicitPolicy > 0) explicitPolicy -= 1;
      if (certificate.policyConstraints?.requireExplicitPolicy === 0n) explicitPolicy = 0;
      rejectUnrecognisedCritical(certificate, index);
      const validPolicies = validPolicyTree === null ? [] : validPolicyTree.intersect(n, policy.initialPolicySet);
      if (validPolicyTree !== null && validPolicyTree.isEmpty) validPolicyTree = null;
      if (explicitPolicy <= 0 && validPolicyTree === null) throw new PathFailure('noValidPolicy', 'no acceptable policy remains and an explicit policy is required', index);
      const leafKey = keyWithInheritedParameters(certificate, workingParameters) ?? certificate.spkiDer;
      return { validPolicies, workingPublicKey: leafKey, inheritedKeys };
    }
  }
  throw new PathFailure('internalError', 'path processing ended without wrap-up');
}

interface RememberedValidation {
  readonly chain: readonly ParsedCertificate[];
  readonly anchor: ParsedCertificate;
  readonly policy: PolicyInputs;
  readonly output: BasicValidationOutput;
}

/** Paths that passed §6.1, by leaf (decoded certificates are shared through the content cache). */
const passedPaths = new WeakMap<ParsedCertificate, RememberedValidation[]>();
const PATHS_PER_LEAF = 4;

function sameChain(a: readonly ParsedCertificate[], b: readonly ParsedCertificate[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

function validAt(chain: readonly ParsedCertificate[], time: Date): boolean {
  const at = time.getTime();
  for (const certificate of chain) if (certificate.notBefore.getTime() > at || certificate.notAfter.getTime() < at) return false;
  return true;
}

/**
 * validateBasicPath, recalling a path that already passed with the same decoded certificates,
 * anchor and policy inputs (compared by identity: they are immutable). Apart from the validity
 * periods every §6.1 check depends only on those, so a recalled pass still checks each
 * certificate's validity at `time`; when one fails, the full run reports it as it would.
 */
export function validateBasicPathRecalling(chain: readonly ParsedCertificate[], anchor: ParsedCertificate, time: Date, policy: PolicyInputs): BasicValidationOutput {
  const leaf = chain[0];
  if (leaf === undefined) return validateBasicPath(chain, anchor, time, policy);
  const remembered = passedPaths.get(leaf);
  if (remembered !== undefined && validAt(chain, time)) {
    for (const entry of remembered) {
      if (entry.anchor === anchor && entry.policy === policy && sameChain(entry.chain, chain)) return { ...entry.output, validPolicies: [...entry.output.validPolicies] };
    }
  }
  const output = validateBasicPath(chain, anchor, time, policy);
  const entry: RememberedValidation = { chain: [...chain], anchor, policy, output: { ...output, validPolicies: [...output.validPolicies] } };
  if (remembered === undefined) passedPaths.set(leaf, [entry]);
  else {
    if (remembered.length >= PATHS_PER_LEAF) remembered.shift();
    remembered.push(entry);
  }
  return output;
}
