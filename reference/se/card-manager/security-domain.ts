/**
 * A GlobalPlatform security domain as an applet: the Issuer Security Domain and every
 * Supplementary Security Domain are instances of this one class (GPCS §7). Commands are decoded
 * by the GENERATED dispatcher (spec/apdu/globalplatform.yaml) after the SCP03 layer
 * (runtime/scp03 Scp03CardSession, one per logical channel) has checked and unwrapped them;
 * responses are protected by the same session before they leave.
 */
import {
  bytesToHex,
  encodeCommandApdu,
  encodeResponseApdu,
  hexToBytes,
  parseResponseApdu,
  type CommandApdu,
  type ResponseApdu,
} from '../../../runtime/index.js';
import { Scp03CardSession, Scp03Error } from '../../../runtime/scp03/index.js';
import { dispatchGlobalPlatformCommand, type GlobalPlatformCommand } from '../../../generated/apdu/global-platform.js';
import type { Applet, AppletClass, AppletContext, StoreDataBlock } from '../applet.js';
import { isLocked } from '../registry.js';
import { securityDomainFci } from './card-data.js';
import type { CardManagerHost } from './card-manager-host.js';
import { newChannel, status, success, SW, type CommandScope, type SecurityDomainChannel } from './command-scope.js';
import { deleteObject } from './delete.js';
import { getData, listApplications } from './get-data.js';
import { getStatus } from './get-status.js';
import {
  installForExtradition,
  installForInstall,
  installForLoad,
  installForMakeSelectable,
  installForPersonalization,
  installForRegistryUpdate,
} from './install.js';
import { Keysets, type Keyset, type SavedKeyset } from './keysets.js';
import { load } from './load.js';
import { putKey } from './put-key.js';
import { setApplicationStatus, setCardStatus, setSecurityDomainAndApplicationsStatus } from './set-status.js';
import { storeData, storeOwnData } from './store-data.js';

/**
 * Load file and module AID of the security-domain code in ROM (modelled: GP RID A000000151, the
 * AIDs that NXP JCOP cards report for their SD package, e.g. the scp03-auth-jcop4.dump of
 * martinpaljak/GlobalPlatformPro lists C4 A0000001515350).
 */
export const SECURITY_DOMAIN_LOAD_FILE_AID = hexToBytes('A0000001515350');
export const SECURITY_DOMAIN_MODULE_AID = hexToBytes('A000000151535041');

const INS_INITIALIZE_UPDATE = 0x50;
const INS_EXTERNAL_AUTHENTICATE = 0x82;
const AUTHENTICATED = 0x80;
const INS_GET_DATA = 0xca;
const INS_GET_DATA_ODD = 0xcb;

/** What a security domain keeps across restarts (JSON; keys as hex: the store file is mode 0600). */
export interface SavedSecurityDomain {
  readonly keysets: readonly SavedKeyset[];
  readonly dataObjects: Readonly<Record<string, string>>;
}

interface ChannelSession {
  readonly session: Scp03CardSession;
  readonly keyset: Keyset;
}

export class SecurityDomainApplet implements Applet {
  readonly aid: Uint8Array;
  readonly #host: CardManagerHost;
  readonly #keysets: Keysets;
  readonly #dataObjects: Map<number, Uint8Array>;
  readonly #channels = new Map<number, SecurityDomainChannel>();
  readonly #sessions = new Map<number, ChannelSession>();

  constructor(aid: Uint8Array, host: CardManagerHost, keysets: Keysets = new Keysets(), dataObjects = new Map<number, Uint8Array>()) {
    this.aid = aid.slice();
    this.#host = host;
    this.#keysets = keysets;
    this.#dataObjects = dataObjects;
  }

  get keysets(): Keysets {
    return this.#keysets;
  }

