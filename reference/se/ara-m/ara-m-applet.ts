/**
 * The Access Rule Application Master (GP SE Access Control v1.1) as an applet of the simulated SE:
 * it keeps the access rules persistently and answers the phone's Access Control Enforcer with
 * GET DATA [all] / [next] / [specific] / [refresh tag] / [config]. Rules are written with STORE DATA
 * forwarded by the ARA-M's security domain after INSTALL [for personalization] (the path of
 * GlobalPlatformPro's ARA cookbook and of TSMs), inside the SD's secure channel.
 */
import {
  araMApplications,
  araMTable,
  type AraMCommand,
  type AramConfigDo,
  type ArDo,
  type RefArDo,
  type RefDo,
  type ResponseAllArDo,
  type ResponseArDo,
} from '../../../generated/apdu/ara-m.js';
import {
  concatBytes,
  dispatchParsedCommand,
  encodeStructureTlv,
  hexToBytes,
  type CommandApdu,
  type DispatchResult,
  type ResponseApdu,
} from '../../../runtime/index.js';
import { commandOnBasicClass, type Applet, type AppletClass, type AppletContext, type StoreDataBlock } from '../applet.js';
import { AccessRuleDataError, decodeStoreCommand } from './access-rule-objects.js';
import { AccessRuleStore, type AccessRuleStoreOptions } from './access-rule-store.js';
import { specificAccessRule } from './specific-rule.js';

/**
 * Executable Load File and Module of the ARA-M. Modelled: real ARA-M packages carry their vendor's
 * AIDs; ours sit under the GlobalPlatform RID A000000151 beside the public instance AID
 * A00000015141434C00 (globalplatform.md §7.4), the module differing from the instance in its last byte.
 */
export const ARA_M_LOAD_FILE_AID = hexToBytes('A00000015141434C');
export const ARA_M_MODULE_AID = hexToBytes('A00000015141434C01');
export const ARA_M_INSTANCE_AID = araMApplications.accessRuleApplicationMaster;

/** Device-Interface-Version the ARA-M reports in DF21: SEAC v1.1.0 (modelled: the version this applet follows). */
export const ARA_M_INTERFACE_VERSION = Uint8Array.of(0x01, 0x01, 0x00);

const SW = {
  success: 0x9000,
  wrongLength: 0x6700,
  securityStatusNotSatisfied: 0x6982,
  conditionsNotSatisfied: 0x6985,
  rulesUpdated: 0x6984,
  incorrectData: 0x6a80,
  incorrectP1P2: 0x6a86,
  referencedDataNotFound: 0x6a88,
} as const;

const EMPTY = new Uint8Array(0);

/** What a GET DATA [all] left to send on one logical channel. */
interface PendingResponse {
  readonly frame: Uint8Array;
  readonly offset: number;
  /** The store's generation when GET DATA [all] ran: a change since makes GET DATA [next] answer 6984. */
  readonly generation: number;
}

export type AraMAppletOptions = AccessRuleStoreOptions;

export class AraMApplet implements Applet {
  readonly aid: Uint8Array;
  readonly #store: AccessRuleStore;
  /** Volatile, per logical channel (the ARA-M is multi-selectable: the enforcer may read on any channel). */
  readonly #pending = new Map<number, PendingResponse>();
  /** The start of a command data object whose rest follows in the next STORE DATA block. */
  #partialBlock: Uint8Array | undefined;

  constructor(aid: Uint8Array, store: AccessRuleStore) {
    this.aid = aid;
    this.#store = store;
  }

  /** The rules in storage order (for the SE's owner and tests; the phone reads them with GET DATA). */
  rules(): RefArDo[] {
    return this.#store.rules();
  }

  /** The current refresh tag (8 bytes). */
  get refreshTag(): Uint8Array {
    return this.#store.refreshTag;
  }

  select(_command: CommandApdu, context: AppletContext): ResponseApdu {
    this.#pending.delete(context.channel);
    return status(SW.success);
  }

  deselect(context: AppletContext): void {
    this.#pending.delete(context.channel);
  }

  reset(): void {
    this.#pending.clear();
    this.#partialBlock = undefined;
  }

  saveState(): unknown {
    return this.#store.saveState();
  }

