/**
 * Full verification of a JPKI-shaped card login (RSA-2048 signature certificate key, PKCS#1 v1.5
 * over the DigestInfo of SHA-256(32-byte nonce), as the JPKI-AP signs) by the reference verifier —
 * signature, JPKI checks, path to the CA anchor, revocation from a pre-fetched OCSP response or a
 * CRL — against a bare node:crypto `verify` of the same signature with a ready KeyObject, in the
 * same run. The PKI is made by openssl (CA, end entity with the JPKI extensions, `openssl ocsp`
 * response, `openssl ca -gencrl` CRL). Cold is the first verification in the process (decoding,
 * key import and every memo empty); warm is the rate once the memos are filled.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VerificationRequest } from '../generated/messages/types.js';
import { pemToDer } from '../runtime/der/pem.js';
import { digestInfoOf, hashOf } from '../reference/verifier/digest-info.js';
import { bytesToBase64Url, createVerifier, type VerificationInput, type Verifier } from '../reference/verifier/verifier.js';
import type { PathValidator } from '../reference/verifier/path-contract.js';
import { verifyCertificatePath } from '../reference/verifier/path/index.js';
import type { BenchReport, BenchRow } from './report.js';

const TARGET_RATIO = 0.8;
const WINDOW_MS = 100;
const WINDOWS = 20;
const CA_DN = '/C=JP/O=JPKI/OU=JPKI for digital signature/OU=Japan Agency for Local Authority Information Systems';

interface Fixture {
  readonly caCertificate: Uint8Array;
  readonly certificate: Uint8Array;
  readonly ocspResponse: Uint8Array;
  readonly crl: Uint8Array;
  readonly signature: Uint8Array;
  readonly nonce: Uint8Array;
}

export async function runVerifyBench(): Promise<BenchReport> {
  const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-verify-bench-'));
  try {
    const fixture = makeFixture(folder);
    const input: VerificationInput = { certificate: fixture.certificate, signature: fixture.signature, content: { data: fixture.nonce }, signatureAlgorithm: 'RSASSA-PKCS1-v1_5', hashAlgorithm: 'SHA-256', expectedCertificateKind: 'signature' };
    const anchors = [{ certificate: fixture.caCertificate, caId: 'signca03' as const }];
    // Path validation is timed apart, so the table shows what the rest of the verifier costs.
    const pathClock = { ms: 0 };
    const validatePath: PathValidator = (pathInput) => {
      const started = performance.now();
      try {
        return verifyCertificatePath(pathInput) as ReturnType<PathValidator>;
      } finally {
        pathClock.ms += performance.now() - started;
      }
    };
    const byOcsp = createVerifier({ trustAnchors: anchors, revocation: { ocspResponses: [fixture.ocspResponse] }, validatePath });
    const byCrl = createVerifier({ trustAnchors: anchors, revocation: { crls: [fixture.crl] }, validatePath });

    // Cold first: nothing has touched this certificate, key, CRL or response yet.
    const coldStarted = performance.now();
    const first = await byOcsp.verifyInput(input);
    const coldMs = performance.now() - coldStarted;
    if (first.decision !== 'valid') throw new Error(`the bench fixture does not verify: ${JSON.stringify(first)}`);
    // The anchor's cold figure: key import from the certificate and one verification, measured
    // after ours, so process-wide first-use costs (OpenSSL init, JIT) fall on our side.
    const anchorColdStarted = performance.now();
    const key = createPublicKey(`-----BEGIN CERTIFICATE-----\n${Buffer.from(fixture.certificate).toString('base64')}\n-----END CERTIFICATE-----`);
    nodeVerify('sha256', fixture.nonce, key, fixture.signature);
    const anchorColdMs = performance.now() - anchorColdStarted;

    // Synchronous, as a caller of node:crypto would write it: no promise in the anchor's loop.
    const bareOperation = () => {
      if (!nodeVerify('sha256', fixture.nonce, key, fixture.signature)) throw new Error('bare verify failed');
    };
    const check = (verifier: Verifier) => async () => {
      const decision = await verifier.verifyInput(input);
      if (decision.decision !== 'valid') throw new Error('verification failed during the bench');
    };
    const request: VerificationRequest = {
      content: { kind: 'data', data: bytesToBase64Url(fixture.nonce) },
      signature: bytesToBase64Url(fixture.signature),
      signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
      hashAlgorithm: 'SHA-256',
      certificate: bytesToBase64Url(fixture.certificate),
      expectedCertificateKind: 'signature',
    };
    const fromJson = async () => {
      if ((await byOcsp.verify(request)).decision !== 'valid') throw new Error('verification failed during the bench');
    };
    // Short windows taken in turn, so every figure sees the same machine load (the anchor too).
    const [bare, ocsp, crl, json] = await interleavedRates([bareOperation, check(byOcsp), check(byCrl), fromJson], pathClock);
    if (bare === undefined || ocsp === undefined || crl === undefined || json === undefined) throw new Error('missing measurement');
    const anchor = `bare node:crypto verify, same signature: ${Math.round(bare.rate).toLocaleString('en-US')} ops/s`;
    const rate = (task: string, value: number, target: boolean): BenchRow => {
      const ratio = Math.round((value / bare.rate) * 100) / 100;
      return { task, value: Math.round(value), unit: 'ops/s', anchor, ratio, ...(target ? { target: Math.round(bare.rate * TARGET_RATIO), meetsTarget: ratio >= TARGET_RATIO } : {}) };
    };
    return {
      suite: 'verify',
      rows: [
        rate('full verification, OCSP response (warm)', ocsp.rate, true),
        rate('full verification, CRL (warm)', crl.rate, true),
        rate('  of which everything but path validation (signature, JPKI checks, summary, decision), OCSP', ocsp.rateWithoutPath, false),
        rate('  of which everything but path validation, CRL', crl.rateWithoutPath, false),
        rate('full verification from a JSON VerificationRequest (base64url, schema check), OCSP (warm)', json.rate, false),
        {
          task: 'first verification in the process (cold: decode, key import, path, OCSP)',
          value: Math.round(coldMs * 1000) / 1000,
          unit: 'ms',
          anchor: `node:crypto key import from the certificate + first verify: ${Math.round(anchorColdMs * 1000) / 1000} ms`,
          note: 'one sample; includes the first use of every code path in this process',
        },
      ],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

interface Rate {
  readonly rate: number;
  /** The rate the same calls would reach if path validation took no time. */
  readonly rateWithoutPath: number;
}

