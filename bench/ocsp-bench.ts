/**
 * OCSP responses per second on loopback: our responder (reference/ca, pre-produced responses) against
 * `openssl ocsp -index` on the same machine, the same CA key (RSA-2048), the same index.txt
 * (10,000 issued serials, 10 % revoked), the same pre-generated DER requests (SHA-1 CertIDs as
 * OpenSSL sends them; 95 % issued serials, 5 % never issued), POSTed by the same load-generator
 * process (bench/ocsp-load-child.ts) with the same number of connections. Before timing, a sample
 * of requests is answered by both responders and their answers compared.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeOCSPResponse, encodeOCSPRequest, type BasicOCSPResponse, type CertID } from '../generated/asn1/index.js';
import { formatOpensslIndexLine } from '../reference/ca/in-memory-revocation-source.js';
import { digest } from '../reference/ca/revocation-service-issuer.js';
import { decodeCertificate, encodeName } from '../generated/asn1/index.js';
import type { BenchReport, BenchRow } from './report.js';

const ISSUED = 10_000;
const REVOKED_EVERY = 10;
const DISTINCT_REQUESTS = 4_000;
const CONCURRENCY = 32;
const WARM_UP_MS = 500;
const MEASURE_MS = 2_000;
const ROUNDS = 3;
const FIRST_SERIAL = 0x01a20000n;
const TARGET_RATE = 15_000;
const TARGET_RATIO = 10;
const here = path.dirname(fileURLToPath(import.meta.url));

interface LoadResult {
  readonly completed: number;
  readonly elapsedMs: number;
  readonly connections: number;
  readonly byStatus: Record<string, number>;
  readonly failures: number;
  /** CPU the server's process group used while the load ran (warm-up included), in ms. */
  readonly serverCpuMs: number;
  /** Answers during that CPU window (warm-up included). */
  readonly all: number;
}

interface Fixture {
  readonly folder: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly index: string;
  readonly plainRequests: string;
  readonly nonceRequests: string;
  readonly samples: readonly Uint8Array[];
}

type Side = 'openssl' | 'fast' | 'generated' | 'cluster' | 'floor';
type RequestKind = 'plain' | 'nonce';

const SIDES: readonly { readonly side: Side; readonly task: string }[] = [
  { side: 'openssl', task: 'openssl ocsp -index (1 process)' },
  { side: 'fast', task: 'ours, POST /ocsp fast path, 1 process' },
  { side: 'generated', task: 'ours, generated route only (no fast path), 1 process' },
  { side: 'cluster', task: 'ours, fast path, node:cluster 2 workers' },
  { side: 'floor', task: 'floor: bare node:http answering a fixed 470-byte body (no OCSP at all)' },
];

/**
 * Every side is measured in every round, one after another, and a ratio is taken within a round
 * before the median over rounds: the machine is shared, and load that comes and goes then moves
 * both sides of a ratio together. Our responders stay up across rounds (pre-producing 10,000
 * signatures takes seconds); OpenSSL's is restarted each time, because a connection the load
 * generator closes without a request makes OpenSSL 3.0's responder spin on it.
 */
