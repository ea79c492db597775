/**
 * The Access Control Enforcer's decision over the rules it read from the ARA-M (GP SE Access
 * Control v1.1 §3.2.1, as Android's SecureElement service applies it in AccessRuleCache):
 *
 *   A. a rule for (this AID, one of the app's certificate hashes) wins;
 *   else NEVER if a rule binds this AID to some other app's hash (specific over generic);
 *   B. a rule for (this AID, all device apps);
 *   C. a rule for (all AIDs, one of the app's hashes);
 *   else NEVER if an all-AIDs rule names some other app's hash;
 *   D. a rule for (all AIDs, all device apps);
 *   otherwise no rule: NEVER.
 *
 * Rules under the same reference merge to the more restrictive; a missing APDU rule is NEVER; a
 * missing NFC rule follows the APDU decision (allowed when filters are given).
 */
import type { ArDo, RefArDo, RefDo } from '../../../generated/apdu/ara-m.js';
import { bytesToHex } from '../../../runtime/index.js';

/** A device (phone) application as the enforcer identifies it. */
export interface DeviceApplication {
  /** Hashes of its signing certificate(s): SHA-256 and/or SHA-1 (DeviceAppID-REF-DO values). */
  readonly certificateHashes: readonly Uint8Array[];
  /** Android package name, matched against PKG-REF-DO. */
  readonly packageName?: string;
}

/** One APDU filter of an APDU-AR-DO: a command passes when (header AND mask) equals the filter's header. */
export interface ApduFilter {
  readonly header: Uint8Array;
  readonly mask: Uint8Array;
}

export type SearchStep = 'A' | 'conflict-A' | 'B' | 'C' | 'conflict-C' | 'D' | 'none';

export interface AccessDecision {
  /** APDU access over OMAPI: always, never, or only commands matching `filters`. */
  readonly apdu: 'always' | 'never' | 'filtered';
  readonly filters: readonly ApduFilter[];
  /** Whether the app may receive the applet's NFC (contactless) events. */
  readonly nfcEvents: boolean;
  /** Which search step decided (A–D, a conflict, or none). */
  readonly step: SearchStep;
  readonly reason: string;
}

type Access = 'allowed' | 'denied' | undefined;

/** One reference's merged access, before the missing-rule defaults apply. */
interface MergedAccess {
  apdu: Access;
  filters: ApduFilter[] | undefined;
  nfc: Access;
}

interface CachedRule {
  readonly target: string;
  readonly hash: string;
  readonly packageName: string | undefined;
  readonly access: MergedAccess;
}

const ALL_TARGETS = '4F:';
const IMPLICIT_TARGET = 'C0';

/** The rule cache an enforcer builds from GET DATA [all]: rules keyed and merged by reference. */
export class AccessRuleCache {
  readonly #rules = new Map<string, CachedRule>();

  constructor(rules: readonly RefArDo[]) {
    for (const rule of rules) this.#put(rule.refDo, rule.arDo);
  }

  get size(): number {
    return this.#rules.size;
  }

  #put(refDo: RefDo, arDo: ArDo): void {
    const target = refDo.implicitAidRefDo !== undefined ? IMPLICIT_TARGET : `4F:${bytesToHex(refDo.aidRefDo ?? new Uint8Array(0))}`;
    const hash = bytesToHex(refDo.deviceAppIdRefDo ?? new Uint8Array(0));
    const key = `${target}|${hash}|${refDo.pkgRefDo ?? ''}`;
    const access = accessOf(arDo);
    const existing = this.#rules.get(key);
    this.#rules.set(key, { target, hash, packageName: refDo.pkgRefDo, access: existing === undefined ? access : mergeRestrictive(existing.access, access) });
  }

  /** The decision for a device app reaching the SE application `aid` (null: the default, implicitly selected one). */
  decide(aid: Uint8Array | null, app: DeviceApplication): AccessDecision {
    const target = aid === null ? IMPLICIT_TARGET : `4F:${bytesToHex(aid)}`;
    const hashes = new Set(app.certificateHashes.filter((hash) => hash.length > 0).map(bytesToHex));
    const rules = [...this.#rules.values()];
    const matchesApp = (rule: CachedRule): boolean => hashes.has(rule.hash) && (rule.packageName === undefined || rule.packageName === app.packageName);
    const merged = (found: CachedRule[]): MergedAccess | undefined => found.map((rule) => rule.access).reduce<MergedAccess | undefined>((sum, access) => (sum === undefined ? { ...access } : mergeRestrictive(sum, access)), undefined);

    const stepA = merged(rules.filter((rule) => rule.target === target && rule.hash !== '' && matchesApp(rule)));
    if (stepA !== undefined) return finish(stepA, 'A', 'a rule for this applet and the app\'s certificate');
    if (target !== ALL_TARGETS && rules.some((rule) => rule.target === target && rule.hash !== '')) {
      return never('conflict-A', 'the applet is bound to another app\'s certificate');
    }
    const stepB = merged(rules.filter((rule) => rule.target === target && rule.hash === ''));
    if (stepB !== undefined) return finish(stepB, 'B', 'a rule for this applet and all apps');
    const stepC = merged(rules.filter((rule) => rule.target === ALL_TARGETS && rule.hash !== '' && matchesApp(rule)));
    if (stepC !== undefined) return finish(stepC, 'C', 'a rule for all applets and the app\'s certificate');
    if (rules.some((rule) => rule.target === ALL_TARGETS && rule.hash !== '')) {
      return never('conflict-C', 'an all-applets rule is bound to another app\'s certificate');
    }
    const stepD = merged(rules.filter((rule) => rule.target === ALL_TARGETS && rule.hash === ''));
    if (stepD !== undefined) return finish(stepD, 'D', 'a rule for all applets and all apps');
    return never('none', 'no access rule applies');
  }
}

