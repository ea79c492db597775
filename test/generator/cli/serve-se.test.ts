/**
 * `jpkigen serve se`: the demo card is inserted into a vpcd reader (our reader listener here; pcscd
 * in test/reference/se/opensc-jpki.test.ts), answers as the JPKI-AP of its profile, signs with the
 * PINs it printed, and with a state folder comes back after a restart with its counters as they were.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, createHash, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listenForVpcdCards, type VpcdReaderListener } from '../../../runtime/card/vpcd-reader-listener.js';
import type { CardConnection } from '../../../runtime/card/card-connection.js';
import { computeDigitalSignature, readBinary, selectApplication, selectFile, verify as verifyPin, verifyRetryQuery } from '../../../generated/apdu/jpki-ap.js';
import { parseResponseApdu } from '../../../runtime/index.js';
import { hexToBytes } from '../../../runtime/hex.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const children: ChildProcess[] = [];
const listeners: VpcdReaderListener[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const listener of listeners.splice(0)) await listener.close();
});
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

interface Served {
  readonly pins: { auth: string; sign: string };
  readonly restored: boolean;
  readonly child: ChildProcess;
}

function serveSe(args: readonly string[]): Promise<Served> {
  const child = spawn(process.execPath, [path.join(repositoryRoot, 'bin', 'jpkigen.js'), 'serve', 'se', ...args, '--json'], { env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        try {
          const parsed = JSON.parse(line) as { ok?: boolean; pins?: Served['pins']; restored?: boolean };
          if (parsed.ok === true && parsed.pins !== undefined) resolve({ pins: parsed.pins, restored: parsed.restored === true, child });
        } catch {
          // not a whole JSON line yet
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`serve se exited with ${code}: ${output}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function runCliAsync(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(repositoryRoot, 'bin', 'jpkigen.js'), ...args], { env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
}

async function exchange(card: CardConnection, command: Uint8Array): Promise<{ data: Uint8Array; sw: number }> {
  const response = parseResponseApdu(await card.transmit(command));
  if (response === undefined) throw new Error('no status word');
  return response;
}

async function readCertificate(card: CardConnection, fid: string): Promise<Uint8Array> {
  expect((await exchange(card, selectFile({ fid: hexToBytes(fid) }))).sw).toBe(0x9000);
  const head = await exchange(card, readBinary({ offset: 0, le: 4 }));
  const size = (((head.data[2] ?? 0) << 8) | (head.data[3] ?? 0)) + 4;
  const parts: number[] = [];
  for (let offset = 0; offset < size; offset += 256) parts.push(...(await exchange(card, readBinary({ offset, le: Math.min(256, size - offset) }))).data);
  return Uint8Array.from(parts);
}

describe('jpkigen serve se', () => {
  it('inserts a personalized demo phone into a vpcd reader; it signs with the printed PIN and survives a restart', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'jpkigen-se-'));
    folders.push(folder);
    const listener = await listenForVpcdCards({ port: 0 });
    listeners.push(listener);
    const first = await serveSe(['--vpcd', `127.0.0.1:${listener.port}`, '--profile', 'gpse', '--state-dir', folder]);
    expect(first.restored).toBe(false);
    expect(first.pins.auth).toMatch(/^\d{4}$/);
    let card = await listener.acceptCard({ timeoutMs: 60_000 });
    expect(Buffer.from(card.atr).toString('hex')).toBe('3be000ff8131fe4514');
    expect((await exchange(card, selectApplication({ aid: hexToBytes('D392F000260100000001') }))).sw).toBe(0x9000);
    expect((await exchange(card, selectFile({ fid: hexToBytes('0018') }))).sw).toBe(0x9000);
    const wrong = first.pins.auth === '0000' ? '1111' : '0000';
    expect((await exchange(card, verifyPin({ pin: wrong }))).sw).toBe(0x63c2);
    expect((await exchange(card, verifyPin({ pin: first.pins.auth }))).sw).toBe(0x9000);
    const certificate = await readCertificate(card, '000A');
    const x509 = new X509Certificate(certificate);
    expect(x509.issuer).toContain('JPKI');
    const nonce = createHash('sha256').update('serve se test nonce').digest();
    expect((await exchange(card, selectFile({ fid: hexToBytes('0017') }))).sw).toBe(0x9000);
    const digestInfo = Uint8Array.from([...hexToBytes('3031300D060960864801650304020105000420'), ...nonce]);
    const signature = await exchange(card, computeDigitalSignature({ digestInfo }));
    expect(signature.sw).toBe(0x9000);
    expect(verify('sha256', Buffer.from('serve se test nonce'), createPublicKey(x509.publicKey.export({ type: 'spki', format: 'pem' })), signature.data)).toBe(true);
    // One wrong PIN now, then a restart: the counter must come back at 2.
    expect((await exchange(card, selectFile({ fid: hexToBytes('0018') }))).sw).toBe(0x9000);
    expect((await exchange(card, verifyPin({ pin: wrong }))).sw).toBe(0x63c2);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await card.close().catch(() => undefined);

    const second = await serveSe(['--vpcd', `127.0.0.1:${listener.port}`, '--profile', 'gpse', '--state-dir', folder]);
    expect(second.restored).toBe(true);
    expect(second.pins).toEqual(first.pins);
    card = await listener.acceptCard({ timeoutMs: 60_000 });
    expect((await exchange(card, selectApplication({ aid: hexToBytes('D392F000260100000001') }))).sw).toBe(0x9000);
    expect((await exchange(card, selectFile({ fid: hexToBytes('0018') }))).sw).toBe(0x9000);
    expect((await exchange(card, verifyRetryQuery({}))).sw).toBe(0x63c2);
  }, 180_000);

  it('is admitted by both conformance suites listening for it (CLI to CLI over vpcd), with its printed PINs and the GP test keys', async () => {
    const port = await freePort();
    const suite = (args: readonly string[]) => runCliAsync(['conformance', ...args, '--listen', `127.0.0.1:${port}`, '--wait', '60']);
    const testKey = '404142434445464748494A4B4C4D4E4F';
    const gpRun = suite(['gp-se', '--scp03-enc', testKey, '--scp03-mac', testKey, '--scp03-dek', testKey, '--kvn', '30']);
    const served = await serveSe(['--vpcd', `127.0.0.1:${port}`, '--profile', 'ios']);
    const gp = await gpRun;
    expect(gp.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(gp.status).toBe(0);
    served.child.kill('SIGKILL');
    // A new in-memory card: new PINs, printed before it finds the reader (it keeps retrying until one listens).
    const again = await serveSe(['--vpcd', `127.0.0.1:${port}`, '--profile', 'ios']);
    const jpki = await suite(['jpki-ap', '--auth-pin', again.pins.auth, '--sign-pin', again.pins.sign]);
    expect(jpki.stdout).toMatch(/PASS token-info\.label/);
    expect(jpki.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(jpki.status).toBe(0);
    again.child.kill('SIGKILL');
  }, 240_000);

  it('refuses a malformed --vpcd address with a message naming the option', async () => {
    const child = spawn(process.execPath, [path.join(repositoryRoot, 'bin', 'jpkigen.js'), 'serve', 'se', '--vpcd', 'nowhere'], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--vpcd: expected host:port/);
  });
});
