/** `jpkigen lint`: the built CLI on PEM and DER fixtures, profile chosen or given, exit codes 0/1/2. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pemToDer } from '../../../runtime/der/pem.js';
import { temporaryFolder } from '../../helpers/openssl-asn1.js';
import { runCli } from '../../helpers/run-cli.js';

const FIXTURES = 'test/fixtures/profiles';
const work = temporaryFolder('jpkigen-lint-');
afterAll(() => work.remove());

describe('jpkigen lint', () => {
  it('picks jpkiCa for a J-LIS CA (by basicConstraints) and exits 0 when clean', () => {
    const run = runCli(['lint', '../shared/fixtures/jpki-ca/sign_ca_2023.pem']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('clean');
    expect(run.stdout).toContain('jpkiCa');
    expect(run.status).toBe(0);
  });

  it('picks the profile by policy OID, reads DER, and exits 1 on an error finding (JSON)', () => {
    const der = path.join(work.folder, 'printable.der');
    writeFileSync(der, pemToDer(readFileSync(`${FIXTURES}/invalid/sign-printable-locality.pem`, 'utf8')));
    const run = runCli(['lint', der, '--json']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; profile: string; findings: { code: string; path: string }[] };
    expect(report.ok).toBe(false);
    expect(report.profile).toBe('cardSignature');
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'subject.localityName.stringType', path: 'tbsCertificate.subject.rdnSequence[1].value' }));
  });

  it('takes a kebab-case --profile and the context certificates', () => {
    const run = runCli(['lint', `${FIXTURES}/invalid/smartphone-beyond-card.pem`, '--profile', 'smartphone-signature', '--card', `${FIXTURES}/smartphone-card-sign.pem`, '--issuer', `${FIXTURES}/openssl-sign-ca.pem`]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/error\s+validity\.beyondCard\s+tbsCertificate\.validity\.notAfter/u);
  });

  it('lints a CRL and an OCSP response, chosen by structure', () => {
    const crl = runCli(['lint', `${FIXTURES}/auth-crl.der`, '--issuer', `${FIXTURES}/openssl-auth-ca.pem`, '--json']);
    expect(JSON.parse(crl.stdout)).toMatchObject({ ok: true, profile: 'crl', findings: [] });
    const ocsp = runCli(['lint', `${FIXTURES}/ocsp-good.der`, '--json']);
    expect(JSON.parse(ocsp.stdout)).toMatchObject({ ok: true, profile: 'ocspResponse' });
    expect(ocsp.status).toBe(0);
  });

  it('exits 2 on an unknown profile, a missing file and bytes that are nothing it knows', () => {
    expect(runCli(['lint', '../shared/fixtures/jpki-ca/sign_ca_2023.pem', '--profile', 'nope']).status).toBe(2);
    const missing = runCli(['lint', 'no/such.pem']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const junk = path.join(work.folder, 'junk.der');
    writeFileSync(junk, new Uint8Array([1, 2, 3]));
    expect(runCli(['lint', junk]).status).toBe(2);
  });

  it('reports a broken certificate as one decode.failed finding when the profile is named', () => {
    const junk = path.join(work.folder, 'junk2.der');
    writeFileSync(junk, new Uint8Array([0x30, 0x03, 0x02, 0x01]));
    const run = runCli(['lint', junk, '--profile', 'jpkiCa', '--json']);
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as { findings: { code: string }[] }).findings.map((finding) => finding.code)).toEqual(['decode.failed']);
  });
});