function accessOf(arDo: ArDo): MergedAccess {
  const apdu = arDo.apduArDo;
  let apduAccess: Access;
  let filters: ApduFilter[] | undefined;
  if (apdu === undefined) apduAccess = undefined;
  else if (apdu.length === 1) apduAccess = apdu[0] === 0x01 ? 'allowed' : 'denied';
  else {
    apduAccess = undefined;
    filters = [];
    for (let offset = 0; offset + 8 <= apdu.length; offset += 8) filters.push({ header: apdu.slice(offset, offset + 4), mask: apdu.slice(offset + 4, offset + 8) });
  }
  const nfc: Access = arDo.nfcArDo === undefined ? undefined : arDo.nfcArDo === 'always' ? 'allowed' : 'denied';
  return { apdu: apduAccess, filters, nfc };
}

/** Two rules under one reference: NEVER wins; filters add up; always with filters is filtered. */
function mergeRestrictive(left: MergedAccess, right: MergedAccess): MergedAccess {
  const apdu: Access = left.apdu === 'denied' || right.apdu === 'denied' ? 'denied' : left.apdu ?? right.apdu;
  const filters = apdu === 'denied' ? undefined : left.filters === undefined ? right.filters : right.filters === undefined ? left.filters : [...left.filters, ...right.filters];
  const nfc: Access = left.nfc === 'denied' || right.nfc === 'denied' ? 'denied' : left.nfc ?? right.nfc;
  return { apdu, filters, nfc };
}

function finish(access: MergedAccess, step: SearchStep, reason: string): AccessDecision {
  const filtered = access.apdu !== 'denied' && access.filters !== undefined && access.filters.length > 0;
  const apdu = filtered ? 'filtered' : access.apdu === 'allowed' ? 'always' : 'never';
  const nfcEvents = access.nfc === undefined ? apdu !== 'never' : access.nfc === 'allowed';
  return { apdu, filters: filtered ? (access.filters ?? []) : [], nfcEvents, step, reason: apdu === 'never' && access.apdu === undefined ? `${reason}, without an APDU rule` : reason };
}

function never(step: SearchStep, reason: string): AccessDecision {
  return { apdu: 'never', filters: [], nfcEvents: false, step, reason };
}

/**
 * Why a rule read from the ARA-M cannot be used, or undefined when it can (SEAC v1.1 Tables 6-3 to
 * 6-8). The enforcer refuses the whole rule set rather than guess: a REF-DO without its target would
 * otherwise read as "all applets".
 */
export function unusableRuleReason(rule: RefArDo): string | undefined {
  const { refDo, arDo } = rule;
  if ((refDo.aidRefDo === undefined) === (refDo.implicitAidRefDo === undefined)) return 'a REF-DO needs exactly one of AID-REF-DO (4F) and C0';
  const aidLength = refDo.aidRefDo?.length ?? 0;
  if (aidLength !== 0 && (aidLength < 5 || aidLength > 16)) return `an AID-REF-DO of ${aidLength} bytes`;
  if (refDo.deviceAppIdRefDo === undefined) return 'a REF-DO without DeviceAppID-REF-DO (C1)';
  if (![0, 20, 32].includes(refDo.deviceAppIdRefDo.length)) return `a DeviceAppID-REF-DO of ${refDo.deviceAppIdRefDo.length} bytes`;
  if (refDo.unknown !== undefined) return 'a REF-DO with objects the enforcer does not know';
  const apdu = arDo.apduArDo;
  if (apdu !== undefined && (apdu.length === 1 ? apdu[0] !== 0 && apdu[0] !== 1 : apdu.length % 8 !== 0)) return `an APDU-AR-DO of ${apdu.length} bytes (${bytesToHex(apdu.subarray(0, 8))}…)`;
  return undefined;
}

/** Whether a command header passes an APDU filter list (GP SEAC APDU-AR-DO: header AND mask = filter header). */
export function commandMatchesFilters(command: Uint8Array, filters: readonly ApduFilter[]): boolean {
  return filters.some((filter) => [0, 1, 2, 3].every((index) => ((command[index] ?? 0) & (filter.mask[index] ?? 0)) === (filter.header[index] ?? 0)));
}
