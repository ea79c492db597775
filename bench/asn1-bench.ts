/**
 * ASN.1/DER codecs against named anchors measured in the same run:
 *  (a) decoding a certificate: the generated decodeCertificate vs node:crypto X509Certificate
 *      (OpenSSL's d2i underneath) vs @peculiar/asn1-schema, on the J-LIS CA certificates and an
 *      OpenSSL-made one;
 *  (b) a 1M-entry CRL: open + index + 1M lookups in a fresh process vs `openssl crl -noout`,
 *      wall time and peak RSS;
 *  (c) re-encoding certificates with the generated encodeCertificate vs AsnSerializer;
 *  (d) a longer mutation-fuzz run of the decoders.
 * Parts that need generated/asn1 say "not available" when it is missing rather than guess.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { packageRoot } from '../generator/package-root.js';
import { pemToDer } from '../runtime/der/pem.js';
import { generateSignedCrl } from './fixtures/crl-generator.js';
import { exerciseCertificateList, fuzzDecoder, type FuzzOutcome } from './fixtures/der-fuzz.js';
import { operationsPerSecond } from './measure.js';
import type { BenchReport, BenchRow } from './report.js';

const CRL_ENTRIES = 1_000_000;
const CRL_RUNS = 5;
const LARGE_CRL_ENTRIES = 2_000_000;
const FUZZ_CASES = 30_000;
const TIME_TARGET_RATIO = 1.5;

interface GeneratedCodec {
  readonly decodeCertificate?: (der: Uint8Array) => unknown;
  readonly encodeCertificate?: (value: never, options?: { readonly useKeptDer?: boolean }) => Uint8Array;
}

export async function runAsn1Bench(): Promise<BenchReport> {
  const certificates = loadCertificates();
  const codec = await loadGeneratedCodec();
  const rows: BenchRow[] = [
    ...certificateDecodeRows(certificates, codec),
    ...certificateEncodeRows(certificates, codec),
    ...crlRows(CRL_ENTRIES, CRL_RUNS, true),
    // The size the reader is specified for: a 100 MB CRL, one run each side.
    ...crlRows(LARGE_CRL_ENTRIES, 1, false),
    ...fuzzRows(certificates, codec),
  ];
  return { suite: 'asn1', rows };
}

// ---------------------------------------------------------------------------------------------
// (a) certificate decoding

interface CertificateInput {
  readonly name: string;
  readonly der: Uint8Array;
}

function loadCertificates(): CertificateInput[] {
  const folder = path.join(packageRoot, '..', 'shared', 'fixtures', 'jpki-ca');
  const fromFixtures = existsSync(folder)
    ? readdirSync(folder)
        .filter((file) => file.endsWith('.pem'))
        .sort()
        .map((file) => ({ name: file, der: pemToDer(readFileSync(path.join(folder, file), 'utf8')) }))
    : [];
  return [...fromFixtures, { name: 'openssl req -x509 (RSA 2048)', der: opensslMadeCertificate() }];
}

function opensslMadeCertificate(): Uint8Array {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'jpkigen-bench-cert-'));
  try {
    const certificate = path.join(folder, 'cert.der');
    const result = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(folder, 'key.pem'), '-subj', '/C=JP/O=jpkigen bench/CN=bench leaf', '-days', '30', '-addext', 'keyUsage=critical,digitalSignature', '-outform', 'DER', '-out', certificate],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`openssl req failed: ${result.stderr}`);
    return new Uint8Array(readFileSync(certificate));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function loadGeneratedCodec(): Promise<GeneratedCodec | undefined> {
  // A variable specifier: generated/asn1 may not exist yet, and the bench must still build.
  const specifier = '../generated/asn1/index.js';
  try {
    const loaded = (await import(specifier)) as GeneratedCodec;
    return typeof loaded.decodeCertificate === 'function' ? loaded : undefined;
  } catch {
    return undefined;
  }
}

const NOT_AVAILABLE = 'not available: generated/asn1/index.js (decodeCertificate / encodeCertificate) is missing from this build';

function certificateDecodeRows(certificates: readonly CertificateInput[], codec: GeneratedCodec | undefined): BenchRow[] {
  const ders = certificates.map((certificate) => certificate.der);
  const nodeCrypto = microsecondsPerValue(ders, (der) => new X509Certificate(der));
  const asnSchema = microsecondsPerValue(ders, (der) => AsnParser.parse(der, Certificate));
  const anchor = `node:crypto X509Certificate: ${round(nodeCrypto)} µs/op`;
  const rows: BenchRow[] = [];
  const decode = codec?.decodeCertificate;
  if (decode === undefined) {
    rows.push({ task: 'decode Certificate: generated decodeCertificate — NOT AVAILABLE', value: Number.NaN, unit: 'µs/op', anchor, note: NOT_AVAILABLE });
  } else {
    const generated = microsecondsPerValue(ders, (der) => decode(der));
    rows.push({
      task: `decode Certificate: generated decodeCertificate (${ders.length} certificates)`,
      value: round(generated),
      unit: 'µs/op',
      anchor,
      ratio: round(generated / nodeCrypto, 2),
      target: round(nodeCrypto),
      meetsTarget: generated <= nodeCrypto,
    });
  }
  rows.push({
    task: 'decode Certificate: @peculiar/asn1-schema AsnParser.parse',
    value: round(asnSchema),
    unit: 'µs/op',
    anchor,
    ratio: round(asnSchema / nodeCrypto, 2),
    note: 'second JS implementation, for scale',
  });
  rows.push({
    task: 'decode Certificate: node:crypto X509Certificate',
    value: round(nodeCrypto),
    unit: 'µs/op',
    note: `certificates: ${certificates.map((certificate) => certificate.name).join(', ')}`,
  });
  return rows;
}


// ---------------------------------------------------------------------------------------------
// (c) certificate encoding

function certificateEncodeRows(certificates: readonly CertificateInput[], codec: GeneratedCodec | undefined): BenchRow[] {
  const parsed = certificates.map((certificate) => AsnParser.parse(certificate.der, Certificate));
  const peculiarRate = 1_000_000 / microsecondsPerValue(parsed, (value) => AsnSerializer.serialize(value));
  const anchor = `@peculiar/asn1-schema AsnSerializer.serialize: ${Math.round(peculiarRate).toLocaleString('en-US')} certificates/s`;
  const decode = codec?.decodeCertificate;
  const encode = codec?.encodeCertificate;
  if (decode === undefined || encode === undefined) {
    return [{ task: 're-encode Certificate: generated encodeCertificate — NOT AVAILABLE', value: Number.NaN, unit: 'certificates/s', anchor, note: NOT_AVAILABLE }];
  }
  const values = certificates.map((certificate) => decode(certificate.der) as never);
  // useKeptDer: false makes the encoder write every field rather than copy the signed bytes it kept.
  const reencode = (value: never): Uint8Array => encode(value, { useKeptDer: false });
  const roundTrips = values.every((value, index) => Buffer.from(reencode(value)).equals(Buffer.from((certificates[index] as CertificateInput).der)));
  const rate = 1_000_000 / microsecondsPerValue(values, reencode);
  return [
    {
      task: 're-encode Certificate: generated encodeCertificate (useKeptDer: false)',
      value: Math.round(rate),
      unit: 'certificates/s',
      anchor,
      ratio: round(rate / peculiarRate, 2),
      note: roundTrips ? 'every re-encoding equals the input DER' : 'RE-ENCODING DIFFERS from the input DER for at least one certificate',
      ...(roundTrips ? {} : { meetsTarget: false }),
    },
  ];
}


// ---------------------------------------------------------------------------------------------
// (b) the 1M-entry CRL

interface ProcessMeasurement {
  readonly wallMs: number;
  readonly peakRssKiB: number;
  /** User plus system CPU time, when the method gives it (GNU time does). */
  readonly cpuMs?: number;
  readonly stdout: string;
}

