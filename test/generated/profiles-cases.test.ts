/**
 * The test cases embedded in spec/profiles (as Smithy does): every valid fixture lints to exactly
 * its listed known deviations, every invalid one reports its listed codes and no other error.
 * Fixtures are the real J-LIS CA certificates and certificates made by openssl alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintCertificate, lintCertificateList, lintOcspResponse, profileData, type CertificateProfileName, type CrlProfileName, type LintContext, type OcspResponseProfileName } from '../../generated/profiles/index.js';
import type { ProfileCase, ProfileData } from '../../runtime/profiles/index.js';
import { pemToDer } from '../../runtime/der/pem.js';

function fixture(file: string): Uint8Array {
  const bytes = readFileSync(file);
  return bytes.subarray(0, 10).toString('latin1').startsWith('-----') ? pemToDer(bytes.toString('utf8')) : new Uint8Array(bytes);
}

function contextOf(entry: ProfileCase): LintContext {
  const context = entry.context ?? {};
  return {
    ...(context.issuerFixture === undefined ? {} : { issuerCertificate: fixture(context.issuerFixture) }),
    ...(context.cardFixture === undefined ? {} : { cardCertificate: fixture(context.cardFixture) }),
    ...(context.authenticationFixture === undefined ? {} : { authenticationCertificate: fixture(context.authenticationFixture) }),
    ...(context.dateOfBirth === undefined ? {} : { dateOfBirth: context.dateOfBirth }),
  };
}

function lint(profile: ProfileData, entry: ProfileCase) {
  const der = fixture(entry.fixture);
  if (profile.kind === 'crl') return lintCertificateList(der, profile.name as CrlProfileName, contextOf(entry));
  if (profile.kind === 'ocspResponse') return lintOcspResponse(der, profile.name as OcspResponseProfileName, contextOf(entry));
  return lintCertificate(der, profile.name as CertificateProfileName, contextOf(entry));
}

const profiles = Object.values(profileData) as ProfileData[];

describe.each(profiles.map((profile) => [profile.name, profile] as const))('%s', (_name, profile) => {
  it('has at least one embedded case', () => {
    expect(profile.valid.length + profile.invalid.length).toBeGreaterThan(0);
  });

  it.each(profile.valid.map((entry) => [entry.description, entry] as const))('valid: %s', (_description, entry) => {
    const findings = lint(profile, entry);
    expect([...new Set(findings.map((finding) => finding.code))].sort()).toEqual([...entry.findings].sort());
  });

  it.each(profile.invalid.map((entry) => [entry.description, entry] as const))('invalid: %s', (_description, entry) => {
    const findings = lint(profile, entry);
    const codes = new Set(findings.map((finding) => finding.code));
    for (const code of entry.findings) expect(codes, `${code} in ${JSON.stringify(findings, null, 1)}`).toContain(code);
    const otherErrors = findings.filter((finding) => finding.severity === 'error' && !entry.findings.includes(finding.code));
    expect(otherErrors).toEqual([]);
  });
});
