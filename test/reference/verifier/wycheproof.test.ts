/**
 * Every vector of three Project Wycheproof files (found through test/helpers/external-vectors.ts;
 * conformance/vectors/wycheproof/README.md names them and where to put them) through
 * verifySignature: over the message, and again over its digest (the pre-hashed paths: the
 * DigestInfo comparison for PKCS#1 v1.5, our EMSA-PSS-VERIFY for PSS). "acceptable" vectors
 * may go either way. Disagreements must be listed in expected-disagreements.json with the reason;
 * an unlisted one fails, and so does a listed one that no longer disagrees.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { hexToBytes } from '../../../runtime/hex.js';
import { hashOf } from '../../../reference/verifier/digest-info.js';
import { verifySignature, type VerifySignatureInput } from '../../../reference/verifier/signature.js';
import type { SignatureAlgorithm } from '../../../generated/messages/types.js';
import { describeWithExternalVectors, WYCHEPROOF_VECTORS } from '../../helpers/external-vectors.js';

/** Ours: the vectors where we differ from Wycheproof on purpose. */
const expectations = path.resolve(import.meta.dirname, '../../../conformance/vectors/wycheproof');

interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly msg: string;
  readonly sig: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofGroup {
  readonly publicKeyDer: string;
  readonly sha: string;
  readonly sLen?: number;
  readonly tests: readonly WycheproofTest[];
}
interface Disagreement {
  readonly file: string;
  readonly path: 'data' | 'digest';
  readonly tcId: number;
  readonly why: string;
}

const FILES: readonly { readonly file: string; readonly algorithm: SignatureAlgorithm; readonly digestPath: boolean }[] = [
  { file: 'rsa_signature_2048_sha256_test.json', algorithm: 'RSASSA-PKCS1-v1_5', digestPath: true },
  { file: 'rsa_pss_2048_sha256_mgf1_32_test.json', algorithm: 'RSA-PSS', digestPath: true },
  // node:crypto has no pre-hashed ECDSA verification, so ECDSA runs over the message only.
  { file: 'ecdsa_secp256r1_sha256_test.json', algorithm: 'ECDSA', digestPath: false },
];

const expectedDisagreements = JSON.parse(readFileSync(path.join(expectations, 'expected-disagreements.json'), 'utf8')) as { disagreements: Disagreement[] };
const listed = new Set(expectedDisagreements.disagreements.map((entry) => `${entry.file}#${entry.path}#${entry.tcId}`));

describeWithExternalVectors(WYCHEPROOF_VECTORS, 'Wycheproof signature vectors', (folder) => {
  const tally = { runs: 0, agree: 0, acceptable: 0, expectedDisagreement: 0 };
  const unexpected: string[] = [];
  const seenDisagreements = new Set<string>();

  for (const { file, algorithm, digestPath } of FILES) {
    it(`${file}: every vector`, () => {
      const document = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as { testGroups: WycheproofGroup[]; numberOfTests: number };
      let count = 0;
      for (const group of document.testGroups) {
        expect(group.sha).toBe('SHA-256');
        const publicKey = hexToBytes(group.publicKeyDer);
        for (const vector of group.tests) {
          count += 1;
          const message = hexToBytes(vector.msg);
          const base: Omit<VerifySignatureInput, 'data' | 'digest'> = {
            publicKey,
            signature: hexToBytes(vector.sig),
            algorithm,
            hash: 'SHA-256',
            ...(group.sLen !== undefined ? { saltLength: group.sLen } : {}),
          };
          const runs: [Disagreement['path'], VerifySignatureInput][] = [['data', { ...base, data: message }]];
          if (digestPath) runs.push(['digest', { ...base, digest: hashOf('SHA-256', message) }]);
          for (const [which, input] of runs) {
            tally.runs += 1;
            const verdict = verifySignature(input);
            const key = `${file}#${which}#${vector.tcId}`;
            if (vector.result === 'acceptable') {
              tally.acceptable += 1;
              continue;
            }
            const agrees = verdict.valid === (vector.result === 'valid');
            if (agrees && listed.has(key)) unexpected.push(`${key}: listed as a disagreement but now agrees (${vector.comment})`);
            else if (!agrees && !listed.has(key)) unexpected.push(`${key}: Wycheproof says ${vector.result}, we say ${verdict.valid ? 'valid' : `invalid (${verdict.reason})`} — ${vector.comment} [${vector.flags.join(', ')}]`);
            if (agrees) tally.agree += 1;
            else {
              tally.expectedDisagreement += 1;
              seenDisagreements.add(key);
            }
          }
        }
      }
      expect(count).toBe(document.numberOfTests);
    });
  }

  it('no unexpected disagreement and no stale entry in expected-disagreements.json', () => {
    expect(unexpected).toEqual([]);
    for (const key of listed) expect(seenDisagreements.has(key), `${key} is listed but was not seen`).toBe(true);
    // eslint-disable-next-line no-console
    console.info(`Wycheproof: ${tally.runs} runs, ${tally.agree} agree, ${tally.acceptable} acceptable, ${tally.expectedDisagreement} expected disagreements`);
  });
});
