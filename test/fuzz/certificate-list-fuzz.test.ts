/**
 * Mutation fuzzing of the CRL reader: every mutant of a signed CRL must open, index and decode
 * or be rejected with a DecodeError; nothing else may escape, and a mutant that opens must find
 * each of its entries by its own serial.
 */
import { describe, expect, it } from 'vitest';
import { generateSignedCrl } from '../../bench/fixtures/crl-generator.js';
import { exerciseCertificateList, fuzzDecoder } from '../../bench/fixtures/der-fuzz.js';
import { bytesToHex } from '../../runtime/hex.js';

describe('CertificateListIndex under mutation', () => {
  it('rejects malformed CRLs only with DecodeError (6,000 mutants)', () => {
    const seeds = [generateSignedCrl({ count: 12, seed: 41 }).der, generateSignedCrl({ count: 30, duplicates: 3, seed: 42 }).der, generateSignedCrl({ count: 0, seed: 43 }).der];
    const outcome = fuzzDecoder(exerciseCertificateList, seeds, 6_000, 0x43524c);
    const firstUnexpected = outcome.unexpected[0];
    expect(firstUnexpected === undefined ? undefined : `${String(firstUnexpected.error)} on ${bytesToHex(firstUnexpected.mutant)}`).toBeUndefined();
    expect(outcome.rejected).toBeGreaterThan(1_000);
    expect(outcome.accepted).toBeGreaterThan(100);
  });
});