function crlRows(entries: number, runs: number, withPhases: boolean): BenchRow[] {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'jpkigen-bench-crl-'));
  try {
    const crl = generateSignedCrl({ count: entries, seed: 2026 });
    const crlFile = path.join(folder, 'list.crl');
    const queriesFile = path.join(folder, 'queries.bin');
    writeFileSync(crlFile, crl.der);
    writeFileSync(queriesFile, encodeQueries(crl.entries.serialBytes, crl.entries.serialOffsets));
    const child = fileURLToPath(new URL('./crl-lookup-child.js', import.meta.url));
    const ours: ProcessMeasurement[] = [];
    const openssl: ProcessMeasurement[] = [];
    for (let run = 0; run < runs; run += 1) {
      // Interleaved, so a busy moment on the machine falls on both sides alike.
      openssl.push(measureProcess('openssl', ['crl', '-inform', 'DER', '-noout', '-in', crlFile]));
      ours.push(measureProcess(process.execPath, [child, crlFile, queriesFile]));
    }
    const phases = ours.map((measurement) => JSON.parse(measurement.stdout) as { found: number; queries: number; openAndIndexMs: number; lookupMs: number; readMs: number });
    if (phases.some((phase) => phase.found !== entries)) throw new Error(`the CRL child found ${phases.map((phase) => phase.found).join('/')} of ${entries} serials`);
    // This machine is shared: the fastest of the interleaved runs is each side's least disturbed one.
    const wall = Math.min(...ours.map((measurement) => measurement.wallMs));
    const opensslWall = Math.min(...openssl.map((measurement) => measurement.wallMs));
    const rss = median(ours.map((measurement) => measurement.peakRssKiB)) / 1024;
    const opensslRss = median(openssl.map((measurement) => measurement.peakRssKiB)) / 1024;
    const cpu = Math.min(...ours.map((measurement) => measurement.cpuMs ?? Number.NaN));
    const opensslCpu = Math.min(...openssl.map((measurement) => measurement.cpuMs ?? Number.NaN));
    const sizeMb = round(crl.der.length / 1e6, 1);
    const rssMethod = PEAK_RSS_METHOD;
    const rows: BenchRow[] = [
      {
        task: `CRL ${entries.toLocaleString('en-US')} entries (${sizeMb} MB): open + index + ${entries.toLocaleString('en-US')} lookups, fresh process (wall)`,
        value: Math.round(wall),
        unit: 'ms',
        anchor: `openssl crl -inform DER -noout: ${Math.round(opensslWall)} ms`,
        ratio: round(wall / opensslWall, 2),
        target: Math.round(opensslWall * TIME_TARGET_RATIO),
        meetsTarget: wall <= opensslWall * TIME_TARGET_RATIO,
        note: `${runs === 1 ? 'one run each' : `fastest of ${runs} interleaved runs`}; ours ${ours.map((m) => Math.round(m.wallMs)).join('/')} ms, openssl ${openssl.map((m) => Math.round(m.wallMs)).join('/')} ms`,
      },
      {
        task: `CRL ${entries.toLocaleString('en-US')} entries: peak RSS`,
        value: Math.round(rss),
        unit: 'MiB',
        anchor: `openssl crl -inform DER -noout: ${Math.round(opensslRss)} MiB`,
        ratio: round(rss / opensslRss, 2),
        target: Math.round(opensslRss),
        meetsTarget: rss <= opensslRss,
        note: rssMethod,
      },
    ];
    if (!Number.isNaN(cpu) && !Number.isNaN(opensslCpu)) {
      rows.push({
        task: `CRL ${entries.toLocaleString('en-US')} entries: CPU time (user + system), same work as the wall row`,
        value: Math.round(cpu),
        unit: 'ms',
        anchor: `openssl crl -inform DER -noout: ${Math.round(opensslCpu)} ms`,
        ratio: round(cpu / opensslCpu, 2),
        note: `least of ${runs} runs each; less sensitive than wall time to other work on the machine`,
      });
    }
    if (withPhases) {
      rows.push({
        task: `CRL ${entries.toLocaleString('en-US')} entries in-process: open + index`,
        value: Math.round(median(phases.map((phase) => phase.openAndIndexMs))),
        unit: 'ms',
        note: `read ${Math.round(median(phases.map((phase) => phase.readMs)))} ms, lookups ${Math.round(median(phases.map((phase) => phase.lookupMs)))} ms (${Math.round(entries / (median(phases.map((phase) => phase.lookupMs)) / 1000)).toLocaleString('en-US')} lookups/s, each decoding its entry)`,
      });
    }
    return rows;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function encodeQueries(bytes: Uint8Array, offsets: Uint32Array): Uint8Array {
  const count = offsets.length - 1;
  const file = new Uint8Array(4 + offsets.length * 4 + bytes.length);
  const view = new DataView(file.buffer);
  view.setUint32(0, count, true);
  offsets.forEach((offset, index) => view.setUint32(4 + index * 4, offset, true));
  file.set(bytes, 4 + offsets.length * 4);
  return file;
}

const GNU_TIME = '/usr/bin/time';
const HAS_GNU_TIME = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M %U %S', 'true'], { encoding: 'utf8' }).status === 0;
const PEAK_RSS_METHOD = HAS_GNU_TIME
  ? 'peak RSS of each process from the kernel (wait4 rusage ru_maxrss, via /usr/bin/time -f %M), the same method for both'
  : 'peak RSS polled every 2 ms from /proc/<pid>/status VmHWM (the kernel’s high-water mark), the same method for both';

/**
 * Runs a command to completion and returns its wall time and peak resident set. With GNU time
 * the figure is the kernel's ru_maxrss for the child, exact; without it, VmHWM (also the kernel's
 * own high-water mark) is polled, which can only miss growth in the last poll interval.
 */
function measureProcess(command: string, args: readonly string[]): ProcessMeasurement {
  if (HAS_GNU_TIME) {
    const started = performance.now();
    const result = spawnSync(GNU_TIME, ['-f', '%M %U %S', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wallMs = performance.now() - started;
    if (result.status !== 0) throw new Error(`${command} exited ${String(result.status)}: ${result.stderr}`);
    const lines = result.stderr.trim().split('\n');
    const [peak, user, system] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
    return { wallMs, peakRssKiB: peak ?? Number.NaN, cpuMs: ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000, stdout: result.stdout };
  }
  return measureByPolling(command, args);
}

function measureByPolling(command: string, args: readonly string[]): ProcessMeasurement {
  // Synchronous from the caller's side: a small Node script polls and reports, so the bench stays sequential.
  const script = `
    const { spawn } = require('node:child_process');
    const { readFileSync } = require('node:fs');
    const started = performance.now();
    const child = spawn(process.argv[1], JSON.parse(process.argv[2]), { stdio: ['ignore', 'pipe', 'inherit'] });
    let peak = 0, out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    const poll = () => { try { const m = /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/' + child.pid + '/status', 'utf8')); if (m) peak = Math.max(peak, Number(m[1])); } catch {} };
    const timer = setInterval(poll, 2);
    child.on('exit', (code) => { clearInterval(timer); process.stdout.write(JSON.stringify({ code, wallMs: performance.now() - started, peak, out })); });`;
  const result = spawnSync(process.execPath, ['-e', script, command, JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const report = JSON.parse(result.stdout) as { code: number; wallMs: number; peak: number; out: string };
  if (report.code !== 0) throw new Error(`${command} exited ${report.code}`);
  return { wallMs: report.wallMs, peakRssKiB: report.peak, stdout: report.out };
}

// ---------------------------------------------------------------------------------------------
// (d) fuzzing

function fuzzRows(certificates: readonly CertificateInput[], codec: GeneratedCodec | undefined): BenchRow[] {
  const seeds = [generateSignedCrl({ count: 16, seed: 71 }).der, generateSignedCrl({ count: 40, duplicates: 2, seed: 72 }).der];
  const rows = fuzzRowPair('fuzz CertificateListIndex (open, index, decode every entry, look every serial up)', fuzzDecoder(exerciseCertificateList, seeds, FUZZ_CASES, 0x61736e31));
  const decode = codec?.decodeCertificate;
  if (decode === undefined) {
    rows.push({ task: 'fuzz generated decodeCertificate — NOT AVAILABLE', value: Number.NaN, unit: 'cases/s', note: NOT_AVAILABLE });
  } else {
    rows.push(...fuzzRowPair('fuzz generated decodeCertificate', fuzzDecoder((der) => decode(der), certificates.map((certificate) => certificate.der), FUZZ_CASES, 0x78353039)));
  }
  return rows;
}

/** The rate, and the count of exceptions other than DecodeError (target: none). */
function fuzzRowPair(task: string, outcome: FuzzOutcome): BenchRow[] {
  const first = outcome.unexpected[0];
  return [
    {
      task: `${task}: ${outcome.cases.toLocaleString('en-US')} mutants`,
      value: Math.round(outcome.cases / (outcome.elapsedMs / 1000)),
      unit: 'cases/s',
      note: `accepted ${outcome.accepted}, rejected with DecodeError ${outcome.rejected}`,
    },
    {
      task: `${task}: exceptions other than DecodeError`,
      value: outcome.unexpected.length,
      unit: 'exceptions',
      target: 0,
      meetsTarget: outcome.unexpected.length === 0,
      ...(first === undefined ? {} : { note: `first: ${first.error instanceof Error ? `${first.error.name}: ${first.error.message}` : String(first.error)}` }),
    },
  ];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Mean µs per call over `values` in rotation (see operationsPerSecond). */
function microsecondsPerValue<T>(values: readonly T[], operation: (value: T) => unknown): number {
  return 1_000_000 / operationsPerSecond((index) => operation(values[index % values.length] as T), { warmUp: 500, batch: 200 });
}
