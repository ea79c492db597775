/**
 * The GP SE Access Control data objects the ARA-M stores and answers with, encoded and decoded by the
 * generated command table (generated/apdu/ara-m.ts) — never by hand. What this file adds is the
 * meaning the table cannot say: which combinations make a valid rule, and a rule's identity.
 */
import {
  araMTable,
  type ArDo,
  type CommandDeleteArDo,
  type CommandStoreArDo,
  type RefArDo,
  type RefDo,
} from '../../../generated/apdu/ara-m.js';
import { bytesToHex, decodeStructureTlv, decodeTlvs, encodeStructureTlv, type Tlv } from '../../../runtime/index.js';

/** Hash lengths a DeviceAppID-REF-DO may hold: SHA-1 (deprecated) or SHA-256 (Android 12+), SEAC v1.1 Table 6-4. */
export const DEVICE_APP_ID_LENGTHS = [20, 32] as const;

/** Tags of the three STORE DATA command data objects, SEAC v1.1 Tables 5-2, 5-4, 5-6. */
export const COMMAND_STORE_TAG = 0xf0;
export const COMMAND_DELETE_TAG = 0xf1;
export const COMMAND_UPDATE_REFRESH_TAG_TAG = 0xf2;

export function encodeRefDo(refDo: RefDo): Uint8Array {
  return encodeStructureTlv(araMTable, 'RefDo', refDo);
}

export function encodeArDo(arDo: ArDo): Uint8Array {
  return encodeStructureTlv(araMTable, 'ArDo', arDo);
}

export function encodeRefArDo(rule: RefArDo): Uint8Array {
  return encodeStructureTlv(araMTable, 'RefArDo', rule);
}

/** STORE DATA payload adding one rule: Command-Store-REF-AR-DO (F0). */
export function commandStoreRefArDo(rule: RefArDo): Uint8Array {
  const command: CommandStoreArDo = { refArDo: rule };
  return encodeStructureTlv(araMTable, 'CommandStoreArDo', command);
}

/**
 * STORE DATA payload deleting rules (F1): every rule (no argument), every rule of one SE application
 * (`{ aid }`, or `{ implicit: true }` for C0), the rule under one REF-DO, or one exact REF-AR-DO.
 */
export function commandDelete(target?: { aid: Uint8Array } | { implicit: true } | { refDo: RefDo } | { rule: RefArDo }): Uint8Array {
  let command: CommandDeleteArDo = {};
  if (target !== undefined) {
    if ('aid' in target) command = { aidRefDo: target.aid };
    else if ('implicit' in target) command = { implicitAidRefDo: new Uint8Array(0) };
    else if ('refDo' in target) command = { refDo: target.refDo };
    else command = { refArDo: target.rule };
  }
  return encodeStructureTlv(araMTable, 'CommandDeleteArDo', command);
}

/** STORE DATA payload asking for a new refresh tag: Command-UpdateRefreshTag-DO (F200). */
export function commandUpdateRefreshTag(): Uint8Array {
  return encodeStructureTlv(araMTable, 'CommandUpdateRefreshTagDo', new Uint8Array(0));
}

/** A decoded STORE DATA command data object. */
export type AraMStoreCommand =
  | { readonly kind: 'store'; readonly command: CommandStoreArDo }
  | { readonly kind: 'delete'; readonly command: CommandDeleteArDo }
  | { readonly kind: 'updateRefreshTag' };

/** Why a STORE DATA payload or a stored rule was refused, with the status word the ARA-M answers. */
export class AccessRuleDataError extends Error {
  constructor(
    readonly sw: number,
    message: string,
  ) {
    super(message);
    this.name = 'AccessRuleDataError';
  }
}

const INCORRECT_DATA = 0x6a80;
const DO_NOT_SUPPORTED = 0x6981;

/**
 * Decodes a STORE DATA data field holding exactly one command data object (SEAC v1.1 §5.1). A
 * malformed TLV or structure is 6A80; a well-formed object under a tag the ARA-M does not know 6981.
 */
export function decodeStoreCommand(data: Uint8Array): AraMStoreCommand {
  const tlv = singleTlv(data, 'the STORE DATA field');
  switch (tlv.tag) {
    case COMMAND_STORE_TAG:
      return { kind: 'store', command: decodeAs<CommandStoreArDo>('CommandStoreArDo', tlv) };
    case COMMAND_DELETE_TAG: {
      const command = decodeAs<CommandDeleteArDo>('CommandDeleteArDo', tlv);
      const targets = [command.aidRefDo, command.implicitAidRefDo, command.refDo, command.refArDo].filter((item) => item !== undefined);
      if (targets.length > 1 || command.unknown !== undefined) throw new AccessRuleDataError(INCORRECT_DATA, 'Command-Delete names at most one of AID-REF-DO, REF-DO, REF-AR-DO');
      return { kind: 'delete', command };
    }
    case COMMAND_UPDATE_REFRESH_TAG_TAG:
      decodeAs<Uint8Array>('CommandUpdateRefreshTagDo', tlv);
      return { kind: 'updateRefreshTag' };
    default:
      throw new AccessRuleDataError(DO_NOT_SUPPORTED, `tag ${tlv.tag.toString(16).toUpperCase()} is not an ARA-M command data object (F0, F1, F2)`);
  }
}

