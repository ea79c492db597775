/**
 * The SCP03 keysets of one security domain, by key version number (Amd D Table 6-1: Key-ENC,
 * Key-MAC, Key-DEK with key identifiers 1, 2, 3, all AES of one length), each with the sequence
 * counter of its pseudo-random card challenges (Amd D §6.2.2.1).
 */
import { bytesToHex, concatBytes, encodeTlv, hexToBytes } from '../../../runtime/index.js';
import { isAesKeyLength, type Scp03StaticKeys } from '../../../runtime/scp03/index.js';

export interface Keyset {
  readonly keyVersion: number;
  readonly keys: Scp03StaticKeys;
  sequenceCounter: number;
}

/** Key identifiers of an SCP03 keyset (Amd D §6.1; GPCS §11.1.8). */
export const KEY_ID_ENC = 1;
export const KEY_ID_MAC = 2;
export const KEY_ID_DEK = 3;
const AES_KEY_TYPE = 0x88;

export class Keysets {
  /** In creation order: INITIALIZE UPDATE with KVN 00 uses the first ("first available", Amd D §7.1.1). */
  readonly #keysets: Keyset[] = [];

  get all(): readonly Keyset[] {
    return this.#keysets;
  }

  get default(): Keyset | undefined {
    return this.#keysets[0];
  }

  byVersion(keyVersion: number): Keyset | undefined {
    return this.#keysets.find((keyset) => keyset.keyVersion === keyVersion);
  }

  /** For INITIALIZE UPDATE P1: 00 is the default keyset. */
  forInitializeUpdate(p1: number): Keyset | undefined {
    return p1 === 0 ? this.default : this.byVersion(p1);
  }

  add(keyVersion: number, keys: Scp03StaticKeys): Keyset {
    const keyset: Keyset = { keyVersion, keys: copyKeys(keys), sequenceCounter: 0 };
    this.#keysets.push(keyset);
    return keyset;
  }

  /** Replaces a keyset as a whole, in place: its sequence counter restarts (Amd D §6.2.2.1). */
  replace(oldVersion: number, keyVersion: number, keys: Scp03StaticKeys): Keyset {
    const index = this.#keysets.findIndex((keyset) => keyset.keyVersion === oldVersion);
    const keyset: Keyset = { keyVersion, keys: copyKeys(keys), sequenceCounter: 0 };
    // The old keys are not zeroed: a session opened with them keeps its Key-DEK until it ends.
    this.#keysets.splice(index, 1, keyset);
    return keyset;
  }

  remove(keyVersion: number): boolean {
    const index = this.#keysets.findIndex((keyset) => keyset.keyVersion === keyVersion);
    if (index < 0) return false;
    this.#keysets.splice(index, 1);
    return true;
  }

  /** GET DATA E0 (GPCS §11.3.3.1.1 Table 11-28): C0 { key id, KVN, type 88, length } per key. */
  keyInformationTemplate(): Uint8Array {
    const entries = this.#keysets.flatMap((keyset) =>
      [
        [KEY_ID_ENC, keyset.keys.enc],
        [KEY_ID_MAC, keyset.keys.mac],
        [KEY_ID_DEK, keyset.keys.dek],
      ].map(([id, key]) => encodeTlv(0xc0, Uint8Array.of(id as number, keyset.keyVersion, AES_KEY_TYPE, (key as Uint8Array).length))),
    );
    return encodeTlv(0xe0, concatBytes(...entries));
  }

  toJSON(): SavedKeyset[] {
    return this.#keysets.map((keyset) => ({
      keyVersion: keyset.keyVersion,
      enc: bytesToHex(keyset.keys.enc),
      mac: bytesToHex(keyset.keys.mac),
      dek: bytesToHex(keyset.keys.dek),
      sequenceCounter: keyset.sequenceCounter,
    }));
  }

  static fromJSON(saved: readonly SavedKeyset[]): Keysets {
    const keysets = new Keysets();
    for (const entry of saved) {
      keysets.add(entry.keyVersion, { enc: hexToBytes(entry.enc), mac: hexToBytes(entry.mac), dek: hexToBytes(entry.dek) }).sequenceCounter = entry.sequenceCounter;
    }
    return keysets;
  }
}

export interface SavedKeyset {
  readonly keyVersion: number;
  readonly enc: string;
  readonly mac: string;
  readonly dek: string;
  readonly sequenceCounter: number;
}

export function isScp03Keyset(keys: Scp03StaticKeys): boolean {
  return isAesKeyLength(keys.enc.length) && keys.enc.length === keys.mac.length && keys.mac.length === keys.dek.length;
}

function copyKeys(keys: Scp03StaticKeys): Scp03StaticKeys {
  return { enc: keys.enc.slice(), mac: keys.mac.slice(), dek: keys.dek.slice() };
}
