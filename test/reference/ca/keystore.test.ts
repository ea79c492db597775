/** Keystores: signatures checked by node:crypto and openssl (independent verifiers); the encrypted file refuses a wrong passphrase and any change. */
import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeystoreError, MemoryKeystore, SoftwareKeystore, type Keystore } from '../../../reference/ca/keystore/index.js';
import { derToPem } from '../../../runtime/der/pem.js';
import { openssl, temporaryFolder } from '../../helpers/openssl-asn1.js';

const CHEAP = { N: 1 << 10, r: 8, p: 1 };
const scratch = temporaryFolder('jpkigen-keystore-');
afterAll(() => scratch.remove());
let files = 0;
const newFile = (): string => path.join(scratch.folder, `keystore-${(files += 1)}.json`);

function verifiesWithNode(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const verifier = createVerify('sha256');
  verifier.update(data);
  return verifier.verify(createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' }), signature);
}

function verifiesWithOpenssl(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const base = path.join(scratch.folder, randomBytes(6).toString('hex'));
  writeFileSync(`${base}.pub.pem`, derToPem(publicKey, 'PUBLIC KEY'));
  writeFileSync(`${base}.data`, data);
  writeFileSync(`${base}.sig`, signature);
  try {
    return openssl(['dgst', '-sha256', '-verify', `${base}.pub.pem`, '-signature', `${base}.sig`, `${base}.data`]).includes('Verified OK');
  } catch {
    return false;
  }
}

async function expectKeystoreError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KeystoreError);
  expect((error as KeystoreError).code).toBe(code);
}

describe.each([
  ['memory', async (): Promise<Keystore> => new MemoryKeystore()],
  ['software', async (): Promise<Keystore> => SoftwareKeystore.create(newFile(), 'correct horse battery staple', { scryptCost: CHEAP })],
])('%s keystore', (_name, make) => {
  it('makes RSA-2048 keys with e = 65537 whose sha256WithRSAEncryption signatures node:crypto and openssl verify', async () => {
    const keystore = await make();
    const publicKey = await keystore.generateKey('signca03-key');
    const key = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    expect(openssl(['pkey', '-pubin', '-inform', 'DER', '-noout', '-text'], { input: publicKey })).toMatch(/Public-Key: \(2048 bit\)[\s\S]*Exponent: 65537/u);
    const data = randomBytes(300);
    const signature = await keystore.sign('signca03-key', data);
    expect(signature).toHaveLength(256);
    expect(verifiesWithNode(publicKey, data, signature)).toBe(true);
    expect(verifiesWithOpenssl(publicKey, data, signature)).toBe(true);
    const other = new Uint8Array(data);
    other[0] = (other[0] ?? 0) ^ 1;
    expect(verifiesWithNode(publicKey, other, signature)).toBe(false);
    expect(verifiesWithOpenssl(publicKey, other, signature)).toBe(false);
  });

  it('keeps keys apart by label and refuses unknown, duplicate and malformed labels with typed errors', async () => {
    const keystore = await make();
    const first = await keystore.generateKey('a');
    const second = await keystore.generateKey('b');
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
    expect(await keystore.labels()).toEqual(['a', 'b']);
    expect(await keystore.hasKey('a')).toBe(true);
    await expectKeystoreError(keystore.generateKey('a'), 'KEYSTORE_KEY_EXISTS');
    await expectKeystoreError(keystore.sign('missing', new Uint8Array(1)), 'KEYSTORE_KEY_NOT_FOUND');
    await expectKeystoreError(keystore.generateKey('../escape'), 'KEYSTORE_BAD_LABEL');
    await expectKeystoreError(keystore.generateKey(''), 'KEYSTORE_BAD_LABEL');
  });
});

