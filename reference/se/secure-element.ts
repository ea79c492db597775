/**
 * The simulated GlobalPlatform secure element: the OPEN of GPCS 2.3.1 §6 — logical channels 0–19
 * (MANAGE CHANNEL), application selection against the GlobalPlatform Registry (SELECT [by name],
 * full and partial AIDs, first and next occurrence, implicit selection after reset), card life
 * cycle restrictions, ISO 7816-4 response chaining (61xx / GET RESPONSE) — hosting the Issuer
 * Security Domain, Supplementary Security Domains and the applets its ROM knows.
 *
 * transmit() never throws and never rejects: every input gets a status word. When a command
 * changed persistent state (an applet called context.markChanged()), the whole card is saved
 * before the response leaves, so an acknowledged change survives a crash.
 */
import { randomBytes } from 'node:crypto';
import {
  bytesToHex,
  encodeCommandApdu,
  encodeResponseApdu,
  hexToBytes,
  parseCommandApdu,
  type CommandApdu,
  type ResponseApdu,
} from '../../runtime/index.js';
import type { Scp03StaticKeys } from '../../runtime/scp03/index.js';
import type { GpCardLifeCycleState } from '../../generated/lifecycles/index.js';
import { aidKey, aidStartsWith, isValidAid, sameAid } from './aid.js';
import type { Applet, AppletClass, AppletContext, CardInterface } from './applet.js';
import { simulatedCplc } from './card-manager/card-data.js';
import type { CardConfiguration, CardManagerHost, SecureElementFaults } from './card-manager/card-manager-host.js';
import { isScp03Keyset, Keysets } from './card-manager/keysets.js';
import {
  SECURITY_DOMAIN_LOAD_FILE_AID,
  SECURITY_DOMAIN_MODULE_AID,
  securityDomainClass,
  SecurityDomainApplet,
} from './card-manager/security-domain.js';
import { interindustryClass, readClassByte } from '../../runtime/apdu/class-byte.js';
import { responseLimit, splitResponse, type PendingResponse } from './open/response-chaining.js';
import { hasPrivilege, privilegesOf } from './privileges.js';
import { IMPLICIT_CONTACT, IMPLICIT_CONTACTLESS, isImplicitSelectionParameter, isLocked, isSelectableState, Registry, type InstanceEntry } from './registry.js';
import { SecureElementError, SecureElementStateError } from './se-errors.js';
import { readSnapshot, SNAPSHOT_FORMAT, type SavedInstance, type SecureElementSnapshot } from './state/snapshot.js';
import type { VirtualCard } from './virtual-card.js';

/** OpenSC's JPKI driver matches this ATR (card-jpki.c); so does our simulated phone. */
export const DEFAULT_ATR = hexToBytes('3BE000FF8131FE4514');
export const DEFAULT_ISD_AID = hexToBytes('A000000151000000');
/** The GlobalPlatform test key 40…4F, as development cards ship with (KVN FF: initial keys, GPCS §11.1.8 conventions). */
export const DEFAULT_ISD_KEY = hexToBytes('404142434445464748494A4B4C4D4E4F');
export const INITIAL_KEY_VERSION = 0xff;
/**
 * ISD privileges: Security Domain, Card Lock, Card Terminate, Card Reset, CVM Management (9E);
 * Trusted Path, Authorized Management, Token Verification, Global Delete, Global Lock, Global
 * Registry, Final Application (FE); Receipt Generation (80) — as on NXP JCOP cards' ISDs apart
 * from Card Reset (9AFE80 in scp03-auth-jcop4.dump, martinpaljak/GlobalPlatformPro).
 */
export const DEFAULT_ISD_PRIVILEGES = privilegesOf([
  'securityDomain', 'cardLock', 'cardTerminate', 'cardReset', 'cvmManagement',
  'trustedPath', 'authorizedManagement', 'tokenManagement', 'globalDelete', 'globalLock', 'globalRegistry', 'finalApplication',
  'receiptGeneration',
]);

export const LOGICAL_CHANNELS = 20;