  select(_command: CommandApdu, context: AppletContext): ResponseApdu {
    this.#endChannel(context.channel);
    const fci = securityDomainFci(this.aid, this.#host.configuration.scp03I);
    // GPCS §11.9.3.2: the Final Application answers a SELECT in CARD_LOCKED with the warning 6283.
    return success(fci, this.#host.registry.cardLifeCycle === 'cardLocked' ? SW.warningCardLocked : SW.success);
  }

  deselect(context: AppletContext): void {
    this.#endChannel(context.channel);
  }

  reset(): void {
    for (const channel of [...this.#sessions.keys()]) this.#endChannel(channel);
    this.#channels.clear();
  }

  saveState(): SavedSecurityDomain {
    return {
      keysets: this.#keysets.toJSON(),
      dataObjects: Object.fromEntries([...this.#dataObjects].map(([tag, value]) => [tag.toString(16).toUpperCase(), bytesToHex(value)])),
    };
  }

  /** Personalization of this SD by its parent SD (INSTALL [for personalization] + STORE DATA): keys and data objects. */
  storeData(block: StoreDataBlock, context: AppletContext): ResponseApdu {
    const result = storeOwnData({ keysets: this.#keysets, channel: this.#channel(context.channel), dataObjects: this.#dataObjects }, block);
    if (result.sw === SW.success) context.markChanged();
    return result;
  }

  async process(command: CommandApdu, context: AppletContext): Promise<ResponseApdu> {
    const entry = this.#host.registry.instance(this.aid);
    // GPCS §5.3.2.4: a LOCKED security domain rejects every command.
    if (entry === undefined || isLocked(entry)) return status(SW.conditionsNotSatisfied);
    // In TERMINATED an SD answers GET DATA only (GPCS §5.1.1.5), in the clear: no secure channel either.
    if (this.#host.registry.cardLifeCycle === 'terminated' && command.ins !== INS_GET_DATA && command.ins !== INS_GET_DATA_ODD) {
      return status(SW.conditionsNotSatisfied);
    }
    const raw = encodeCommandApdu({ cla: command.cla, ins: command.ins, p1: command.p1, p2: command.p2, data: command.data, extended: command.extended, ...(command.le === undefined ? {} : { le: command.le }) });
    if (command.ins === INS_INITIALIZE_UPDATE && (command.cla & 0x80) !== 0) return this.#initializeUpdate(raw, command, context);
    const current = this.#sessions.get(context.channel);
    if (command.ins === INS_EXTERNAL_AUTHENTICATE && (command.cla & 0x80) !== 0) {
      if (current === undefined) return status(SW.conditionsNotSatisfied);
      return this.#guarded(() => parseResponseApdu(current.session.processExternalAuthenticate(raw)) ?? status(SW.conditionsNotSatisfied));
    }
    if (current !== undefined && current.session.state === 'initialized') {
      // A command between INITIALIZE UPDATE and EXTERNAL AUTHENTICATE ends the half-open session.
      this.#sessions.delete(context.channel);
      current.session.dispose();
      return this.#processPlain(raw, context, undefined);
    }
    if (current === undefined || current.session.state === 'idle') return this.#processPlain(raw, context, undefined);
    let plain: Uint8Array;
    try {
      plain = current.session.unwrapCommand(raw);
    } catch (error) {
      if (error instanceof Scp03Error) return status(error.statusWord ?? SW.securityStatusNotSatisfied);
      throw error;
    }
    const response = await this.#processPlain(plain, context, current);
    try {
      return parseResponseApdu(current.session.wrapResponse(encodeResponseApdu(response))) ?? status(SW.securityStatusNotSatisfied);
    } catch (error) {
      if (error instanceof Scp03Error) return status(error.statusWord ?? SW.securityStatusNotSatisfied);
      throw error;
    }
  }

  #initializeUpdate(raw: Uint8Array, command: CommandApdu, context: AppletContext): ResponseApdu {
    this.#endSession(context.channel);
    const keyset = this.#keysets.forInitializeUpdate(command.p1);
    if (keyset === undefined) return status(SW.referencedDataNotFound);
    const { configuration } = this.#host;
    let session: Scp03CardSession;
    try {
      session = new Scp03CardSession({
        keys: keyset.keys,
        keyVersion: keyset.keyVersion,
        i: configuration.scp03I,
        keyDiversificationData: configuration.keyDiversificationData,
        sdAid: this.aid,
        sequenceCounter: keyset.sequenceCounter,
      });
    } catch (error) {
      if (error instanceof Scp03Error) return status(error.statusWord ?? SW.referencedDataNotFound);
      throw error;
    }
    const response = this.#guarded(() => parseResponseApdu(session.processInitializeUpdate(raw)) ?? status(SW.conditionsNotSatisfied));
    if (session.sequenceCounter !== keyset.sequenceCounter) {
      // The counter must never go back, even across a crash (Amd D §6.2.2.1): save before answering.
      keyset.sequenceCounter = session.sequenceCounter;
      context.markChanged();
    }
    if (response.sw === SW.success) this.#sessions.set(context.channel, { session, keyset });
    else session.dispose();
    return response;
  }

  #guarded(step: () => ResponseApdu): ResponseApdu {
    try {
      return step();
    } catch (error) {
      if (error instanceof Scp03Error) return status(error.statusWord ?? SW.securityStatusNotSatisfied);
      throw error;
    }
  }

  async #processPlain(raw: Uint8Array, context: AppletContext, session: ChannelSession | undefined): Promise<ResponseApdu> {
    const dispatched = dispatchGlobalPlatformCommand(asBasicChannel(raw));
    if (!dispatched.ok) return status(dispatched.sw);
    const open = session !== undefined && session.session.state === 'open';
    const scope: CommandScope = {
      sdAid: this.aid,
      host: this.#host,
      keysets: this.#keysets,
      channel: this.#channel(context.channel),
      context,
      sessionKeyset: open ? session.keyset : undefined,
      authenticated: open,
      securityLevel: open ? AUTHENTICATED | session.session.securityLevel : 0,
      dataObjects: this.#dataObjects,
    };
    return handle(scope, dispatched.command, (dispatched.apdu.cla & 0x80) !== 0);
  }

  #channel(channel: number): SecurityDomainChannel {
    let state = this.#channels.get(channel);
    if (state === undefined) {
      state = newChannel();
      this.#channels.set(channel, state);
    }
    return state;
  }

  #endSession(channel: number): void {
    this.#sessions.get(channel)?.session.dispose();
    this.#sessions.delete(channel);
  }

  #endChannel(channel: number): void {
    this.#endSession(channel);
    this.#channels.delete(channel);
  }
}

/** GP chaining (P1 b8 "more commands") is not supported: GPCS §11.1.5 lets a card answer 6A86. */
const CHAINING_NOT_SUPPORTED = status(SW.incorrectP1P2);

function handle(scope: CommandScope, command: GlobalPlatformCommand, proprietaryClass: boolean): ResponseApdu | Promise<ResponseApdu> {
  if (command.name === 'installForLoadInstallAndMakeSelectableLast') scope.channel.load = undefined;
  // INSTALL, DELETE and PUT KEY carry P1 b8 "more commands".
  if ('moreCommands' in command.fields && command.fields.moreCommands) return CHAINING_NOT_SUPPORTED;
  switch (command.name) {
    case 'getData':
      return command.fields.tag === 0x2f00 ? status(SW.incorrectData) : getData(scope, command.fields.tag, true);
    case 'getDataIso':
      return command.fields.tag === 0x2f00 ? status(SW.incorrectData) : getData(scope, command.fields.tag, false);
    case 'getDataTagList':
      return command.fields.tag === 0x2f00 ? listApplications(scope) : getData(scope, command.fields.tag, proprietaryClass);
    case 'getStatus':
      return getStatus(scope, command.fields);
    case 'setStatusCard':
      return setCardStatus(scope, CARD_CODING[command.fields.cardLifeCycle]);
    case 'setStatus':
      switch (command.fields.statusType) {
        case 'issuerSecurityDomain':
          return setCardStatus(scope, command.fields.state);
        case 'application':
          return setApplicationStatus(scope, command.fields.aid, command.fields.state);
        case 'securityDomainAndApplications':
          return setSecurityDomainAndApplicationsStatus(scope, command.fields.aid, command.fields.state);
      }
      return status(SW.incorrectP1P2);
    case 'installForLoad':
      return installForLoad(scope, command.fields);
    case 'installForLoadInstallAndMakeSelectableFirst':
      return installForLoad(scope, command.fields, true);
    case 'installForLoadInstallAndMakeSelectableLast':
      return installForInstall(scope, command.fields, { makeSelectable: true });
    case 'installForInstall':
      return installForInstall(scope, command.fields, { makeSelectable: false });
    case 'installForInstallAndMakeSelectable':
      return installForInstall(scope, command.fields, { makeSelectable: true });
    case 'installForMakeSelectable':
      return installForMakeSelectable(scope, command.fields);
    case 'installForPersonalization':
      return installForPersonalization(scope, command.fields);
    case 'installForExtradition':
      return installForExtradition(scope, command.fields);
    case 'installForRegistryUpdate':
      return installForRegistryUpdate(scope, command.fields);
    case 'load':
      return load(scope, command.fields);
    case 'delete':
      return deleteObject(scope, command.fields);
    case 'putKey':
      return putKey(scope, command.fields);
    case 'storeData':
      return storeData(scope, command.fields);
    case 'initializeUpdate':
    case 'externalAuthenticate':
      // Reached only with a class byte the session layer does not take (e.g. secure messaging on INITIALIZE UPDATE).
      return status(SW.conditionsNotSatisfied);
    case 'select':
    case 'selectIssuerSecurityDomain':
    case 'manageChannelOpen':
    case 'manageChannelClose':
    case 'getResponse':
      // The OPEN handles these before any application sees them; what reaches an SD is malformed.
      return status(SW.incorrectP1P2);
    case 'beginRMacSession':
    case 'endRMacSession':
      // Optional in SCP03 (Amd D Table 7-1); not offered.
      return status(SW.instructionNotSupported);
  }
}

const CARD_CODING = { opReady: 0x01, initialized: 0x07, secured: 0x0f, cardLocked: 0x7f, terminated: 0xff } as const;

/**
 * The dispatcher's CLA model covers channels 0–3 (spec/apdu/globalplatform.yaml): the channel has
 * done its work once the OPEN routed the command, so it is folded to the basic channel's coding,
 * keeping the proprietary bit and dropping secure messaging (the session has unwrapped the command).
 */
export function asBasicChannel(apdu: Uint8Array): Uint8Array {
  const copy = apdu.slice();
  const cla = copy[0] ?? 0;
  copy[0] = cla & 0x80;
  return copy;
}

/** The ROM class of security domains, bound to one secure element's OPEN. */
export function securityDomainClass(host: CardManagerHost): AppletClass {
  return {
    moduleAid: SECURITY_DOMAIN_MODULE_AID,
    // C9 install parameters of an SD (e.g. SCP configuration) are accepted and not interpreted.
    install: (instanceAid) => new SecurityDomainApplet(instanceAid, host),
    restore: (instanceAid, state) => restoreSecurityDomain(instanceAid, host, state as SavedSecurityDomain),
  };
}

function restoreSecurityDomain(aid: Uint8Array, host: CardManagerHost, saved: SavedSecurityDomain): SecurityDomainApplet {
  const dataObjects = new Map(Object.entries(saved.dataObjects).map(([tag, value]) => [Number.parseInt(tag, 16), hexToBytes(value)]));
  return new SecurityDomainApplet(aid, host, Keysets.fromJSON(saved.keysets), dataObjects);
}
