/**
 * OpenSC as an independent party (issue 7 item 3): real pcscd with vsmartcard's vpcd driver, our
 * demo secure element (JPKI applet personalized with certificates from the reference CA) inserted
 * through the vpcd card client, and OpenSC's own JPKI driver (card-jpki.c, pkcs15-jpki.c) reading
 * and signing through PC/SC. openssl verifies the signatures. Needs the Debian packages pcscd,
 * vsmartcard-vpcd, opensc, pcsc-tools (CI installs them).
 *
 * What OpenSC 0.23 sends, seen in pcscd's APDU log: SELECT AP `00 A4 04 0C 0A D392F000260100000001`,
 * SELECT EF `00 A4 02 0C 02 <fid>`, READ BINARY 4 bytes first (size = bytes 2–3 + 4), the retry
 * query `00 20 00 80` (63Cx → "Tries left", binding needs it), VERIFY `00 20 00 80 Lc <ASCII>`,
 * SELECT 0017 then `80 2A 00 80 33 <DigestInfo> 00`.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoSecureElement, type DemoSecureElement } from '../../../reference/se/demo-secure-element.js';
import { attachCardToVpcd, type VpcdCardAttachment } from '../../../reference/se/transports/vpcd-card-client.js';
import { pemToDer } from '../../../runtime/der/pem.js';
import { bytesToHex } from '../../../runtime/hex.js';
import { runTool, startPcscdServer, type PcscdTestServer, type ToolResult } from '../../helpers/pcscd-server.js';

const SHA256_DIGEST_INFO_PREFIX = '3031300D060960864801650304020105000420';

let pcscd: PcscdTestServer;
let folder: string;
let card: DemoSecureElement;
let phone: DemoSecureElement;
let attachment: VpcdCardAttachment | undefined;

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-opensc-'));
  file('opensc-jpki-only.conf', 'app default {\n  card_drivers = jpki;\n}\n');
  pcscd = await startPcscdServer({ logApdus: true });
  card = await createDemoSecureElement({ profile: 'card' });
  // One CA (and one embedded database) for both tokens.
  phone = await createDemoSecureElement({ profile: 'gpse', authority: card.authority });
}, 240_000);

afterAll(async () => {
  await attachment?.close();
  await pcscd?.stop();
  await phone?.close();
  await card?.close();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

async function insert(demo: DemoSecureElement): Promise<void> {
  if (attachment !== undefined) {
    await attachment.close();
    await pcscd.waitForCard(false);
  }
  attachment = attachCardToVpcd(demo.se, { ...pcscd.cardEndpoint, initialRetryDelayMs: 50 });
  await attachment.whenConnected();
  await pcscd.waitForCard(true);
}

/**
 * OpenSC with its JPKI driver alone: the default configuration first tries some 20 other drivers'
 * SELECTs, each ~45 ms through Debian's vpcd — the first test shows that the default
 * configuration picks the JPKI driver by itself; the others skip the probing.
 */
async function tool(command: string, args: readonly string[], options: { readonly defaultConfiguration?: boolean } = {}): Promise<ToolResult> {
  const env = options.defaultConfiguration === true ? pcscd.env : { ...pcscd.env, OPENSC_CONF: file('opensc-jpki-only.conf') };
  return runTool(command, args, { env, timeoutMs: 60_000 });
}

const file = (name: string, content?: Uint8Array | string): string => {
  const where = path.join(folder, name);
  if (content !== undefined) writeFileSync(where, content);
  return where;
};

/** openssl (the independent verifier) checks a SHA-256 PKCS#1 v1.5 signature against the certificate's key. */
async function opensslVerifies(certificate: Uint8Array, data: string, signature: string): Promise<ToolResult> {
  const publicKey = file(`${path.basename(signature)}.pub.pem`, createPublicKey(new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'pem' })).export({ type: 'spki', format: 'pem' }));
  return runTool('openssl', ['dgst', '-sha256', '-verify', publicKey, '-signature', signature, data]);
}

