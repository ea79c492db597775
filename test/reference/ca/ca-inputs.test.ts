/**
 * The CA's small input parsers: serial numbers (checked against openssl's own printing of the
 * same INTEGER), municipality codes, and the keystore file under random mutation (seeded fuzz:
 * only a typed KeystoreError may come out, and never a key).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCertificateSerialNumber } from '../../../generated/asn1/index.js';
import { crlDistributionPointName, KeystoreError, knownMunicipalities, municipalityOf, randomSerialNumber, serialFromHex, serialToHex, SoftwareKeystore, UnknownMunicipalityError } from '../../../reference/ca/index.js';
import { nameToDer } from '../../../reference/ca/names.js';
import { openssl, temporaryFolder } from '../../helpers/openssl-asn1.js';
import { seededRandom } from '../../helpers/random.js';

const scratch = temporaryFolder('jpkigen-ca-inputs-');
afterAll(() => scratch.remove());

describe('serial numbers', () => {
  it('are positive, 9 octets in DER, distinct, and print as openssl prints the INTEGER', () => {
    const serials = Array.from({ length: 2000 }, () => randomSerialNumber());
    expect(new Set(serials).size).toBe(serials.length);
    for (const serial of serials.slice(0, 20)) {
      const der = encodeCertificateSerialNumber(serial);
      expect(der[1]).toBe(9);
      expect((der[2] ?? 0) & 0x80).toBe(0);
      const printed = openssl(['asn1parse', '-inform', 'DER'], { input: der }).trim();
      expect(printed).toContain(`INTEGER           :${serialToHex(serial)}`);
      expect(serialFromHex(serialToHex(serial))).toBe(serial);
    }
    // The top octet's bits are spread: at least 64 random bits follow a non-zero first octet.
    const firstOctets = new Set(serials.map((serial) => serialToHex(serial).slice(0, 2)));
    expect(firstOctets.size).toBeGreaterThan(60);
  });

  it('keep a 00 octet in front of a high bit, as DER does', () => {
    expect(serialToHex(0x80n)).toBe('0080');
    expect(serialToHex(0x0133c349n)).toBe('0133C349');
    expect(() => serialToHex(0n)).toThrow(RangeError);
  });
});

describe('municipalities', () => {
  it('name the CRL distribution point as the real certificates do, and refuse unknown codes with a typed error', () => {
    expect(municipalityOf('13221').municipalityRomaji).toBe('Kiyose-shi');
    const der = nameToDer(crlDistributionPointName('userAuthentication', '13221'));
    const text = openssl(['asn1parse', '-inform', 'DER'], { input: der });
    expect([...text.matchAll(/(?:PRINTABLESTRING|UTF8STRING)\s+:(.*)/gu)].map((match) => match[1])).toEqual(['JP', 'JPKI', 'JPKI for user authentication', 'CRL Distribution Points', 'Tokyo-to', 'Kiyose-shi CRLDP']);
    expect(text).toMatch(/PRINTABLESTRING\s+:JP/u);
    expect(() => municipalityOf('99999')).toThrow(UnknownMunicipalityError);
    expect(() => municipalityOf('abc')).toThrow(/expected 5 digits/u);
    expect(new Set(knownMunicipalities().map((entry) => entry.code)).size).toBe(knownMunicipalities().length);
  });
});

describe('keystore file fuzz', () => {
  it('answers 300 seeded mutations of a keystore file with a typed error or the untouched keys', async () => {
    const file = path.join(scratch.folder, 'keystore.json');
    const keystore = await SoftwareKeystore.create(file, 'fuzz', { scryptCost: { N: 1 << 10, r: 8, p: 1 } });
    const publicKey = await keystore.generateKey('k');
    const original = readFileSync(file, 'utf8');
    const random = seededRandom(0x5ca1ab1e);
    const codes = new Map<string, number>();
    for (let round = 0; round < 300; round += 1) {
      const characters = [...original];
      const mutations = 1 + Math.floor(random() * 3);
      for (let index = 0; index < mutations; index += 1) {
        const at = Math.floor(random() * characters.length);
        const choice = random();
        if (choice < 0.4) characters[at] = String.fromCharCode(32 + Math.floor(random() * 95));
        else if (choice < 0.7) characters.splice(at, 1 + Math.floor(random() * 8));
        else characters.splice(at, 0, String.fromCharCode(32 + Math.floor(random() * 95)));
      }
      writeFileSync(file, characters.join(''));
      try {
        const opened = await SoftwareKeystore.open(file, 'fuzz');
        // Only harmless changes (whitespace, member order) may open, and then with the same key.
        expect(Buffer.from(await opened.publicKey('k')).equals(Buffer.from(publicKey)), `seed round ${round}`).toBe(true);
        codes.set('opened', (codes.get('opened') ?? 0) + 1);
      } catch (error) {
        expect(error, `seed round ${round}: ${String(error)}`).toBeInstanceOf(KeystoreError);
        codes.set((error as KeystoreError).code, (codes.get((error as KeystoreError).code) ?? 0) + 1);
      }
    }
    expect(codes.get('KEYSTORE_MALFORMED')).toBeGreaterThan(0);
    expect(codes.get('KEYSTORE_TAMPERED') ?? 0).toBeGreaterThan(0);
  });
});
