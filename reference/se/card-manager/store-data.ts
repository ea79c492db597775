/**
 * STORE DATA (GPCS 2.3.1 §11.11). After INSTALL [for personalization] the blocks go to the named
 * application's storeData() (Application.processData in GP terms), DGI values deciphered with
 * the session's Key-DEK when P1 says they are encrypted (Amd D §7.3). Otherwise the SD keeps the
 * data itself: keys through DGIs 00B9 + 8113 (§11.11.4.1), and BER-TLV data objects 42 (IIN),
 * 45 (CIN), 5F50 (SD manager URL), directly or inside DGI 0070.
 */
import { constantTimeEqual, decodeTlvs, TlvError, type ResponseApdu } from '../../../runtime/index.js';
import { computeAesKeyCheckValue, decryptSensitiveData, isAesKeyLength } from '../../../runtime/scp03/index.js';
import type { StoreDataFields } from '../../../generated/apdu/global-platform.js';
import type { StoreDataBlock } from '../applet.js';
import { contentManagementAllowed } from '../registry.js';
import { status, success, SW, type AnnouncedKey, type CommandScope, type SecurityDomainChannel } from './command-scope.js';
import { decodeDgis, DgiError, encodeDgi, type Dgi } from '../dgi.js';
import type { Keysets } from './keysets.js';

const DGI_KEY_INFORMATION = 0x00b9;
const DGI_SECRET_KEY = 0x8113;
const DGI_BER_TLV_TEMPLATE = 0x0070;
const STORABLE_TAGS = new Set([0x42, 0x45, 0x5f50]);
const AES_KEY_TYPE = 0x88;

export async function storeData(scope: CommandScope, fields: StoreDataFields): Promise<ResponseApdu> {
  if (!scope.authenticated) return status(SW.securityStatusNotSatisfied);
  if (!contentManagementAllowed(scope.host.registry.cardLifeCycle)) return status(SW.conditionsNotSatisfied);
  const personalization = scope.channel.personalization;
  if (personalization !== undefined) return forward(scope, personalization, fields);
  if (fields.blockNumber !== scope.channel.storeDataNextBlock) {
    scope.channel.storeDataNextBlock = 0;
    return status(SW.incorrectP1P2);
  }
  scope.channel.storeDataNextBlock = fields.lastBlock ? 0 : fields.blockNumber + 1;
  const data = decipher(scope, fields);
  if (data === undefined) return status(SW.incorrectData);
  const result = storeOwnData(
    { keysets: scope.keysets, channel: scope.channel, dataObjects: scope.dataObjects },
    { data, last: fields.lastBlock, structure: fields.structure, blockNumber: fields.blockNumber },
  );
  if (result.sw === SW.success) scope.context.markChanged();
  return result;
}

async function forward(scope: CommandScope, personalization: { targetAid: Uint8Array; nextBlock: number }, fields: StoreDataFields): Promise<ResponseApdu> {
  const target = scope.host.applet(personalization.targetAid);
  if (target?.storeData === undefined) {
    scope.channel.personalization = undefined;
    return status(SW.referencedDataNotFound);
  }
  if (fields.blockNumber !== personalization.nextBlock) {
    scope.channel.personalization = undefined;
    return status(SW.incorrectP1P2);
  }
  const data = decipher(scope, fields);
  if (data === undefined) {
    scope.channel.personalization = undefined;
    return status(SW.incorrectData);
  }
  // The personalization session ends with the last block or an error (GPCS §11.11.1).
  personalization.nextBlock += 1;
  if (fields.lastBlock) scope.channel.personalization = undefined;
  const response = await target.storeData({ data, last: fields.lastBlock, structure: fields.structure, blockNumber: fields.blockNumber }, scope.context);
  if (response.sw !== SW.success && (response.sw >> 8) !== 0x62 && (response.sw >> 8) !== 0x63) scope.channel.personalization = undefined;
  return response;
}

/** Deciphers DGI values under the Key-DEK when P1 b7–b6 = 11; other encrypted structures are refused. */
function decipher(scope: CommandScope, fields: StoreDataFields): Uint8Array | undefined {
  if (fields.encryption !== 'encrypted') return fields.data;
  if (fields.structure !== 'dgi' || scope.sessionKeyset === undefined) return undefined;
  try {
    const dek = scope.sessionKeyset.keys.dek;
    const parts = decodeDgis(fields.data).map((dgi) => {
      if (dgi.value.length % 16 !== 0) throw new DgiError(0, `an encrypted value of whole AES blocks for DGI ${dgi.dgi.toString(16).padStart(4, '0')}`);
      return encodeDgi(dgi.dgi, dgi.value.length === 0 ? dgi.value : decryptSensitiveData(dek, dgi.value));
    });
    return Uint8Array.from(parts.flatMap((part) => [...part]));
  } catch (error) {
    if (error instanceof DgiError) return undefined;
    throw error;
  }
}

