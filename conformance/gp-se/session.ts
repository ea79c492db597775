/**
 * The gp-se suite's connection to a card manager: SELECT of the issuer security domain, SCP03
 * sessions through `Scp03HostSession` at any level, and the GlobalPlatform commands built and
 * parsed by the generated code of spec/apdu/globalplatform.yaml.
 */
import {
  deleteCommand,
  getStatus,
  globalPlatformApplications,
  parseGetStatusResponse,
  parseSelectResponse,
  select,
  type GetStatusSubset,
  type RegistryEntry,
} from '../../generated/apdu/global-platform.js';
import { encodeTlv } from '../../runtime/apdu/ber-tlv.js';
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { bytesToHex } from '../../runtime/hex.js';
import { Scp03HostSession, SECURITY_LEVELS, type Scp03StaticKeys, type SecurityLevel, IParameterBit } from '../../runtime/scp03/index.js';
import { ApduChannel, describeResponse, formatSw, type Exchange } from '../card/apdu-channel.js';
import { CheckFailure, CheckSkipped } from '../card/check.js';

export interface GpSeSuiteOptions {
  /** The ISD's static SCP03 keyset. */
  readonly keys: Scp03StaticKeys;
  /** Key version for INITIALIZE UPDATE; 0 lets the card choose its default keyset. */
  readonly keyVersion?: number;
  /** The ISD AID; A000000151000000 then A000000003000000 are tried when absent. */
  readonly isdAid?: Uint8Array;
  /** The load file (C4 … image) to LOAD when the JPKI load file is not on the card. */
  readonly loadFile?: Uint8Array;
  /** Install parameters (C9 content) for the test instance; empty unless told. */
  readonly installParameters?: Uint8Array;
}

/** What the content checks learn and change, so that the last check can put the card back. */
export interface ContentState {
  applicationsAtStart?: string[];
  loadFilesAtStart?: string[];
  instanceAid?: Uint8Array;
  loadedByUs?: boolean;
  installed?: boolean;
}

/** The levels the suite opens, lowest protection first (Amd D Table 7-3, without 00). */
export const TESTED_LEVELS: readonly SecurityLevel[] = SECURITY_LEVELS.filter((level) => level !== 0x00);

export function levelName(level: number): string {
  const names: Record<number, string> = { 0x01: 'C-MAC', 0x03: 'C-MAC+C-DEC', 0x11: 'C-MAC+R-MAC', 0x13: 'C-MAC+C-DEC+R-MAC', 0x33: 'C-MAC+C-DEC+R-MAC+R-ENC' };
  return `${level.toString(16).padStart(2, '0')} (${names[level] ?? '?'})`;
}

/** Whether the card's "i" offers what a level needs from the response side (Amd D Table 5-1). */
export function levelOffered(i: number, level: number): boolean {
  if ((level & 0x10) !== 0 && (i & IParameterBit.rMac) === 0) return false;
  if ((level & 0x20) !== 0 && (i & IParameterBit.rEncryption) === 0) return false;
  return true;
}

/** One open SCP03 session: plain commands in, plain responses out, each shown in the report as plain. */
export class SecureSession {
  readonly host: Scp03HostSession;
  readonly #channel: GpSeSession;

  constructor(channel: GpSeSession, host: Scp03HostSession) {
    this.#channel = channel;
    this.host = host;
  }

  async send(plain: Uint8Array, label: string): Promise<Exchange> {
    const wrapped = this.host.wrapCommand(plain);
    const raw = await this.#channel.transmit(wrapped, { label: `${label} (wrapped)`, raw: true });
    // The host session checks the R-MAC (and decrypts) when the level asks for it; an error status word carries neither.
    const response = this.host.unwrapResponse(Uint8Array.from([...raw.data, raw.sw >> 8, raw.sw & 0xff]));
    const exchange: Exchange = { command: plain, data: response.subarray(0, -2), sw: ((response.at(-2) ?? 0) << 8) | (response.at(-1) ?? 0), shown: `${label} ${abbreviate(plain)}` };
    this.#channel.record(exchange);
    return exchange;
  }
}

function abbreviate(bytes: Uint8Array): string {
  return bytes.length <= 48 ? bytesToHex(bytes) : `${bytesToHex(bytes.subarray(0, 40))}…(${bytes.length} bytes)`;
}

export class GpSeSession extends ApduChannel {
  readonly options: GpSeSuiteOptions;
  readonly facts: Record<string, string> = {};
  readonly content: ContentState = {};
  #isdAid: Uint8Array | undefined;
  /** The "i" parameter of the card's INITIALIZE UPDATE response, once seen. */
  iParameter: number | undefined;

  constructor(connection: CardConnection, options: GpSeSuiteOptions) {
    super(connection);
    this.options = options;
    this.#isdAid = options.isdAid;
  }

