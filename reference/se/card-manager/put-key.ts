/**
 * PUT KEY (GPCS 2.3.1 §11.8; Amd D §7.2) for SCP03 keysets: add a keyset (P1 00) or replace one
 * (P1 = its KVN), all three keys (P2 81: key identifier 1, several keys) or single keys of an
 * existing keyset. Keys arrive encrypted under the Key-DEK of the session's keyset; each KCV is
 * checked (mismatch 6982) and returned after the new KVN.
 */
import { type ResponseApdu } from '../../../runtime/index.js';
import { buildPutKeyResponseData, parsePutKeyData, Scp03Error, type Scp03StaticKeys } from '../../../runtime/scp03/index.js';
import type { PutKeyFields } from '../../../generated/apdu/global-platform.js';
import { contentManagementAllowed } from '../registry.js';
import { status, success, SW, type CommandScope } from './command-scope.js';
import { isScp03Keyset, KEY_ID_DEK, KEY_ID_ENC } from './keysets.js';

const INITIAL_KEY_VERSION = 0xff;

export function putKey(scope: CommandScope, fields: PutKeyFields): ResponseApdu {
  if (!scope.authenticated || scope.sessionKeyset === undefined) return status(SW.securityStatusNotSatisfied);
  if (!contentManagementAllowed(scope.host.registry.cardLifeCycle)) return status(SW.conditionsNotSatisfied);
  const newVersion = fields.newKeyVersionNumber;
  if (newVersion < 0x01 || newVersion > 0x7f) return status(SW.incorrectData);
  let decoded;
  try {
    decoded = parsePutKeyData(Uint8Array.of(newVersion, ...fields.keyData), scope.sessionKeyset.keys.dek);
  } catch (error) {
    if (error instanceof Scp03Error) return status(error.statusWord ?? SW.incorrectData);
    throw error;
  }
  const keys = decoded.keys.map((key) => key.key);
  const firstId = fields.keyIdentifier;
  if (keys.length > 1 !== fields.multipleKeys) return status(SW.incorrectData);
  if (firstId < KEY_ID_ENC || firstId + keys.length - 1 > KEY_ID_DEK) return status(SW.incorrectData);
  const replaced = fields.keyVersionNumber;
  const { keysets } = scope;
  if (replaced === 0) {
    // A new keyset must be whole: ENC, MAC and DEK in one command (Amd D Table 6-1).
    if (firstId !== KEY_ID_ENC || keys.length !== 3) return status(SW.incorrectData);
    if (keysets.byVersion(newVersion) !== undefined) return status(SW.incorrectData);
    const keyset: Scp03StaticKeys = { enc: keys[0] as Uint8Array, mac: keys[1] as Uint8Array, dek: keys[2] as Uint8Array };
    if (!isScp03Keyset(keyset)) return status(SW.incorrectData);
    keysets.add(newVersion, keyset);
    // The initial keyset (KVN FF) gives way to the first keyset put (GPCS §11.1.8 conventions, as JCOP cards do):
    // P1 cannot name FF, so it could never be replaced otherwise.
    if (newVersion !== INITIAL_KEY_VERSION) keysets.remove(INITIAL_KEY_VERSION);
  } else {
    const old = keysets.byVersion(replaced);
    if (old === undefined) return status(SW.referencedDataNotFound);
    if (newVersion !== replaced && keysets.byVersion(newVersion) !== undefined) return status(SW.incorrectData);
    const next = { enc: old.keys.enc, mac: old.keys.mac, dek: old.keys.dek };
    const slots = ['enc', 'mac', 'dek'] as const;
    for (const [index, key] of keys.entries()) {
      const slot = slots[firstId - 1 + index] as (typeof slots)[number];
      // GPCS §11.8.2.3.3: a replaced key keeps its algorithm and size.
      if (key.length !== next[slot].length) return status(SW.incorrectData);
      next[slot] = key;
    }
    keysets.replace(replaced, newVersion, next);
  }
  scope.context.markChanged();
  return success(buildPutKeyResponseData(newVersion, decoded.keys.map((key) => key.keyCheckValue)));
}
