/**
 * GET DATA [specific] on the ARA-M side: the access rule for one (target, device app) reference,
 * after the conflict resolution SEAC v1.1 §3.2.1 asks the ARA-M to apply for this command ("the
 * ARA-M (when using GET DATA [Specific]) … shall set the result of SearchRuleFor(DeviceApplication
 * Certificate, AID) to NEVER" when the AID is bound to another app's hash — the spec text as quoted
 * in Android's AccessRuleCache). The phone's enforcer resolves the GET DATA [all] rules on its own.
 */
import type { ArDo, RefDo } from '../../../generated/apdu/ara-m.js';
import { bytesToHex } from '../../../runtime/index.js';
import { refDoKey } from './access-rule-objects.js';
import type { AccessRuleStore } from './access-rule-store.js';

/** The AR-DO the ARA-M answers when a specific rule binds the target to another app: APDU and NFC never. */
export const NEVER_AR_DO: ArDo = { apduArDo: Uint8Array.of(0x00), nfcArDo: 'never' };

const EMPTY = new Uint8Array(0);

/** The AR-DO that applies to the reference, or undefined when no rule reaches it (6A88). */
export function specificAccessRule(store: AccessRuleStore, reference: RefDo): ArDo | undefined {
  const hash = reference.deviceAppIdRefDo ?? EMPTY;
  const target: Pick<RefDo, 'aidRefDo' | 'implicitAidRefDo'> =
    reference.implicitAidRefDo !== undefined ? { implicitAidRefDo: EMPTY } : { aidRefDo: reference.aidRefDo ?? EMPTY };
  const allTargets = { aidRefDo: EMPTY };
  const rules = store.rules().map((rule) => ({ key: refDoKey(rule.refDo), refDo: rule.refDo, arDo: rule.arDo }));
  const find = (refDo: RefDo): ArDo | undefined => rules.find((rule) => rule.key === refDoKey(refDo))?.arDo;
  const withPackage = reference.pkgRefDo === undefined ? {} : { pkgRefDo: reference.pkgRefDo };
  const specificTarget = target.implicitAidRefDo !== undefined || (target.aidRefDo?.length ?? 0) > 0;

  if (hash.length > 0) {
    const forApp = find({ ...target, deviceAppIdRefDo: hash, ...withPackage }) ?? find({ ...target, deviceAppIdRefDo: hash });
    if (forApp !== undefined) return forApp;
    if (specificTarget && rules.some((rule) => sameTarget(rule.refDo, target) && (rule.refDo.deviceAppIdRefDo?.length ?? 0) > 0)) return NEVER_AR_DO;
  }
  const forAllApps = find({ ...target, deviceAppIdRefDo: EMPTY });
  if (forAllApps !== undefined) return forAllApps;
  if (!specificTarget) return undefined;
  if (hash.length > 0) {
    const anyTarget = find({ ...allTargets, deviceAppIdRefDo: hash, ...withPackage }) ?? find({ ...allTargets, deviceAppIdRefDo: hash });
    if (anyTarget !== undefined) return anyTarget;
    if (rules.some((rule) => sameTarget(rule.refDo, allTargets) && (rule.refDo.deviceAppIdRefDo?.length ?? 0) > 0)) return NEVER_AR_DO;
  }
  return find({ ...allTargets, deviceAppIdRefDo: EMPTY });
}

function sameTarget(refDo: RefDo, target: Pick<RefDo, 'aidRefDo' | 'implicitAidRefDo'>): boolean {
  if (target.implicitAidRefDo !== undefined) return refDo.implicitAidRefDo !== undefined;
  return refDo.aidRefDo !== undefined && bytesToHex(refDo.aidRefDo) === bytesToHex(target.aidRefDo ?? EMPTY);
}
