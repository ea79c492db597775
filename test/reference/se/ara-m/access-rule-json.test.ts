/**
 * The SP-TSM's JSON view of a rule (spec/messages/tsm/access-rule.yaml) against the ARA-M's data
 * objects (spec/apdu/ara-m.yaml): the two specs' examples must describe the same bytes, and every
 * rule the JSON view can express goes through the ARA-M and back unchanged.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseAccessRule } from '../../../../generated/messages/index.js';
import type { AccessRule } from '../../../../generated/messages/types.js';
import {
  accessRuleToRefArDo,
  AraMApplet,
  AraMAppletClass,
  ARA_M_INSTANCE_AID,
  commandStoreRefArDo,
  jpkiAccessRules,
  refArDoToAccessRule,
} from '../../../../reference/se/ara-m/index.js';
import { bytesToHex, hexToBytes } from '../../../../runtime/index.js';
import { AppletHarness } from './applet-harness.js';

const messageSpec = parseYaml(readFileSync(new URL('../../../../spec/messages/tsm/access-rule.yaml', import.meta.url), 'utf8')) as { examples: unknown[] };
const apduSpec = parseYaml(readFileSync(new URL('../../../../spec/apdu/ara-m.yaml', import.meta.url), 'utf8')) as { examples: { description: string; fields: Record<string, unknown> }[] };

describe('the TSM JSON view of an access rule', () => {
  it('encodes the JSON spec example to the very STORE DATA payload of the APDU spec example', () => {
    const first = parseAccessRule(messageSpec.examples[0]);
    const apduExample = apduSpec.examples.find((example) => example.description.includes('JPKI rule'));
    expect(bytesToHex(commandStoreRefArDo(accessRuleToRefArDo(first)))).toBe(String(apduExample?.fields['command']));
  });

  it('takes every JSON example through the ARA-M (STORE DATA, GET DATA [all]) and back unchanged', async () => {
    const applet = new AraMAppletClass().install(ARA_M_INSTANCE_AID, new Uint8Array(0)) as AraMApplet;
    const harness = new AppletHarness(applet);
    const examples = messageSpec.examples.map((example) => parseAccessRule(example));
    for (const example of examples) expect((await harness.storeData(commandStoreRefArDo(accessRuleToRefArDo(example)))).sw).toBe(0x9000);
    const back = applet.rules().map(refArDoToAccessRule);
    expect(back).toEqual(examples);
    for (const rule of back) expect(() => parseAccessRule(rule)).not.toThrow();
  });

  it('has no JSON form for the deny-all-other-apps rule (C1 empty), which jpkiAccessRules adds', () => {
    const [allow, denyOthers] = jpkiAccessRules({ allowedAppCertificateHashes: [hexToBytes('11'.repeat(32))] });
    expect(allow === undefined ? undefined : refArDoToAccessRule(allow)).toEqual({ aid: 'D392F000260100000001', deviceAppIdHash: '11'.repeat(32), apduAccess: 'always', nfcAccess: 'always' } satisfies AccessRule);
    expect(denyOthers === undefined ? 'missing' : refArDoToAccessRule(denyOthers)).toBeUndefined();
  });

  it('agrees with the ARA-M table on how many APDU filters fit: 31 of 8 bytes in the 248-byte APDU-AR-DO', () => {
    const rule = (count: number): AccessRule => ({
      aid: 'D392F000260100000001',
      deviceAppIdHash: '22'.repeat(32),
      apduAccess: 'filtered',
      apduFilters: Array.from({ length: count }, () => ({ header: '00B00000', mask: 'FFFF0000' })),
    });
    expect(() => commandStoreRefArDo(accessRuleToRefArDo(parseAccessRule(rule(31))))).not.toThrow();
    // 32 filters would need 256 bytes; the message schema stops them before the encoder has to.
    expect(() => parseAccessRule(rule(32))).toThrow(/apduFilters/);
  });
});