export interface OwnDataTarget {
  readonly keysets: Keysets;
  readonly channel: SecurityDomainChannel;
  readonly dataObjects: Map<number, Uint8Array>;
}

/** Data a security domain keeps for itself, from its own STORE DATA or forwarded by its parent SD. */
export function storeOwnData(target: OwnDataTarget, block: StoreDataBlock): ResponseApdu {
  try {
    if (block.structure === 'berTlv') return storeTlvs(target, block.data);
    if (block.structure !== 'dgi') return status(SW.incorrectData);
    for (const dgi of decodeDgis(block.data)) {
      const refusal = storeDgi(target, dgi);
      if (refusal !== undefined) return status(refusal);
    }
    if (block.last) target.channel.announcedKeys = [];
    return success();
  } catch (error) {
    if (error instanceof DgiError || error instanceof TlvError) return status(SW.incorrectData);
    throw error;
  }
}

function storeTlvs(target: OwnDataTarget, bytes: Uint8Array): ResponseApdu {
  const objects = decodeTlvs(bytes);
  if (objects.some((object) => !STORABLE_TAGS.has(object.tag))) return status(SW.incorrectData);
  for (const object of objects) target.dataObjects.set(object.tag, object.value.slice());
  return success();
}

function storeDgi(target: OwnDataTarget, dgi: Dgi): number | undefined {
  switch (dgi.dgi) {
    case DGI_BER_TLV_TEMPLATE:
      return storeTlvs(target, dgi.value).sw === SW.success ? undefined : SW.incorrectData;
    case DGI_KEY_INFORMATION:
      return announceKeys(target.channel, dgi.value);
    case DGI_SECRET_KEY:
      return storeSecretKey(target, dgi.value);
    default:
      return SW.referencedDataNotFound;
  }
}

/** DGI 00B9 (Table 11-92): B9 { 95 usage, [96 access], 80 type, 81 length, 82 id, 83 KVN, 84 KCV } per key. */
function announceKeys(channel: SecurityDomainChannel, value: Uint8Array): number | undefined {
  const announced: AnnouncedKey[] = [];
  for (const crt of decodeTlvs(value)) {
    if (crt.tag !== 0xb9) return SW.incorrectData;
    const fields = new Map(decodeTlvs(crt.value).map((object) => [object.tag, object.value]));
    const keyType = fields.get(0x80);
    const keyLength = fields.get(0x81);
    const keyId = fields.get(0x82);
    const keyVersion = fields.get(0x83);
    const keyCheckValue = fields.get(0x84);
    if (fields.get(0x95) === undefined || keyType?.length !== 1 || keyId?.length !== 1 || keyVersion?.length !== 1 || keyCheckValue?.length !== 3) return SW.incorrectData;
    if (keyLength === undefined || keyLength.length < 1 || keyLength.length > 2) return SW.incorrectData;
    const length = keyLength.length === 1 ? (keyLength[0] ?? 0) : ((keyLength[0] ?? 0) << 8) | (keyLength[1] ?? 0);
    announced.push({ keyVersion: keyVersion[0] ?? 0, keyId: keyId[0] ?? 0, keyType: keyType[0] ?? 0, keyLength: length, keyCheckValue: keyCheckValue.slice() });
  }
  if (announced.some((key) => key.keyType !== AES_KEY_TYPE || !isAesKeyLength(key.keyLength) || key.keyId < 1 || key.keyId > 3 || key.keyVersion < 1 || key.keyVersion > 0x7f)) {
    return SW.incorrectData;
  }
  channel.announcedKeys.push(...announced);
  return undefined;
}

/** DGI 8113 (Table 11-93): the next announced key, already deciphered; a KCV mismatch answers 6982. */
function storeSecretKey(target: OwnDataTarget, value: Uint8Array): number | undefined {
  const { channel } = target;
  const announced = channel.announcedKeys.shift();
  if (announced === undefined) return SW.conditionsNotSatisfied;
  if (value.length < announced.keyLength) return SW.incorrectData;
  const key = value.slice(0, announced.keyLength);
  if (!constantTimeEqual(computeAesKeyCheckValue(key), announced.keyCheckValue)) return SW.securityStatusNotSatisfied;
  const staged = channel.stagedKeys.get(announced.keyVersion) ?? new Map<number, Uint8Array>();
  staged.set(announced.keyId, key);
  channel.stagedKeys.set(announced.keyVersion, staged);
  const enc = staged.get(1);
  const mac = staged.get(2);
  const dek = staged.get(3);
  if (enc !== undefined && mac !== undefined && dek !== undefined) {
    if (enc.length !== mac.length || mac.length !== dek.length) return SW.incorrectData;
    channel.stagedKeys.delete(announced.keyVersion);
    const existing = target.keysets.byVersion(announced.keyVersion);
    if (existing !== undefined) target.keysets.replace(announced.keyVersion, announced.keyVersion, { enc, mac, dek });
    else target.keysets.add(announced.keyVersion, { enc, mac, dek });
  }
  return undefined;
}
