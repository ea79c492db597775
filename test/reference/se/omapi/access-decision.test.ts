/**
 * The enforcer's decisions against a decision table written by hand from the SEAC v1.1 §3.2.1 text
 * (as quoted in Android's AccessRuleCache): specific AID over all AIDs, a certificate hash over all
 * apps, a target bound to another app's hash is NEVER, a missing APDU rule is NEVER, a missing NFC
 * rule follows the APDU decision. Then a second, independent implementation — the ARA-M's own
 * GET DATA [specific] resolution — is compared with the enforcer on random rule sets.
 */
import { describe, expect, it } from 'vitest';
import { getSpecificRule, parseGetSpecificRuleResponse, type ArDo, type RefArDo } from '../../../../generated/apdu/ara-m.js';
import { AraMApplet, AraMAppletClass, ARA_M_INSTANCE_AID, commandStoreRefArDo, jpkiAccessRules, JPKI_AP_AID } from '../../../../reference/se/ara-m/index.js';
import { AccessRuleCache, commandMatchesFilters, type DeviceApplication } from '../../../../reference/se/omapi/index.js';
import { hexToBytes } from '../../../../runtime/index.js';
import { pick, seededRandom } from '../../../helpers/random.js';
import { AppletHarness } from '../ara-m/applet-harness.js';

const hash = (label: number, length = 32): Uint8Array => Uint8Array.from({ length }, (_, index) => (label * 37 + index) & 0xff);
const M = hash(1); // the Mynaportal app's SHA-256
const M1 = hash(1, 20); // … and a SHA-1 of it
const V = hash(2); // a verifier's app
const X = hash(3); // any other app
const OTHER = hexToBytes('A000000063504B43532D3135');
const EMPTY = new Uint8Array(0);

const app = (hashes: Uint8Array[], packageName?: string): DeviceApplication => ({ certificateHashes: hashes, ...(packageName === undefined ? {} : { packageName }) });
const rule = (aid: Uint8Array | 'C0', deviceApp: Uint8Array, arDo: ArDo, packageName?: string): RefArDo => ({
  refDo: { ...(aid === 'C0' ? { implicitAidRefDo: EMPTY } : { aidRefDo: aid }), deviceAppIdRefDo: deviceApp, ...(packageName === undefined ? {} : { pkgRefDo: packageName }) },
  arDo,
});
const ALWAYS: ArDo = { apduArDo: Uint8Array.of(1) };
const NEVER: ArDo = { apduArDo: Uint8Array.of(0) };
const FILTERS: ArDo = { apduArDo: hexToBytes('00A40400FFFFFF0080A00000FFFF0000') };

const ruleSets: Record<string, RefArDo[]> = {
  jpki: jpkiAccessRules({ allowedAppCertificateHashes: [M] }),
  jpkiWithoutDeny: [rule(JPKI_AP_AID, M, ALWAYS)],
  generic: [rule(EMPTY, EMPTY, ALWAYS)],
  genericAndJpki: [rule(EMPTY, EMPTY, ALWAYS), rule(JPKI_AP_AID, M, ALWAYS)],
  allAidsForV: [rule(EMPTY, V, ALWAYS)],
  allAidsForVAndGeneric: [rule(EMPTY, V, ALWAYS), rule(EMPTY, EMPTY, ALWAYS)],
  filtered: [rule(JPKI_AP_AID, M, FILTERS)],
  nfcOnly: [rule(JPKI_AP_AID, M, { nfcArDo: 'always' })],
  jpkiAllAppsNoNfc: [rule(JPKI_AP_AID, EMPTY, { apduArDo: Uint8Array.of(1), nfcArDo: 'never' })],
  implicit: [rule('C0', M, ALWAYS)],
  withPackage: [rule(JPKI_AP_AID, M, ALWAYS, 'jp.go.example.mynaportal')],
  duplicatesNever: [rule(JPKI_AP_AID, M, ALWAYS), rule(JPKI_AP_AID, M, NEVER)],
  duplicatesFilter: [rule(JPKI_AP_AID, M, { apduArDo: Uint8Array.of(1), nfcArDo: 'always' }), rule(JPKI_AP_AID, M, { ...FILTERS, nfcArDo: 'never' })],
  explicitNeverAndGeneric: [rule(JPKI_AP_AID, M, NEVER), rule(EMPTY, EMPTY, ALWAYS)],
  none: [],
};

type Row = readonly [ruleSet: string, who: DeviceApplication, aid: Uint8Array | null, apdu: 'always' | 'never' | 'filtered', nfc: boolean, step: string];

