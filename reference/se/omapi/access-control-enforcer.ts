/**
 * The phone OS's Access Control Enforcer in front of the secure element (Android OMAPI's
 * SecureElementService; GP SE Access Control v1.1 §3–§4). It reads the access rules from the ARA-M
 * over a logical channel of its own — MANAGE CHANNEL, SELECT ARA-M, GET DATA [refresh tag], and
 * GET DATA [all] / [next] only when the tag changed — and decides for each (device app, applet)
 * whether OMAPI may open a channel, which APDUs may pass, and whether NFC events are delivered.
 */
import {
  getAllRules,
  getNextRule,
  getRefreshTag,
  araMApplications,
  araMTable,
  parseGetAllRulesResponse,
  parseGetNextRuleResponse,
  parseGetRefreshTagResponse,
  type RefArDo,
  type ResponseAllArDo,
} from '../../../generated/apdu/ara-m.js';
import { manageChannelClose, manageChannelOpen, parseManageChannelOpenResponse, select } from '../../../generated/apdu/global-platform.js';
import { bytesToHex, concatBytes, decodeStructureTlv, decodeTlv, JpkigenError, parseResponseApdu } from '../../../runtime/index.js';
import type { CardConnection } from '../../../runtime/card/card-connection.js';
import { AccessRuleCache, commandMatchesFilters, unusableRuleReason, type AccessDecision, type DeviceApplication } from './access-decision.js';
import { withChannel } from '../../../runtime/apdu/class-byte.js';

/** OMAPI refused the app: openLogicalChannel (SecurityException in Android) or an APDU on an open channel. */
export class AccessDeniedError extends JpkigenError {
  constructor(
    message: string,
    readonly decision?: AccessDecision,
  ) {
    super('OMAPI_ACCESS_DENIED', message);
  }
}

/** The applet is not on the SE, or refused selection (OMAPI NoSuchElementException). */
export class NoSuchAppletError extends JpkigenError {
  constructor(
    message: string,
    readonly sw: number,
  ) {
    super('OMAPI_NO_SUCH_APPLET', message);
  }
}

/** openLogicalChannel was given something that is not an AID. */
export class InvalidAidError extends JpkigenError {
  constructor(message: string) {
    super('OMAPI_INVALID_AID', message);
  }
}

/** The SE has no free logical channel (OMAPI returns null from openLogicalChannel). */
export class NoChannelAvailableError extends JpkigenError {
  constructor(message: string) {
    super('OMAPI_NO_CHANNEL', message);
  }
}

/** The rules could not be read (no ARA-M, a malformed answer): the enforcer then refuses every access. */
export class AccessRulesUnavailableError extends JpkigenError {
  constructor(message: string) {
    super('OMAPI_RULES_UNAVAILABLE', message);
  }
}

export interface AccessControlEnforcerOptions {
  /** The ARA-M's AID; default A00000015141434C00. */
  readonly araAid?: Uint8Array;
  /** Le of each GET DATA [all] / [next]; Android sends 00 (256). */
  readonly getDataLe?: number;
}

/** What the enforcer has read, for callers who want to see it (and tests counting APDUs). */
export interface EnforcerStatistics {
  readonly refreshTagReads: number;
  readonly ruleReads: number;
  readonly getDataCommands: number;
}

export class AccessControlEnforcer {
  readonly #connection: CardConnection;
  readonly #araAid: Uint8Array;
  readonly #le: number;
  #cache: AccessRuleCache | undefined;
  #rules: readonly RefArDo[] = [];
  #refreshTag: string | undefined;
  #unavailable: string | undefined;
  #refreshTagReads = 0;
  #ruleReads = 0;
  #getDataCommands = 0;

  constructor(connection: CardConnection, options: AccessControlEnforcerOptions = {}) {
    this.#connection = connection;
    this.#araAid = options.araAid ?? araMApplications.accessRuleApplicationMaster;
    this.#le = options.getDataLe ?? 256;
  }

