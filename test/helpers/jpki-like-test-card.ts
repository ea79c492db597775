/**
 * A small VirtualCard test double for the transport tests and the bench, independent of the
 * reference SE: one application (by default the JPKI-AP AID) holding transparent EFs, PIN EFs
 * with retry counters and RSA key EFs, answering SELECT (AID / EF), READ BINARY, VERIFY (with the
 * no-data retry query) and COMPUTE DIGITAL SIGNATURE `80 2A 00 80` the way jpki.md §1.4 and §1.7
 * describe the card. Signatures come from node:crypto (PKCS#1 v1.5 type 1 over the given
 * DigestInfo). Every command it receives is logged, so tests can assert what a tool sent.
 */
import { constants, privateEncrypt, type KeyObject } from 'node:crypto';
import type { VirtualCard } from '../../reference/se/virtual-card.js';
import { bytesToHex, hexToBytes } from '../../runtime/hex.js';

export const JPKI_AID = hexToBytes('D392F000260100000001');
/** OpenSC card-jpki.c's ATR table entry. */
export const JPKI_CARD_ATR = hexToBytes('3BE000FF8131FE4514');

export interface TestCardPin {
  readonly value: string;
  readonly maxTries: number;
}

export interface TestCardKey {
  readonly privateKey: KeyObject;
  /** FID of the PIN EF whose verification the key needs. */
  readonly pin: number;
}

export interface TestCardOptions {
  readonly atr?: Uint8Array;
  readonly aid?: Uint8Array;
  /** Transparent EFs by FID. */
  readonly files?: ReadonlyMap<number, Uint8Array>;
  readonly pins?: ReadonlyMap<number, TestCardPin>;
  readonly keys?: ReadonlyMap<number, TestCardKey>;
}

export interface JpkiLikeTestCard extends VirtualCard {
  /** Hex of every command APDU received, in order. */
  readonly log: string[];
  readonly powered: boolean;
  /** Power-on, power-off and reset events, in order. */
  readonly contacts: string[];
  triesLeft(pinFid: number): number;
}

const SW = (sw: number, data: Uint8Array = new Uint8Array(0)): Uint8Array => {
  const response = new Uint8Array(data.length + 2);
  response.set(data, 0);
  response[data.length] = sw >> 8;
  response[data.length + 1] = sw & 0xff;
  return response;
};

export function createJpkiLikeTestCard(options: TestCardOptions = {}): JpkiLikeTestCard {
  const atr = options.atr ?? JPKI_CARD_ATR;
  const aid = options.aid ?? JPKI_AID;
  const files = options.files ?? new Map<number, Uint8Array>();
  const pins = options.pins ?? new Map<number, TestCardPin>();
  const keys = options.keys ?? new Map<number, TestCardKey>();
  const tries = new Map<number, number>([...pins].map(([fid, pin]) => [fid, pin.maxTries]));
  const log: string[] = [];
  const contacts: string[] = [];
  let powered = false;
  let applicationSelected = false;
  let currentEf: number | undefined;
  const verified = new Set<number>();

  const dropVolatile = (): void => {
    applicationSelected = false;
    currentEf = undefined;
    verified.clear();
  };

  const process = (apdu: Uint8Array): Uint8Array => {
    if (apdu.length < 4) return SW(0x6700);
    const [cla = 0, ins = 0, p1 = 0, p2 = 0] = apdu;
    const lc = apdu.length > 5 ? (apdu[4] ?? 0) : 0;
    const data = apdu.length > 5 ? apdu.subarray(5, 5 + lc) : new Uint8Array(0);
    if (apdu.length > 5 && apdu.length !== 5 + lc && apdu.length !== 6 + lc) return SW(0x6700);
    if (cla === 0x00 && ins === 0xa4) {
      if (p1 === 0x04) {
        if (bytesToHex(data) !== bytesToHex(aid)) return SW(0x6a82);
        dropVolatile();
        applicationSelected = true;
        return SW(0x9000);
      }
      if (p1 === 0x02 && data.length === 2 && applicationSelected) {
        const fid = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
        if (!files.has(fid) && !pins.has(fid) && !keys.has(fid)) return SW(0x6a82);
        currentEf = fid;
        return SW(0x9000);
      }
      return applicationSelected ? SW(0x6a86) : SW(0x6a82);
    }
    if (cla === 0x00 && ins === 0xb0) {
      const content = currentEf === undefined ? undefined : files.get(currentEf);
      if (content === undefined) return SW(0x6986);
      const offset = (p1 << 8) | p2;
      const le = apdu.length === 5 ? (apdu[4] === 0 ? 256 : (apdu[4] ?? 0)) : 256;
      if (offset > content.length) return SW(0x6b00);
      return SW(0x9000, content.slice(offset, offset + le));
    }
    if (cla === 0x00 && ins === 0x20 && p1 === 0x00 && p2 === 0x80) {
      const pin = currentEf === undefined ? undefined : pins.get(currentEf);
      if (pin === undefined || currentEf === undefined) return SW(0x6986);
      const left = tries.get(currentEf) ?? 0;
      if (apdu.length <= 5) return SW(0x63c0 | left);
      if (left === 0) return SW(0x6984);
      if (new TextDecoder().decode(data) === pin.value) {
        tries.set(currentEf, pin.maxTries);
        verified.add(currentEf);
        return SW(0x9000);
      }
      tries.set(currentEf, left - 1);
      verified.delete(currentEf);
      return SW(0x63c0 | (left - 1));
    }
    if (cla === 0x80 && ins === 0x2a && p1 === 0x00 && p2 === 0x80) {
      const key = currentEf === undefined ? undefined : keys.get(currentEf);
      if (key === undefined) return SW(0x6986);
      if (!verified.has(key.pin)) return SW(0x6982);
      const signature = privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, data);
      return SW(0x9000, new Uint8Array(signature));
    }
    if (cla !== 0x00 && cla !== 0x80) return SW(0x6e00);
    return SW(0x6d00);
  };

  return {
    atr,
    log,
    contacts,
    get powered() {
      return powered;
    },
    powerOn() {
      powered = true;
      contacts.push('on');
    },
    powerOff() {
      powered = false;
      dropVolatile();
      contacts.push('off');
    },
    reset() {
      powered = true;
      dropVolatile();
      contacts.push('reset');
    },
    triesLeft(pinFid) {
      return tries.get(pinFid) ?? 0;
    },
    transmit(command) {
      log.push(bytesToHex(command));
      return Promise.resolve(process(command));
    },
  };
}
