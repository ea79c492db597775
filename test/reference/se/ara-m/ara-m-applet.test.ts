/**
 * The ARA-M applet through its real APDUs: rules go in as STORE DATA blocks (forwarded by the
 * security domain) and come back with GET DATA, parsed by the generated parse functions. Expected
 * bytes come from the spec's own examples (GlobalPlatformPro, pySim, aram-applet commands), not
 * from this applet's encoder.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  araMTable,
  getAllRules,
  getNextRule,
  getRefreshTag,
  getSpecificRule,
  parseGetAllRulesResponse,
  parseGetAramConfigResponse,
  parseGetNextRuleResponse,
  parseGetRefreshTagResponse,
  parseGetSpecificRuleResponse,
  storeData,
  type RefArDo,
  type ResponseAllArDo,
} from '../../../../generated/apdu/ara-m.js';
import {
  AraMApplet,
  AraMAppletClass,
  AraMStateError,
  ARA_M_INSTANCE_AID,
  commandDelete,
  commandStoreRefArDo,
  commandUpdateRefreshTag,
  jpkiAccessRules,
  jpkiAccessRuleStoreCommands,
  JPKI_AP_AID,
} from '../../../../reference/se/ara-m/index.js';
import { bytesToHex, decodeStructureTlv, decodeTlv, hexToBytes } from '../../../../runtime/index.js';
import { AppletHarness, sw } from './applet-harness.js';

interface SpecExample {
  readonly description: string;
  readonly apdu: string;
  readonly command: string;
  readonly fields: Record<string, unknown>;
}
interface SpecInvalidExample {
  readonly description: string;
  readonly apdu: string;
  readonly sw: string;
}
const spec = parseYaml(readFileSync(new URL('../../../../spec/apdu/ara-m.yaml', import.meta.url), 'utf8')) as {
  examples: SpecExample[];
  'x-invalid-examples': SpecInvalidExample[];
};
const storeExamples = spec.examples.filter((example) => example.command === 'storeData');
const exampleData = (description: string): Uint8Array => {
  const example = storeExamples.find((candidate) => candidate.description.includes(description));
  if (example === undefined) throw new Error(`no spec example '${description}'`);
  return hexToBytes(String(example.fields['command']));
};

function freshAraM(): { harness: AppletHarness; applet: AraMApplet } {
  const applet = new AraMAppletClass().install(ARA_M_INSTANCE_AID, new Uint8Array(0)) as AraMApplet;
  const harness = new AppletHarness(applet);
  harness.select();
  return { harness, applet };
}

/** GET DATA [all] then [next] until the FF40 frame's BER length is met, as Android's AccessRuleApplet reads. */
async function readAllFrame(harness: AppletHarness, le = 256, channel = 0): Promise<{ frame: Uint8Array; responses: number } | { sw: string }> {
  const first = parseGetAllRulesResponse(await harness.send(getAllRules({ le }), channel));
  if (first.sw !== 0x9000) return { sw: first.sw.toString(16).toUpperCase() };
  let frame = first.fields?.responseAll ?? new Uint8Array(0);
  const header = frame.length >= 3 ? frameLength(frame) : Number.POSITIVE_INFINITY;
  let responses = 1;
  while (frame.length < header) {
    const next = parseGetNextRuleResponse(await harness.send(getNextRule({ le }), channel));
    if (next.sw !== 0x9000) return { sw: next.sw.toString(16).toUpperCase() };
    frame = Uint8Array.from([...frame, ...(next.fields?.responseAllContinued ?? [])]);
    responses += 1;
  }
  return { frame, responses };
}

/** Total length of a BER TLV from its tag (two bytes, FF40) and length octets. */
function frameLength(frame: Uint8Array): number {
  const first = frame[2] ?? 0;
  if (first < 0x80) return 3 + first;
  const count = first & 0x7f;
  let length = 0;
  for (let index = 0; index < count; index += 1) length = length * 256 + (frame[3 + index] ?? 0);
  return 3 + count + length;
}

async function readAllRules(harness: AppletHarness): Promise<RefArDo[]> {
  const result = await readAllFrame(harness);
  if ('sw' in result) {
    if (result.sw === '6A88') return [];
    throw new Error(`GET DATA [all] answered ${result.sw}`);
  }
  const decoded = decodeStructureTlv(araMTable, 'ResponseAllArDo', decodeTlv(result.frame, 0).tlv) as ResponseAllArDo;
  return decoded.refArDo ?? [];
}

