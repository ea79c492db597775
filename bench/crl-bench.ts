/**
 * CRL generation with 1,000,000 revoked entries: reference/ca's streaming CRL builder (in its own
 * Node process, reading the index.txt line by line) against `openssl ca -gencrl` over the same
 * 1M-line index.txt with the same RSA-2048 key, each timed as a whole process with its peak RSS
 * from the kernel (GNU time %M). Both results are checked by `openssl crl -noout -CAfile`
 * (signature) and ours also for its entry count and order.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatOpensslIndexLine } from '../reference/ca/in-memory-revocation-source.js';
import { CertificateListIndex } from '../runtime/der/index.js';
import type { BenchReport, BenchRow } from './report.js';

const ENTRIES = 1_000_000;
const FIRST_SERIAL = 0x01000000n;
const here = path.dirname(fileURLToPath(import.meta.url));
const GNU_TIME = '/usr/bin/time';

interface ProcessMeasurement {
  readonly wallMs: number;
  readonly peakRssKiB: number;
  readonly stdout: string;
}

export async function runCrlBench(): Promise<BenchReport> {
  if (!existsSync(GNU_TIME)) {
    return { suite: 'crl', rows: [{ task: 'CRL generation, 1M entries — NOT AVAILABLE', value: Number.NaN, unit: 'ms', note: '/usr/bin/time (GNU time) is needed for the peak RSS of both processes' }] };
  }
  const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-crl-bench-'));
  try {
    const ca = makeCa(folder);
    await writeIndex(path.join(folder, 'index.txt'));
    const theirs = measure('openssl', ['ca', '-gencrl', '-config', ca.config, '-out', path.join(folder, 'openssl.crl.pem'), '-batch'], folder);
    const oursOut = path.join(folder, 'ours.crl');
    const ours = measure(process.execPath, [path.join(here, 'crl-bench-child.js'), JSON.stringify({ caCert: ca.cert, caKey: ca.key, index: path.join(folder, 'index.txt'), out: oursOut })], folder);
    const theirsVerified = verifies(['-in', path.join(folder, 'openssl.crl.pem')], ca.cert, folder);
    const oursVerified = verifies(['-inform', 'DER', '-in', oursOut], ca.cert, folder);
    const oursDer = new Uint8Array(readFileSync(oursOut));
    const index = CertificateListIndex.open(oursDer);
    const megabytes = Math.round((statSync(oursOut).size / 2 ** 20) * 10) / 10;
    const anchor = `openssl ca -gencrl, same index.txt and key: ${Math.round(theirs.wallMs)} ms, ${Math.round(theirs.peakRssKiB / 1024)} MB`;
    const rows: BenchRow[] = [
      { task: `openssl ca -gencrl, ${ENTRIES.toLocaleString('en-US')} revoked (anchor)`, value: Math.round(theirs.wallMs), unit: 'ms', note: `whole process; peak RSS ${Math.round(theirs.peakRssKiB / 1024)} MB; openssl crl -noout -CAfile: ${theirsVerified ? 'verify OK' : 'FAILED'}` },
      {
        task: `ours: stream index.txt → signed CRL, ${ENTRIES.toLocaleString('en-US')} entries (${megabytes} MB)`,
        value: Math.round(ours.wallMs),
        unit: 'ms',
        anchor,
        ratio: round(ours.wallMs / theirs.wallMs),
        target: Math.round(theirs.wallMs),
        meetsTarget: ours.wallMs <= theirs.wallMs && oursVerified,
        note: `whole Node process (start-up included); builder ${JSON.parse(ours.stdout).buildMs !== undefined ? Math.round((JSON.parse(ours.stdout) as { buildMs: number }).buildMs) : '?'} ms inside it; ratio = ours / openssl`,
      },
      {
        task: 'ours: peak RSS',
        value: Math.round(ours.peakRssKiB / 1024),
        unit: 'MB',
        anchor,
        ratio: round(ours.peakRssKiB / theirs.peakRssKiB),
        target: Math.round(theirs.peakRssKiB / 1024),
        meetsTarget: ours.peakRssKiB <= theirs.peakRssKiB,
        note: 'kernel ru_maxrss via GNU time %M for both processes; ratio = ours / openssl',
      },
      {
        task: 'ours: openssl crl -noout -CAfile verifies, entries indexed in serial order',
        value: oursVerified && index.size === ENTRIES && index.duplicateCount === 0 ? 1 : 0,
        unit: 'ok',
        target: 1,
        meetsTarget: oursVerified && index.size === ENTRIES && index.duplicateCount === 0,
        note: `openssl: ${oursVerified ? 'verify OK' : 'FAILED'}; ${index.size.toLocaleString('en-US')} distinct serials, ${index.duplicateCount} duplicates`,
      },
    ];
    return { suite: 'crl', rows };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function makeCa(folder: string): { cert: string; key: string; config: string } {
  const cert = path.join(folder, 'ca.pem');
  const key = path.join(folder, 'ca.key');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems', '-days', '3650'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl req: ${made.stderr}`);
  const config = path.join(folder, 'ca.cnf');
  writeFileSync(
    config,
    ['[ca]', 'default_ca = jpki', '[jpki]', `database = ${path.join(folder, 'index.txt')}`, `crlnumber = ${path.join(folder, 'crlnumber')}`, `certificate = ${cert}`, `private_key = ${key}`, 'default_md = sha256', 'default_crl_hours = 25', 'crl_extensions = crl_ext', '[crl_ext]', 'authorityKeyIdentifier = keyid', ''].join('\n'),
  );
  writeFileSync(path.join(folder, 'crlnumber'), '1000\n');
  writeFileSync(path.join(folder, 'index.txt.attr'), 'unique_subject = no\n');
  return { cert, key, config };
}

/** 1M R lines in shuffled serial order (a database is not sorted by serial), each with a reason. */
async function writeIndex(file: string): Promise<void> {
  const stream = createWriteStream(file);
  const notAfter = new Date('2031-01-01T00:00:00Z');
  const reasons = ['keyCompromise', 'superseded', 'affiliationChanged', 'cessationOfOperation', 'unspecified'] as const;
  const stride = 7_919; // coprime with 1M: visits every serial once, out of order
  let chunk: string[] = [];
  for (let index = 0; index < ENTRIES; index += 1) {
    const position = (index * stride) % ENTRIES;
    chunk.push(formatOpensslIndexLine({ status: 'R', notAfter, serialNumber: FIRST_SERIAL + BigInt(position), revokedAt: new Date(Date.UTC(2026, 0, 1) + position * 1000), reason: reasons[position % reasons.length] as (typeof reasons)[number] }, `/CN=h${position}`));
    if (chunk.length === 10_000) {
      if (!stream.write(`${chunk.join('\n')}\n`)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      chunk = [];
    }
  }
  if (chunk.length > 0) stream.write(`${chunk.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

function measure(command: string, args: readonly string[], cwd: string): ProcessMeasurement {
  const started = performance.now();
  const result = spawnSync(GNU_TIME, ['-f', '%M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args[0] ?? ''} exited ${String(result.status)}: ${result.stderr.slice(-2000)}`);
  const lines = result.stderr.trim().split('\n');
  return { wallMs, peakRssKiB: Number(lines[lines.length - 1]), stdout: result.stdout };
}

function verifies(args: readonly string[], caCert: string, cwd: string): boolean {
  const result = spawnSync('openssl', ['crl', ...args, '-noout', '-CAfile', caCert], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return result.status === 0 && /verify OK/.test(result.stderr + result.stdout);
}
