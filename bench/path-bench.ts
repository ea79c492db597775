/**
 * Certification path validation cost (reference/verifier/path) next to the signature check it
 * accompanies: a verifier's full answer is one RSA verify plus path validation, so its throughput
 * is compared with a bare node:crypto RSA-2048 verify measured in the same run (target 0.8×).
 * Certificates arrive as fresh buffers each time, as a server decoding base64 would see them.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verifyCertificatePath, type PathValidationInput } from '../reference/verifier/path/index.js';
import { locateExternalVectors, PKITS_VECTORS } from './fixtures/external-vectors.js';
import { operationsPerSecond } from './measure.js';
import type { BenchReport, BenchRow } from './report.js';

const TARGET_SHARE = 0.8;
const WINDOWS = 15;
const WINDOW_MS = 150;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The paths measured are NIST PKITS certificates and CRLs (not in git; see conformance/vectors/pkits/README.md). */
export async function runPathBench(): Promise<BenchReport> {
  const location = locateExternalVectors(PKITS_VECTORS);
  if (!location.found) {
    return { suite: 'path', rows: [{ task: 'RSA verify + certification path validation — not available', value: Number.NaN, unit: 'ops/s', note: `not available: ${location.missing}` }] };
  }
  const pkits = (folder: 'certs' | 'crls', name: string): Uint8Array =>
    new Uint8Array(readFileSync(path.join(location.folder, folder, `${name}.${folder === 'certs' ? 'crt' : 'crl'}`)));
  const anchor = pkits('certs', 'TrustAnchorRootCertificate');
  const ca = pkits('certs', 'GoodCACert');
  const leaf = pkits('certs', 'ValidCertificatePathTest1EE');
  const crls = [pkits('crls', 'GoodCACRL'), pkits('crls', 'TrustAnchorRootCRL')];
  const time = new Date('2025-01-01T00:00:00Z');
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const message = Buffer.from('the signed content of one request');
  const signature = sign('sha256', message, privateKey);

  const bareOperation = () => verify('sha256', message, publicKey, signature);
  const withPath = (input: () => PathValidationInput) => () => {
    if (!verify('sha256', message, publicKey, signature)) throw new Error('signature does not verify');
    if (!verifyCertificatePath(input()).valid) throw new Error('path does not validate');
  };
  const variants = [
    withPath(() => ({ certificates: [Uint8Array.from(ca)], trustAnchors: [anchor], time, revocation: 'none' })),
    withPath(() => ({ certificates: [Uint8Array.from(leaf), Uint8Array.from(ca)], trustAnchors: [anchor], time, revocation: 'none' })),
    withPath(() => ({ certificates: [Uint8Array.from(leaf), Uint8Array.from(ca)], trustAnchors: [anchor], crls, time, revocation: 'require' })),
  ];
  // Interleaved short windows, medians of the per-window rates: on a shared machine, load shifts
  // between windows would otherwise land on one side of the comparison.
  const bareRates: number[] = [];
  const variantRates: number[][] = variants.map(() => []);
  for (let window = 0; window < WINDOWS; window += 1) {
    bareRates.push(operationsPerSecond(bareOperation, { warmUp: window === 0 ? 2_000 : 50, durationMs: WINDOW_MS }));
    variants.forEach((operation, index) => variantRates[index]?.push(operationsPerSecond(operation, { warmUp: window === 0 ? 2_000 : 50, durationMs: WINDOW_MS })));
  }
  const bare = median(bareRates);
  const [singleTier, twoTier, twoTierCrl] = variantRates.map(median) as [number, number, number];

  const anchorName = 'bare node:crypto RSA-2048 verify';
  const row = (task: string, value: number, withTarget: boolean): BenchRow => ({
    task,
    value: Math.round(value),
    unit: 'ops/s',
    anchor: anchorName,
    ratio: Math.round((value / bare) * 100) / 100,
    ...(withTarget ? { target: Math.round(bare * TARGET_SHARE), meetsTarget: value >= bare * TARGET_SHARE } : {}),
  });
  return {
    suite: 'path',
    rows: [
      { task: anchorName, value: Math.round(bare), unit: 'ops/s' },
      row('RSA verify + path, leaf under the anchor (JPKI single tier)', singleTier, true),
      row('RSA verify + path, leaf and CA under the anchor', twoTier, true),
      row('RSA verify + path + CRLs required (PKITS 4.1.1 path)', twoTierCrl, false),
    ],
  };
}