async function refreshTagOf(harness: AppletHarness): Promise<string> {
  const parsed = parseGetRefreshTagResponse(await harness.send(getRefreshTag({})));
  expect(parsed.sw).toBe(0x9000);
  const tag = parsed.fields?.refreshTag;
  expect(tag?.length).toBe(8);
  return bytesToHex(tag ?? new Uint8Array(0));
}

const sha256Hash = (seed: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, index) => (seed * 31 + index * 7) & 0xff);

/** BER-TLV in hex, written here independently of the applet's (generated) encoder. */
function tlv(tag: string, ...values: string[]): string {
  const value = values.join('');
  const length = value.length / 2;
  const lengthHex = length < 0x80 ? hex2(length) : length <= 0xff ? `81${hex2(length)}` : `82${hex2(length >> 8)}${hex2(length & 0xff)}`;
  return `${tag}${lengthHex}${value}`;
}
const hex2 = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');

describe('ARA-M: storing rules and reading them back', () => {
  it('stores the spec JPKI rule and answers GET DATA [all] with exactly that REF-AR-DO inside FF40', async () => {
    const { harness } = freshAraM();
    expect(sw(await harness.storeData(exampleData('JPKI rule')))).toBe('9000');
    const result = await readAllFrame(harness);
    expect('frame' in result).toBe(true);
    if (!('frame' in result)) return;
    // The spec example's F0 payload with its tag changed to FF40: the same REF-AR-DO, byte for byte.
    const example = bytesToHex(exampleData('JPKI rule'));
    expect(bytesToHex(result.frame)).toBe(`FF40${example.slice(2)}`);
    expect(result.responses).toBe(1);
  });

  it('jpkiAccessRules encodes the allowing rule exactly as the spec example and adds a deny-others rule', () => {
    const mynaportalHash = hexToBytes('6A1F0C2B3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8');
    const commands = jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [mynaportalHash] });
    expect(commands).toHaveLength(2);
    expect(bytesToHex(commands[0] ?? new Uint8Array(0))).toBe(bytesToHex(exampleData('JPKI rule')));
    // E1: 4F0A <JPKI-AP> C100 (all device apps); E3: D0 00 never, D1 00 never.
    expect(bytesToHex(commands[1] ?? new Uint8Array(0))).toBe('F01AE218E10E4F0AD392F000260100000001C100E306D00100D10100');
    expect(() => jpkiAccessRules({ allowedAppCertificateHashes: [new Uint8Array(16)] })).toThrow(/SHA-1 \(20\) or SHA-256 \(32\)/);
    expect(() => jpkiAccessRules({ allowedAppCertificateHashes: [] })).toThrow(/at least one/);
  });

  it('takes every STORE DATA example of the spec in sequence, with the status words SEAC gives', async () => {
    const { harness } = freshAraM();
    expect(sw(await harness.storeData(exampleData('Command-Store-REF-AR-DO')))).toBe('9000');
    expect(sw(await harness.storeData(exampleData('carrier-privilege')))).toBe('9000');
    expect(sw(await harness.storeData(exampleData('JPKI rule')))).toBe('9000');
    expect(await readAllRules(harness)).toHaveLength(3);
    expect(sw(await harness.storeData(exampleData('all rules of AID')))).toBe('9000');
    const left = await readAllRules(harness);
    expect(left.map((rule) => bytesToHex(rule.refDo.aidRefDo ?? new Uint8Array(1)))).toEqual(['', 'D392F000260100000001']);
    // The carrier-privilege rule keeps its PERM-AR-DO.
    expect(bytesToHex(left[0]?.arDo.permArDo ?? new Uint8Array(0))).toBe('0000000000000001');
    expect(sw(await harness.storeData(exampleData('delete all')))).toBe('9000');
    expect(bytesToHex(await harness.send(getAllRules({})))).toBe('FF40009000');
  });

  it('reads back the rules of pySim\'s ARA-M shell test as the real ARA-M there did', async () => {
    // osmocom/pysim tests/pySim-shell_test/ara_m: test.script stores four rules; adf_ara-m.cfg.ok is
    // what aram_get_all decoded from the card afterwards (the fourth, sent without AID-REF-DO, came
    // back as 4F00, all SE applications — stored here with 4F00 directly).
    const stored: [aid: string, hash: string, apdu: string, nfc: string][] = [
      ['FFFFFFFFFFAA', 'AA6872787654334567840DE535C2BBD5A04F0BAA', '00', '00'],
      ['FFFFFFFFFFBB', 'AA6872F28B340B2345678905D5C2BBD5A04F0BDD', '01', '01'],
      ['FFFFFFFFFFCC', 'A1234567890AAABB1F140DE987657891A04F0BDD', 'AABBCCDD01020304', '01'],
      ['', 'A1234567890123BB1F140DE987AAA891BBBF0BDD', 'AABBCCDD010203041122334405060708', '00'],
    ];
    const { harness } = freshAraM();
    expect(sw(await harness.storeData(hexToBytes('F100')))).toBe('9000');
    for (const [aid, hash, apdu, nfc] of stored) {
      const command = tlv('F0', tlv('E2', tlv('E1', tlv('4F', aid), tlv('C1', hash)), tlv('E3', tlv('D0', apdu), tlv('D1', nfc), tlv('DB', '0000000000000004'))));
      expect(sw(await harness.storeData(hexToBytes(command)))).toBe('9000');
    }
    const expected = [
      { aid: 'FFFFFFFFFFAA', hash: 'AA6872787654334567840DE535C2BBD5A04F0BAA', apdu: '00', nfc: 'never', perm: '0000000000000004' },
      { aid: 'FFFFFFFFFFBB', hash: 'AA6872F28B340B2345678905D5C2BBD5A04F0BDD', apdu: '01', nfc: 'always', perm: '0000000000000004' },
      { aid: 'FFFFFFFFFFCC', hash: 'A1234567890AAABB1F140DE987657891A04F0BDD', apdu: 'AABBCCDD01020304', nfc: 'always', perm: '0000000000000004' },
      { aid: '', hash: 'A1234567890123BB1F140DE987AAA891BBBF0BDD', apdu: 'AABBCCDD010203041122334405060708', nfc: 'never', perm: '0000000000000004' },
    ];
    const readBack = (await readAllRules(harness)).map((rule) => ({
      aid: bytesToHex(rule.refDo.aidRefDo ?? Uint8Array.of(0xff)),
      hash: bytesToHex(rule.refDo.deviceAppIdRefDo ?? new Uint8Array(0)),
      apdu: bytesToHex(rule.arDo.apduArDo ?? new Uint8Array(0)),
      nfc: rule.arDo.nfcArDo,
      perm: bytesToHex(rule.arDo.permArDo ?? new Uint8Array(0)),
    }));
    expect(readBack).toEqual(expected);
  });

  it('chains a Response-ALL-AR-DO of many rules over GET DATA [next], for any Le', async () => {
    const { harness } = freshAraM();
    const rules = Array.from({ length: 60 }, (_, index): RefArDo => ({
      refDo: { aidRefDo: JPKI_AP_AID, deviceAppIdRefDo: sha256Hash(index) },
      arDo: { apduArDo: Uint8Array.of(0x01), nfcArDo: index % 2 === 0 ? 'always' : 'never' },
    }));
    for (const rule of rules) expect(sw(await harness.storeData(commandStoreRefArDo(rule)))).toBe('9000');
    for (const le of [256, 255, 100, 16, 5]) {
      const result = await readAllFrame(harness, le);
      if (!('frame' in result)) throw new Error(`chaining failed with ${result.sw}`);
      // 60 rules of E2 38 { E1 2E {4F 0A …, C1 20 …}, E3 06 {…} } = 58 bytes each, after FF40 82 0D98.
      expect(result.frame.length).toBe(5 + 60 * 58);
      expect(result.responses).toBe(Math.ceil(result.frame.length / le));
      const decoded = decodeStructureTlv(araMTable, 'ResponseAllArDo', decodeTlv(result.frame, 0).tlv) as ResponseAllArDo;
      expect(decoded.refArDo?.map((rule) => bytesToHex(rule.refDo.deviceAppIdRefDo ?? new Uint8Array(0)))).toEqual(rules.map((rule) => bytesToHex(rule.refDo.deviceAppIdRefDo ?? new Uint8Array(0))));
      expect(decoded.refArDo?.map((rule) => rule.arDo.nfcArDo)).toEqual(rules.map((rule) => rule.arDo.nfcArDo));
    }
    // Everything read: GET DATA [next] has nothing left (6985), as without a GET DATA [all] before it.
    expect(sw(await harness.send(getNextRule({})))).toBe('6985');
  });

  it('keeps a GET DATA [all] sequence per logical channel, and 6984 when the rules change in the middle', async () => {
    const { harness } = freshAraM();
    for (let index = 0; index < 10; index += 1) {
      await harness.storeData(commandStoreRefArDo({ refDo: { aidRefDo: JPKI_AP_AID, deviceAppIdRefDo: sha256Hash(index) }, arDo: { apduArDo: Uint8Array.of(1) } }));
    }
    expect(sw(await harness.send(getAllRules({ le: 100 }), 1))).toBe('9000');
    expect(sw(await harness.send(getNextRule({}), 2))).toBe('6985');
    expect(sw(await harness.send(getAllRules({ le: 100 }), 2))).toBe('9000');
    expect(sw(await harness.send(getNextRule({ le: 100 }), 1))).toBe('9000');
    await harness.storeData(commandUpdateRefreshTag());
    expect(sw(await harness.send(getNextRule({ le: 100 }), 1))).toBe('6984');
    expect(sw(await harness.send(getNextRule({ le: 100 }), 2))).toBe('6984');
    // Reselecting, or a reset, drops what was pending.
    expect(sw(await harness.send(getAllRules({ le: 100 })))).toBe('9000');
    harness.select();
    expect(sw(await harness.send(getNextRule({})))).toBe('6985');
    expect(sw(await harness.send(getAllRules({ le: 100 })))).toBe('9000');
    harness.applet.reset();
    expect(sw(await harness.send(getNextRule({})))).toBe('6985');
  });
});