  process(command: CommandApdu, context: AppletContext): ResponseApdu {
    const dispatched = dispatchParsedCommand(araMTable, commandOnBasicClass(command)) as DispatchResult<AraMCommand>;
    if (!dispatched.ok) return status(dispatched.sw);
    const { name, fields } = dispatched.command;
    switch (name) {
      case 'getAllRules':
        return this.#getAll(context.channel, fields.le ?? 256);
      case 'getNextRule':
        return this.#getNext(context.channel, fields.le ?? 256);
      case 'getSpecificRule':
        return this.#getSpecific(fields.refDo);
      case 'getRefreshTag':
        return { data: encodeStructureTlv(araMTable, 'ResponseRefreshTag', this.#store.refreshTag), sw: SW.success };
      case 'getAramConfig': {
        const config: AramConfigDo = { deviceInterfaceVersion: ARA_M_INTERFACE_VERSION };
        return { data: encodeStructureTlv(araMTable, 'ResponseAramConfigDo', config), sw: SW.success };
      }
      case 'storeData':
        // Rules must arrive inside the SP-TSM's secure channel (spec/apdu/ara-m.yaml storeData;
        // 6982 otherwise). The applet contract shows the ARA-M no secure channel of its own, so
        // rules come through its security domain (storeData below), which has checked it already.
        return status(SW.securityStatusNotSatisfied);
    }
  }

  /**
   * STORE DATA forwarded by the security domain after INSTALL [for personalization]. A block carries
   * one whole command data object in BER-TLV form (P1 b5–b4 = 10), as GlobalPlatformPro and pySim send
   * them (80 E2 90 00). A rule too long for one APDU (many APDU filters) may start in one block and
   * continue in the next blocks of the same sequence (modelled: SEAC examples never need it; a new
   * sequence starts at block 0, GPCS §11.11.2.2). Other block structures are 6A86.
   */
  storeData(block: StoreDataBlock, context: AppletContext): ResponseApdu {
    if (block.structure !== 'berTlv') return status(SW.incorrectP1P2);
    if (block.data.length === 0) return status(SW.wrongLength);
    // Block 0 starts a new sequence: whatever an interrupted one left is dropped.
    const data = block.blockNumber === 0 || this.#partialBlock === undefined ? block.data : concatBytes(this.#partialBlock, block.data);
    this.#partialBlock = undefined;
    const declared = declaredTlvLength(data);
    if (!block.last && declared !== undefined && declared > data.length) {
      if (declared > MAX_COMMAND_LENGTH) return status(SW.wrongLength);
      this.#partialBlock = data;
      return status(SW.success);
    }
    const generation = this.#store.generation;
    let sw: number;
    try {
      const command = decodeStoreCommand(data);
      switch (command.kind) {
        case 'store':
          sw = this.#store.store(command.command);
          break;
        case 'delete':
          sw = this.#store.delete(command.command);
          break;
        case 'updateRefreshTag':
          sw = this.#store.updateRefreshTag();
          break;
      }
    } catch (error) {
      if (error instanceof AccessRuleDataError) return status(error.sw);
      throw error;
    }
    if (this.#store.generation !== generation) context.markChanged();
    return status(sw);
  }

  #getAll(channel: number, le: number): ResponseApdu {
    this.#pending.delete(channel);
    const rules = this.#store.rules();
    // No rules: an empty Response-ALL-AR-DO, FF40 00, as sysmocom's ARA-M answers (osmocom/pysim
    // tests/pySim-shell_test/ara_m, whose GET DATA [all] demands 9000) and bertrandmartel/aram-applet;
    // Android's AccessRuleApplet and GlobalPlatformPro read it as "no rules", as they read 6A88.
    const response: ResponseAllArDo = rules.length === 0 ? {} : { refArDo: rules };
    const frame = encodeStructureTlv(araMTable, 'ResponseAllArDo', response);
    return this.#send(channel, { frame, offset: 0, generation: this.#store.generation }, le);
  }

  #getNext(channel: number, le: number): ResponseApdu {
    const pending = this.#pending.get(channel);
    if (pending === undefined) return status(SW.conditionsNotSatisfied);
    if (pending.generation !== this.#store.generation) {
      this.#pending.delete(channel);
      return status(SW.rulesUpdated);
    }
    return this.#send(channel, pending, le);
  }

  /** Sends up to Le bytes of the frame; keeps the rest for GET DATA [next]. */
  #send(channel: number, pending: PendingResponse, le: number): ResponseApdu {
    const end = Math.min(pending.frame.length, pending.offset + le);
    const data = pending.frame.slice(pending.offset, end);
    if (end < pending.frame.length) this.#pending.set(channel, { ...pending, offset: end });
    else this.#pending.delete(channel);
    return { data, sw: SW.success };
  }

  #getSpecific(reference: RefDo): ResponseApdu {
    if ((reference.aidRefDo === undefined) === (reference.implicitAidRefDo === undefined) || reference.deviceAppIdRefDo === undefined) {
      return status(SW.incorrectData);
    }
    const arDo: ArDo | undefined = specificAccessRule(this.#store, reference);
    if (arDo === undefined) return status(SW.referencedDataNotFound);
    const response: ResponseArDo = { arDo };
    return { data: encodeStructureTlv(araMTable, 'ResponseArDo', response), sw: SW.success };
  }
}

export class AraMAppletClass implements AppletClass {
  readonly moduleAid = ARA_M_MODULE_AID;
  readonly #options: AraMAppletOptions;

  constructor(options: AraMAppletOptions = {}) {
    this.#options = options;
  }

  /** Install parameters are ignored: the ARA-M starts empty and is filled with STORE DATA. */
  install(instanceAid: Uint8Array, _installParameters: Uint8Array): Applet {
    return new AraMApplet(instanceAid, new AccessRuleStore(this.#options));
  }

  restore(instanceAid: Uint8Array, state: unknown): Applet {
    return new AraMApplet(instanceAid, AccessRuleStore.restore(state, this.#options));
  }
}

/** The longest command data object the ARA-M accepts across blocks (a rule with 31 APDU filters is about 330 bytes). */
const MAX_COMMAND_LENGTH = 1024;

/**
 * The total length a BER-TLV declares in its header (tag, length octets), or undefined while the
 * header itself is incomplete or malformed — the full decoding stays with the generated table.
 */
function declaredTlvLength(data: Uint8Array): number | undefined {
  let offset = 1;
  if (((data[0] ?? 0) & 0x1f) === 0x1f) {
    while (offset < data.length && ((data[offset] ?? 0) & 0x80) !== 0 && offset < 3) offset += 1;
    offset += 1;
  }
  const first = data[offset];
  if (first === undefined) return undefined;
  if (first < 0x80) return offset + 1 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 3 || data.length < offset + 1 + count) return undefined;
  let length = 0;
  for (let index = 0; index < count; index += 1) length = length * 256 + (data[offset + 1 + index] ?? 0);
  return offset + 1 + count + length;
}

function status(sw: number): ResponseApdu {
  return { data: EMPTY, sw };
}

