/**
 * The profile linter and templates: lint throughput against decoding the same certificate (the
 * price of the rules over the parse) and against node:crypto's X509Certificate parse; building a
 * card certificate's extensions from the profile against the RSA-2048 signature a CA then makes.
 */
import { generateKeyPairSync, sign, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeCertificate, encodeName } from '../generated/asn1/index.js';
import { certificateExtensions, crlDistributionPointName, lintCertificate } from '../generated/profiles/index.js';
import { packageRoot } from '../generator/package-root.js';
import { pemToDer } from '../runtime/der/pem.js';
import { operationsPerSecond } from './measure.js';
import type { BenchReport, BenchRow } from './report.js';

const FIXTURES = path.join(packageRoot, 'test', 'fixtures', 'profiles');

function fixture(name: string): Uint8Array {
  return pemToDer(readFileSync(path.join(FIXTURES, name), 'utf8'));
}

export async function runProfilesBench(): Promise<BenchReport> {
  const ca = fixture('../../../../shared/fixtures/jpki-ca/sign_ca_2023.pem');
  const card = fixture('smartphone-card-sign.pem');
  const issuer = fixture('openssl-sign-ca.pem');
  const rate = (operation: () => unknown) => operationsPerSecond(operation, { warmUp: 500, batch: 200 });
  const lintCa = rate(() => lintCertificate(ca, 'jpkiCa'));
  const decodeCa = rate(() => decodeCertificate(ca));
  const lintCard = rate(() => lintCertificate(card, 'cardSignature', { issuerCertificate: issuer }));
  const decodeCard = rate(() => decodeCertificate(card));
  const nodeParse = rate(() => new X509Certificate(card).subject);
  const caCertificate = new X509Certificate(ca);
  const caTbs = decodeCertificate(ca);
  const verifyCa = rate(() => verify('sha256', caTbs.tbsCertificate.$der as Uint8Array, caCertificate.publicKey, caTbs.signature.bytes));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const crlDistributionPoint = encodeName(crlDistributionPointName('cardSignature', { prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' }));
  const personalData = { name: '清瀬　太郎', nameSubstitutionFlags: '00000', sex: '1' as const, dateOfBirth: '419800615', address: '東京都清瀬市', addressSubstitutionFlags: '000000' };
  const templates = rate(() => certificateExtensions('cardSignature', { subjectPublicKeyInfo: spki, issuerCertificate: issuer, crlDistributionPoint, personalData }));
  const tbs = new Uint8Array(1200);
  const signing = operationsPerSecond(() => sign('sha256', tbs, privateKey), { warmUp: 20, batch: 10 });
  const row = (task: string, value: number, anchorValue: number, anchor: string): BenchRow => ({
    task,
    value: Math.round(value),
    unit: 'ops/s',
    anchor: `${anchor}: ${Math.round(anchorValue).toLocaleString('en-US')} ops/s`,
    ratio: Math.round((value / anchorValue) * 100) / 100,
  });
  return {
    suite: 'profiles',
    rows: [
      row('lintCertificate J-LIS signca03 (jpkiCa, signature checked)', lintCa, decodeCa, 'decodeCertificate of it'),
      row('lintCertificate J-LIS signca03 (jpkiCa, signature checked)', lintCa, verifyCa, 'its RSA-2048 signature check alone (node:crypto)'),
      row('lintCertificate card signature (issuer in context)', lintCard, decodeCard, 'decodeCertificate of it'),
      row('lintCertificate card signature (issuer in context)', lintCard, nodeParse, 'node:crypto X509Certificate parse'),
      row('certificateExtensions cardSignature', templates, signing, 'RSA-2048 sha256 signature (node:crypto)'),
    ],
  };
}