describe('ARA-M: deleting rules', () => {
  const mynaportal = sha256Hash(1);
  const verifierApp = sha256Hash(2);
  const otherAid = hexToBytes('A000000600010001EE05FE');
  const ruleFor = (aid: Uint8Array | 'implicit', hash: Uint8Array, apdu = 0x01): RefArDo => ({
    refDo: aid === 'implicit' ? { implicitAidRefDo: new Uint8Array(0), deviceAppIdRefDo: hash } : { aidRefDo: aid, deviceAppIdRefDo: hash },
    arDo: { apduArDo: Uint8Array.of(apdu) },
  });
  async function populated(): Promise<AppletHarness> {
    const { harness } = freshAraM();
    for (const rule of [ruleFor(JPKI_AP_AID, mynaportal), ruleFor(JPKI_AP_AID, verifierApp), ruleFor(otherAid, mynaportal), ruleFor('implicit', mynaportal)]) {
      expect(sw(await harness.storeData(commandStoreRefArDo(rule)))).toBe('9000');
    }
    return harness;
  }
  const hashes = async (harness: AppletHarness): Promise<string[]> =>
    (await readAllRules(harness)).map((rule) => `${rule.refDo.implicitAidRefDo !== undefined ? 'C0' : bytesToHex(rule.refDo.aidRefDo ?? new Uint8Array(0))}/${bytesToHex(rule.refDo.deviceAppIdRefDo ?? new Uint8Array(0)).slice(0, 4)}`);

  it('by REF-DO, by exact REF-AR-DO, by AID, by the implicit C0, and all', async () => {
    const harness = await populated();
    const m = bytesToHex(mynaportal).slice(0, 4);
    const v = bytesToHex(verifierApp).slice(0, 4);
    expect(sw(await harness.storeData(commandDelete({ refDo: ruleFor(JPKI_AP_AID, verifierApp).refDo })))).toBe('9000');
    expect(await hashes(harness)).toEqual([`D392F000260100000001/${m}`, `A000000600010001EE05FE/${m}`, `C0/${m}`]);
    expect(sw(await harness.storeData(commandDelete({ refDo: ruleFor(JPKI_AP_AID, verifierApp).refDo })))).toBe('6A88');
    // REF-AR-DO deletes only when the AR-DO matches too.
    expect(sw(await harness.storeData(commandDelete({ rule: ruleFor(otherAid, mynaportal, 0x00) })))).toBe('6A88');
    expect(sw(await harness.storeData(commandDelete({ rule: ruleFor(otherAid, mynaportal) })))).toBe('9000');
    expect(sw(await harness.storeData(commandDelete({ implicit: true })))).toBe('9000');
    expect(await hashes(harness)).toEqual([`D392F000260100000001/${m}`]);
    expect(sw(await harness.storeData(commandDelete({ aid: otherAid })))).toBe('6A88');
    expect(sw(await harness.storeData(commandDelete({ aid: JPKI_AP_AID })))).toBe('9000');
    expect(await hashes(harness)).toEqual([]);
    expect(v).not.toBe(m);
    const again = await populated();
    expect(sw(await again.storeData(commandDelete()))).toBe('9000');
    expect(bytesToHex(await again.send(getAllRules({})))).toBe('FF40009000');
    // Deleting all of nothing is no error and no change.
    const tag = await refreshTagOf(again);
    expect(sw(await again.storeData(commandDelete()))).toBe('9000');
    expect(await refreshTagOf(again)).toBe(tag);
  });
});

