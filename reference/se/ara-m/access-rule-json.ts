/**
 * The SP-TSM's JSON view of one rule (spec/messages/tsm/access-rule.yaml, generated type AccessRule)
 * and the REF-AR-DO the ARA-M stores, in both directions. The JSON view always names one device app
 * by its certificate hash; rules for all device apps (C1 empty) have no JSON form.
 */
import type { ArDo, RefArDo, RefDo } from '../../../generated/apdu/ara-m.js';
import type { AccessRule } from '../../../generated/messages/types.js';
import { bytesToHex, concatBytes, hexToBytes, JpkigenError } from '../../../runtime/index.js';

export class AccessRuleJsonError extends JpkigenError {
  constructor(message: string) {
    super('ACCESS_RULE_JSON', message);
  }
}

export function accessRuleToRefArDo(rule: AccessRule): RefArDo {
  const refDo: RefDo = {
    aidRefDo: hexToBytes(rule.aid),
    deviceAppIdRefDo: hexToBytes(rule.deviceAppIdHash),
    ...(rule.packageName === undefined ? {} : { pkgRefDo: rule.packageName }),
  };
  let apduArDo: Uint8Array;
  if (rule.apduAccess === 'filtered') {
    const filters = rule.apduFilters ?? [];
    if (filters.length === 0) throw new AccessRuleJsonError('apduAccess filtered needs apduFilters');
    apduArDo = concatBytes(...filters.flatMap((filter) => [hexToBytes(filter.header), hexToBytes(filter.mask)]));
  } else {
    apduArDo = Uint8Array.of(rule.apduAccess === 'always' ? 0x01 : 0x00);
  }
  const arDo: ArDo = { apduArDo, ...(rule.nfcAccess === undefined ? {} : { nfcArDo: rule.nfcAccess }) };
  return { refDo, arDo };
}

/** The JSON view of a stored rule; undefined for what it cannot express (all device apps, the implicit AID, no APDU rule). */
export function refArDoToAccessRule(rule: RefArDo): AccessRule | undefined {
  const { refDo, arDo } = rule;
  if (refDo.aidRefDo === undefined || refDo.deviceAppIdRefDo === undefined || refDo.deviceAppIdRefDo.length === 0) return undefined;
  const apdu = arDo.apduArDo;
  if (apdu === undefined) return undefined;
  const base = {
    aid: bytesToHex(refDo.aidRefDo),
    deviceAppIdHash: bytesToHex(refDo.deviceAppIdRefDo),
    ...(refDo.pkgRefDo === undefined ? {} : { packageName: refDo.pkgRefDo }),
    ...(arDo.nfcArDo === undefined ? {} : { nfcAccess: arDo.nfcArDo }),
  };
  if (apdu.length === 1) return { ...base, apduAccess: apdu[0] === 0x01 ? 'always' : 'never' };
  const apduFilters: { header: string; mask: string }[] = [];
  for (let offset = 0; offset + 8 <= apdu.length; offset += 8) {
    apduFilters.push({ header: bytesToHex(apdu.subarray(offset, offset + 4)), mask: bytesToHex(apdu.subarray(offset + 4, offset + 8)) });
  }
  return { ...base, apduAccess: 'filtered', apduFilters };
}
