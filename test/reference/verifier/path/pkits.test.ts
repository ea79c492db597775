/**
 * NIST PKITS: every path, with the settings the PKITS document gives, compared with PKITS's
 * expected outcome. Listed expected failures must still fail. The case list and expectations are
 * ours (conformance/vectors/pkits); the certificates and CRLs are NIST's, found through
 * test/helpers/external-vectors.ts (conformance/vectors/pkits/README.md says where to put them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { verifyCertificatePath, type PathValidationPolicy } from '../../../../reference/verifier/path/index.js';
import { describeWithExternalVectors, PKITS_VECTORS } from '../../../helpers/external-vectors.js';

const VECTORS = new URL('../../../../conformance/vectors/pkits/', import.meta.url);

interface PkitsCase {
  readonly id: string;
  readonly title: string;
  readonly certificates: readonly string[];
  readonly crls: readonly string[];
  readonly shouldValidate: boolean;
  readonly initialPolicySet?: readonly string[];
  readonly initialExplicitPolicy?: boolean;
  readonly initialPolicyMappingInhibit?: boolean;
  readonly initialInhibitAnyPolicy?: boolean;
  readonly userConstrainedPolicySet?: readonly string[];
}

const { cases } = JSON.parse(readFileSync(new URL('cases.json', VECTORS), 'utf8')) as { cases: PkitsCase[] };
const expectedFailures = JSON.parse(readFileSync(new URL('expected-failures.json', VECTORS), 'utf8')) as Record<string, string>;

/** Runs one PKITS case; returns why our outcome differs from PKITS's, or undefined when it agrees. */
function disagreement(dataFolder: string, pkits: PkitsCase): string | undefined {
  const read = (folder: string, name: string, extension: string): Uint8Array => readFileSync(path.join(dataFolder, folder, `${name}.${extension}`));
  const [anchorName, ...pathFromAnchor] = pkits.certificates;
  if (anchorName === undefined) return 'case has no trust anchor';
  const policy: PathValidationPolicy = {
    ...(pkits.initialPolicySet === undefined ? {} : { initialPolicySet: pkits.initialPolicySet }),
    explicitPolicy: pkits.initialExplicitPolicy === true,
    inhibitPolicyMapping: pkits.initialPolicyMappingInhibit === true,
    inhibitAnyPolicy: pkits.initialInhibitAnyPolicy === true,
  };
  const result = verifyCertificatePath({
    certificates: [...pathFromAnchor].reverse().map((name) => read('certs', name, 'crt')),
    trustAnchors: [read('certs', anchorName, 'crt')],
    crls: pkits.crls.map((name) => read('crls', name, 'crl')),
    time: new Date('2025-01-01T00:00:00Z'),
    revocation: 'require',
    policy,
  });
  if (result.valid !== pkits.shouldValidate) {
    return result.valid ? 'accepted a path PKITS rejects' : `rejected (${result.detail.code}: ${result.detail.message})`;
  }
  if (result.valid && pkits.userConstrainedPolicySet !== undefined) {
    const got = [...result.path.validPolicies].sort();
    const want = [...pkits.userConstrainedPolicySet].sort();
    if (got.join() !== want.join()) return `user-constrained policy set ${got.join() || '{}'} instead of ${want.join() || '{}'}`;
  }
  return undefined;
}

describe('NIST PKITS', () => {
  test('the case list is whole and every expected failure names a case', () => {
    expect(cases.length).toBe(249);
    const ids = new Set(cases.map((pkits) => pkits.id));
    for (const id of Object.keys(expectedFailures)) expect(ids.has(id), id).toBe(true);
  });
});

describeWithExternalVectors(PKITS_VECTORS, 'NIST PKITS', (dataFolder) => {
  test.each(cases.map((pkits) => [`${pkits.id} ${pkits.title}`, pkits] as const))('%s', (_name, pkits) => {
    const why = disagreement(dataFolder, pkits);
    if (expectedFailures[pkits.id] !== undefined) {
      expect(why, `${pkits.id} is listed as an expected failure but now agrees with PKITS: remove it from expected-failures.json`).toBeDefined();
    } else {
      expect(why).toBeUndefined();
    }
  });
});