  get statistics(): EnforcerStatistics {
    return { refreshTagReads: this.#refreshTagReads, ruleReads: this.#ruleReads, getDataCommands: this.#getDataCommands };
  }

  /** The rules as last read (empty before the first read or when the ARA-M holds none). */
  get rules(): readonly RefArDo[] {
    return this.#rules;
  }

  /**
   * Reads the refresh tag and, when it differs from the cached one, every rule. Resolves to true when
   * the rules were read again. A failure leaves the enforcer refusing every access until a later
   * refresh succeeds (fail closed).
   */
  async refreshRules(): Promise<boolean> {
    try {
      const changed = await this.#withAraChannel(async (channel) => {
        const tag = await this.#readRefreshTag(channel);
        if (tag !== undefined && tag === this.#refreshTag && this.#cache !== undefined) return false;
        const rules = await this.#readAllRules(channel);
        this.#rules = rules;
        this.#cache = new AccessRuleCache(rules);
        this.#refreshTag = tag;
        return true;
      });
      this.#unavailable = undefined;
      return changed;
    } catch (error) {
      this.#cache = undefined;
      this.#rules = [];
      this.#refreshTag = undefined;
      this.#unavailable = error instanceof Error ? error.message : String(error);
      if (error instanceof AccessRulesUnavailableError) return false;
      throw error;
    }
  }

  /** The decision for `app` reaching applet `aid` (null: the SE's default application), on fresh rules. */
  async decide(aid: Uint8Array | null, app: DeviceApplication): Promise<AccessDecision> {
    await this.refreshRules();
    return this.#decideCached(aid, app);
  }

  /** Whether the app may receive the applet's NFC (contactless) events (NFC-AR-DO). */
  async isNfcEventAllowed(aid: Uint8Array, app: DeviceApplication): Promise<boolean> {
    return (await this.decide(aid, app)).nfcEvents;
  }

  /**
   * OMAPI Session.openLogicalChannel: checks the rules first (an app without access never touches
   * the SE), then MANAGE CHANNEL and SELECT on the new channel. Refusals are AccessDeniedError;
   * an applet that is not there is NoSuchAppletError.
   */
  async openLogicalChannel(aid: Uint8Array | null, app: DeviceApplication, p2 = 0x00): Promise<OmapiChannel> {
    // OMAPI: IllegalArgumentException for an AID outside 5–16 bytes, before any access check.
    if (aid !== null && (aid.length < 5 || aid.length > 16)) throw new InvalidAidError(`an AID has 5–16 bytes, got ${aid.length}`);
    const decision = await this.decide(aid, app);
    if (decision.apdu === 'never') {
      throw new AccessDeniedError(`${describeApp(app)} may not open a channel to ${aid === null ? 'the default applet' : bytesToHex(aid)}: ${decision.reason}`, decision);
    }
    const channel = await this.#openChannel();
    if (aid !== null) {
      const response = await this.#transmitChecked(withChannel(select({ nextOccurrence: (p2 & 0x02) !== 0, aid, le: 256 }), channel));
      if (!selectSucceeded(response.sw)) {
        await this.#closeChannel(channel);
        throw new NoSuchAppletError(`SELECT ${bytesToHex(aid)} answered ${hex4(response.sw)}`, response.sw);
      }
      return new OmapiChannel(this.#connection, channel, decision, concatBytes(response.data, Uint8Array.of(response.sw >> 8, response.sw & 0xff)), () => this.#closeChannel(channel));
    }
    return new OmapiChannel(this.#connection, channel, decision, undefined, () => this.#closeChannel(channel));
  }

  #decideCached(aid: Uint8Array | null, app: DeviceApplication): AccessDecision {
    if (this.#cache === undefined) {
      return { apdu: 'never', filters: [], nfcEvents: false, step: 'none', reason: `the access rules could not be read (${this.#unavailable ?? 'not read yet'})` };
    }
    return this.#cache.decide(aid, app);
  }

  async #withAraChannel<T>(work: (channel: number) => Promise<T>): Promise<T> {
    const channel = await this.#openChannel();
    try {
      const selected = await this.#transmitChecked(withChannel(select({ nextOccurrence: false, aid: this.#araAid, le: 256 }), channel));
      if (!selectSucceeded(selected.sw)) throw new AccessRulesUnavailableError(`no ARA-M on the SE: SELECT ${bytesToHex(this.#araAid)} answered ${hex4(selected.sw)}`);
      return await work(channel);
    } finally {
      await this.#closeChannel(channel);
    }
  }