export interface InitialKeyset {
  readonly keyVersion: number;
  readonly keys: Scp03StaticKeys;
}

/** Content present from manufacturing (ROM-masked or pre-issuance): load files and instances created without APDUs. */
export interface InitialContent {
  readonly loadFiles?: readonly { readonly aid: Uint8Array; readonly modules: readonly Uint8Array[]; readonly version?: readonly [number, number] }[];
  readonly instances?: readonly {
    readonly loadFileAid: Uint8Array;
    readonly moduleAid: Uint8Array;
    readonly aid: Uint8Array;
    /** 3 bytes; default none. */
    readonly privileges?: Uint8Array;
    /** C9 content passed to install(); default empty. */
    readonly installParameters?: Uint8Array;
    /** Default true: SELECTABLE (SDs too); false leaves it INSTALLED. */
    readonly selectable?: boolean;
    /** Implicit Selection parameters (CF, GPCS Table 11-15), e.g. 41: contact interface, channel 1. */
    readonly implicitSelection?: readonly number[];
  }[];
}

export interface SecureElementOptions {
  /** The applet classes the SE can instantiate (its "ROM"), by module AID. The SD class is built in. */
  readonly rom?: readonly AppletClass[];
  readonly atr?: Uint8Array;
  /** Default 'contact' (the OMAPI side of a phone's eSE). */
  readonly cardInterface?: CardInterface;
  readonly isdAid?: Uint8Array;
  /** The ISD's SCP03 keysets; default one keyset, KVN FF, all three keys 40…4F. */
  readonly isdKeys?: readonly InitialKeyset[];
  /** Default 'secured', the operating state of an issued card. */
  readonly cardLifeCycle?: GpCardLifeCycleState;
  /** SCP03 "i" (Amd D Table 5-1); default 70: pseudo-random challenges, R-MAC, R-ENC, S8. */
  readonly scp03I?: number;
  readonly keyDiversificationData?: Uint8Array;
  readonly cplc?: Uint8Array;
  readonly faults?: SecureElementFaults;
  /** Load files and instances the card comes with, all associated with the ISD. */
  readonly initialContent?: InitialContent;
  /** Called with the whole card's state after each command that changed it, before the response leaves. */
  readonly persist?: (snapshot: SecureElementSnapshot) => Promise<void>;
}

interface ChannelState {
  selected: string | undefined;
  pending: PendingResponse | undefined;
}

const OK = 0x9000;
const NO_PRECISE_DIAGNOSIS = 0x6f00;
const MEMORY_FAILURE = 0x6581;
const EMPTY = new Uint8Array(0);
const INS_SELECT = 0xa4;
const INS_MANAGE_CHANNEL = 0x70;
const INS_GET_RESPONSE = 0xc0;

function statusOnly(sw: number): ResponseApdu {
  return { data: EMPTY, sw };
}

function accepted(sw: number): boolean {
  return sw === OK || sw >> 8 === 0x62 || sw >> 8 === 0x63;
}

export class SecureElement implements VirtualCard {
  readonly atr: Uint8Array;
  readonly cardInterface: CardInterface;
  readonly #registry: Registry;
  readonly #configuration: CardConfiguration;
  readonly #faults: SecureElementFaults;
  readonly #rom = new Map<string, AppletClass>();
  readonly #applets = new Map<string, Applet>();
  readonly #persist: ((snapshot: SecureElementSnapshot) => Promise<void>) | undefined;
  readonly #host: CardManagerHost;
  #channels: (ChannelState | undefined)[] = [];
  #powered = false;
  #queue: Promise<unknown> = Promise.resolve();
  /** The state last saved: what a failed save rolls back to, so an unacknowledged change never happened. */
  #lastSaved: SecureElementSnapshot | undefined;

