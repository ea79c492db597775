/**
 * `jpkigen ca …` as a user runs it (the built CLI on a PGlite data folder): what it issues and the
 * CRLs it writes are checked by openssl against the CA certificates `ca init` wrote.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../../helpers/openssl-asn1.js';
import { runCli } from '../../helpers/run-cli.js';

const scratch = temporaryFolder('jpkigen-ca-cli-');
afterAll(() => scratch.remove());
const dataDir = path.join(scratch.folder, 'data');
const out = path.join(scratch.folder, 'out');
const passphraseFile = path.join(scratch.folder, 'passphrase');
writeFileSync(passphraseFile, 'cli passphrase\n');
const common = ['--data-dir', dataDir, '--passphrase-file', passphraseFile];

function ca(args: readonly string[]) {
  return runCli(['ca', ...args, ...common]);
}

function json(run: { stdout: string }): any {
  return JSON.parse(run.stdout);
}

function opensslOk(args: readonly string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('jpkigen ca', { timeout: 240_000 }, () => {
  let holderId = '';
  let signatureSerial = '';
  let authenticationSerial = '';

  it('init bootstraps the CA and writes the CA certificates', () => {
    const run = ca(['init', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = json(run);
    expect(result.generations.map((generation: { caId: string }) => generation.caId)).toEqual(['authca03', 'signca03']);
    for (const caId of ['authca03', 'signca03']) {
      const file = path.join(dataDir, 'ca', `${caId}.pem`);
      expect(opensslOk(['verify', '-CAfile', file, file])).toContain(': OK');
    }
    expect(readFileSync(path.join(dataDir, 'keystore.json'), 'utf8')).not.toContain('cli passphrase');
  });

  it('issue --generate-keys writes keys and certificates openssl verifies, and prints the serials', () => {
    const run = ca(['issue', '--name', '公的　太郎', '--sex', '1', '--date-of-birth', '319850515', '--address', '東京都千代田区霞が関', '--municipality', '13101', '--generate-keys', '--out', out, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = json(run);
    holderId = result.holderId;
    const [signature, authentication] = result.certificates as { serial: string; kind: string; caId: string }[];
    expect(signature?.kind).toBe('signature');
    signatureSerial = signature?.serial ?? '';
    authenticationSerial = authentication?.serial ?? '';
    for (const certificate of result.certificates as { serial: string; caId: string }[]) {
      const file = path.join(out, `${certificate.serial}.pem`);
      expect(opensslOk(['verify', '-CAfile', path.join(dataDir, 'ca', `${certificate.caId}.pem`), file])).toContain(': OK');
      expect(opensslOk(['x509', '-in', file, '-noout', '-serial']).trim()).toBe(`serial=${certificate.serial}`);
    }
    // The private key written out belongs to the certificate issued.
    const keyFile = path.join(out, readdirSync(out).find((name) => name.endsWith('-signature.key.pem')) ?? '');
    const fromKey = opensslOk(['pkey', '-in', keyFile, '-pubout']);
    const fromCertificate = opensslOk(['x509', '-in', path.join(out, `${signatureSerial}.pem`), '-noout', '-pubkey']);
    expect(fromCertificate).toBe(fromKey);
  });

  it('issue takes holder JSON and PEM public keys made by openssl', () => {
    for (const name of ['sig', 'auth']) {
      opensslOk(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path.join(scratch.folder, `${name}.key`)]);
      opensslOk(['pkey', '-in', path.join(scratch.folder, `${name}.key`), '-pubout', '-out', path.join(scratch.folder, `${name}.pub`)]);
    }
    const holder = JSON.stringify({ name: '吉田　公子', nameSubstitutionFlags: '10000', sex: '2', dateOfBirth: '419950101', address: '大阪府大阪市北区中之島', addressSubstitutionFlags: '0000000000' });
    const run = ca(['issue', '--holder', holder, '--municipality', '27127', '--signature-key', path.join(scratch.folder, 'sig.pub'), '--auth-key', path.join(scratch.folder, 'auth.pub'), '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/holderId: H[0-9A-F]{24}/u);
    const serial = /\n([0-9A-F]{18})\s+signca03/u.exec(run.stdout)?.[1] ?? '';
    const text = opensslOk(['x509', '-in', path.join(out, `${serial}.pem`), '-noout', '-text', '-nameopt', 'utf8']);
    expect(text).toContain('othername: 1.2.392.200149.8.5.5.1::吉田　公子');
    expect(text).toContain('OU = Osaka-fu, CN = Osaka-shi Kita-ku CRLDP');
    expect(opensslOk(['x509', '-in', path.join(out, `${serial}.pem`), '-noout', '-pubkey'])).toBe(readFileSync(path.join(scratch.folder, 'sig.pub'), 'utf8'));
  });

  it('issue --smartphone links a phone pair to the card pair', () => {
    const run = ca(['issue', '--smartphone', '--holder-id', holderId, '--device-id', 'pixel-8', '--generate-keys', '--out', out, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const certificates = json(run).certificates as { carrier: string; linkedCardSerial: string; kind: string }[];
    expect(certificates.map((certificate) => certificate.carrier)).toEqual(['smartphone', 'smartphone']);
    expect(certificates.find((certificate) => certificate.kind === 'signature')?.linkedCardSerial).toBe(signatureSerial);
  });

  it('revoke, hold and release change the status; refusals exit 1 with the code', () => {
    const revoked = ca(['revoke', signatureSerial, '--reason', 'keyCompromise', '--json']);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(json(revoked).certificates[0]).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
    const again = ca(['revoke', signatureSerial, '--reason', 'keyCompromise', '--json']);
    expect(again.status).toBe(1);
    expect(json(again).error.code).toBe('CA_ALREADY_REVOKED');
    expect(ca(['hold', authenticationSerial]).status).toBe(0);
    const released = ca(['release', authenticationSerial, '--json']);
    expect(json(released).certificates[0].status).toBe('good');
    expect(ca(['hold', authenticationSerial]).status).toBe(0);
    const badSerial = ca(['hold', 'zz']);
    expect(badSerial.status).toBe(2);
  });

  it('crl writes per-municipality CRLs that openssl verifies, listing the revoked and held serials', () => {
    const crls = path.join(scratch.folder, 'crls');
    const run = ca(['crl', '--out', crls, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const signCrl = path.join(crls, 'signca03', '13101.crl');
    const authCrl = path.join(crls, 'authca03', '13101.crl');
    expect(existsSync(path.join(crls, 'signca03', 'arl.crl'))).toBe(true);
    const signText = opensslOk(['crl', '-in', signCrl, '-inform', 'DER', '-CAfile', path.join(dataDir, 'ca', 'signca03.pem'), '-noout', '-text']);
    expect(signText).toMatch(new RegExp(`Serial Number: ${signatureSerial}[\\s\\S]*?Key Compromise`, 'u'));
    const authText = opensslOk(['crl', '-in', authCrl, '-inform', 'DER', '-CAfile', path.join(dataDir, 'ca', 'authca03.pem'), '-noout', '-text']);
    expect(authText).toMatch(new RegExp(`Serial Number: ${authenticationSerial}[\\s\\S]*?Certificate Hold`, 'u'));
    expect(existsSync(path.join(crls, 'signca03', 'linkage.der'))).toBe(true);
  });

  it('refuses a wrong passphrase, a missing one, and an unknown municipality with typed errors', () => {
    const wrongFile = path.join(scratch.folder, 'wrong');
    writeFileSync(wrongFile, 'not it\n');
    const wrong = runCli(['ca', 'show', '--serial', signatureSerial, '--data-dir', dataDir, '--passphrase-file', wrongFile, '--json']);
    expect(wrong.status).toBe(1);
    expect(json(wrong).error.code).toBe('KEYSTORE_WRONG_PASSPHRASE');
    expect(wrong.stdout).not.toContain('not it');
    const missing = runCli(['ca', 'show', '--serial', signatureSerial, '--data-dir', dataDir], {});
    if (process.env['JPKIGEN_CA_PASSPHRASE'] === undefined) expect(missing.status).toBe(2);
    const unknown = ca(['issue', '--name', '公的　太郎', '--sex', '1', '--date-of-birth', '319850515', '--address', '東京都', '--municipality', '99999', '--generate-keys', '--out', out, '--json']);
    expect(unknown.status).toBe(1);
    expect(json(unknown).error.code).toBe('CA_UNKNOWN_MUNICIPALITY');
  });
});