  get isdAid(): Uint8Array {
    if (this.#isdAid === undefined) throw new CheckSkipped('the issuer security domain was not found (see scp03.select-isd)');
    return this.#isdAid;
  }

  /** Reset and SELECT the ISD by AID (GPCS §11.9). */
  async selectIsd(): Promise<Exchange> {
    await this.reset();
    const candidates = this.#isdAid !== undefined ? [this.#isdAid] : [globalPlatformApplications.issuerSecurityDomain, globalPlatformApplications.legacyIssuerSecurityDomain];
    let last: Exchange | undefined;
    for (const aid of candidates) {
      last = await this.transmit(select({ nextOccurrence: false, aid, le: 256 }), { label: 'SELECT ISD' });
      if (last.sw === 0x9000) {
        this.#isdAid = aid;
        this.facts['isdAid'] = bytesToHex(aid);
        parseSelectResponse(Uint8Array.from([...last.data, 0x90, 0x00]));
        return last;
      }
    }
    throw new CheckFailure('no issuer security domain answers SELECT', { command: last?.shown ?? 'SELECT ISD', expected: '9000', got: last === undefined ? 'nothing' : describeResponse(last.data, last.sw) });
  }

  /** SELECT ISD, INITIALIZE UPDATE, EXTERNAL AUTHENTICATE at `level`. */
  async openSecureChannel(level: SecurityLevel): Promise<SecureSession> {
    await this.selectIsd();
    const host = new Scp03HostSession({ keys: this.options.keys, securityLevel: level, keyVersion: this.options.keyVersion ?? 0, sdAid: this.isdAid });
    const initialize = await this.transmit(host.buildInitializeUpdate(), { label: 'INITIALIZE UPDATE' });
    this.expectSw(initialize, ['9000'], 'INITIALIZE UPDATE');
    const card = host.processInitializeUpdateResponse(Uint8Array.from([...initialize.data, 0x90, 0x00]));
    this.iParameter = card.i;
    const authenticate = await this.transmit(host.buildExternalAuthenticate(), { label: `EXTERNAL AUTHENTICATE ${levelName(level)}` });
    this.expectSw(authenticate, ['9000'], 'EXTERNAL AUTHENTICATE');
    host.processExternalAuthenticateResponse(Uint8Array.of(0x90, 0x00));
    return new SecureSession(this, host);
  }

  /** The "i" parameter, learnt from one INITIALIZE UPDATE when not known yet. */
  async learnIParameter(): Promise<number> {
    if (this.iParameter !== undefined) return this.iParameter;
    const session = await this.openSecureChannel(0x01);
    session.host.close();
    return this.iParameter ?? 0;
  }

  /** The strongest level the card offers, for card-content management. */
  async managementLevel(): Promise<SecurityLevel> {
    const i = await this.learnIParameter();
    return ([0x33, 0x13, 0x03] as const).find((level) => levelOffered(i, level)) ?? 0x03;
  }

  async managementSession(): Promise<SecureSession> {
    return this.openSecureChannel(await this.managementLevel());
  }

  /** GET STATUS in the E3 format, following 6310 with "next occurrence" (GPCS §11.4.2.2). */
  async registry(session: SecureSession, subset: GetStatusSubset, aid?: Uint8Array): Promise<{ readonly sw: number; readonly entries: RegistryEntry[] }> {
    const entries: RegistryEntry[] = [];
    const searchCriteria = encodeTlv(0x4f, aid ?? new Uint8Array(0));
    for (let next = false, round = 0; round < 32; next = true, round += 1) {
      const exchange = await session.send(getStatus({ subset, tlvResponseFormat: true, nextOccurrence: next, searchCriteria, le: 256 }), `GET STATUS ${subset}`);
      if (exchange.sw !== 0x9000 && exchange.sw !== 0x6310) return { sw: exchange.sw, entries };
      const parsed = parseGetStatusResponse(Uint8Array.from([...exchange.data, 0x90, 0x00]));
      entries.push(...(parsed.fields?.entries ?? []));
      if (exchange.sw === 0x9000) return { sw: 0x9000, entries };
    }
    throw new CheckFailure('GET STATUS kept answering 6310', { expected: '9000 within 32 rounds', got: '6310' });
  }

  async registryEntry(session: SecureSession, subset: GetStatusSubset, aid: Uint8Array): Promise<RegistryEntry | undefined> {
    const { sw, entries } = await this.registry(session, subset, aid);
    if (sw === 0x6a88) return undefined;
    if (sw !== 0x9000) throw new CheckFailure(`GET STATUS ${subset} of ${bytesToHex(aid)} answered ${formatSw(sw)}`, { expected: '9000 or 6A88', got: formatSw(sw) });
    return entries.find((entry) => bytesToHex(entry.aid) === bytesToHex(aid));
  }

  async deleteAid(session: SecureSession, aid: Uint8Array, relatedObjects = false): Promise<Exchange> {
    return session.send(deleteCommand({ moreCommands: false, relatedObjects, deleteData: encodeTlv(0x4f, aid), le: 256 }), `DELETE ${bytesToHex(aid)}`);
  }
}

/** Legacy GET STATUS entries (GPCS §11.4.3.2): length, AID, life cycle, privileges (1 byte). */
export function parseLegacyStatus(data: Uint8Array): { readonly aid: string; readonly lifeCycle: number; readonly privileges: number }[] {
  const entries: { aid: string; lifeCycle: number; privileges: number }[] = [];
  for (let offset = 0; offset < data.length; ) {
    const length = data[offset] ?? 0;
    if (length < 5 || length > 16 || offset + 1 + length + 2 > data.length) {
      throw new CheckFailure(`legacy GET STATUS data does not parse at byte ${offset}`, { expected: 'length (5–16) ‖ AID ‖ life cycle ‖ privileges', got: bytesToHex(data.subarray(offset, offset + 24)) });
    }
    entries.push({ aid: bytesToHex(data.subarray(offset + 1, offset + 1 + length)), lifeCycle: data[offset + 1 + length] ?? 0, privileges: data[offset + 2 + length] ?? 0 });
    offset += 1 + length + 2;
  }
  return entries;
}

export function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '(none)' : bytesToHex(bytes);
}