describe('ARA-M: refresh tag, conflicts, unknown objects', () => {
  it('changes the refresh tag on every rule change and only then', async () => {
    const { harness } = freshAraM();
    const rule: RefArDo = { refDo: { aidRefDo: JPKI_AP_AID, deviceAppIdRefDo: sha256Hash(9) }, arDo: { apduArDo: Uint8Array.of(1) } };
    const seen = new Set<string>([await refreshTagOf(harness)]);
    const expectNew = async (): Promise<void> => {
      const tag = await refreshTagOf(harness);
      expect(seen.has(tag)).toBe(false);
      seen.add(tag);
    };
    const expectSame = async (): Promise<void> => {
      expect(seen.has(await refreshTagOf(harness))).toBe(true);
    };
    expect(sw(await harness.storeData(commandStoreRefArDo(rule)))).toBe('9000');
    await expectNew();
    expect(harness.changes).toBe(1);
    // The very same rule again: nothing changes (a TSM retrying after a lost response).
    expect(sw(await harness.storeData(commandStoreRefArDo(rule)))).toBe('9000');
    await expectSame();
    // Another AR-DO under the same REF-DO: a conflict, refused.
    expect(sw(await harness.storeData(commandStoreRefArDo({ ...rule, arDo: { apduArDo: Uint8Array.of(0) } })))).toBe('6A89');
    await expectSame();
    expect(sw(await harness.storeData(commandUpdateRefreshTag()))).toBe('9000');
    await expectNew();
    expect(sw(await harness.storeData(commandDelete({ refDo: rule.refDo })))).toBe('9000');
    await expectNew();
    expect(sw(await harness.storeData(commandDelete({ refDo: rule.refDo })))).toBe('6A88');
    await expectSame();
    expect(harness.changes).toBe(3);
  });

  it('discards unknown objects beside the rule with 6382, and refuses unknown objects inside a REF-DO', async () => {
    const { harness } = freshAraM();
    // E3 { D0 01, D7 02 ABCD (unknown) } under a valid REF-DO.
    const refDo = tlv('E1', tlv('4F', 'D392F000260100000001'), tlv('C1', 'AA'.repeat(20)));
    const store = tlv('F0', tlv('E2', refDo, tlv('E3', tlv('D0', '01'), tlv('D7', 'ABCD'))));
    expect(sw(await harness.storeData(hexToBytes(store)))).toBe('6382');
    const rules = await readAllRules(harness);
    expect(rules).toHaveLength(1);
    expect(rules[0]?.arDo.unknown).toBeUndefined();
    expect(bytesToHex(rules[0]?.arDo.apduArDo ?? new Uint8Array(0))).toBe('01');
    // A REF-DO with an unknown CB object would name a narrower app than the ARA-M can match: 6A80.
    const badRefDo = tlv('E1', tlv('4F', 'D392F000260100000001'), tlv('C1', 'BB'.repeat(20)), tlv('CB', '01'));
    expect(sw(await harness.storeData(hexToBytes(tlv('F0', tlv('E2', badRefDo, tlv('E3', tlv('D0', '01')))))))).toBe('6A80');
    expect(await readAllRules(harness)).toHaveLength(1);
  });

  it('refuses rules that are not rules, with 6A80, and unknown command objects with 6981', async () => {
    const { harness } = freshAraM();
    const jpki = tlv('4F', 'D392F000260100000001');
    const hash = tlv('C1', '11'.repeat(20));
    const always = tlv('E3', tlv('D0', '01'));
    const store = (...refArDo: string[]): string => tlv('F0', tlv('E2', ...refArDo));
    const cases: [string, string][] = [
      // REF-DO without DeviceAppID-REF-DO.
      [store(tlv('E1', jpki), always), '6A80'],
      // AID-REF-DO and C0 together.
      [store(tlv('E1', jpki, tlv('C0', ''), hash), always), '6A80'],
      // Neither AID-REF-DO nor C0.
      [store(tlv('E1', hash), always), '6A80'],
      // A 4-byte AID.
      [store(tlv('E1', tlv('4F', 'D392F000'), hash), always), '6A80'],
      // A 16-byte hash (neither SHA-1 nor SHA-256).
      [store(tlv('E1', jpki, tlv('C1', '11'.repeat(16))), always), '6A80'],
      // PKG-REF-DO for all device apps.
      [store(tlv('E1', jpki, tlv('C1', ''), tlv('CA', '6A702E676F')), always), '6A80'],
      // An empty AR-DO.
      [store(tlv('E1', jpki, hash), tlv('E3', '')), '6A80'],
      // APDU-AR-DO of zero length (the table's minimum is 1).
      [store(tlv('E1', jpki, hash), tlv('E3', tlv('D0', ''))), '6A80'],
      // APDU-AR-DO generic byte 02.
      [store(tlv('E1', jpki, hash), tlv('E3', tlv('D0', '02'))), '6A80'],
      // APDU filters of 7 bytes.
      [store(tlv('E1', jpki, hash), tlv('E3', tlv('D0', '00A40400FFFFFF'))), '6A80'],
      // NFC-AR-DO 02.
      [store(tlv('E1', jpki, hash), tlv('E3', tlv('D1', '02'))), '6A80'],
      // REF-AR-DO without its AR-DO.
      [store(tlv('E1', jpki, hash)), '6A80'],
      // Two command objects in one block.
      ['F100F200', '6A80'],
      // Command-Delete naming two targets.
      [tlv('F1', tlv('4F', ''), tlv('C0', '')), '6A80'],
      // Command-UpdateRefreshTag with content.
      [tlv('F2', '00'), '6A80'],
      // A well-formed object the ARA-M does not know.
      [tlv('F3', '0000'), '6981'],
      // Not BER-TLV at all.
      ['F0', '6A80'],
      ['F081', '6A80'],
    ];
    for (const [data, expected] of cases) {
      expect(`${data} → ${sw(await harness.storeData(hexToBytes(data)))}`).toBe(`${data} → ${expected}`);
    }
    expect(bytesToHex(await harness.send(getAllRules({})))).toBe('FF40009000');
    // Block structures other than BER-TLV, and an empty block.
    expect(sw(await harness.storeData(exampleData('JPKI rule'), { structure: 'dgi' }))).toBe('6A86');
    expect(sw(await harness.storeData(new Uint8Array(0)))).toBe('6700');
  });

  it('takes a rule too long for one APDU across STORE DATA blocks (31 APDU filters)', async () => {
    const { harness } = freshAraM();
    const filters = Array.from({ length: 31 }, (_, index) => `00B0${hex2(index)}00FFFFFF00`).join('');
    const rule = tlv('F0', tlv('E2', tlv('E1', tlv('4F', 'D392F000260100000001'), tlv('C1', '33'.repeat(32))), tlv('E3', tlv('D0', filters))));
    const bytes = hexToBytes(rule);
    expect(bytes.length).toBeGreaterThan(255);
    // An interrupted sequence: its start is dropped when a new one begins at block 0.
    expect(sw(await harness.storeData(bytes.subarray(0, 100), { last: false, blockNumber: 0 }))).toBe('9000');
    expect(sw(await harness.storeData(bytes.subarray(0, 200), { last: false, blockNumber: 0 }))).toBe('9000');
    expect(bytesToHex(await harness.send(getAllRules({})))).toBe('FF40009000');
    expect(sw(await harness.storeData(bytes.subarray(200), { last: true, blockNumber: 1 }))).toBe('9000');
    const rules = await readAllRules(harness);
    expect(rules).toHaveLength(1);
    expect(bytesToHex(rules[0]?.arDo.apduArDo ?? new Uint8Array(0))).toBe(filters);
    // A last block that leaves the object incomplete is refused, and nothing is stored.
    const other = hexToBytes(rule.replace('33'.repeat(32), '44'.repeat(32)));
    expect(sw(await harness.storeData(other.subarray(0, 150), { last: false, blockNumber: 0 }))).toBe('9000');
    expect(sw(await harness.storeData(other.subarray(150, 250), { last: true, blockNumber: 1 }))).toBe('6A80');
    expect(await readAllRules(harness)).toHaveLength(1);
  });

  it('refuses STORE DATA sent to it directly (no secure channel of its own): rules come through its security domain', async () => {
    const { harness } = freshAraM();
    for (const example of storeExamples) expect(sw(await harness.send(hexToBytes(example.apdu)))).toBe('6982');
    expect(sw(await harness.send(storeData({ command: exampleData('JPKI rule') }, { channel: 2 }), 2))).toBe('6982');
    expect(bytesToHex(await harness.send(getAllRules({})))).toBe('FF40009000');
  });
});