/** Decodes one TLV as the named structure of the ARA-M table; any fault is 6A80 naming where. */
export function decodeAs<T>(structureName: string, tlv: Tlv): T {
  try {
    return decodeStructureTlv(araMTable, structureName, tlv) as T;
  } catch (error) {
    throw new AccessRuleDataError(INCORRECT_DATA, `${structureName}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function singleTlv(data: Uint8Array, what: string): Tlv {
  let tlvs: Tlv[];
  try {
    tlvs = decodeTlvs(data);
  } catch (error) {
    throw new AccessRuleDataError(INCORRECT_DATA, `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const first = tlvs[0];
  if (first === undefined || tlvs.length !== 1) throw new AccessRuleDataError(INCORRECT_DATA, `${what} must hold exactly one data object, got ${tlvs.length}`);
  return first;
}

/**
 * Checks a REF-DO names one target and one device application as SEAC v1.1 Table 6-5 combines them:
 * exactly one of AID-REF-DO (4F, empty or 5–16 bytes) and the implicit C0; a DeviceAppID-REF-DO (C1,
 * empty, SHA-1 or SHA-256); PKG-REF-DO only beside a certificate hash. Unknown objects inside a REF-DO
 * are refused rather than discarded: dropping one would widen the rule to apps it did not name.
 */
export function checkRefDo(refDo: RefDo): void {
  const fail = (message: string): never => {
    throw new AccessRuleDataError(INCORRECT_DATA, `REF-DO: ${message}`);
  };
  if (refDo.unknown !== undefined) fail(`unknown data object(s) ${refDo.unknown.map((item) => item.tag.toString(16).toUpperCase()).join(', ')}`);
  if ((refDo.aidRefDo === undefined) === (refDo.implicitAidRefDo === undefined)) fail('needs exactly one of AID-REF-DO (4F) and the implicit AID-REF-DO (C0)');
  const aidLength = refDo.aidRefDo?.length ?? 0;
  if (aidLength !== 0 && (aidLength < 5 || aidLength > 16)) fail(`AID-REF-DO of ${aidLength} bytes: an AID has 5–16 bytes (or none for all SE applications)`);
  const hash = refDo.deviceAppIdRefDo;
  if (hash === undefined) fail('DeviceAppID-REF-DO (C1) is missing');
  const hashLength = hash?.length ?? 0;
  if (hashLength !== 0 && !(DEVICE_APP_ID_LENGTHS as readonly number[]).includes(hashLength)) fail(`DeviceAppID-REF-DO of ${hashLength} bytes is neither SHA-1 (20) nor SHA-256 (32)`);
  if (refDo.pkgRefDo !== undefined && hashLength === 0) fail('PKG-REF-DO needs a certificate hash beside it');
}

/**
 * Checks an AR-DO holds a rule (SEAC v1.1 Tables 6-7, 6-8): an APDU-AR-DO or an NFC-AR-DO, and an
 * APDU-AR-DO is either the one-byte generic rule 00/01 or whole 8-byte filters.
 */
export function checkArDo(arDo: ArDo): void {
  const fail = (message: string): never => {
    throw new AccessRuleDataError(INCORRECT_DATA, `AR-DO: ${message}`);
  };
  if (arDo.apduArDo === undefined && arDo.nfcArDo === undefined) fail('holds neither an APDU-AR-DO (D0) nor an NFC-AR-DO (D1)');
  const apdu = arDo.apduArDo;
  if (apdu !== undefined) {
    if (apdu.length === 1) {
      if (apdu[0] !== 0x00 && apdu[0] !== 0x01) fail(`generic APDU rule ${bytesToHex(apdu)} is neither 00 (never) nor 01 (always)`);
    } else if (apdu.length % 8 !== 0) {
      fail(`APDU filters are 8 bytes each (header ‖ mask), got ${apdu.length} bytes`);
    }
  }
}

/** The REF-DO as it identifies a rule: only the objects that name target and app, in table order. */
export function canonicalRefDo(refDo: RefDo): RefDo {
  return {
    ...(refDo.aidRefDo === undefined ? {} : { aidRefDo: refDo.aidRefDo }),
    ...(refDo.implicitAidRefDo === undefined ? {} : { implicitAidRefDo: refDo.implicitAidRefDo }),
    ...(refDo.deviceAppIdRefDo === undefined ? {} : { deviceAppIdRefDo: refDo.deviceAppIdRefDo }),
    ...(refDo.pkgRefDo === undefined ? {} : { pkgRefDo: refDo.pkgRefDo }),
  };
}

/** The AR-DO without objects the ARA-M does not know (they are discarded with 6382). */
export function canonicalArDo(arDo: ArDo): ArDo {
  return {
    ...(arDo.apduArDo === undefined ? {} : { apduArDo: arDo.apduArDo }),
    ...(arDo.nfcArDo === undefined ? {} : { nfcArDo: arDo.nfcArDo }),
    ...(arDo.permArDo === undefined ? {} : { permArDo: arDo.permArDo }),
  };
}

/** A rule's identity: the hex of its canonical REF-DO encoding. */
export function refDoKey(refDo: RefDo): string {
  return bytesToHex(encodeRefDo(canonicalRefDo(refDo)));
}