  async #readRefreshTag(channel: number): Promise<string | undefined> {
    this.#refreshTagReads += 1;
    this.#getDataCommands += 1;
    const response = await this.#connection.transmit(withChannel(getRefreshTag({ le: 256 }), channel));
    const parsed = parseOrUnavailable(() => parseGetRefreshTagResponse(response), 'GET DATA [refresh tag]');
    // An ARA-M without a refresh tag: read the rules every time (SEAC lets the tag be absent).
    if (parsed.sw === 0x6a88) return undefined;
    if (parsed.sw !== 0x9000 || parsed.fields === undefined) throw new AccessRulesUnavailableError(`GET DATA [refresh tag] answered ${hex4(parsed.sw)}`);
    return bytesToHex(parsed.fields.refreshTag);
  }

  /** GET DATA [all], then [next] until the Response-ALL-AR-DO's BER length is met (Android's AccessRuleApplet). */
  async #readAllRules(channel: number): Promise<RefArDo[]> {
    this.#ruleReads += 1;
    this.#getDataCommands += 1;
    const allResponse = await this.#connection.transmit(withChannel(getAllRules({ le: this.#le }), channel));
    const firstResponse = parseOrUnavailable(() => parseGetAllRulesResponse(allResponse), 'GET DATA [all]');
    if (firstResponse.sw === 0x6a88) return [];
    if (firstResponse.sw !== 0x9000) throw new AccessRulesUnavailableError(`GET DATA [all] answered ${hex4(firstResponse.sw)}`);
    const parts = [firstResponse.fields?.responseAll ?? new Uint8Array(0)];
    const total = frameLength(parts[0] ?? new Uint8Array(0));
    let received = parts[0]?.length ?? 0;
    while (received < total) {
      this.#getDataCommands += 1;
      const le = Math.min(this.#le, total - received);
      const nextResponse = await this.#connection.transmit(withChannel(getNextRule({ le }), channel));
      const next = parseOrUnavailable(() => parseGetNextRuleResponse(nextResponse), 'GET DATA [next]');
      const data = next.fields?.responseAllContinued;
      if (next.sw !== 0x9000 || data === undefined || data.length === 0) throw new AccessRulesUnavailableError(`GET DATA [next] answered ${hex4(next.sw)} after ${received} of ${total} bytes`);
      parts.push(data);
      received += data.length;
    }
    const frame = concatBytes(...parts);
    if (frame.length !== total) throw new AccessRulesUnavailableError(`the Response-ALL-AR-DO has ${frame.length} bytes, its header says ${total}`);
    try {
      const decoded = decodeStructureTlv(araMTable, 'ResponseAllArDo', decodeTlv(frame, 0).tlv) as ResponseAllArDo;
      const rules = decoded.refArDo ?? [];
      rules.forEach((rule, index) => {
        const reason = unusableRuleReason(rule);
        if (reason !== undefined) throw new AccessRulesUnavailableError(`rule ${index} of the ARA-M is unusable: ${reason}`);
      });
      return rules;
    } catch (error) {
      if (error instanceof AccessRulesUnavailableError) throw error;
      throw new AccessRulesUnavailableError(`the Response-ALL-AR-DO does not decode: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async #openChannel(): Promise<number> {
    const response = await this.#connection.transmit(manageChannelOpen({ channelNumber: 0, le: 1 }));
    const parsed = parseOrUnavailable(() => parseManageChannelOpenResponse(response), 'MANAGE CHANNEL');
    if (parsed.sw !== 0x9000 || parsed.fields === undefined) throw new NoChannelAvailableError(`MANAGE CHANNEL [open] answered ${hex4(parsed.sw)}`);
    return parsed.fields.channelNumber;
  }

  async #closeChannel(channel: number): Promise<void> {
    await this.#connection.transmit(manageChannelClose({ channelNumber: channel }));
  }

  async #transmitChecked(command: Uint8Array): Promise<{ data: Uint8Array; sw: number }> {
    const response = parseResponseApdu(await this.#connection.transmit(command));
    if (response === undefined) throw new AccessRulesUnavailableError('the SE answered with fewer than two bytes');
    return response;
  }
}

/** An open OMAPI channel: transmit() applies the rule's APDU filters and the channel's CLA coding. */
export class OmapiChannel {
  readonly #connection: CardConnection;
  readonly #close: () => Promise<void>;
  #closed = false;

  constructor(
    connection: CardConnection,
    readonly channelNumber: number,
    readonly decision: AccessDecision,
    /** The SELECT response (data ‖ SW), as OMAPI Channel.getSelectResponse gives it. */
    readonly selectResponse: Uint8Array | undefined,
    close: () => Promise<void>,
  ) {
    this.#connection = connection;
    this.#close = close;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * OMAPI Channel.transmit. MANAGE CHANNEL and SELECT by DF name are the service's, never the app's
   * (OMAPI; Android CTS expects SecurityException for 00700000, 00708000 and a SELECT by AID);
   * under filtered access the command header must pass a filter before the channel goes into CLA.
   */
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) throw new AccessDeniedError('the channel is closed');
    if (command.length < 4) throw new AccessDeniedError(`a command APDU has at least 4 bytes, got ${command.length}`);
    const ins = command[1] ?? 0;
    if (ins === 0x70) throw new AccessDeniedError('MANAGE CHANNEL is not allowed through OMAPI transmit');
    if (ins === 0xa4 && command[2] === 0x04) throw new AccessDeniedError('SELECT by DF name is not allowed through OMAPI transmit');
    if (this.decision.apdu === 'never') throw new AccessDeniedError(`APDU access is never allowed: ${this.decision.reason}`, this.decision);
    if (this.decision.apdu === 'filtered' && !commandMatchesFilters(command, this.decision.filters)) {
      throw new AccessDeniedError(`command header ${bytesToHex(command.subarray(0, 4))} matches no APDU filter of the access rule`, this.decision);
    }
    return this.#connection.transmit(withChannel(command, this.channelNumber));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#close();
  }
}

/** SEAC: a SELECT that answers 9000, or a 62xx/63xx warning, selected the applet (OMAPI keeps such channels). */
function selectSucceeded(sw: number): boolean {
  return sw === 0x9000 || (sw >> 8) === 0x62 || (sw >> 8) === 0x63;
}

/** Total length of the BER TLV starting the buffer (tag FF40: two bytes), or the bytes present when it cannot tell. */
function frameLength(start: Uint8Array): number {
  if (start.length < 3) return start.length;
  const first = start[2] ?? 0;
  if (first < 0x80) return 3 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 3 || start.length < 3 + count) return start.length;
  let length = 0;
  for (let index = 0; index < count; index += 1) length = length * 256 + (start[3 + index] ?? 0);
  return 3 + count + length;
}

function parseOrUnavailable<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof JpkigenError) throw new AccessRulesUnavailableError(`${what}: ${error.message}`);
    throw error;
  }
}

function describeApp(app: DeviceApplication): string {
  const hash = app.certificateHashes[0];
  return `${app.packageName ?? 'the app'} (certificate ${hash === undefined ? 'unknown' : `${bytesToHex(hash).slice(0, 16)}…`})`;
}

function hex4(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}