describe('ARA-M: GET DATA [specific], [config] and the spec examples', () => {
  it('holds the OMAPI test applet rule set and answers its GET DATA [all] and [specific] byte for byte', async () => {
    const { harness } = freshAraM();
    // The rule set of GlobalPlatform/OMAPI-applets ARA-Applet/v2.2 ARAapplet.java (RESPONSE_GET_ALL):
    // EE05FE never for all apps; EE0501 through twelve APDU filters, no NFC; every other applet always.
    const filters = [
      '00100100F0FFFFFF', '00100200F0FFFFFF', '00300000F0FFFFFF', '00400000F0EFFFFF', '00550000F0FFFFFF', '00A40000F0FFFBFF',
      '00700000F0FF7FE0', '00500000F0FFFFFF', '00100000F0FFFFFF', 'FF300000FFFFFFFF', '00600000F0F0FFFF', '00900000F0F0FFFF',
    ].join('');
    const rules = [
      tlv('E2', tlv('E1', tlv('4F', 'A000000600010001EE05FE'), tlv('C1', '')), tlv('E3', tlv('D0', '00'), tlv('D1', '00'))),
      tlv('E2', tlv('E1', tlv('4F', 'A000000600010001EE0501'), tlv('C1', '')), tlv('E3', tlv('D0', filters), tlv('D1', '00'))),
      tlv('E2', tlv('E1', tlv('4F', ''), tlv('C1', '')), tlv('E3', tlv('D0', '01'), tlv('D1', '01'))),
    ];
    for (const rule of rules) expect(sw(await harness.storeData(hexToBytes(tlv('F0', rule))))).toBe('9000');
    const all = await readAllFrame(harness);
    if (!('frame' in all)) throw new Error(`GET DATA [all] answered ${all.sw}`);
    expect(bytesToHex(all.frame)).toBe(tlv('FF40', ...rules));
    expect(bytesToHex(all.frame).slice(0, 8)).toBe('FF4081A5');
    const example = spec.examples.find((candidate) => candidate.command === 'getSpecificRule');
    if (example === undefined) throw new Error('no getSpecificRule example');
    // RESPONSE_GET_SPECIFIC_DENIED = FF50 08 E3 06 D0 01 00 D1 01 00.
    const denied = await harness.send(hexToBytes(example.apdu));
    expect(bytesToHex(denied)).toBe('FF5008E306D00100D101009000');
    expect(parseGetSpecificRuleResponse(denied).fields?.responseAr.arDo?.nfcArDo).toBe('never');
    // RESPONSE_GET_SPECIFIC_TestApp: the filters and NFC never.
    const testApp = await harness.send(getSpecificRule({ refDo: { aidRefDo: hexToBytes('A000000600010001EE0501'), deviceAppIdRefDo: new Uint8Array(0) } }));
    expect(bytesToHex(testApp)).toBe(`${tlv('FF50', tlv('E3', tlv('D0', filters), tlv('D1', '00')))}9000`);
    // RESPONSE_GET_SPECIFIC_OTHERS = FF50 08 E3 06 D0 01 01 D1 01 01.
    const other = await harness.send(getSpecificRule({ refDo: { aidRefDo: hexToBytes('A000000600010001EE0502'), deviceAppIdRefDo: sha256Hash(5) } }));
    expect(bytesToHex(other)).toBe('FF5008E306D00101D101019000');
  });

  it('answers NEVER for a target bound to another app\'s hash (SEAC §3.2.1 conflict resolution)', async () => {
    const { harness } = freshAraM();
    const boundApp = sha256Hash(5);
    for (const command of jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [boundApp] }).slice(0, 1)) await harness.storeData(command);
    await harness.storeData(commandStoreRefArDo({ refDo: { aidRefDo: new Uint8Array(0), deviceAppIdRefDo: new Uint8Array(0) }, arDo: { apduArDo: Uint8Array.of(1) } }));
    const forBound = parseGetSpecificRuleResponse(await harness.send(getSpecificRule({ refDo: { aidRefDo: JPKI_AP_AID, deviceAppIdRefDo: boundApp } })));
    expect(bytesToHex(forBound.fields?.responseAr.arDo?.apduArDo ?? new Uint8Array(0))).toBe('01');
    const forOther = await harness.send(getSpecificRule({ refDo: { aidRefDo: JPKI_AP_AID, deviceAppIdRefDo: sha256Hash(6) } }));
    expect(bytesToHex(forOther)).toBe('FF5008E306D00100D101009000');
    // The bound app on another applet: the generic all-AIDs rule.
    const elsewhere = await harness.send(getSpecificRule({ refDo: { aidRefDo: hexToBytes('A000000063504B43532D3135'), deviceAppIdRefDo: sha256Hash(6) } }));
    expect(bytesToHex(elsewhere)).toBe('FF5005E303D001019000');
  });

  it('answers 6A88 to a reference no rule reaches, and 6A80 to a REF-DO without its parts', async () => {
    const { harness } = freshAraM();
    await harness.storeData(commandStoreRefArDo(jpkiAccessRules({ allowedAppCertificateHashes: [sha256Hash(1)] })[0] as RefArDo));
    expect(sw(await harness.send(getSpecificRule({ refDo: { aidRefDo: hexToBytes('A000000063504B43532D3135'), deviceAppIdRefDo: sha256Hash(1) } })))).toBe('6A88');
    expect(sw(await harness.send(getSpecificRule({ refDo: { aidRefDo: JPKI_AP_AID } })))).toBe('6A80');
  });

  it('answers GET DATA [config] with its interface version in DF21 { E5 { E6 } }', async () => {
    const { harness } = freshAraM();
    const example = spec.examples.find((candidate) => candidate.command === 'getAramConfig');
    if (example === undefined) throw new Error('no getAramConfig example');
    const response = await harness.send(hexToBytes(example.apdu));
    expect(bytesToHex(response)).toBe('DF2107E505E603010100' + '9000');
    expect(bytesToHex(parseGetAramConfigResponse(response).fields?.aramConfig.deviceInterfaceVersion ?? new Uint8Array(0))).toBe('010100');
  });

  it('answers every invalid example of the spec with its status word', async () => {
    const { harness } = freshAraM();
    for (const example of spec['x-invalid-examples']) {
      expect(`${example.description}: ${sw(await harness.send(hexToBytes(example.apdu)))}`).toBe(`${example.description}: ${example.sw}`);
    }
  });

  it('accepts its commands on channels 4–19 (CLA C0–CF) and refuses a chained or unknown class', async () => {
    const { harness } = freshAraM();
    await harness.storeData(exampleData('JPKI rule'));
    const onChannel7 = Uint8Array.from([0xc3, 0xca, 0xff, 0x40, 0x00]);
    expect(sw(await harness.send(onChannel7, 7))).toBe('9000');
    expect(sw(await harness.send(Uint8Array.from([0xd3, 0xca, 0xff, 0x40, 0x00]), 7))).toBe('6E00');
    expect(sw(await harness.send(Uint8Array.from([0xff, 0xca, 0xff, 0x40, 0x00])))).toBe('6E00');
  });
});

