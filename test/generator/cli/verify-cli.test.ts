/**
 * `jpkigen verify` and `jpkigen serve verifier` as a user runs them, over an openssl-made
 * JPKI-shaped PKI: exit 0 on a valid decision, 1 on an invalid one, 2 on usage errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationDecision } from '../../../generated/messages/types.js';
import { validateVerificationDecision } from '../../../generated/messages/validators.js';
import { VerifierClient } from '../../../generated/openapi/verifier/index.js';
import { bytesToHex } from '../../../runtime/hex.js';
import { digestInfoOf, hashOf } from '../../../reference/verifier/digest-info.js';
import { bytesToBase64Url } from '../../../reference/verifier/verifier.js';
import { createOpensslPki, type OpensslPki } from '../../helpers/jpki-openssl-pki.js';
import { runCli } from '../../helpers/run-cli.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

let pki: OpensslPki;
const nonce = new Uint8Array(32).map((_, index) => index * 7 + 1);
const digest = hashOf('SHA-256', nonce);

beforeAll(() => {
  pki = createOpensslPki([
    { name: 'auth-card', ca: 'auth', serial: '01A2B3C4', policies: ['1.2.392.200149.8.5.1.3.30'], keyUsage: 'digitalSignature' },
    { name: 'sign-revoked', ca: 'sign', serial: '01A2B3C6', policies: ['1.2.392.200149.8.5.1.1.20'], keyUsage: 'digitalSignature, nonRepudiation', san: true, revoked: 'keyCompromise' },
  ]);
  writeFileSync(pki.file('nonce.bin'), nonce);
  writeFileSync(pki.file('auth.sig'), pki.signDigestInfo('auth-card', digestInfoOf('SHA-256', digest)));
  writeFileSync(pki.file('revoked.sig'), pki.signDigestInfo('sign-revoked', digestInfoOf('SHA-256', digest)));
  writeFileSync(pki.file('auth.crl.der'), pki.authCrl);
  writeFileSync(pki.file('sign.crl.der'), pki.signCrl);
});
afterAll(() => pki.remove());

describe('jpkigen verify', () => {
  it('a card login signature over a nonce: valid (exit 0), as JSON and as text', () => {
    const args = ['verify', '--certificate', pki.entity('auth-card').certFile, '--signature', pki.file('auth.sig'), '--data', pki.file('nonce.bin'), '--anchor', `authca03=${pki.file('auth-ca.pem')}`, '--crl', pki.file('auth.crl.der'), '--kind', 'userAuthentication'];
    const json = runCli([...args, '--json']);
    expect(json.status, json.stderr).toBe(0);
    const decision = JSON.parse(json.stdout) as VerificationDecision;
    expect(validateVerificationDecision(decision)).toBe(true);
    expect(decision).toMatchObject({ decision: 'valid', certificate: { issuerCaId: 'authca03', certificateKind: 'userAuthentication' } });
    const text = runCli(args);
    expect(text.stdout).toMatch(/^valid userAuthentication certificate 01A2B3C4 \(card\) from authca03/u);
    const byDigest = runCli(['verify', '--certificate', pki.entity('auth-card').certFile, '--signature', pki.file('auth.sig'), '--digest', bytesToHex(digest), '--anchor', pki.file('auth-ca.pem'), '--crl', pki.file('auth.crl.der')]);
    expect(byDigest.status, byDigest.stdout).toBe(0);
  });

  it('a revoked certificate, the wrong kind: invalid (exit 1) with every reason', () => {
    const run = runCli(['verify', '--certificate', pki.entity('sign-revoked').certFile, '--signature', pki.file('revoked.sig'), '--digest', bytesToHex(digest), '--anchor', `signca03=${pki.file('sign-ca.pem')}`, '--crl', pki.file('sign.crl.der'), '--kind', 'userAuthentication']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('certificateRevoked');
    expect(run.stdout).toContain('certificateKindMismatch');
  });

  it('usage errors exit 2', () => {
    expect(runCli(['verify', '--certificate', pki.entity('auth-card').certFile, '--signature', pki.file('auth.sig')]).status).toBe(2);
    expect(runCli(['verify', '--certificate', pki.file('missing.pem'), '--signature', pki.file('auth.sig'), '--data', pki.file('nonce.bin')]).status).toBe(2);
    expect(runCli(['verify', '--certificate', pki.entity('auth-card').certFile, '--signature', pki.file('auth.sig'), '--digest', 'zz']).status).toBe(2);
  });
});

describe('jpkigen serve verifier', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGTERM');
  });

  it('serves the reference verifier with the anchors and CRLs given', async () => {
    const child = spawn(process.execPath, [path.join(repositoryRoot, 'bin', 'jpkigen.js'), 'serve', 'verifier', '--json', '--anchor', `authca03=${pki.file('auth-ca.pem')}`, '--crl', pki.file('auth.crl.der')]);
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        try {
          resolve((JSON.parse(output) as { url: string }).url);
        } catch {
          // not a whole JSON document yet
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
    });
    const answer = await new VerifierClient({ baseUrl: url }).verifySignature({
      body: {
        content: { kind: 'data', data: bytesToBase64Url(nonce) },
        signature: bytesToBase64Url(pki.signDigestInfo('auth-card', digestInfoOf('SHA-256', digest))),
        signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
        hashAlgorithm: 'SHA-256',
        certificate: bytesToBase64Url(pki.entity('auth-card').der),
      },
    });
    expect(answer.body).toMatchObject({ decision: 'valid', revocationStatus: { status: 'good', source: 'crl' } });
  });
});
