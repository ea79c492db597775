/** Drives a JPKI applet directly, without an SE runtime: parse, process, encode — as the OPEN would. */
import { readFileSync } from 'node:fs';
import { encodeResponseApdu, parseCommandApdu } from '../../../../runtime/index.js';
import { hexToBytes } from '../../../../runtime/hex.js';
import type { AppletContext } from '../../../../reference/se/applet.js';
import { JpkiApplet, type JpkiAppletFaults } from '../../../../reference/se/jpki-applet/jpki-applet.js';
import { encodeDgi, storeDataBlocks } from '../../../../reference/se/dgi.js';
import { pemToDer } from '../../../../runtime/der/pem.js';
import type { TokenProfileName } from '../../../../reference/se/jpki-applet/file-map.js';

export const JPKI_AID = hexToBytes('D392F000260100000001');
const fixture = (name: string): Uint8Array => pemToDer(readFileSync(new URL(`../../../fixtures/profiles/${name}`, import.meta.url), 'utf8'));

export const FIXTURE_CERTIFICATES = {
  auth: fixture('smartphone-auth.pem'),
  sign: fixture('smartphone-sign.pem'),
  authCa: fixture('openssl-auth-ca.pem'),
  signCa: fixture('openssl-sign-ca.pem'),
};

export function contextFor(channel = 0): AppletContext & { changes: number } {
  const context = { channel, cardInterface: 'contact' as const, changes: 0, markChanged: () => (context.changes += 1) };
  return context;
}

export interface Exchange {
  readonly data: Uint8Array;
  readonly sw: number;
}

export async function send(applet: JpkiApplet, apdu: Uint8Array | string, context = contextFor()): Promise<Exchange> {
  const parsed = parseCommandApdu(typeof apdu === 'string' ? hexToBytes(apdu) : apdu);
  if (!parsed.ok) return { data: new Uint8Array(0), sw: parsed.sw };
  const response = await applet.process(parsed.apdu, context);
  const bytes = encodeResponseApdu(response);
  return { data: bytes.subarray(0, bytes.length - 2), sw: response.sw };
}

export interface PersonalizedApplet {
  readonly applet: JpkiApplet;
  readonly publicKeys: { readonly authKey: Uint8Array; readonly signKey: Uint8Array };
}

/** Personalizes through storeData with the DGIs a TSM sends; returns the public keys the applet gave out. */
export async function personalizedApplet(profile: TokenProfileName, pins = { auth: '1234', sign: 'ABC123' }, faults: JpkiAppletFaults = {}): Promise<PersonalizedApplet> {
  const applet = new JpkiApplet(JPKI_AID, profile, { faults });
  const context = contextFor();
  const keyResponses: Uint8Array[] = [];
  for (const dgi of [0xb017, 0xb01a]) {
    const response = await applet.storeData({ data: encodeDgi(dgi, new Uint8Array(0)), last: false, structure: 'dgi', blockNumber: keyResponses.length }, context);
    if (response.sw !== 0x9000) throw new Error(`key generation answered ${response.sw.toString(16)}`);
    keyResponses.push(response.data);
  }
  const stream = Uint8Array.from([
    ...encodeDgi(0x8018, new TextEncoder().encode(pins.auth)),
    ...encodeDgi(0x801b, new TextEncoder().encode(pins.sign)),
    ...encodeDgi(0x000a, FIXTURE_CERTIFICATES.auth),
    ...encodeDgi(0x0001, FIXTURE_CERTIFICATES.sign),
    ...encodeDgi(0x000b, FIXTURE_CERTIFICATES.authCa),
    ...encodeDgi(0x0002, FIXTURE_CERTIFICATES.signCa),
  ]);
  const blocks = storeDataBlocks(stream);
  for (const [index, block] of blocks.entries()) {
    const response = await applet.storeData({ data: block, last: index === blocks.length - 1, structure: 'dgi', blockNumber: index + 2 }, context);
    if (response.sw !== 0x9000) throw new Error(`personalization block ${index} answered ${response.sw.toString(16)}`);
  }
  const spkiOf = (response: Uint8Array): Uint8Array => response.subarray(response[2] === 0xff ? 5 : 3);
  return { applet, publicKeys: { authKey: spkiOf(keyResponses[0] ?? new Uint8Array()), signKey: spkiOf(keyResponses[1] ?? new Uint8Array()) } };
}
