/**
 * Fuzzing the profile linters with mutated DER of real and openssl-made certificates, CRLs and
 * OCSP responses: they never throw, always answer with well-formed findings, an undecodable input
 * gives exactly one decode.failed finding, and no rule ever stops on a decodable value
 * (lint.incomplete). Deterministic seed, bounded time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificateProfileNames, lintCertificate, lintCertificateList, lintOcspResponse, type LintFinding } from '../../generated/profiles/index.js';
import { pemToDer } from '../../runtime/der/pem.js';
import { pick, seededRandom } from '../helpers/random.js';

const SEED = 0x70726f66;
const CASES = 6_000;
const TIME_LIMIT_MS = 40_000;
const FIXTURES = 'test/fixtures/profiles/';

function load(file: string): Uint8Array {
  const bytes = readFileSync(FIXTURES + file);
  return file.endsWith('.der') ? new Uint8Array(bytes) : pemToDer(bytes.toString('utf8'));
}

const CERTIFICATES = ['../../../../shared/fixtures/jpki-ca/auth_ca_2023.pem', '../../../../shared/fixtures/jpki-ca/sign_ca_2015.pem', '../../../../shared/fixtures/jpki-shape/synthetic-sign-cert.pem', 'card-auth.pem', 'smartphone-sign.pem', 'invalid/auth-with-san.pem'].map(load);
const CRL = load('auth-crl.der');
const OCSP = load('ocsp-good.der');
const ISSUER = load('openssl-auth-ca.pem');

function mutate(random: () => number, input: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(input);
  const edits = 1 + Math.floor(random() * 3);
  for (let edit = 0; edit < edits; edit += 1) {
    const at = Math.floor(random() * bytes.length);
    const kind = random();
    if (kind < 0.6) bytes[at] = Math.floor(random() * 256);
    else if (kind < 0.8) bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(random() * 8));
    else return kind < 0.9 ? bytes.subarray(0, at) : new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
  }
  return bytes;
}

function wellFormed(findings: readonly LintFinding[]): void {
  for (const finding of findings) {
    expect(['error', 'warning', 'notice']).toContain(finding.severity);
    expect(finding.code).toMatch(/^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/u);
    expect(typeof finding.path).toBe('string');
    expect(finding.message.length).toBeGreaterThan(0);
  }
  const decodeFailures = findings.filter((finding) => finding.code === 'decode.failed');
  if (decodeFailures.length > 0) expect(findings).toHaveLength(1);
  expect(findings.filter((finding) => finding.code === 'lint.incomplete')).toEqual([]);
}

describe('profile linters under mutation', () => {
  it('never throw and always give well-formed findings', () => {
    const random = seededRandom(SEED);
    const started = Date.now();
    let decoded = 0;
    for (let index = 0; index < CASES && Date.now() - started < TIME_LIMIT_MS; index += 1) {
      const target = random();
      let findings: LintFinding[];
      if (target < 0.7) {
        const der = mutate(random, pick(random, CERTIFICATES));
        findings = lintCertificate(der, pick(random, certificateProfileNames), random() < 0.5 ? { issuerCertificate: ISSUER, cardCertificate: pick(random, CERTIFICATES), dateOfBirth: '419800615' } : {});
      } else if (target < 0.85) {
        findings = lintCertificateList(mutate(random, CRL), 'crl', { issuerCertificate: ISSUER });
      } else {
        findings = lintOcspResponse(mutate(random, OCSP), 'ocspResponse', { issuerCertificate: ISSUER });
      }
      wellFormed(findings);
      if (!findings.some((finding) => finding.code === 'decode.failed')) decoded += 1;
    }
    // The mutations must also reach the rules, not only the decoder.
    expect(decoded).toBeGreaterThan(100);
  }, 120_000);

  it('reports an undecodable certificate as one error naming where the DER broke', () => {
    const der = new Uint8Array(CERTIFICATES[0] as Uint8Array);
    der[0] = 0x31;
    expect(lintCertificate(der, 'jpkiCa')).toEqual([expect.objectContaining({ severity: 'error', code: 'decode.failed', path: expect.stringContaining('Certificate') })]);
    expect(lintCertificate(new Uint8Array(0), 'jpkiCa')).toEqual([expect.objectContaining({ code: 'decode.failed' })]);
    expect(lintCertificate(new Uint8Array(0), 'jpkiCa')[0]?.message).toMatch(/offset 0/u);
  });
});
