/**
 * The JPKI-AP suite's connection to the card under test: the commands of spec/apdu/jpki-ap.yaml
 * (built with the generated builders), what the suite has learnt so far (token profile,
 * certificates, whether the operator's PINs are right), and the guard that keeps it from ever
 * spending a PIN try it cannot give back.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeCertificate, encodeSubjectPublicKeyInfo } from '../../generated/asn1/index.js';
import { select as selectGp, globalPlatformApplications } from '../../generated/apdu/global-platform.js';
import {
  computeDigitalSignature,
  jpkiApApplications,
  jpkiApFiles,
  jpkiApTokenProfiles,
  readBinary,
  selectApplication,
  selectFile,
  verify,
  verifyRetryQuery,
} from '../../generated/apdu/jpki-ap.js';
import { jpkiAuthPinRetryCounter, jpkiSignPinRetryCounter } from '../../generated/lifecycles/index.js';
import type { CardConnection } from '../../runtime/card/card-connection.js';
import { bytesToHex, hexToBytes } from '../../runtime/hex.js';
import { ApduChannel, formatSw, type Exchange } from '../card/apdu-channel.js';
import { CheckFailure, CheckSkipped } from '../card/check.js';

export type JpkiApProfile = (typeof jpkiApTokenProfiles)[number]['name'];
export type JpkiApFile = (typeof jpkiApFiles)[number];
export type PinName = 'auth' | 'sign';

export const JPKI_AP_PROFILES: readonly JpkiApProfile[] = jpkiApTokenProfiles.map((profile) => profile.name);

export interface JpkiApSuiteOptions {
  readonly authPin?: string;
  readonly signPin?: string;
  /** Token profile to hold the card to; detected from EF 0006's label when absent. */
  readonly profile?: JpkiApProfile;
  /** PINs the operator allows the suite to block for good (the blocking checks run only on these). */
  readonly allowBlocking?: readonly PinName[];
}

export interface PinFacts {
  readonly name: PinName;
  /** The PIN EF (VERIFY target), the key EF it unlocks and the certificate of that key. */
  readonly pinFid: string;
  readonly keyFid: string;
  readonly certificateFid: string;
  readonly maxTries: number;
  readonly title: string;
}

/** The number in the life cycle's initial state name (remaining3 → 3): the spec's maximum tries. */
function maxTriesOf(lifeCycle: { readonly initial: string }): number {
  const match = /^remaining(\d+)$/.exec(lifeCycle.initial);
  if (match?.[1] === undefined) throw new Error(`life cycle initial state ${lifeCycle.initial} does not name a try count`);
  return Number(match[1]);
}

function fidOf(name: string): string {
  const file = jpkiApFiles.find((candidate) => candidate.name === name);
  if (file === undefined) throw new Error(`spec/apdu/jpki-ap.yaml names no file ${name}`);
  return file.fid;
}

export const PINS: Readonly<Record<PinName, PinFacts>> = {
  auth: { name: 'auth', pinFid: fidOf('authPin'), keyFid: fidOf('authPrivateKey'), certificateFid: fidOf('authCertificate'), maxTries: maxTriesOf(jpkiAuthPinRetryCounter), title: 'auth PIN' },
  sign: { name: 'sign', pinFid: fidOf('signPin'), keyFid: fidOf('signPrivateKey'), certificateFid: fidOf('signCertificate'), maxTries: maxTriesOf(jpkiSignPinRetryCounter), title: 'sign password' },
};

/** DigestInfo prefix of SHA-256 (RFC 8017 §9.2 note 1). */
export const SHA256_DIGEST_INFO_PREFIX = hexToBytes('3031300D060960864801650304020105000420');

/** What a retry query told: tries left, verified in this session, or blocked. */
export type PinStatus = { readonly kind: 'tries'; readonly left: number } | { readonly kind: 'verified' } | { readonly kind: 'blocked'; readonly sw: number } | { readonly kind: 'other'; readonly sw: number };

export function pinStatusOf(sw: number): PinStatus {
  if (sw === 0x9000) return { kind: 'verified' };
  if (sw === 0x63c0 || sw === 0x6983 || sw === 0x6984) return { kind: 'blocked', sw };
  if ((sw & 0xfff0) === 0x63c0) return { kind: 'tries', left: sw & 0x0f };
  return { kind: 'other', sw };
}

export function describePinStatus(status: PinStatus): string {
  switch (status.kind) {
    case 'tries':
      return `${status.left} tries left (63C${status.left.toString(16).toUpperCase()})`;
    case 'verified':
      return 'verified (9000)';
    case 'blocked':
      return `blocked (${formatSw(status.sw)})`;
    default:
      return `SW ${formatSw(status.sw)}`;
  }
}