/** "Tries left" per PIN label, as `pkcs15-tool --list-pins` prints it. */
async function triesLeft(): Promise<Record<string, number>> {
  const result = await tool('pkcs15-tool', ['--list-pins']);
  expect(result.status, result.stderr).toBe(0);
  const tries: Record<string, number> = {};
  for (const block of result.stdout.split(/\n(?=PIN \[)/u)) {
    const label = /^PIN \[(.+)\]/mu.exec(block)?.[1];
    const left = /Tries left\s*:\s*(\d+)/u.exec(block)?.[1];
    if (label !== undefined && left !== undefined) tries[label] = Number(left);
  }
  return tries;
}

/** The token flags pkcs11-tool -L prints for slot 0 (the User Authentication PIN's virtual slot). */
async function authSlotFlags(): Promise<string> {
  const result = await tool('pkcs11-tool', ['--list-slots']);
  expect(result.status, result.stderr).toBe(0);
  const slot = result.stdout.split(/\n(?=Slot )/u).find((block) => block.includes('JPKI (User Authentication PIN)')) ?? '';
  return /token flags\s*:\s*(.*)/u.exec(slot)?.[1] ?? '';
}

describe('OpenSC against the demo My Number Card (profile card)', { timeout: 120_000 }, () => {
  beforeAll(async () => insert(card), 60_000);

  it('opensc-tool sees the vpcd reader with a card, our ATR, and binds its JPKI driver', async () => {
    const readers = await tool('opensc-tool', ['--list-readers'], { defaultConfiguration: true });
    expect(readers.stdout).toMatch(/^0\s+Yes\s+Virtual PCD 00 00$/mu);
    const atr = await tool('opensc-tool', ['--reader', '0', '--atr'], { defaultConfiguration: true });
    expect(atr.stdout.trim()).toBe((bytesToHex(card.se.atr).match(/../gu) ?? []).join(':').toLowerCase());
    expect(atr.stdout.trim()).toBe('3b:e0:00:ff:81:31:fe:45:14');
    const name = await tool('opensc-tool', ['--reader', '0', '--name'], { defaultConfiguration: true });
    expect(name.stdout.trim()).toBe('jpki');
    const certificates = await tool('pkcs15-tool', ['--list-certificates'], { defaultConfiguration: true });
    expect(certificates.stdout).toContain('X.509 Certificate [User Authentication Certificate]');
  });

  it('pkcs15-tool --list-certificates shows the four JPKI certificates at their EFs, serials as issued', async () => {
    const result = await tool('pkcs15-tool', ['--list-certificates']);
    expect(result.status, result.stderr).toBe(0);
    const blocks = result.stdout.split(/\n(?=X\.509 Certificate \[)/u).map((block) => ({
      label: /X\.509 Certificate \[(.+)\]/u.exec(block)?.[1],
      path: /Path\s*:\s*(\S+)/u.exec(block)?.[1],
      id: /ID\s*:\s*(\S+)/u.exec(block)?.[1],
      serial: /Encoded serial\s*:\s*02 [0-9A-F]{2} ([0-9A-F]+)/u.exec(block)?.[1],
    }));
    const serial = (der: Uint8Array): string => new X509Certificate(der).serialNumber.toUpperCase();
    expect(blocks).toEqual([
      { label: 'User Authentication Certificate', path: '000a', id: '01', serial: serial(card.certificates.auth) },
      // The signature certificate needs the sign password (EF 0001 is private): OpenSC lists it without reading it.
      { label: 'Digital Signature Certificate', path: '0001', id: '02', serial: undefined },
      { label: 'User Authentication Certificate CA', path: '000b', id: '03', serial: serial(card.certificates.authCa) },
      { label: 'Digital Signature Certificate CA', path: '0002', id: '04', serial: serial(card.certificates.signCa) },
    ]);
  });

  it('pkcs15-tool --read-certificate reads exactly the DER the reference CA issued', async () => {
    for (const [id, der] of [
      ['01', card.certificates.auth],
      ['03', card.certificates.authCa],
      ['04', card.certificates.signCa],
    ] as const) {
      const result = await tool('pkcs15-tool', ['--read-certificate', id]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^-----BEGIN CERTIFICATE-----\n/u);
      expect(bytesToHex(pemToDer(result.stdout)), `certificate ${id}`).toBe(bytesToHex(der));
    }
  });

  it('pkcs11-tool --login --sign with the authentication key: openssl verifies against the certificate', async () => {
    const data = file('card-data.txt', 'jpkigen: a nonce from a relying party');
    const signature = file('card-signature.bin');
    const signed = await tool('pkcs11-tool', ['--slot', '0', '--login', '--pin', card.pins.auth, '--sign', '--mechanism', 'SHA256-RSA-PKCS', '--id', '01', '--input-file', data, '--output-file', signature]);
    expect(signed.status, signed.stderr).toBe(0);
    expect(readFileSync(signature).length).toBe(256);
    const verified = await opensslVerifies(card.certificates.auth, data, signature);
    expect(verified.stdout.trim()).toBe('Verified OK');
    expect(verified.status).toBe(0);
    // A signature that does not belong to this data fails openssl: the check can fail.
    const other = file('card-other.txt', 'another message');
    expect((await opensslVerifies(card.certificates.auth, other, signature)).status).not.toBe(0);
  });

  it('pkcs11-tool -m RSA-PKCS signs a caller-built DigestInfo as given (the card pads it, PKCS#1 v1.5 type 1)', async () => {
    const data = file('card-raw.txt', 'raw DigestInfo path');
    const digest = (await runTool('openssl', ['dgst', '-sha256', '-hex', '-r', data])).stdout.split(' ')[0] ?? '';
    const digestInfo = file('card-digest-info.bin', Buffer.from(SHA256_DIGEST_INFO_PREFIX + digest, 'hex'));
    const signature = file('card-raw-signature.bin');
    const signed = await tool('pkcs11-tool', ['--slot', '0', '--login', '--pin', card.pins.auth, '--sign', '--mechanism', 'RSA-PKCS', '--id', '01', '--input-file', digestInfo, '--output-file', signature]);
    expect(signed.status, signed.stderr).toBe(0);
    expect((await opensslVerifies(card.certificates.auth, data, signature)).stdout.trim()).toBe('Verified OK');
  });

  it('with the sign password: pkcs15-tool reads the private signature certificate, pkcs11-tool signs with the signature key', async () => {
    const read = await tool('pkcs15-tool', ['--read-certificate', '02', '--verify-pin', '--auth-id', '02', '--pin', card.pins.sign]);
    expect(read.status, read.stderr).toBe(0);
    expect(bytesToHex(pemToDer(read.stdout))).toBe(bytesToHex(card.certificates.sign));
    const data = file('card-sign-data.txt', 'jpkigen: a document to sign');
    const signature = file('card-sign-signature.bin');
    const signed = await tool('pkcs11-tool', ['--slot', '1', '--login', '--pin', card.pins.sign, '--sign', '--mechanism', 'SHA256-RSA-PKCS', '--id', '02', '--input-file', data, '--output-file', signature]);
    expect(signed.status, signed.stderr).toBe(0);
    expect((await opensslVerifies(card.certificates.sign, data, signature)).stdout.trim()).toBe('Verified OK');
    // The authentication certificate's key did not make it.
    expect((await opensslVerifies(card.certificates.auth, data, signature)).status).not.toBe(0);
  });

  it('a wrong PIN lowers the retry counter as OpenSC reports it; the right PIN restores it', async () => {
    expect(await triesLeft()).toEqual({ 'User Authentication PIN': 3, 'Digital Signature PIN': 5 });
    const wrong = wrongPinLike(card.pins.auth);
    const failed = await tool('pkcs11-tool', ['--slot', '0', '--login', '--pin', wrong, '--list-objects']);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('CKR_PIN_INCORRECT');
    expect(await triesLeft()).toEqual({ 'User Authentication PIN': 2, 'Digital Signature PIN': 5 });
    expect(await authSlotFlags()).toContain('user PIN count low');
    const right = await tool('pkcs11-tool', ['--slot', '0', '--login', '--pin', card.pins.auth, '--list-objects']);
    expect(right.status, right.stderr).toBe(0);
    expect(await triesLeft()).toEqual({ 'User Authentication PIN': 3, 'Digital Signature PIN': 5 });
    expect(await authSlotFlags()).not.toContain('count low');
  });

  it('three wrong PINs block the authentication PIN: OpenSC reports 0 tries and "user PIN locked", and the right PIN no longer works', async () => {
    const wrong = wrongPinLike(card.pins.auth);
    const attempts: ToolResult[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) attempts.push(await tool('pkcs11-tool', ['--slot', '0', '--login', '--pin', wrong, '--list-objects']));
    expect(attempts.map((result) => result.stderr.includes('CKR_PIN_INCORRECT'))).toEqual([true, true, true]);
    expect(await triesLeft()).toEqual({ 'User Authentication PIN': 0, 'Digital Signature PIN': 5 });
    const flags = await authSlotFlags();
    expect(flags).toContain('user PIN locked');
    // The card answers 6984 to VERIFY once blocked (jpki.md §1.7); OpenSC maps that to CKR_GENERAL_ERROR, not CKR_PIN_LOCKED.
    const data = file('card-blocked.txt', 'blocked');
    const signature = file('card-blocked-signature.bin');
    const refused = await tool('pkcs11-tool', ['--slot', '0', '--login', '--pin', card.pins.auth, '--sign', '--mechanism', 'SHA256-RSA-PKCS', '--id', '01', '--input-file', data, '--output-file', signature]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/C_Login failed: rv = CKR_(GENERAL_ERROR|PIN_LOCKED)/u);
    expect(pcscd.log()).toMatch(/APDU: 00 20 00 80 04 [0-9A-F ]+\n\d+ SW: 69 84/u);
  });
});

describe('OpenSC against the demo Android phone (profile gpse)', { timeout: 120_000 }, () => {
  beforeAll(async () => insert(phone), 60_000);

  it('binds the JPKI driver: same AID, same ATR', async () => {
    const atr = await tool('opensc-tool', ['--reader', '0', '--atr']);
    expect(atr.stdout.trim()).toBe((bytesToHex(phone.se.atr).match(/../gu) ?? []).join(':').toLowerCase());
    expect((await tool('opensc-tool', ['--reader', '0', '--name'], { defaultConfiguration: true })).stdout.trim()).toBe('jpki');
    expect(await triesLeft()).toEqual({ 'User Authentication PIN': 3, 'Digital Signature PIN': 5 });
  });

  it('the authentication certificate needs the auth PIN on a GP-SE token: OpenSC lists it but cannot read it', async () => {
    const listed = await tool('pkcs15-tool', ['--list-certificates']);
    const authBlock = listed.stdout.split(/\n(?=X\.509 Certificate \[)/u).find((block) => block.includes('[User Authentication Certificate]')) ?? '';
    expect(authBlock).toMatch(/Path\s*:\s*000a/u);
    expect(authBlock).not.toContain('Encoded serial');
    // OpenSC sizes an EF by reading its first 4 bytes; READ BINARY of 000A answers 6982 before VERIFY.
    const read = await tool('pkcs15-tool', ['--read-certificate', '01']);
    expect(read.status).not.toBe(0);
    expect(read.stderr).toContain('Certificate read failed');
    expect(pcscd.log()).toMatch(/APDU: 00 A4 02 0C 02 00 0A \n\d+ SW: 90 00 \n\d+ APDU: 00 B0 00 00 04 \n\d+ SW: 69 82/u);
    // The CA certificates are free to read.
    const ca = await tool('pkcs15-tool', ['--read-certificate', '03']);
    expect(bytesToHex(pemToDer(ca.stdout))).toBe(bytesToHex(phone.certificates.authCa));
  });

  it('pkcs11-tool --login --sign with the authentication key works; openssl verifies it against the CA-issued certificate', async () => {
    const data = file('phone-data.txt', 'jpkigen: a nonce for the phone');
    const signature = file('phone-signature.bin');
    const signed = await tool('pkcs11-tool', ['--slot', '0', '--login', '--pin', phone.pins.auth, '--sign', '--mechanism', 'SHA256-RSA-PKCS', '--id', '01', '--input-file', data, '--output-file', signature]);
    expect(signed.status, signed.stderr).toBe(0);
    expect((await opensslVerifies(phone.certificates.auth, data, signature)).stdout.trim()).toBe('Verified OK');
  });

  it('a wrong PIN on the phone lowers its counter as OpenSC reports it', async () => {
    const failed = await tool('pkcs11-tool', ['--slot', '0', '--login', '--pin', wrongPinLike(phone.pins.auth), '--list-objects']);
    expect(failed.stderr).toContain('CKR_PIN_INCORRECT');
    expect(await triesLeft()).toEqual({ 'User Authentication PIN': 2, 'Digital Signature PIN': 5 });
  });
});

/** A PIN of the same format that is certainly not the right one. */
function wrongPinLike(pin: string): string {
  return pin
    .split('')
    .map((digit) => String((Number(digit) + 1) % 10))
    .join('');
}