  /** A new card: the ISD with its keys, the SD package in ROM, nothing loaded. */
  constructor(options: SecureElementOptions = {}) {
    this.atr = (options.atr ?? DEFAULT_ATR).slice();
    if (this.atr.length < 2 || this.atr.length > 33) throw new SecureElementError('SE_INVALID_OPTION', `an ATR has 2–33 bytes, got ${this.atr.length}`);
    this.cardInterface = options.cardInterface ?? 'contact';
    this.#faults = { ...options.faults };
    this.#persist = options.persist;
    const serial = new Uint8Array(randomBytes(4));
    this.#configuration = {
      scp03I: options.scp03I ?? 0x70,
      keyDiversificationData: (options.keyDiversificationData ?? new Uint8Array(10)).slice(),
      cplc: (options.cplc ?? simulatedCplc(serial)).slice(),
    };
    if (this.#configuration.keyDiversificationData.length !== 10) throw new SecureElementError('SE_INVALID_OPTION', 'key diversification data has 10 bytes');
    const isdAid = (options.isdAid ?? DEFAULT_ISD_AID).slice();
    if (!isValidAid(isdAid)) throw new SecureElementError('SE_INVALID_OPTION', `the ISD AID must be 5–16 bytes, got ${isdAid.length}`);
    this.#registry = new Registry(options.cardLifeCycle ?? 'secured', {
      kind: 'issuerSecurityDomain',
      aid: isdAid,
      loadFileAid: SECURITY_DOMAIN_LOAD_FILE_AID,
      moduleAid: SECURITY_DOMAIN_MODULE_AID,
      privileges: DEFAULT_ISD_PRIVILEGES.slice(),
      associatedSdAid: isdAid,
    });
    this.#host = this.#createHost();
    this.#installRom(options.rom ?? []);
    // The SD package sits in immutable memory, LOADED from the start (GPCS §5.2.1.1).
    this.#registry.addLoadFile({ aid: SECURITY_DOMAIN_LOAD_FILE_AID, version: Uint8Array.of(1, 0), modules: [SECURITY_DOMAIN_MODULE_AID], associatedSdAid: isdAid });
    const keysets = new Keysets();
    for (const initial of options.isdKeys ?? [{ keyVersion: INITIAL_KEY_VERSION, keys: { enc: DEFAULT_ISD_KEY, mac: DEFAULT_ISD_KEY, dek: DEFAULT_ISD_KEY } }]) {
      if (!isScp03Keyset(initial.keys) || initial.keyVersion < 1 || initial.keyVersion > 0xff || keysets.byVersion(initial.keyVersion) !== undefined) {
        throw new SecureElementError('SE_INVALID_OPTION', `ISD keyset ${initial.keyVersion}: three AES keys of one length and a unique KVN 01–FF`);
      }
      keysets.add(initial.keyVersion, initial.keys);
    }
    this.#applets.set(aidKey(isdAid), new SecurityDomainApplet(isdAid, this.#host, keysets));
    if (options.initialContent !== undefined) this.#addInitialContent(options.initialContent);
    if (this.#persist !== undefined) this.#lastSaved = this.snapshot();
  }

  /** Rebuilds a card from saved state; `file` names the source in errors. */
  static fromSnapshot(snapshot: unknown, options: Pick<SecureElementOptions, 'rom' | 'faults' | 'persist'> & { readonly file?: string } = {}): SecureElement {
    const file = options.file ?? '(snapshot)';
    const saved = readSnapshot(snapshot, file);
    const isd = saved.instances[0] as SavedInstance;
    const card = new SecureElement({
      ...(options.rom === undefined ? {} : { rom: options.rom }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
      ...(options.persist === undefined ? {} : { persist: options.persist }),
      atr: hexToBytes(saved.atr),
      cardInterface: saved.cardInterface,
      isdAid: hexToBytes(isd.aid),
      cardLifeCycle: saved.cardLifeCycle,
      scp03I: saved.scp03I,
      keyDiversificationData: hexToBytes(saved.keyDiversificationData),
      cplc: hexToBytes(saved.cplc),
    });
    card.#restore(saved, file);
    if (card.#persist !== undefined) card.#lastSaved = card.snapshot();
    return card;
  }

  /** The card's registry (read it; change it only through APDUs). */
  get registry(): Registry {
    return this.#registry;
  }

  /** The live applet instance of an AID (tests, the lead's wiring). */
  applet(aid: Uint8Array): Applet | undefined {
    return this.#applets.get(aidKey(aid));
  }

  powerOn(): void {
    if (this.#powered) return;
    this.#powered = true;
    this.#channels = Array.from({ length: LOGICAL_CHANNELS }, () => undefined);
    const basic: ChannelState = { selected: undefined, pending: undefined };
    this.#channels[0] = basic;
    this.#implicitSelect(0, this.#defaultApplication());
  }

  powerOff(): void {
    if (!this.#powered) return;
    this.#powered = false;
    this.#channels = [];
    for (const applet of this.#applets.values()) {
      try {
        applet.reset();
      } catch {
        // One applet failing to drop its volatile state does not keep the card powered.
      }
    }
  }

  reset(): void {
    this.powerOff();
    this.powerOn();
  }

  /** One command in, the response out; commands are processed one at a time in arrival order. */
  transmit(command: Uint8Array): Promise<Uint8Array> {
    const run = this.#queue.then(() => this.#transmitOne(command));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The whole persistent state, as the store writes it. */
  snapshot(): SecureElementSnapshot {
    const hex = (bytes: Uint8Array): string => bytesToHex(bytes);
    return {
      format: SNAPSHOT_FORMAT,
      atr: hex(this.atr),
      cardInterface: this.cardInterface,
      scp03I: this.#configuration.scp03I,
      keyDiversificationData: hex(this.#configuration.keyDiversificationData),
      cplc: hex(this.#configuration.cplc),
      cardLifeCycle: this.#registry.cardLifeCycle,
      loadFiles: this.#registry.loadFiles
        .filter((file) => !sameAid(file.aid, SECURITY_DOMAIN_LOAD_FILE_AID))
        .map((file) => ({ aid: hex(file.aid), version: hex(file.version), modules: file.modules.map(hex), associatedSdAid: hex(file.associatedSdAid) })),
      instances: this.#registry.instances.map((entry) => ({
        kind: entry.kind,
        aid: hex(entry.aid),
        loadFileAid: hex(entry.loadFileAid),
        moduleAid: hex(entry.moduleAid),
        privileges: hex(entry.privileges),
        associatedSdAid: hex(entry.associatedSdAid),
        ...(entry.implicitSelection === undefined ? {} : { implicitSelection: [...entry.implicitSelection] }),
        ...(entry.kind === 'issuerSecurityDomain' ? {} : { state: entry.state }),
        appletState: this.#applets.get(aidKey(entry.aid))?.saveState() ?? null,
      })),
    };
  }

  async #transmitOne(bytes: Uint8Array): Promise<Uint8Array> {
    try {
      if (!this.#powered) this.powerOn();
      return encodeResponseApdu(await this.#route(bytes));
    } catch {
      // Whatever fails inside (an applet's select(), a save hook) is a status word, never a crashed reader.
      return encodeResponseApdu(statusOnly(NO_PRECISE_DIAGNOSIS));
    }
  }

  async #route(bytes: Uint8Array): Promise<ResponseApdu> {
    const parsed = parseCommandApdu(bytes);
    if (!parsed.ok) return statusOnly(parsed.sw);
    const command = parsed.apdu;
    const cla = readClassByte(command.cla);
    if (cla === undefined) return statusOnly(0x6e00);
    // ISO command chaining (CLA b5) is not offered (ISO 7816-4 §5.3.3: 6884).
    if (cla.chaining) return statusOnly(0x6884);
    const channel = this.#channels[cla.channel];
    if (channel === undefined) return statusOnly(0x6881);
    if (!cla.proprietary && command.ins === INS_GET_RESPONSE) return this.#getResponse(channel, command);
    channel.pending = undefined;
    const changes = { changed: false };
    let response: ResponseApdu;
    if (!cla.proprietary && command.ins === INS_MANAGE_CHANNEL) {
      if (cla.secureMessaging) return statusOnly(0x6882);
      response = this.#manageChannel(cla.channel, command);
    } else if (!cla.proprietary && command.ins === INS_SELECT && command.p1 === 0x04) {
      if (cla.secureMessaging) return statusOnly(0x6882);
      response = this.#select(cla.channel, command, changes);
      // ISO 7816-4 Table 40: P2 b4–b3 = 11 asks for no response data.
      if ((command.p2 & 0x0c) === 0x0c) response = { data: EMPTY, sw: response.sw };
    } else {
      const applet = channel.selected === undefined ? undefined : this.#applets.get(channel.selected);
      if (applet === undefined) return statusOnly(0x6a82);
      try {
        response = await applet.process(command, this.#context(cla.channel, changes));
      } catch {
        // An applet that throws is a card that answers "no precise diagnosis"; what it changed before is undone.
        if (changes.changed && this.#lastSaved !== undefined) this.#rollBack(this.#lastSaved);
        return statusOnly(NO_PRECISE_DIAGNOSIS);
      }
    }
    if (changes.changed && this.#persist !== undefined) {
      const snapshot = this.snapshot();
      try {
        await this.#persist(snapshot);
        this.#lastSaved = snapshot;
      } catch {
        // Not saved means not acknowledged — and not done: the card goes back to the state last saved.
        if (this.#lastSaved !== undefined) this.#rollBack(this.#lastSaved);
        return statusOnly(MEMORY_FAILURE);
      }
    }
    const part = splitResponse(response.data, response.sw, responseLimit(command.le, command.extended));
    channel.pending = part.pending;
    return part.response;
  }

  #getResponse(channel: ChannelState, command: CommandApdu): ResponseApdu {
    const pending = channel.pending;
    if (pending === undefined) return statusOnly(0x6985);
    if (command.p1 !== 0 || command.p2 !== 0) return statusOnly(0x6a86);
    const part = splitResponse(pending.rest, pending.sw, responseLimit(command.le, command.extended));
    channel.pending = part.pending;
    return part.response;
  }

  #context(channel: number, changes: { changed: boolean }): AppletContext {
    return {
      channel,
      cardInterface: this.cardInterface,
      markChanged: () => {
        changes.changed = true;
      },
    };
  }

  /** GPCS §11.7 and §6.4.2.2 / §6.4.3.2. */
  #manageChannel(origin: number, command: CommandApdu): ResponseApdu {
    if (command.data.length > 0) return statusOnly(0x6700);
    const card = this.#registry.cardLifeCycle;
    if (command.p1 === 0x00) {
      if (card === 'cardLocked' || card === 'terminated') return statusOnly(0x6a81);
      let target = command.p2;
      if (target === 0) {
        target = this.#channels.findIndex((state, index) => index > 0 && state === undefined);
        if (target < 0) return statusOnly(0x6a81);
      } else if (target >= LOGICAL_CHANNELS) return statusOnly(0x6a86);
      else if (this.#channels[target] !== undefined) return statusOnly(0x6a86);
      this.#channels[target] = { selected: undefined, pending: undefined };
      // From the basic channel the application implicitly selectable on the new channel (or, failing
      // that, on the basic channel); from another channel, the one selected there.
      const inherited = origin === 0 ? this.#defaultApplication(target) : this.#entryOf(this.#channels[origin]?.selected);
      this.#implicitSelect(target, inherited);
      return { data: command.p2 === 0 ? Uint8Array.of(target) : EMPTY, sw: OK };
    }
    if (command.p1 === 0x80) {
      const target = command.p2;
      if (target === 0 || target >= LOGICAL_CHANNELS) return statusOnly(0x6a86);
      const state = this.#channels[target];
      if (state === undefined) return statusOnly(0x6200);
      this.#deselect(target);
      this.#channels[target] = undefined;
      return statusOnly(OK);
    }
    return statusOnly(0x6a86);
  }

  /** GPCS §6.4.2.1.2 / §6.4.3.1.2: SELECT [by name], first or next occurrence, full or partial AID. */
  #select(channelNumber: number, command: CommandApdu, changes: { changed: boolean }): ResponseApdu {
    const channel = this.#channels[channelNumber] as ChannelState;
    const card = this.#registry.cardLifeCycle;
    if (card === 'terminated') return statusOnly(0x6a81);
    const occurrence = command.p2 & 0x03;
    if (occurrence !== 0x00 && occurrence !== 0x02) return statusOnly(0x6a86);
    if (command.data.length > 16) return statusOnly(0x6a82);
    const partial = command.data;
    if (card === 'cardLocked') {
      // Only the Final Application answers, with the warning 6283; it stays selected otherwise.
      const final = this.#registry.singleHolder('finalApplication');
      if (partial.length > 0 && !aidStartsWith(final.aid, partial)) return statusOnly(0x6a81);
      const response = this.#selectEntry(channelNumber, final, command, changes);
      return accepted(response.sw) ? { data: response.data, sw: 0x6283 } : response;
    }
    const instances = this.#registry.instances;
    const candidates = partial.length === 0 ? [this.#registry.isd] : instances;
    let start = 0;
    if (occurrence === 0x02 && partial.length > 0 && channel.selected !== undefined) {
      start = instances.findIndex((entry) => aidKey(entry.aid) === channel.selected) + 1;
    }
    let refusal: number | undefined;
    let terminated = false;
    for (const entry of candidates.slice(start)) {
      if (!aidStartsWith(entry.aid, partial)) continue;
      if (!isSelectableState(entry, this.#faults.lockNotEnforced === true)) {
        // A LOCKED application selected here loses its session (GPCS §6.4.2.1.2).
        if (isLocked(entry) && channel.selected === aidKey(entry.aid)) {
          this.#deselect(channelNumber);
          terminated = true;
        }
        continue;
      }
      const response = this.#selectEntry(channelNumber, entry, command, changes);
      if (accepted(response.sw)) return response;
      refusal = response.sw;
    }
    if (terminated && channelNumber === 0) this.#implicitSelect(0, this.#defaultApplication());
    return statusOnly(refusal ?? 0x6a82);
  }

  #selectEntry(channelNumber: number, entry: InstanceEntry, command: CommandApdu, changes: { changed: boolean }): ResponseApdu {
    const channel = this.#channels[channelNumber] as ChannelState;
    const applet = this.#applets.get(aidKey(entry.aid));
    if (applet === undefined) return statusOnly(0x6999);
    this.#deselect(channelNumber);
    const response = applet.select(command, this.#context(channelNumber, changes));
    if (accepted(response.sw)) channel.selected = aidKey(entry.aid);
    return response;
  }

  #deselect(channelNumber: number): void {
    const channel = this.#channels[channelNumber];
    if (channel?.selected === undefined) return;
    const applet = this.#applets.get(channel.selected);
    channel.selected = undefined;
    applet?.deselect(this.#context(channelNumber, { changed: false }));
  }

  /** Implicit selection runs the applet's select() with a synthesized SELECT; its answer goes nowhere. */
  #implicitSelect(channelNumber: number, entry: InstanceEntry | undefined): void {
    if (entry === undefined) return;
    const command = parseCommandApdu(encodeCommandApdu({ cla: interindustryClass(channelNumber), ins: INS_SELECT, p1: 0x04, p2: 0x00, data: entry.aid, le: 256 }));
    if (!command.ok) return;
    try {
      this.#selectEntry(channelNumber, entry, command.apdu, { changed: false });
    } catch {
      // An applet refusing implicit selection by throwing leaves the channel without a selection.
    }
  }

  /**
   * GPCS §6.4.1, §6.4.2.1.1: in CARD_LOCKED / TERMINATED the Final Application; otherwise the
   * application registered (CF) as implicitly selectable on the channel for this interface, or on
   * the basic channel the Card Reset holder — the Final Application instead if that one is LOCKED,
   * the ISD if it is not selectable yet.
   */
  #defaultApplication(channel = 0): InstanceEntry | undefined {
    const registry = this.#registry;
    const final = registry.singleHolder('finalApplication');
    if (registry.cardLifeCycle === 'cardLocked' || registry.cardLifeCycle === 'terminated') return final;
    const interfaceBit = this.cardInterface === 'contact' ? IMPLICIT_CONTACT : IMPLICIT_CONTACTLESS;
    const holder = registry.implicitHolder(interfaceBit, channel) ?? (channel === 0 ? registry.singleHolder('cardReset') : undefined);
    if (holder === undefined) return this.#defaultApplication(0);
    const lenient = this.#faults.lockNotEnforced === true;
    if (isLocked(holder) && !lenient) return final;
    return isSelectableState(holder, lenient) ? holder : registry.isd;
  }

  #entryOf(key: string | undefined): InstanceEntry | undefined {
    return key === undefined ? undefined : this.#registry.instances.find((entry) => aidKey(entry.aid) === key);
  }

  #installRom(rom: readonly AppletClass[]): void {
    for (const appletClass of [securityDomainClass(this.#host), ...rom]) {
      const key = aidKey(appletClass.moduleAid);
      if (!isValidAid(appletClass.moduleAid) || this.#rom.has(key)) {
        throw new SecureElementError('SE_INVALID_OPTION', `ROM module AID ${key} is not a 5–16-byte AID or appears twice`);
      }
      this.#rom.set(key, appletClass);
    }
  }

  #createHost(): CardManagerHost {
    return {
      registry: this.#registry,
      faults: this.#faults,
      configuration: this.#configuration,
      appletClass: (moduleAid) => this.#rom.get(aidKey(moduleAid)),
      isSecurityDomainModule: (moduleAid) => sameAid(moduleAid, SECURITY_DOMAIN_MODULE_AID),
      applet: (aid) => this.#applets.get(aidKey(aid)),
      addApplet: (entry, applet) => {
        this.#applets.set(aidKey(entry.aid), applet);
      },
      removeApplet: (aid) => {
        this.#applets.delete(aidKey(aid));
      },
      isSelected: (aid) => this.#channels.some((channel) => channel?.selected === aidKey(aid)),
    };
  }

  #addInitialContent(content: InitialContent): void {
    const registry = this.#registry;
    const isdAid = registry.isd.aid;
    const invalid = (message: string): never => {
      throw new SecureElementError('SE_INVALID_OPTION', `initial content: ${message}`);
    };
    for (const file of content.loadFiles ?? []) {
      if (!isValidAid(file.aid) || registry.aidInUse(file.aid) || file.modules.some((module) => !isValidAid(module) || registry.aidInUse(module))) {
        invalid(`load file ${aidKey(file.aid)}: AIDs must be 5–16 bytes and unused`);
      }
      const [major, minor] = file.version ?? [1, 0];
      registry.addLoadFile({ aid: file.aid.slice(), version: Uint8Array.of(major, minor), modules: file.modules.map((module) => module.slice()), associatedSdAid: isdAid });
    }
    for (const instance of content.instances ?? []) {
      const file = registry.loadFile(instance.loadFileAid);
      const appletClass = this.#rom.get(aidKey(instance.moduleAid));
      if (file === undefined || !file.modules.some((module) => sameAid(module, instance.moduleAid)) || appletClass === undefined) {
        invalid(`instance ${aidKey(instance.aid)}: its load file must hold the module, and the ROM its class`);
      }
      if (!isValidAid(instance.aid) || registry.aidInUse(instance.aid)) invalid(`instance ${aidKey(instance.aid)}: the AID must be 5–16 bytes and unused`);
      const privileges = (instance.privileges ?? new Uint8Array(3)).slice();
      if (privileges.length !== 3) invalid(`instance ${aidKey(instance.aid)}: privileges are 3 bytes`);
      const securityDomain = sameAid(instance.moduleAid, SECURITY_DOMAIN_MODULE_AID);
      const event = instance.selectable === false ? 'install' : 'installAndMakeSelectable';
      const implicitSelection = [...(instance.implicitSelection ?? [])];
      if (implicitSelection.some((value) => !isImplicitSelectionParameter(value))) invalid(`instance ${aidKey(instance.aid)}: implicit selection parameters are CF bytes of GPCS Table 11-15`);
      const common = {
        aid: instance.aid.slice(),
        loadFileAid: instance.loadFileAid.slice(),
        moduleAid: instance.moduleAid.slice(),
        privileges,
        associatedSdAid: isdAid,
        ...(implicitSelection.length > 0 ? { implicitSelection } : {}),
      };
      const entry: InstanceEntry = securityDomain ? { ...common, kind: 'securityDomain', state: 'notInstalled' } : { ...common, kind: 'application', state: 'notInstalled' };
      if (entry.kind === 'securityDomain') registry.applySecurityDomainEvent(entry, event);
      else if (entry.kind === 'application') registry.applyApplicationEvent(entry, event);
      const applet = (appletClass as AppletClass).install(entry.aid, instance.installParameters ?? new Uint8Array(0));
      registry.instances.push(entry);
      for (const single of ['cardReset', 'finalApplication'] as const) {
        if (hasPrivilege(privileges, single)) registry.takePrivilege(entry, single);
      }
      this.#applets.set(aidKey(entry.aid), applet);
    }
  }

  /** Back to a saved state: registry and applets as saved; channels keep only selections that still exist. */
  #rollBack(saved: SecureElementSnapshot): void {
    const registry = this.#registry;
    registry.cardLifeCycle = saved.cardLifeCycle;
    registry.loadFiles.splice(0).filter((file) => sameAid(file.aid, SECURITY_DOMAIN_LOAD_FILE_AID)).forEach((file) => registry.loadFiles.push(file));
    registry.instances.splice(1);
    this.#applets.clear();
    this.#restore(saved, 'last saved state');
    for (const channel of this.#channels) {
      if (channel?.selected !== undefined && !this.#applets.has(channel.selected)) channel.selected = undefined;
    }
  }

  #restore(saved: SecureElementSnapshot, file: string): void {
    const registry = this.#registry;
    const isdSaved = saved.instances[0] as SavedInstance;
    registry.isd.privileges = hexToBytes(isdSaved.privileges);
    for (const [index, loadFile] of saved.loadFiles.entries()) {
      if (registry.aidInUse(hexToBytes(loadFile.aid))) throw new SecureElementStateError(file, `loadFiles[${index}].aid`, 'an AID used once');
      registry.addLoadFile({ aid: hexToBytes(loadFile.aid), version: hexToBytes(loadFile.version), modules: loadFile.modules.map(hexToBytes), associatedSdAid: hexToBytes(loadFile.associatedSdAid) });
    }
    for (const [index, instance] of saved.instances.entries()) {
      const path = `instances[${index}]`;
      const aid = hexToBytes(instance.aid);
      const moduleAid = hexToBytes(instance.moduleAid);
      const appletClass = this.#rom.get(aidKey(moduleAid));
      if (appletClass === undefined) throw new SecureElementError('SE_UNKNOWN_MODULE', `${file}: ${path} was instantiated from module ${instance.moduleAid}, which this SE's ROM does not hold`);
      let applet: Applet;
      try {
        applet = appletClass.restore(aid, instance.appletState);
      } catch (error) {
        throw new SecureElementStateError(file, `${path}.appletState`, `state that ${instance.moduleAid}'s restore() accepts (${(error as Error).message})`, { cause: error });
      }
      if (index === 0) {
        this.#applets.set(aidKey(aid), applet);
        continue;
      }
      if (registry.aidInUse(aid)) throw new SecureElementStateError(file, `${path}.aid`, 'an AID used once');
      const common = {
        aid,
        loadFileAid: hexToBytes(instance.loadFileAid),
        moduleAid,
        privileges: hexToBytes(instance.privileges),
        associatedSdAid: hexToBytes(instance.associatedSdAid),
        ...(instance.implicitSelection === undefined ? {} : { implicitSelection: [...instance.implicitSelection] }),
      };
      registry.instances.push(
        instance.kind === 'securityDomain'
          ? { ...common, kind: 'securityDomain', state: instance.state as never }
          : { ...common, kind: 'application', state: instance.state as never },
      );
      this.#applets.set(aidKey(aid), applet);
    }
  }
}
