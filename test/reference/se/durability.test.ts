/**
 * Acknowledged means durable: a child process provisions a stored secure element (PUT KEY,
 * INSTALL) and prints each operation after the card answered 9000; it is killed with SIGKILL
 * mid-run, twice. Reopened, the store holds every printed operation: each acknowledged keyset
 * opens an SCP03 session, each acknowledged instance is in the registry.
 * The child runs the built code (dist/), which `npm test` builds first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../runtime/index.js';
import { getData } from '../../../generated/apdu/global-platform.js';
import { connectInProcess, openSecureElement, SecureElementStore, type AppletClass } from '../../../reference/se/index.js';
import { temporaryFolder } from '../../helpers/openssl-asn1.js';
import { GpSession } from './se-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'durability-child.mjs');
const BUILT = path.join(here, '..', '..', '..', 'dist', 'reference', 'se', 'index.js');
const scratch = temporaryFolder('jpkigen-se-durability-');
afterAll(() => scratch.remove());

type Acknowledged = { op: 'load' } | { op: 'ready' } | { op: 'putKey'; keyVersion: number; keys: string[] } | { op: 'install'; aid: string };

async function runAndKill(folder: string, firstIndex: number, operations: number): Promise<Acknowledged[]> {
  const child = spawn(process.execPath, [CHILD, folder, String(firstIndex)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged: Acknowledged[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const target = operations + Math.floor(Math.random() * 4);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) acknowledged.push(JSON.parse(line) as Acknowledged);
      if (acknowledged.length >= target && !child.killed) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code) => {
      if (!child.killed) reject(new Error(`the child exited by itself (${String(code)}) after ${acknowledged.length} operations:\n${stderr}`));
    });
  });
  expect(await exited).toBe('SIGKILL');
  return acknowledged;
}

/** The module the child installs from: its applets keep no state, so any restore() will do. */
const childModule: AppletClass = {
  moduleAid: hexToBytes('F0000000D00101'),
  install: (aid) => stateless(aid),
  restore: (aid) => stateless(aid),
};
function stateless(aid: Uint8Array) {
  return { aid, select: () => ({ data: new Uint8Array(0), sw: 0x9000 }), deselect: () => undefined, process: () => ({ data: new Uint8Array(0), sw: 0x9000 }), reset: () => undefined, saveState: () => ({}) };
}

describe('durability: SIGKILL mid-run loses no acknowledged PUT KEY or INSTALL', { timeout: 120_000 }, () => {
  it.runIf(existsSync(BUILT))('keeps every acknowledged operation across two crashes', async () => {
    const folder = path.join(scratch.folder, 'store');
    const first = await runAndKill(folder, 0, 10);
    const lastIndex = first.filter((line) => line.op === 'putKey' || line.op === 'install').length;
    const second = await runAndKill(folder, lastIndex + 2 - (lastIndex % 2), 8);
    const acknowledged = [...first, ...second];
    expect(acknowledged.filter((line) => line.op === 'load')).toHaveLength(1);
    const store = await SecureElementStore.open(folder);
    const card = await openSecureElement(store, 'se', [childModule]);
    const installs = acknowledged.filter((line): line is Extract<Acknowledged, { op: 'install' }> => line.op === 'install');
    const keysets = acknowledged.filter((line): line is Extract<Acknowledged, { op: 'putKey' }> => line.op === 'putKey');
    // At least 10 + 8 printed lines, less the one 'load' and the two 'ready' lines.
    expect(installs.length + keysets.length).toBeGreaterThanOrEqual(15);
    for (const install of installs) expect(card.registry.instance(hexToBytes(install.aid)), install.aid).toBeDefined();
    const connection = connectInProcess(card);
    for (const keyset of keysets) {
      await connection.reset();
      const [enc, mac, dek] = keyset.keys.map(hexToBytes) as [Uint8Array, Uint8Array, Uint8Array];
      const session = await GpSession.open(connection, { keys: { enc, mac, dek }, keyVersion: keyset.keyVersion, securityLevel: 0x01 });
      const info = await session.send(getData({ tag: 0xe0 }));
      expect(bytesToHex(info.data)).toContain(`C00401${keyset.keyVersion.toString(16).padStart(2, '0').toUpperCase()}8810`);
    }
  });

  it('has the built code to run the child on (npm test builds dist/ first)', () => {
    expect(existsSync(BUILT), `${BUILT} is missing: run \`npm run build\``).toBe(true);
  });
});
