/**
 * Acknowledged means durable: a child process runs issuance and revocation and prints each
 * operation after the call returned; it is killed with SIGKILL mid-run. Reopened, the database
 * holds every printed operation, and the CA's consistency check finds nothing wrong. With
 * PostgreSQL the server is crashed too (immediate stop, no shutdown checkpoint) and restarted.
 * The child runs the built code (dist/), which `npm test` builds first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openCertificateAuthorityInDirectory, serialFromHex, type CertificateAuthority } from '../../../reference/ca/index.js';
import { temporaryFolder } from '../../helpers/openssl-asn1.js';
import { postgresSkipReason } from '../../helpers/postgres-server.js';
import { postgresServer } from './backends.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'durability-child.mjs');
const BUILT = path.join(here, '..', '..', '..', 'dist', 'reference', 'ca', 'index.js');
const PASSPHRASE = 'durability passphrase';
const scratch = temporaryFolder('jpkigen-ca-durability-');
afterAll(() => scratch.remove());

type Acknowledged =
  | { op: 'ready' }
  | { op: 'issueCard'; holderId: string; signature: string; userAuthentication: string }
  | { op: 'issuePhone'; holderId: string; signature: string; userAuthentication: string; linkedSignature: string }
  | { op: 'revoke'; serial: string; reason: string }
  | { op: 'hold'; serial: string };

/** Runs the child until it has acknowledged `operations` operations (plus a random few), then SIGKILLs it. */
async function runAndKill(dataDir: string, databaseUrl: string | undefined, operations: number): Promise<Acknowledged[]> {
  const child = spawn(process.execPath, [CHILD, dataDir, ...(databaseUrl === undefined ? [] : [databaseUrl])], {
    env: { ...process.env, JPKIGEN_CA_PASSPHRASE: PASSPHRASE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
      // Killed while the next operation is under way, not between operations on purpose.
      if (acknowledged.length >= target + 1 && !child.killed) {
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

async function checkAcknowledged(authority: CertificateAuthority, acknowledged: readonly Acknowledged[]): Promise<void> {
  const statusOfHex = async (hex: string) => authority.certificate(serialFromHex(hex));
  for (const operation of acknowledged) {
    switch (operation.op) {
      case 'ready':
        expect(authority.generations().map((generation) => generation.caId)).toEqual(['authca03', 'signca03']);
        break;
      case 'issueCard':
      case 'issuePhone': {
        for (const hex of [operation.signature, operation.userAuthentication]) {
          const record = await statusOfHex(hex);
          expect(record?.holderId, `${operation.op} ${hex}`).toBe(operation.holderId);
          expect(record?.carrier).toBe(operation.op === 'issueCard' ? 'card' : 'smartphone');
        }
        if (operation.op === 'issuePhone') expect((await statusOfHex(operation.signature))?.linkedCardSerialNumber).toBe(serialFromHex(operation.linkedSignature));
        break;
      }
      case 'revoke':
        expect(await statusOfHex(operation.serial), `revoke ${operation.serial}`).toMatchObject({ status: 'revoked', reason: operation.reason });
        break;
      case 'hold':
        expect(await statusOfHex(operation.serial), `hold ${operation.serial}`).toMatchObject({ status: 'held', reason: 'certificateHold' });
        break;
    }
  }
  expect(await authority.checkConsistency()).toEqual([]);
  // Two bootstrap generations, every acknowledged change, and at most the one in flight at the kill.
  const changes = acknowledged.filter((operation) => operation.op !== 'ready').length + 2;
  const counter = Number(await authority.changeCounter());
  expect(counter === changes || counter === changes + 1).toBe(true);
}

describe('durability: SIGKILL mid-run loses no acknowledged operation', { timeout: 300_000 }, () => {
  it.runIf(existsSync(BUILT))('PGlite with a data folder', async () => {
    const dataDir = path.join(scratch.folder, 'pglite');
    const acknowledged = await runAndKill(dataDir, undefined, 12);
    // And a second run on the same folder after the crash, killed again.
    const more = await runAndKill(dataDir, undefined, 6);
    const opened = await openCertificateAuthorityInDirectory({ dataDir, passphrase: PASSPHRASE });
    try {
      await checkAcknowledged(opened.authority, [...acknowledged, ...more.filter((operation) => operation.op !== 'ready')]);
    } finally {
      await opened.close();
    }
  });

  it.runIf(existsSync(BUILT) && postgresSkipReason() === undefined)('PostgreSQL, with the server crashed as well', async () => {
    const server = await postgresServer();
    const url = await server.createDatabase(`durability_${process.pid}`);
    const dataDir = path.join(scratch.folder, 'postgres');
    const acknowledged = await runAndKill(dataDir, url, 12);
    await server.crash();
    await server.restart();
    const opened = await openCertificateAuthorityInDirectory({ dataDir, passphrase: PASSPHRASE, databaseUrl: url });
    try {
      await checkAcknowledged(opened.authority, acknowledged);
    } finally {
      await opened.close();
    }
  });

  it('has the built code to run the child on (npm test builds dist/ first)', () => {
    expect(existsSync(BUILT), `${BUILT} is missing: run \`npm run build\``).toBe(true);
  });
});