describe('software keystore file', () => {
  const passphrase = 'the CA passphrase 秘密';

  async function storeWithKeys(): Promise<{ file: string; publicKeys: Uint8Array[] }> {
    const file = newFile();
    const keystore = await SoftwareKeystore.create(file, passphrase, { scryptCost: CHEAP });
    const publicKeys = [await keystore.generateKey('one'), await keystore.generateKey('two')];
    return { file, publicKeys };
  }

  it('reopens with the passphrase: same keys, signatures verify; the file holds no key or passphrase in clear', async () => {
    const { file, publicKeys } = await storeWithKeys();
    const reopened = await SoftwareKeystore.open(file, passphrase);
    expect(Buffer.from(await reopened.publicKey('two')).equals(Buffer.from(publicKeys[1] as Uint8Array))).toBe(true);
    const data = new TextEncoder().encode('tbsCertificate');
    expect(verifiesWithOpenssl(publicKeys[0] as Uint8Array, data, await reopened.sign('one', data))).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(passphrase);
    expect(text).not.toContain(Buffer.from(passphrase).toString('base64'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Written through a temporary file and renamed: none is left behind.
    expect(readdirSync(path.dirname(file)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('uses scrypt with the default cost when none is given, and the key works after reopening', async () => {
    const file = newFile();
    const keystore = await SoftwareKeystore.create(file, passphrase);
    await keystore.generateKey('k');
    expect(JSON.parse(readFileSync(file, 'utf8')).kdf).toMatchObject({ name: 'scrypt', N: 32768, r: 8, p: 1 });
    await expect(SoftwareKeystore.open(file, passphrase)).resolves.toBeInstanceOf(SoftwareKeystore);
  });

  it('refuses a wrong or empty passphrase with a typed error that does not echo it', async () => {
    const { file } = await storeWithKeys();
    const error = await SoftwareKeystore.open(file, 'not the passphrase').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeystoreError);
    expect((error as KeystoreError).code).toBe('KEYSTORE_WRONG_PASSPHRASE');
    expect((error as Error).message).not.toContain('not the passphrase');
    await expectKeystoreError(SoftwareKeystore.open(file, ''), 'KEYSTORE_NO_PASSPHRASE');
  });

  const tamperings: readonly [string, (record: Record<string, any>) => void, string][] = [
    ['a flipped ciphertext byte', (record) => {
      const bytes = Buffer.from(record.keys[0].ciphertext, 'base64');
      bytes[10] = (bytes[10] ?? 0) ^ 0x01;
      record.keys[0].ciphertext = bytes.toString('base64');
    }, 'KEYSTORE_TAMPERED'],
    ['a swapped public key', (record) => {
      record.keys[0].publicKey = record.keys[1].publicKey;
    }, 'KEYSTORE_TAMPERED'],
    ['a renamed key', (record) => {
      record.keys[0].label = 'three';
    }, 'KEYSTORE_TAMPERED'],
    ['a removed key', (record) => {
      record.keys.pop();
    }, 'KEYSTORE_TAMPERED'],
    ['a changed GCM tag', (record) => {
      record.keys[1].tag = Buffer.alloc(16).toString('base64');
    }, 'KEYSTORE_TAMPERED'],
    ['a changed salt', (record) => {
      record.kdf.salt = Buffer.alloc(16).toString('base64');
    }, 'KEYSTORE_WRONG_PASSPHRASE'],
    ['a missing member', (record) => {
      delete record.mac;
    }, 'KEYSTORE_MALFORMED'],
  ];

  it.each(tamperings)('detects %s with a typed error', async (_what, tamper, code) => {
    const { file } = await storeWithKeys();
    const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
    tamper(record);
    writeFileSync(file, JSON.stringify(record));
    await expectKeystoreError(SoftwareKeystore.open(file, passphrase), code);
  });

  it('refuses a truncated file and a missing file as malformed', async () => {
    const { file } = await storeWithKeys();
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    await expectKeystoreError(SoftwareKeystore.open(file, passphrase), 'KEYSTORE_MALFORMED');
    await expectKeystoreError(SoftwareKeystore.open(path.join(scratch.folder, 'absent.json'), passphrase), 'KEYSTORE_MALFORMED');
  });

  it('will not create over an existing keystore', async () => {
    const { file } = await storeWithKeys();
    await expectKeystoreError(SoftwareKeystore.create(file, passphrase, { scryptCost: CHEAP }), 'KEYSTORE_KEY_EXISTS');
  });
});