export async function runOcspBench(): Promise<BenchReport> {
  const fixture = makeFixture();
  const running: ChildProcess[] = [];
  try {
    const agreement = await compareAnswers(fixture);
    const ports = new Map<Side, { port: number; group: number }>();
    await Promise.all(
      (['fast', 'generated', 'cluster', 'floor'] as const).map(async (side) => {
        const port = await freePort();
        const child = side === 'floor' ? startFloor(port) : startOurs(fixture, side === 'generated' ? 'generated' : 'fast', side === 'cluster' ? 2 : 1)(port);
        running.push(child);
        await oursReady(child);
        ports.set(side, { port, group: child.pid ?? 0 });
      }),
    );
    const results = new Map<string, LoadResult[]>();
    const record = (side: Side, kind: RequestKind, result: LoadResult): void => {
      const key = `${side}/${kind}`;
      results.set(key, [...(results.get(key) ?? []), result]);
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const kind of ['plain', 'nonce'] as const) {
        const requests = kind === 'plain' ? fixture.plainRequests : fixture.nonceRequests;
        record('openssl', kind, await measureOpenssl(fixture, requests, []));
        for (const side of ['fast', 'generated', 'cluster', 'floor'] as const) {
          const { port, group } = ports.get(side) as { port: number; group: number };
          record(side, kind, await runLoad(port, '/ocsp', requests, group));
        }
      }
    }
    const rows: BenchRow[] = [];
    const setting = `${ISSUED.toLocaleString('en-US')} issued serials (${ISSUED / REVOKED_EVERY} revoked), ${DISTINCT_REQUESTS} distinct pre-generated requests (5 % never-issued serials) POSTed by one load process over ${CONCURRENCY} connections; ${ROUNDS} rounds × ${MEASURE_MS / 1000} s after ${WARM_UP_MS / 1000} s warm-up, sides interleaved; medians`;
    for (const kind of ['plain', 'nonce'] as const) {
      const anchorRuns = results.get(`openssl/${kind}`) ?? [];
      const anchorRate = median(anchorRuns.map(rate));
      const anchorCpu = median(anchorRuns.map(cpuMicroseconds));
      const label = kind === 'plain' ? 'no-nonce requests' : 'requests with a nonce (every answer signed)';
      rows.push({ task: `openssl ocsp -index, ${label} (anchor)`, value: Math.round(anchorRate), unit: 'req/s', note: `${setting}; OpenSSL answers HTTP/1.0 and closes each connection; server CPU ${round(anchorCpu)} µs per answer; answers ${statusText(anchorRuns[0])}` });
      for (const { side, task } of SIDES.slice(1)) {
        const runs = results.get(`${side}/${kind}`) ?? [];
        const ratio = round(median(runs.map((run, index) => rate(run) / rate(anchorRuns[index] as LoadResult))));
        if (side === 'floor' && kind === 'nonce') continue;
        const withTarget = kind === 'plain' && (side === 'fast' || side === 'cluster' || side === 'generated');
        rows.push({
          task: `${task}, ${label}`,
          value: Math.round(median(runs.map(rate))),
          unit: 'req/s',
          anchor: `openssl ocsp, same requests: ${Math.round(anchorRate)} req/s`,
          ratio,
          note: `rounds: ${runs.map((run) => Math.round(rate(run))).join(', ')} req/s; answers ${statusText(runs[0])}${withTarget ? `; target ≥ ${TARGET_RATE.toLocaleString('en-US')} req/s and ≥ ${TARGET_RATIO}× openssl` : ''}`,
          ...(withTarget ? { target: TARGET_RATE, meetsTarget: median(runs.map(rate)) >= TARGET_RATE && ratio >= TARGET_RATIO } : {}),
        });
        const cpu = median(runs.map(cpuMicroseconds));
        rows.push({
          task: `${task}, ${label}: server CPU per answer`,
          value: round(cpu),
          unit: 'µs CPU/req',
          anchor: `openssl: ${round(anchorCpu)} µs CPU/req`,
          ratio: round(median(runs.map((run, index) => cpuMicroseconds(anchorRuns[index] as LoadResult) / cpuMicroseconds(run)))),
          note: `user + system CPU of the server's process group (/proc) per answer; ratio = openssl CPU / ours (answers per CPU-second relative to openssl, little moved by other load on the machine); ≈ ${Math.round(1e6 / cpu).toLocaleString('en-US')} answers/s per busy core`,
        });
      }
    }
    rows.push({ task: 'answers agreeing with openssl on sampled requests', value: agreement.agreeing, unit: `of ${agreement.total}`, target: agreement.total, meetsTarget: agreement.agreeing === agreement.total, note: 'certStatus (good/revoked/unknown), revocation time and reason of each, compared between the two responders' });
    return { suite: 'ocsp', rows };
  } finally {
    await Promise.all(running.map(stop));
    rmSync(fixture.folder, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** User + system CPU of every process in a group, in ms, from /proc (clock ticks of 10 ms). */
function groupCpuMs(groupId: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state(3) ppid(4) pgrp(5) … utime(14) stime(15), numbered from pid = 1.
      if (Number(fields[2]) === groupId) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks * 10;
}

function cpuMicroseconds(result: LoadResult): number {
  return (result.serverCpuMs * 1000) / result.all;
}

function rate(result: LoadResult): number {
  return (result.completed / result.elapsedMs) * 1000;
}

function statusText(result: LoadResult | undefined): string {
  return Object.entries(result?.byStatus ?? {})
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function makeFixture(): Fixture {
  const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-ocsp-bench-'));
  const caKey = path.join(folder, 'ca.key');
  const caCert = path.join(folder, 'ca.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-subj', '/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems', '-days', '3650'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl req: ${made.stderr}`);
  const notAfter = new Date('2030-01-01T00:00:00Z');
  const lines: string[] = [];
  for (let index = 0; index < ISSUED; index += 1) {
    const serialNumber = FIRST_SERIAL + BigInt(index);
    const revoked = index % REVOKED_EVERY === 3;
    lines.push(formatOpensslIndexLine(revoked ? { status: 'R', notAfter, serialNumber, revokedAt: new Date(Date.UTC(2026, 0, 1 + (index % 28))), reason: index % 20 === 3 ? 'keyCompromise' : 'superseded' } : { status: 'V', notAfter, serialNumber }, `/CN=holder ${index}`));
  }
  const index = path.join(folder, 'index.txt');
  writeFileSync(index, `${lines.join('\n')}\n`);
  writeFileSync(`${index}.attr`, 'unique_subject = no\n');
  const issuer = decodeCertificate(new Uint8Array(pemBody(readFileSync(caCert, 'utf8'))));
  const nameHash = digest('sha1', encodeName(issuer.tbsCertificate.subject));
  const keyHash = digest('sha1', issuer.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey.bytes);
  let seed = 0x5eed;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const plain: Uint8Array[] = [];
  const withNonce: Uint8Array[] = [];
  for (let index = 0; index < DISTINCT_REQUESTS; index += 1) {
    const unknown = random() < 0.05;
    const serialNumber = unknown ? FIRST_SERIAL + BigInt(ISSUED + Math.floor(random() * 100_000)) : FIRST_SERIAL + BigInt(Math.floor(random() * ISSUED));
    const certId: CertID = { hashAlgorithm: { algorithm: '1.3.14.3.2.26', parameters: { der: Uint8Array.of(5, 0) } }, issuerNameHash: nameHash, issuerKeyHash: keyHash, serialNumber };
    plain.push(encodeOCSPRequest({ tbsRequest: { requestList: [{ reqCert: certId }] } }));
    withNonce.push(encodeOCSPRequest({ tbsRequest: { requestList: [{ reqCert: certId }], requestExtensions: [{ extnID: '1.3.6.1.5.5.7.48.1.2', extnValue: { value: new Uint8Array(randomBytes(16)) } }] } }));
  }
  const plainRequests = path.join(folder, 'plain.requests');
  const nonceRequests = path.join(folder, 'nonce.requests');
  writeFileSync(plainRequests, lengthPrefixed(plain));
  writeFileSync(nonceRequests, lengthPrefixed(withNonce));
  // OpenSSL reads our requests as it reads its own: the first must print as an OCSP request.
  writeFileSync(path.join(folder, 'sample.der'), plain[0] as Uint8Array);
  const check = spawnSync('openssl', ['ocsp', '-reqin', path.join(folder, 'sample.der'), '-req_text'], { encoding: 'utf8' });
  if (check.status !== 0 || !/Serial Number:/.test(check.stdout)) throw new Error(`openssl cannot read the generated requests: ${check.stderr}`);
  return { folder, caCert, caKey, index, plainRequests, nonceRequests, samples: plain.slice(0, 200) };
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function lengthPrefixed(items: readonly Uint8Array[]): Buffer {
  return Buffer.concat(
    items.flatMap((item) => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(item.length);
      return [length, Buffer.from(item)];
    }),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits until the server answers a real OCSP request. (A bare connect-and-close probe is not an
 * option: OpenSSL 3.0's responder then spins on the empty connection and answers nothing more.)
 */
async function waitForAnswer(port: number, urlPath: string, sample: Uint8Array, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${lastOutput.get(child) ?? ''}`);
    const answered = await postOnce(port, urlPath, sample).then(
      (der) => der.length > 0,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no OCSP answer on ${port} within ${timeoutMs} ms`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    const group = -child.pid;
    const kill = setTimeout(() => process.kill(group, 'SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    // The group we started (detached): OpenSSL's -multi and node:cluster fork children of their own.
    process.kill(group, 'SIGTERM');
  });
}

async function withServer<T>(start: (port: number) => ChildProcess, ready: (child: ChildProcess, port: number) => Promise<void>, run: (port: number, group: number) => Promise<T>): Promise<T> {
  const port = await freePort();
  const child = start(port);
  try {
    await ready(child, port);
    return await run(port, child.pid ?? 0);
  } finally {
    await stop(child);
  }
}

/** The tail of each server's stderr, for the error when it dies. */
const lastOutput = new WeakMap<ChildProcess, string>();

function keepTail(child: ChildProcess): ChildProcess {
  child.stderr?.on('data', (chunk: Buffer) => lastOutput.set(child, `${lastOutput.get(child) ?? ''}${chunk.toString()}`.slice(-2000)));
  return child;
}

function startOpenssl(fixture: Fixture, extra: readonly string[]): (port: number) => ChildProcess {
  return (port) =>
    keepTail(spawn('openssl', ['ocsp', '-index', fixture.index, '-port', String(port), '-rsigner', fixture.caCert, '-rkey', fixture.caKey, '-CA', fixture.caCert, '-resp_no_certs', '-resp_key_id', '-ignore_err', ...extra], { stdio: ['ignore', 'ignore', 'pipe'], detached: true }));
}

function measureOpenssl(fixture: Fixture, requests: string, extra: readonly string[]): Promise<LoadResult> {
  return withServer(startOpenssl(fixture, extra), (child, port) => waitForAnswer(port, '/', fixture.samples[0] as Uint8Array, child), (port, group) => runLoad(port, '/', requests, group));
}

function startOurs(fixture: Fixture, mode: 'fast' | 'generated', workers: number): (port: number) => ChildProcess {
  return (port) =>
    spawn(process.execPath, [path.join(here, 'ocsp-bench-server.js'), JSON.stringify({ caCert: fixture.caCert, caKey: fixture.caKey, index: fixture.index, mode, workers, port })], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
      env: { ...process.env, NODE_ENV: 'production' },
    });
}

function startFloor(port: number): ChildProcess {
  return spawn(process.execPath, [path.join(here, 'ocsp-bench-floor.js'), JSON.stringify({ port })], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
}

function oursReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`our responder exited with ${code} before it was ready`)));
  });
}

async function runLoad(port: number, urlPath: string, requestsFile: string, group: number): Promise<LoadResult> {
  const cpuBefore = groupCpuMs(group);
  const result = await runLoadChild(port, urlPath, requestsFile);
  const serverCpuMs = groupCpuMs(group) - cpuBefore;
  return { ...result, serverCpuMs };
}

function runLoadChild(port: number, urlPath: string, requestsFile: string): Promise<Omit<LoadResult, 'serverCpuMs'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'ocsp-load-child.js'), JSON.stringify({ port, path: urlPath, requestsFile, concurrency: CONCURRENCY, warmUpMs: WARM_UP_MS, durationMs: MEASURE_MS })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as Omit<LoadResult, 'serverCpuMs'>) : reject(new Error(`load generator exited with ${code}`))));
  });
}

/** Each sampled request answered by both responders; their certStatus, time and reason compared. */
async function compareAnswers(fixture: Fixture): Promise<{ agreeing: number; total: number }> {
  const answers = async (port: number, urlPath: string): Promise<string[]> => {
    const results: string[] = [];
    for (const sample of fixture.samples) results.push(describeAnswer(await postOnce(port, urlPath, sample)));
    return results;
  };
  const theirs = await withServer(startOpenssl(fixture, []), (child, port) => waitForAnswer(port, '/', fixture.samples[0] as Uint8Array, child), (port) => answers(port, '/'));
  const ours = await withServer(startOurs(fixture, 'fast', 1), oursReady, (port) => answers(port, '/ocsp'));
  return { agreeing: ours.filter((answer, index) => answer === theirs[index] && !answer.startsWith('error')).length, total: fixture.samples.length };
}

function describeAnswer(der: Uint8Array): string {
  try {
    const response = decodeOCSPResponse(der);
    if (response.responseStatus !== 'successful') return response.responseStatus;
    const single = (response.responseBytes?.response.value as BasicOCSPResponse).tbsResponseData.responses[0];
    if (single === undefined) return 'error: no SingleResponse';
    const status = single.certStatus;
    return status.type === 'revoked' ? `revoked ${status.value.revocationTime.toISOString()} ${status.value.revocationReason ?? ''}` : status.type;
  } catch (error) {
    return `error: ${String(error)}`;
  }
}

function postOnce(port: number, urlPath: string, body: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path: urlPath, method: 'POST', headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