/** Each operation's rate over WINDOWS turns of WINDOW_MS, the operations taking turns. */
async function interleavedRates(operations: readonly (() => Promise<void> | void)[], pathClock: { ms: number }): Promise<Rate[]> {
  for (const operation of operations) for (let index = 0; index < 500; index += 1) await runOnce(operation);
  const totals = operations.map(() => ({ count: 0, ms: 0, pathMs: 0 }));
  for (let window = 0; window < WINDOWS; window += 1) {
    for (const [index, operation] of operations.entries()) {
      const total = totals[index];
      if (total === undefined) continue;
      pathClock.ms = 0;
      const started = performance.now();
      let count = 0;
      while (performance.now() - started < WINDOW_MS) {
        for (let call = 0; call < 50; call += 1) {
          const pending = operation();
          if (pending !== undefined) await pending;
        }
        count += 50;
      }
      total.ms += performance.now() - started;
      total.count += count;
      total.pathMs += pathClock.ms;
    }
  }
  return totals.map(({ count, ms, pathMs }) => ({ rate: (count / ms) * 1000, rateWithoutPath: (count / (ms - pathMs)) * 1000 }));
}

async function runOnce(operation: () => Promise<void> | void): Promise<void> {
  await operation();
}

function openssl(args: readonly string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

/** A JPKI-shaped signature CA, one card signature certificate (jpki.md §2.3 extensions), its OCSP response and the CA's CRL. */
function makeFixture(folder: string): Fixture {
  const file = (name: string) => path.join(folder, name);
  writeFileSync(
    file('ca.cnf'),
    `[req]\ndistinguished_name = dn\nstring_mask = utf8only\n[dn]\n[ca_ext]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n` +
      `[ca]\ndefault_ca = main\n[main]\ndatabase = ${file('index.txt')}\ncertificate = ${file('ca.pem')}\nprivate_key = ${file('ca.key')}\ncrlnumber = ${file('crlnumber')}\ndefault_md = sha256\n`,
  );
  writeFileSync(
    file('ee.cnf'),
    `[ee_ext]\nkeyUsage = critical, digitalSignature, nonRepudiation\ncertificatePolicies = critical, 1.2.392.200149.8.5.1.1.20\nauthorityKeyIdentifier = keyid:always, issuer:always\nsubjectKeyIdentifier = hash\nsubjectAltName = @san\n[san]\n` +
      `otherName.1 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:公的　太郎\notherName.2 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:319850515\notherName.3 = 1.2.392.200149.8.5.5.3;FORMAT:UTF8,UTF8:1\n` +
      `otherName.4 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:東京都千代田区霞が関九丁目九番九号\notherName.5 = 1.2.392.200149.8.5.5.2;FORMAT:UTF8,UTF8:00000\notherName.6 = 1.2.392.200149.8.5.5.6;FORMAT:UTF8,UTF8:00000000000000000\n`,
  );
  openssl(['req', '-new', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-utf8', '-subj', CA_DN, '-set_serial', '0x067C6A21', '-days', '3650', '-config', file('ca.cnf'), '-extensions', 'ca_ext']);
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ee.key'), '-out', file('ee.csr'), '-subj', '/C=JP/L=Tokyo-to/L=Chiyoda-ku/CN=2024052010234500001ZZBENCH01', '-config', file('ca.cnf')]);
  openssl(['x509', '-req', '-in', file('ee.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-set_serial', '0x01A2B3C5', '-days', '365', '-sha256', '-extfile', file('ee.cnf'), '-extensions', 'ee_ext', '-out', file('ee.pem')]);
  writeFileSync(file('index.txt'), `V\t391231235959Z\t\t01A2B3C5\tunknown\t/C=JP\nR\t391231235959Z\t250101000000Z,keyCompromise\t01A2B3C6\tunknown\t/C=JP\n`);
  writeFileSync(file('crlnumber'), '1000\n');
  openssl(['ca', '-config', file('ca.cnf'), '-gencrl', '-crldays', '1', '-out', file('crl.pem')]);
  openssl(['ocsp', '-issuer', file('ca.pem'), '-cert', file('ee.pem'), '-reqout', file('req.der'), '-no_nonce']);
  openssl(['ocsp', '-index', file('index.txt'), '-rsigner', file('ca.pem'), '-rkey', file('ca.key'), '-CA', file('ca.pem'), '-reqin', file('req.der'), '-respout', file('resp.der'), '-nmin', '60']);
  const nonce = new Uint8Array(32).map((_, index) => (index * 37 + 11) & 0xff);
  writeFileSync(file('digest-info.bin'), digestInfoOf('SHA-256', hashOf('SHA-256', nonce)));
  openssl(['pkeyutl', '-sign', '-inkey', file('ee.key'), '-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', file('digest-info.bin'), '-out', file('signature.bin')]);
  return {
    caCertificate: pemToDer(readFileSync(file('ca.pem'), 'utf8')),
    certificate: pemToDer(readFileSync(file('ee.pem'), 'utf8')),
    ocspResponse: new Uint8Array(readFileSync(file('resp.der'))),
    crl: pemToDer(readFileSync(file('crl.pem'), 'utf8')),
    signature: new Uint8Array(readFileSync(file('signature.bin'))),
    nonce,
  };
}