// Written from the spec text, not from the implementation.
const table: readonly Row[] = [
  ['jpki', app([M, M1]), JPKI_AP_AID, 'always', true, 'A'],
  ['jpki', app([M1]), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['jpki', app([X]), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['jpki', app([]), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['jpki', app([M]), OTHER, 'never', false, 'none'],
  ['jpkiWithoutDeny', app([X]), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['jpkiWithoutDeny', app([M]), JPKI_AP_AID, 'always', true, 'A'],
  ['generic', app([X]), OTHER, 'always', true, 'D'],
  ['generic', app([X]), null, 'always', true, 'D'],
  ['genericAndJpki', app([X]), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['genericAndJpki', app([X]), OTHER, 'always', true, 'D'],
  ['genericAndJpki', app([M]), JPKI_AP_AID, 'always', true, 'A'],
  ['allAidsForV', app([V]), OTHER, 'always', true, 'C'],
  ['allAidsForV', app([V]), JPKI_AP_AID, 'always', true, 'C'],
  ['allAidsForV', app([X]), OTHER, 'never', false, 'conflict-C'],
  ['allAidsForVAndGeneric', app([X]), OTHER, 'never', false, 'conflict-C'],
  ['allAidsForVAndGeneric', app([V]), OTHER, 'always', true, 'C'],
  ['filtered', app([M]), JPKI_AP_AID, 'filtered', true, 'A'],
  ['filtered', app([X]), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['nfcOnly', app([M]), JPKI_AP_AID, 'never', true, 'A'],
  ['jpkiAllAppsNoNfc', app([X]), JPKI_AP_AID, 'always', false, 'B'],
  ['implicit', app([M]), null, 'always', true, 'A'],
  ['implicit', app([M]), JPKI_AP_AID, 'never', false, 'none'],
  ['implicit', app([X]), null, 'never', false, 'conflict-A'],
  ['withPackage', app([M], 'jp.go.example.mynaportal'), JPKI_AP_AID, 'always', true, 'A'],
  ['withPackage', app([M], 'jp.example.impostor'), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['withPackage', app([M]), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['duplicatesNever', app([M]), JPKI_AP_AID, 'never', false, 'A'],
  ['duplicatesFilter', app([M]), JPKI_AP_AID, 'filtered', false, 'A'],
  ['explicitNeverAndGeneric', app([M]), JPKI_AP_AID, 'never', false, 'A'],
  ['explicitNeverAndGeneric', app([X]), JPKI_AP_AID, 'never', false, 'conflict-A'],
  ['explicitNeverAndGeneric', app([X]), OTHER, 'always', true, 'D'],
  ['none', app([M]), JPKI_AP_AID, 'never', false, 'none'],
];

describe('access decisions (SEAC §3.2.1)', () => {
  it.each(table.map((row, index) => [index, ...row] as const))('row %i: %s', (_index, ruleSet, who, aid, apdu, nfc, step) => {
    const decision = new AccessRuleCache(ruleSets[ruleSet] ?? []).decide(aid, who);
    expect({ apdu: decision.apdu, nfc: decision.nfcEvents, step: decision.step }).toEqual({ apdu, nfc, step });
    expect(decision.reason.length).toBeGreaterThan(0);
  });

  it('passes a command only when its header AND the mask equals a filter header', () => {
    const decision = new AccessRuleCache(ruleSets['filtered'] ?? []).decide(JPKI_AP_AID, app([M]));
    expect(decision.filters).toHaveLength(2);
    expect(commandMatchesFilters(hexToBytes('00A4040C02'), decision.filters)).toBe(true);
    expect(commandMatchesFilters(hexToBytes('00A40000'), decision.filters)).toBe(false);
    expect(commandMatchesFilters(hexToBytes('80A0123400'), decision.filters)).toBe(true);
    expect(commandMatchesFilters(hexToBytes('80A1000000'), decision.filters)).toBe(false);
    expect(commandMatchesFilters(hexToBytes('00B0000000'), decision.filters)).toBe(false);
  });
});

describe('the enforcer and the ARA-M agree (two implementations of §3.2.1)', () => {
  it('on 400 random rule sets, GET DATA [specific] answers what the enforcer decides from GET DATA [all]', async () => {
    const random = seededRandom(0x5eac_0321);
    const aids: (Uint8Array | 'C0')[] = [JPKI_AP_AID, OTHER, 'C0'];
    const targets: (Uint8Array | 'C0')[] = [...aids, EMPTY];
    const apps = [M, V, X];
    const arDos: ArDo[] = [ALWAYS, NEVER, FILTERS, { nfcArDo: 'always' }, { apduArDo: Uint8Array.of(1), nfcArDo: 'never' }, { apduArDo: Uint8Array.of(0), nfcArDo: 'always' }];
    let compared = 0;
    for (let round = 0; round < 400; round += 1) {
      const applet = new AraMAppletClass().install(ARA_M_INSTANCE_AID, EMPTY) as AraMApplet;
      const harness = new AppletHarness(applet);
      harness.select();
      const count = Math.floor(random() * 5);
      for (let index = 0; index < count; index += 1) {
        await harness.storeData(commandStoreRefArDo(rule(pick(random, targets), pick(random, [...apps, EMPTY]), pick(random, arDos))));
      }
      const cache = new AccessRuleCache(applet.rules());
      for (const aid of aids) {
        for (const deviceApp of apps) {
          const response = parseGetSpecificRuleResponse(
            await harness.send(getSpecificRule({ refDo: { ...(aid === 'C0' ? { implicitAidRefDo: EMPTY } : { aidRefDo: aid }), deviceAppIdRefDo: deviceApp } })),
          );
          const fromAraM = response.sw === 0x6a88 ? { apdu: 'never', nfc: false } : decisionOf(response.fields?.responseAr.arDo ?? {});
          const decision = cache.decide(aid === 'C0' ? null : aid, app([deviceApp]));
          expect({ apdu: decision.apdu, nfc: decision.nfcEvents }).toEqual(fromAraM);
          compared += 1;
        }
      }
    }
    expect(compared).toBe(400 * 9);
  });
});

/** The defaults GP SEAC v1.1 gives a bare AR-DO: no APDU rule is never; no NFC rule follows the APDU rule. */
function decisionOf(arDo: ArDo): { apdu: string; nfc: boolean } {
  const apduRule = arDo.apduArDo;
  const apdu = apduRule === undefined ? 'never' : apduRule.length > 1 ? 'filtered' : apduRule[0] === 1 ? 'always' : 'never';
  const nfc = arDo.nfcArDo === undefined ? apdu !== 'never' : arDo.nfcArDo === 'always';
  return { apdu, nfc };
}