export class JpkiApSession extends ApduChannel {
  readonly options: JpkiApSuiteOptions;
  readonly facts: Record<string, string> = {};
  #profile: JpkiApProfile | undefined;
  /** undefined: not tried yet; true: the card accepted it; false: refused once — never sent again. */
  readonly #pinAccepted: Partial<Record<PinName, boolean>> = {};
  /** Tries left when the suite first asked, to check that it leaves the card as found. */
  readonly initialTries: Partial<Record<PinName, PinStatus>> = {};
  readonly certificates: Partial<Record<PinName, Uint8Array>> = {};

  constructor(connection: CardConnection, options: JpkiApSuiteOptions) {
    super(connection);
    this.options = options;
    this.#profile = options.profile;
  }

  get profile(): JpkiApProfile | undefined {
    return this.#profile;
  }

  set profile(profile: JpkiApProfile) {
    this.#profile = profile;
    this.facts['profile'] = profile;
  }

  requireProfile(): JpkiApProfile {
    if (this.#profile === undefined) throw new CheckSkipped('token profile unknown (EF 0006 label not recognised and no --profile)');
    return this.#profile;
  }

  /** Reset, then SELECT the JPKI-AP: a session with no PIN verified and no EF selected. */
  async freshSession(): Promise<void> {
    await this.reset();
    await this.selectAp();
  }

  async selectAp(): Promise<Exchange> {
    const exchange = await this.transmit(selectApplication({ aid: jpkiApApplications.jpkiAp }), { label: 'SELECT JPKI-AP' });
    return this.expectSw(exchange, ['9000'], 'SELECT of the JPKI-AP');
  }

  async selectEf(fid: string, expected: readonly string[] = ['9000']): Promise<Exchange> {
    const exchange = await this.transmit(selectFile({ fid: hexToBytes(fid) }), { label: `SELECT EF ${fid}` });
    return this.expectSw(exchange, expected, `SELECT EF ${fid}`);
  }

  async readAt(offset: number, le: number): Promise<Exchange> {
    return this.transmit(readBinary({ offset, le }), { label: 'READ BINARY' });
  }

  /**
   * Reads an EF from offset 0: a certificate EF by its DER header (the OpenSC method, jpki.md
   * §1.3), any other EF for `size` bytes. Every chunk must answer 9000.
   */
  async readEf(fid: string, size?: number): Promise<Uint8Array> {
    await this.selectEf(fid);
    const head = this.expectSw(await this.readAt(0, Math.min(size ?? 4, 256)), ['9000'], `READ BINARY of EF ${fid}`).data;
    const total = size ?? derLength(head, fid);
    const out = new Uint8Array(total);
    out.set(head.subarray(0, total));
    for (let offset = head.length; offset < total; ) {
      const chunk = this.expectSw(await this.readAt(offset, Math.min(256, total - offset)), ['9000'], `READ BINARY of EF ${fid} at ${offset}`).data;
      if (chunk.length === 0) this.fail(`READ BINARY of EF ${fid} at ${offset} returned no data`, `${total - offset} more byte(s)`, '0 bytes');
      out.set(chunk.subarray(0, total - offset), offset);
      offset += chunk.length;
    }
    return out;
  }

  async retryQuery(pin: PinName): Promise<PinStatus> {
    await this.selectEf(PINS[pin].pinFid);
    const exchange = await this.transmit(verifyRetryQuery({}), { label: `VERIFY ${PINS[pin].title} (retry query)` });
    const status = pinStatusOf(exchange.sw);
    this.initialTries[pin] ??= status;
    return status;
  }

  /** The operator's PIN, or a skip when none was given or the card already refused it once. */
  operatorPin(pin: PinName): string {
    const value = pin === 'auth' ? this.options.authPin : this.options.signPin;
    if (value === undefined) throw new CheckSkipped(`no ${PINS[pin].title} given (--${pin}-pin)`);
    if (this.#pinAccepted[pin] === false) throw new CheckSkipped(`the card refused the given ${PINS[pin].title}; it is not presented again`);
    return value;
  }

  /**
   * VERIFY with the operator's PIN in the current session. The first time, only while at least
   * 2 tries remain, so that a mistyped --auth-pin/--sign-pin can never block the card.
   */
  async verifyOperatorPin(pin: PinName): Promise<Exchange> {
    const value = this.operatorPin(pin);
    if (this.#pinAccepted[pin] !== true) {
      const status = await this.retryQuery(pin);
      if (status.kind === 'tries' && status.left < 2) throw new CheckSkipped(`${PINS[pin].title} has ${status.left} try left: the suite does not risk it`);
      if (status.kind === 'blocked') throw new CheckSkipped(`${PINS[pin].title} is blocked`);
    } else {
      await this.selectEf(PINS[pin].pinFid);
    }
    const exchange = await this.transmit(verify({ pin: value }), { label: `VERIFY ${PINS[pin].title}`, secret: true });
    if (exchange.sw !== 0x9000) {
      if (this.#pinAccepted[pin] !== true) this.#pinAccepted[pin] = false;
      throw new CheckFailure(`VERIFY with the given ${PINS[pin].title} answered ${formatSw(exchange.sw)}`, { command: exchange.shown, expected: '9000', got: formatSw(exchange.sw) });
    }
    this.#pinAccepted[pin] = true;
    return exchange;
  }

  /** VERIFY with a PIN known to be wrong; the caller has checked the guard (`assertWrongTryAffordable`). */
  async verifyWrongPin(pin: PinName): Promise<Exchange> {
    await this.selectEf(PINS[pin].pinFid);
    return this.transmit(verify({ pin: wrongPinFor(pin, this.operatorPin(pin)) }), { label: `VERIFY ${PINS[pin].title} (deliberately wrong)`, secret: true });
  }

  /**
   * The rule for every wrong attempt: the right PIN is known and accepted (so the counter can be
   * restored), and at least 2 tries remain before the attempt.
   */
  async assertWrongTryAffordable(pin: PinName): Promise<void> {
    await this.freshSession();
    await this.verifyOperatorPin(pin);
    await this.reset();
    await this.selectAp();
    const status = await this.retryQuery(pin);
    if (status.kind !== 'tries' || status.left < 2) throw new CheckSkipped(`${PINS[pin].title}: ${describePinStatus(status)} after a successful VERIFY; no wrong attempt is risked`);
  }

  /** Brings the counter back to its maximum with the right PIN (after a deliberate wrong try). */
  async restoreCounter(pin: PinName): Promise<void> {
    await this.freshSession();
    await this.verifyOperatorPin(pin);
  }

  async computeSignature(input: Uint8Array, label = 'COMPUTE DIGITAL SIGNATURE'): Promise<Exchange> {
    return this.transmit(computeDigitalSignature({ digestInfo: input, le: 256 }), { label });
  }

  /** SELECT of some other application, so that the JPKI-AP is deselected; undefined when none exists. */
  async selectOtherApplication(): Promise<string | undefined> {
    const candidates: readonly { readonly aid: Uint8Array; readonly command: Uint8Array }[] = [
      ...[globalPlatformApplications.issuerSecurityDomain, globalPlatformApplications.legacyIssuerSecurityDomain].map((aid) => ({ aid, command: selectGp({ nextOccurrence: false, aid, le: 256 }) })),
      ...[jpkiApApplications.cardInfoAp, jpkiApApplications.textAp, jpkiApApplications.visualAp].map((aid) => ({ aid, command: selectApplication({ aid }) })),
    ];
    for (const candidate of candidates) {
      const exchange = await this.transmit(candidate.command, { label: 'SELECT other application' });
      if (exchange.sw === 0x9000) return bytesToHex(candidate.aid);
    }
    return undefined;
  }

  publicKeyOf(pin: PinName): KeyObject {
    const certificate = this.certificates[pin];
    if (certificate === undefined) throw new CheckSkipped(`the ${pin} certificate was not read (see certificate.${pin}.decode)`);
    return publicKeyOfCertificate(certificate);
  }
}

/** SubjectPublicKeyInfo of a DER certificate (generated codec) as a node:crypto key. */
export function publicKeyOfCertificate(der: Uint8Array): KeyObject {
  const spki = encodeSubjectPublicKeyInfo(decodeCertificate(der).tbsCertificate.subjectPublicKeyInfo);
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

/** Length of the DER object that starts `head` (tag, then a short or 1–2 byte long length). */
function derLength(head: Uint8Array, fid: string): number {
  const first = head[1];
  if (head[0] !== 0x30 || first === undefined) throw new CheckFailure(`EF ${fid} does not start with a DER SEQUENCE`, { expected: '30 …', got: bytesToHex(head) });
  if (first < 0x80) return first + 2;
  if (first === 0x81 && head.length >= 3) return (head[2] ?? 0) + 3;
  if (first === 0x82 && head.length >= 4) return (((head[2] ?? 0) << 8) | (head[3] ?? 0)) + 4;
  throw new CheckFailure(`EF ${fid} has a DER length the JPKI-AP does not use`, { expected: '30 82 xx xx', got: bytesToHex(head) });
}

/**
 * A PIN of the right format that differs from the right one in its last character only: a digit
 * advances by one (9 → 0), a letter to the next (Z → A). Always a different, well-formed value.
 */
export function wrongPinFor(_pin: PinName, right: string): string {
  const last = right.at(-1) ?? '0';
  const changed = /[0-9]/.test(last) ? String((Number(last) + 1) % 10) : last === 'Z' ? 'A' : String.fromCharCode(last.charCodeAt(0) + 1);
  return `${right.slice(0, -1)}${changed}`;
}