describe('ARA-M: persistence', () => {
  it('survives saveState → JSON → restore with the same rules, order and refresh tag', async () => {
    const { harness, applet } = freshAraM();
    await harness.storeData(exampleData('carrier-privilege'));
    for (const command of jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [sha256Hash(3), sha256Hash(4).subarray(0, 20)], packageName: 'jp.go.example.mynaportal' })) {
      expect(sw(await harness.storeData(command))).toBe('9000');
    }
    const before = await readAllFrame(harness);
    const tag = await refreshTagOf(harness);
    const saved = JSON.parse(JSON.stringify(applet.saveState())) as unknown;
    const restored = new AppletHarness(new AraMAppletClass().restore(ARA_M_INSTANCE_AID, saved));
    restored.select();
    expect(await readAllFrame(restored)).toEqual(before);
    expect(await refreshTagOf(restored)).toBe(tag);
    expect(restored.applet.saveState()).toEqual(saved);
  });

  it('refuses saved state that does not decode, naming what is wrong', () => {
    const araM = new AraMAppletClass();
    const good = { version: 1, refreshTag: '0102030405060708', rules: [{ refDo: 'E1044F00C100', arDo: 'E303D00101' }] };
    expect(() => araM.restore(ARA_M_INSTANCE_AID, good)).not.toThrow();
    const bad: [unknown, RegExp][] = [
      [null, /expected an object/],
      [{ ...good, version: 2 }, /version/],
      [{ ...good, refreshTag: '0102' }, /8 bytes/],
      [{ ...good, refreshTag: 'zz' }, /not hex/],
      [{ ...good, rules: {} }, /must be a list/],
      [{ ...good, rules: [{ refDo: 'E1044F00C100', arDo: 'E300' }] }, /rules\[0\].*AR-DO/],
      [{ ...good, rules: [{ refDo: 'E102C100', arDo: 'E303D00101' }] }, /rules\[0\].*REF-DO/],
      [{ ...good, rules: [good.rules[0], good.rules[0]] }, /repeats/],
      [{ ...good, rules: [{ refDo: 'E1054F00C1', arDo: 'E303D00101' }] }, /rules\[0\]/],
    ];
    for (const [state, message] of bad) {
      expect(() => araM.restore(ARA_M_INSTANCE_AID, state)).toThrow(AraMStateError);
      expect(() => araM.restore(ARA_M_INSTANCE_AID, state)).toThrow(message);
    }
  });
});
