/**
 * Mutated certificates, CRLs and OCSP responses never make verifyCertificatePath throw: every
 * outcome is a typed result. Seeded, so a failure names the seed that replays it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { VerificationReasonCode } from '../../../../generated/messages/types.js';
import { verifyCertificatePath, type PathValidationInput, type PathValidationResult } from '../../../../reference/verifier/path/index.js';
import { locateExternalVectors, PKITS_VECTORS } from '../../../helpers/external-vectors.js';
import { seededRandom } from '../../../helpers/random.js';
import { OpensslChain } from './openssl-chain.js';

// NIST's PKITS paths (CRLs, delta CRLs, name constraints, policy mapping) are mutated too when
// that data is present; the OpenSSL-made OCSP path always is.
const pkits = locateExternalVectors(PKITS_VECTORS);
const pkitsFolder = pkits.found ? pkits.folder : undefined;
const cert = (folder: string, name: string): Uint8Array => new Uint8Array(readFileSync(path.join(folder, 'certs', `${name}.crt`)));
const crl = (folder: string, name: string): Uint8Array => new Uint8Array(readFileSync(path.join(folder, 'crls', `${name}.crl`)));

const REASONS: ReadonlySet<VerificationReasonCode> = new Set([
  'signatureMismatch', 'digestMismatch', 'malformedSignature', 'algorithmNotAllowed', 'malformedCertificate', 'untrustedIssuer', 'certificateExpired',
  'certificateNotYetValid', 'policyMismatch', 'keyUsageMismatch', 'certificateKindMismatch', 'certificateRevoked', 'certificateOnHold', 'revocationUnknown',
]);

function mutate(random: () => number, bytes: Uint8Array): Uint8Array {
  const kind = Math.floor(random() * 4);
  const at = Math.floor(random() * bytes.length);
  if (kind === 0) {
    const copy = bytes.slice();
    for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips -= 1) {
      const position = Math.floor(random() * copy.length);
      copy[position] = (copy[position] ?? 0) ^ (1 << Math.floor(random() * 8));
    }
    return copy;
  }
  if (kind === 1) return bytes.slice(0, at);
  if (kind === 2) {
    const copy = bytes.slice();
    copy[at] = Math.floor(random() * 256);
    return copy;
  }
  // Lengths and tags live near the front of each element: overwrite a byte with a length-ish value.
  const copy = bytes.slice();
  copy[Math.floor(random() * Math.min(copy.length, 64))] = [0x00, 0x7f, 0x80, 0x81, 0x82, 0xff][Math.floor(random() * 6)] ?? 0;
  return copy;
}

function assertTyped(result: PathValidationResult): void {
  if (result.valid) {
    expect(result.path.workingPublicKey).toBeInstanceOf(Uint8Array);
  } else {
    expect(REASONS.has(result.reason)).toBe(true);
    // internalError means an exception escaped the algorithm: a bug, not a verdict.
    expect(result.detail.code, result.detail.message).not.toBe('internalError');
  }
}

function mutateOne(random: () => number, input: PathValidationInput): PathValidationInput {
  const lists = (['certificates', 'trustAnchors', 'crls', 'ocspResponses'] as const).filter((key) => (input[key]?.length ?? 0) > 0);
  const key = lists[Math.floor(random() * lists.length)] ?? 'certificates';
  const list = [...(input[key] ?? [])];
  const index = Math.floor(random() * list.length);
  list[index] = mutate(random, list[index] ?? new Uint8Array(0));
  return { ...input, [key]: list };
}

let chain: OpensslChain;
let ocspInput: PathValidationInput;

beforeAll(() => {
  chain = new OpensslChain();
  chain.root({ name: 'root', subject: '/C=JP/O=Fuzz/CN=Root', extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'] });
  chain.issue('root', { name: 'leaf', subject: '/C=JP/O=Fuzz/CN=Leaf', extensions: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'] });
  ocspInput = { certificates: [chain.der('leaf')], trustAnchors: [chain.der('root')], ocspResponses: [chain.ocsp('root', 'leaf', 'root', 'good')], revocation: 'require' };
}, 60_000);

afterAll(() => chain.dispose());

describe('mutated inputs never throw', () => {
  const time = new Date('2025-01-01T00:00:00Z');
  const pkitsPaths: PathValidationInput[] = pkitsFolder === undefined ? [] : pkitsInputs(pkitsFolder, time);
  if (!pkits.found) test.skip(`mutations of NIST PKITS paths (SKIPPED: ${pkits.missing})`, () => undefined);

  test('the unmutated inputs are valid (so mutations start from a passing path)', () => {
    for (const input of [...pkitsPaths, ocspInput]) expect(verifyCertificatePath(input).valid).toBe(true);
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: 300 mutations', (seed) => {
    const random = seededRandom(seed * 7919);
    for (let round = 0; round < 300; round += 1) {
      const base = [...pkitsPaths, ocspInput][round % (pkitsPaths.length + 1)] as PathValidationInput;
      const input = mutateOne(random, base);
      let result: PathValidationResult | undefined;
      expect(() => {
        result = verifyCertificatePath(input);
      }, `seed ${seed} round ${round}`).not.toThrow();
      if (result !== undefined) assertTyped(result);
    }
  });

  test('structurally wrong inputs give typed results', () => {
    const anchor = pkitsFolder === undefined ? chain.der('root') : cert(pkitsFolder, 'TrustAnchorRootCertificate');
    const goodCa = pkitsFolder === undefined ? chain.der('leaf') : cert(pkitsFolder, 'GoodCACert');
    expect(verifyCertificatePath({ certificates: [], trustAnchors: [anchor] })).toMatchObject({ valid: false, detail: { code: 'emptyPath' } });
    expect(verifyCertificatePath({ certificates: [new Uint8Array([0x30, 0x00])], trustAnchors: [anchor] })).toMatchObject({ valid: false, reason: 'malformedCertificate', detail: { code: 'malformedCertificate', certificateIndex: 0 } });
    expect(verifyCertificatePath({ certificates: [goodCa], trustAnchors: [] })).toMatchObject({ valid: false, reason: 'untrustedIssuer', detail: { code: 'noTrustAnchor' } });
    expect(verifyCertificatePath({ certificates: [goodCa], trustAnchors: [new Uint8Array([1, 2, 3])] })).toMatchObject({ valid: false, detail: { code: 'malformedTrustAnchor' } });
    expect(verifyCertificatePath({ certificates: [goodCa], trustAnchors: [anchor], time: new Date(Number.NaN) })).toMatchObject({ valid: false });
  });
});

function pkitsInputs(folder: string, time: Date): PathValidationInput[] {
  const anchor = cert(folder, 'TrustAnchorRootCertificate');
  return [
    { certificates: [cert(folder, 'ValidCertificatePathTest1EE'), cert(folder, 'GoodCACert')], trustAnchors: [anchor], crls: [crl(folder, 'GoodCACRL'), crl(folder, 'TrustAnchorRootCRL')], time, revocation: 'require' },
    { certificates: [cert(folder, 'ValidDNnameConstraintsTest1EE'), cert(folder, 'nameConstraintsDN1CACert')], trustAnchors: [anchor], crls: [crl(folder, 'nameConstraintsDN1CACRL'), crl(folder, 'TrustAnchorRootCRL')], time },
    { certificates: [cert(folder, 'ValidPolicyMappingTest1EE'), cert(folder, 'Mapping1to2CACert')], trustAnchors: [anchor], time, policy: { explicitPolicy: true } },
    {
      certificates: [cert(folder, 'ValiddeltaCRLTest2EE'), cert(folder, 'deltaCRLCA1Cert')],
      trustAnchors: [anchor],
      crls: [crl(folder, 'deltaCRLCA1CRL'), crl(folder, 'deltaCRLCA1deltaCRL'), crl(folder, 'TrustAnchorRootCRL')],
      time,
      revocation: 'require',
    },
  ];
}
