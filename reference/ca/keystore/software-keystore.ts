/**
 * A keystore in one file, encrypted at rest: a key derived from a passphrase with scrypt
 * (RFC 7914) encrypts each private key (PKCS #8) with AES-256-GCM, its label and public key bound
 * as associated data, and an HMAC over the whole record tells a wrong passphrase (the passphrase
 * check fails) from a file changed behind our back (the check passes, the file MAC does not).
 * Every change rewrites the file atomically: write a temporary file, fsync it, rename it over
 * the old one, fsync the folder, so a crash leaves either the old or the new file, never half.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../../../runtime/durable-file.js';
import { checkKeyLabel, KeystoreError, type Keystore } from './keystore.js';
import { HeldKeys } from './held-keys.js';
import { generateRsa2048, privateKeyFromPkcs8, privateKeyToPkcs8, publicKeyOf } from './rsa-keys.js';

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** About 0.1 s and 32 MiB on a laptop; tests may pass a cheaper cost. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 1 << 15, r: 8, p: 1 };

const FORMAT = 'jpkigen-keystore';
const VERSION = 1;
const CHECK_LABEL = 'jpkigen keystore passphrase check v1';

interface StoredKey {
  readonly label: string;
  readonly publicKey: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

interface KeystoreBody {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly kdf: { readonly name: 'scrypt'; readonly salt: string; readonly N: number; readonly r: number; readonly p: number };
  readonly keys: readonly StoredKey[];
}

interface KeystoreFile extends KeystoreBody {
  readonly passphraseCheck: string;
  readonly mac: string;
}

interface DerivedKeys {
  readonly encryption: Buffer;
  readonly mac: Buffer;
}

export type Passphrase = string | Uint8Array;

export class SoftwareKeystore extends HeldKeys implements Keystore {
  readonly file: string;
  protected get where(): string {
    return ` in ${this.file}`;
  }
  readonly #derived: DerivedKeys;
  readonly #kdf: KeystoreBody['kdf'];
  readonly #stored: StoredKey[];
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(file: string, derived: DerivedKeys, kdf: KeystoreBody['kdf'], stored: StoredKey[]) {
    super();
    this.file = file;
    this.#derived = derived;
    this.#kdf = kdf;
    this.#stored = stored;
  }

  /** A new, empty keystore file; fails when the file exists. */
  static async create(file: string, passphrase: Passphrase, options: { scryptCost?: ScryptCost } = {}): Promise<SoftwareKeystore> {
    const cost = options.scryptCost ?? DEFAULT_SCRYPT_COST;
    const kdf = { name: 'scrypt' as const, salt: randomBytes(16).toString('base64'), N: cost.N, r: cost.r, p: cost.p };
    const keystore = new SoftwareKeystore(file, await deriveKeys(passphrase, kdf), kdf, []);
    await keystore.#write({ exclusive: true });
    return keystore;
  }

  /** Opens and decrypts every key; a wrong passphrase or a changed file is a typed error before any key is used. */
  static async open(file: string, passphrase: Passphrase): Promise<SoftwareKeystore> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new KeystoreError('KEYSTORE_MALFORMED', `cannot read the keystore ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
    const record = parseKeystoreFile(text, file);
    const derived = await deriveKeys(passphrase, record.kdf);
    if (!equalMac(macOf(derived.mac, CHECK_LABEL), record.passphraseCheck)) {
      throw new KeystoreError('KEYSTORE_WRONG_PASSPHRASE', `the passphrase does not open the keystore ${file}`);
    }
    if (!equalMac(macOf(derived.mac, canonicalBody(record)), record.mac)) {
      throw new KeystoreError('KEYSTORE_TAMPERED', `the keystore ${file} was changed outside jpkigen (its MAC does not match)`);
    }
    const keystore = new SoftwareKeystore(file, derived, record.kdf, [...record.keys]);
    for (const stored of record.keys) keystore.keys.set(stored.label, decryptKey(derived, stored, file));
    return keystore;
  }

  /** Opens the file when it exists, else creates it. */
  static async openOrCreate(file: string, passphrase: Passphrase, options: { scryptCost?: ScryptCost } = {}): Promise<SoftwareKeystore> {
    try {
      await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return SoftwareKeystore.create(file, passphrase, options);
      throw error;
    }
    return SoftwareKeystore.open(file, passphrase);
  }

  async generateKey(label: string): Promise<Uint8Array> {
    checkKeyLabel(label);
    const run = this.#writes.then(async () => {
      if (this.keys.has(label)) throw new KeystoreError('KEYSTORE_KEY_EXISTS', `a key labelled '${label}' already exists in ${this.file}`);
      const pair = await generateRsa2048();
      this.#stored.push(encryptKey(this.#derived, label, pair.privateKey, pair.publicKey));
      try {
        await this.#write({ exclusive: false });
      } catch (error) {
        this.#stored.pop();
        throw error;
      }
      this.keys.set(label, pair);
      return pair.publicKey;
    });
    this.#writes = run.catch(() => undefined);
    return run;
  }

  async #write(options: { exclusive: boolean }): Promise<void> {
    const body: KeystoreBody = { format: FORMAT, version: VERSION, kdf: this.#kdf, keys: this.#stored };
    const record: KeystoreFile = { ...body, passphraseCheck: macOf(this.#derived.mac, CHECK_LABEL), mac: macOf(this.#derived.mac, canonicalBody(body)) };
    await writeKeystoreFile(this.file, `${JSON.stringify(record, null, 2)}\n`, options);
  }
}

async function deriveKeys(passphrase: Passphrase, kdf: KeystoreBody['kdf']): Promise<DerivedKeys> {
  const secret = typeof passphrase === 'string' ? Buffer.from(passphrase, 'utf8') : Buffer.from(passphrase);
  if (secret.length === 0) throw new KeystoreError('KEYSTORE_NO_PASSPHRASE', 'an empty passphrase cannot protect the keystore');
  const derived = await new Promise<Buffer>((resolve, reject) => {
    scrypt(secret, Buffer.from(kdf.salt, 'base64'), 64, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + (1 << 20) }, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
  return { encryption: derived.subarray(0, 32), mac: derived.subarray(32, 64) };
}

function macOf(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64');
}

function equalMac(expected: string, stored: string): boolean {
  const a = Buffer.from(expected, 'base64');
  const b = Buffer.from(stored, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The MAC covers the body with a fixed member order, whatever order the file lists them in. */
function canonicalBody(body: KeystoreBody): string {
  return JSON.stringify({
    format: body.format,
    version: body.version,
    kdf: { name: body.kdf.name, salt: body.kdf.salt, N: body.kdf.N, r: body.kdf.r, p: body.kdf.p },
    keys: body.keys.map((key) => ({ label: key.label, publicKey: key.publicKey, iv: key.iv, ciphertext: key.ciphertext, tag: key.tag })),
  });
}

function associatedData(label: string, publicKey: string): Buffer {
  return Buffer.from(`${FORMAT} v${VERSION} key\u0000${label}\u0000${publicKey}`, 'utf8');
}

function encryptKey(derived: DerivedKeys, label: string, privateKey: KeyObject, publicKey: Uint8Array): StoredKey {
  const iv = randomBytes(12);
  const publicKeyText = Buffer.from(publicKey).toString('base64');
  const cipher = createCipheriv('aes-256-gcm', derived.encryption, iv);
  cipher.setAAD(associatedData(label, publicKeyText));
  const ciphertext = Buffer.concat([cipher.update(privateKeyToPkcs8(privateKey)), cipher.final()]);
  return { label, publicKey: publicKeyText, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

function decryptKey(derived: DerivedKeys, stored: StoredKey, file: string): { privateKey: KeyObject; publicKey: Uint8Array } {
  let pkcs8: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', derived.encryption, Buffer.from(stored.iv, 'base64'));
    decipher.setAAD(associatedData(stored.label, stored.publicKey));
    decipher.setAuthTag(Buffer.from(stored.tag, 'base64'));
    pkcs8 = Buffer.concat([decipher.update(Buffer.from(stored.ciphertext, 'base64')), decipher.final()]);
  } catch (error) {
    throw new KeystoreError('KEYSTORE_TAMPERED', `the key '${stored.label}' in ${file} does not decrypt (changed or corrupted)`, { cause: error });
  }
  const privateKey = privateKeyFromPkcs8(pkcs8);
  const publicKey = new Uint8Array(Buffer.from(stored.publicKey, 'base64'));
  if (!Buffer.from(publicKeyOf(privateKey)).equals(Buffer.from(publicKey))) {
    throw new KeystoreError('KEYSTORE_TAMPERED', `the key '${stored.label}' in ${file} does not match its public key`);
  }
  return { privateKey, publicKey };
}

function parseKeystoreFile(text: string, file: string): KeystoreFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KeystoreError('KEYSTORE_MALFORMED', `the keystore ${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const malformed = (what: string): never => {
    throw new KeystoreError('KEYSTORE_MALFORMED', `the keystore ${file}: expected ${what}`);
  };
  if (typeof value !== 'object' || value === null) return malformed('a JSON object');
  const record = value as Record<string, unknown>;
  if (record['format'] !== FORMAT) malformed(`"format": "${FORMAT}"`);
  if (record['version'] !== VERSION) malformed(`"version": ${VERSION}`);
  const kdf = record['kdf'] as Record<string, unknown> | undefined;
  if (typeof kdf !== 'object' || kdf === null || kdf['name'] !== 'scrypt' || typeof kdf['salt'] !== 'string') malformed('"kdf": {"name": "scrypt", "salt": …}');
  for (const parameter of ['N', 'r', 'p']) {
    const number = (kdf as Record<string, unknown>)[parameter];
    if (!Number.isSafeInteger(number) || (number as number) < 1 || (number as number) > 1 << 22) malformed(`kdf.${parameter} a positive integer`);
  }
  if (typeof record['passphraseCheck'] !== 'string' || typeof record['mac'] !== 'string') malformed('"passphraseCheck" and "mac" strings');
  if (!Array.isArray(record['keys'])) malformed('"keys": [ … ]');
  for (const [index, key] of (record['keys'] as unknown[]).entries()) {
    const entry = key as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null || !['label', 'publicKey', 'iv', 'ciphertext', 'tag'].every((member) => typeof entry[member] === 'string')) {
      malformed(`keys[${index}] with string members label, publicKey, iv, ciphertext, tag`);
    }
  }
  return value as KeystoreFile;
}

async function writeKeystoreFile(file: string, text: string, options: { exclusive: boolean }): Promise<void> {
  if (options.exclusive) {
    try {
      await readFile(file);
      throw new KeystoreError('KEYSTORE_KEY_EXISTS', `the keystore ${file} already exists`);
    } catch (error) {
      if (error instanceof KeystoreError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await writeFileAtomically(file, text);
}
