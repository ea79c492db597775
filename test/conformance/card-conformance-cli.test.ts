import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpSeChecks } from '../../conformance/gp-se/index.js';
import { jpkiApChecks } from '../../conformance/jpki-ap/index.js';
import { createDemoSecureElement } from '../../reference/se/demo-secure-element.js';
import { attachCardToVpcd } from '../../reference/se/transports/vpcd-card-client.js';
import { bytesToHex } from '../../runtime/hex.js';
import { openSharedAuthority, type SharedAuthority } from '../helpers/card-conformance.js';
import { startPcscdServer } from '../helpers/pcscd-server.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { repositoryRoot } from '../helpers/temporary-project.js';

const SUMMARY = /^(\d+) passed, (\d+) failed$/;

function lastLine(run: CliRun): string {
  return run.stdout.trimEnd().split('\n').at(-1) ?? '';
}

/** The CLI as a child that keeps running while the test drives the card side. */
function runCliAsync(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repositoryRoot, 'bin', 'jpkigen.js'), ...args], { cwd: repositoryRoot, env: { ...env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

let directory: string;
let shared: SharedAuthority;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'jpkigen-card-conformance-'));
  shared = await openSharedAuthority();
});
afterAll(async () => {
  await shared.close();
  await rm(directory, { recursive: true, force: true });
});

describe('jpkigen conformance jpki-ap / gp-se (CLI)', () => {
  it('jpki-ap --json --junit: exit 0, a JSON report, and JUnit with one case per check (skips marked)', async () => {
    const junit = path.join(directory, 'jpki-ap.xml');
    const run = runCli(['conformance', 'jpki-ap', '--json', '--junit', junit]);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; suite: string; passed: number; failed: number; skipped: number; checks: { id: string; status: string }[] };
    expect(report).toMatchObject({ ok: true, suite: 'jpki-ap', failed: 0 });
    expect(report.passed).toBeGreaterThan(50);
    expect(report.checks.find((check) => check.id === 'pin.auth.blocking')?.status).toBe('skip');
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testcase /g)?.length).toBe(report.checks.length);
    expect(xml).toContain(`failures="0" skipped="${report.skipped}"`);
    expect(xml).toMatch(/<skipped message="blocking the auth PIN cannot be undone/);
  });

  it('jpki-ap text output: one PASS/FAIL/SKIP line per check, skips counted, last line "N passed, M failed"', () => {
    const run = runCli(['conformance', 'jpki-ap', '--profile', 'card', '--only', 'token-info.label', 'pin.auth.retry-query', 'pin.auth.blocking', 'pin.sign.blocking', '--allow-blocking', 'auth']);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4).map((line) => line.split(' ')[0])).toEqual(['PASS', 'PASS', 'PASS', 'SKIP']);
    expect(lines[3]).toMatch(/^SKIP pin\.sign\.blocking .*--allow-blocking sign/);
    expect(lines.at(-2)).toBe('1 skipped');
    expect(lastLine(run)).toBe('3 passed, 0 failed');
  });

  it('gp-se with wrong ISD keys: exit 1 and the failures counted on the last line', () => {
    const run = runCli(['conformance', 'gp-se', '--scp03-enc', '00'.repeat(16), '--scp03-mac', '11'.repeat(16), '--scp03-dek', '22'.repeat(16), '--only', 'scp03.select-isd', 'scp03.initialize-update', 'scp03.level-01']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^FAIL scp03\.initialize-update — /m);
    expect(lastLine(run)).toBe('1 passed, 2 failed');
  });

  it('--list prints every check (id and description) without touching a card', () => {
    for (const [suite, checks] of [['jpki-ap', jpkiApChecks()], ['gp-se', gpSeChecks()]] as const) {
      const run = runCli(['conformance', suite, '--list']);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.trimEnd().split('\n')).toEqual(checks.map((check) => `${check.id}  ${check.description}`));
    }
  });

  it('bad options exit 2 with a message', () => {
    const kvn = runCli(['conformance', 'gp-se', '--kvn', '3030']);
    expect(kvn.status).toBe(2);
    expect(kvn.stderr).toMatch(/--kvn expects one byte/);
    const listen = runCli(['conformance', 'jpki-ap', '--listen', 'nowhere']);
    expect(listen.status).toBe(2);
    expect(listen.stderr).toMatch(/--listen expects HOST:PORT/);
  });

  it('--listen: a virtual card connecting over vpcd is checked by both suites, PINs and keys from the options', async () => {
    const demo = await createDemoSecureElement({ profile: 'gpse', authority: shared.authority });
    try {
      const jpkiPort = await freePort();
      const jpkiRun = runCliAsync(['conformance', 'jpki-ap', '--listen', `127.0.0.1:${jpkiPort}`, '--wait', '30', '--auth-pin', demo.pins.auth, '--sign-pin', demo.pins.sign]);
      const jpkiCard = attachCardToVpcd(demo.se, { port: jpkiPort, initialRetryDelayMs: 50 });
      const jpki = await jpkiRun;
      await jpkiCard.close();
      expect(jpki.status, `${jpki.stdout}\n${jpki.stderr}`).toBe(0);
      expect(jpki.stderr).toMatch(/waiting for a virtual card \(vpcd\) on 127\.0\.0\.1:/);
      expect(lastLine(jpki)).toMatch(SUMMARY);
      expect(lastLine(jpki)).toMatch(/ 0 failed$/);

      const gpPort = await freePort();
      const keys = demo.isdKeys;
      const gpRun = runCliAsync(['conformance', 'gp-se', '--listen', `127.0.0.1:${gpPort}`, '--wait', '30', '--scp03-enc', bytesToHex(keys.enc), '--scp03-mac', bytesToHex(keys.mac), '--scp03-dek', bytesToHex(keys.dek), '--kvn', keys.version.toString(16), '--json']);
      const gpCard = attachCardToVpcd(demo.se, { port: gpPort, initialRetryDelayMs: 50 });
      const gp = await gpRun;
      await gpCard.close();
      expect(gp.status, `${gp.stdout}\n${gp.stderr}`).toBe(0);
      const report = JSON.parse(gp.stdout) as { ok: boolean; target: string; failed: number };
      expect(report).toMatchObject({ ok: true, failed: 0 });
      expect(report.target).toMatch(/^vpcd card on 127\.0\.0\.1:/);
    } finally {
      await demo.close();
    }
  });

  it('--reader: the card in a PC/SC reader (real pcscd with the vpcd driver) is checked through scriptor', async () => {
    const pcscd = await startPcscdServer();
    const demo = await createDemoSecureElement({ profile: 'card', authority: shared.authority });
    const attachment = attachCardToVpcd(demo.se, { ...pcscd.cardEndpoint, initialRetryDelayMs: 50 });
    try {
      await attachment.whenConnected();
      await pcscd.waitForCard(true);
      const run = await runCliAsync(['conformance', 'jpki-ap', '--reader', pcscd.readerName, '--auth-pin', demo.pins.auth, '--sign-pin', demo.pins.sign, '--only', 'select.', 'token-info.', 'sign.auth.', 'pin.auth.wrong-pin-counts', 'pin.auth.left-as-found', 'certificate.auth.decode', 'error.'], pcscd.env);
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(lastLine(run)).toMatch(/^\d+ passed, 0 failed$/);
      expect(run.stdout).toMatch(/^PASS sign\.auth\.digest-info-sha256 /m);
    } finally {
      await attachment.close();
      await demo.close();
      await pcscd.stop();
    }
  });
});
