/**
 * Seeded fuzz of the ARA-M: mutated STORE DATA blocks and mutated GET DATA commands. Only status
 * words may come out (never an exception); a refused STORE DATA leaves the saved state byte-for-byte
 * as it was; and after every command the rules still read back through GET DATA [all] / [next] as
 * valid REF-AR-DOs (parsed by the generated parser), the same rules the store holds.
 */
import { describe, expect, it } from 'vitest';
import { araMTable, getAllRules, getNextRule, type ResponseAllArDo } from '../../../../generated/apdu/ara-m.js';
import {
  AraMApplet,
  AraMAppletClass,
  ARA_M_INSTANCE_AID,
  checkArDo,
  checkRefDo,
  commandDelete,
  commandStoreRefArDo,
  commandUpdateRefreshTag,
  jpkiAccessRuleStoreCommands,
  JPKI_AP_AID,
} from '../../../../reference/se/ara-m/index.js';
import { bytesToHex, decodeStructureTlv, decodeTlv, hexToBytes, parseResponseApdu } from '../../../../runtime/index.js';
import { pick, seededRandom } from '../../../helpers/random.js';
import { AppletHarness } from './applet-harness.js';

const storeDataStatusWords = new Set(araMTable.commands.find((command) => command.name === 'storeData')?.responseStatusWords ?? []);
// Block-level refusals the SD path adds: 6A86 (not BER-TLV) — not produced here — and the table's ones.
const getDataStatusWords = new Set([...araMTable.statusWords.map((entry) => entry.sw)]);

function hashOf(seed: number, length: 20 | 32): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (seed * 131 + index * 17 + 3) & 0xff);
}

const seeds: Uint8Array[] = [
  ...jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [hashOf(1, 32), hashOf(2, 20)], packageName: 'jp.go.example.mynaportal' }),
  hexToBytes('F031E22FE1284F10D2760001180002FF49502589C0019B01C11454AC1FC8DB794570D0CF2565DBFBE98C266AE07FE303D00101'),
  hexToBytes('F02BE229E1184F00C1144475EA9C85FC482FB177501FB7D349BA212BFCD9E30DD00101DB080000000000000001'),
  commandStoreRefArDo({ refDo: { implicitAidRefDo: new Uint8Array(0), deviceAppIdRefDo: hashOf(3, 32) }, arDo: { apduArDo: hexToBytes('00A40400FFFFFF0080CA0000FFFF0000'), nfcArDo: 'never' } }),
  commandDelete({ aid: JPKI_AP_AID }),
  commandDelete({ refDo: { aidRefDo: JPKI_AP_AID, deviceAppIdRefDo: hashOf(1, 32), pkgRefDo: 'jp.go.example.mynaportal' } }),
  commandDelete(),
  commandUpdateRefreshTag(),
];

function mutate(random: () => number, input: Uint8Array): Uint8Array {
  const bytes = [...input];
  const operations = 1 + Math.floor(random() * 3);
  for (let count = 0; count < operations; count += 1) {
    const position = Math.floor(random() * Math.max(bytes.length, 1));
    switch (pick(random, ['flip', 'set', 'insert', 'delete', 'truncate', 'length'] as const)) {
      case 'flip':
        if (bytes.length > 0) bytes[position] = (bytes[position] ?? 0) ^ (1 << Math.floor(random() * 8));
        break;
      case 'set':
        if (bytes.length > 0) bytes[position] = Math.floor(random() * 256);
        break;
      case 'insert':
        bytes.splice(position, 0, Math.floor(random() * 256));
        break;
      case 'delete':
        bytes.splice(position, 1);
        break;
      case 'truncate':
        bytes.length = position;
        break;
      case 'length':
        // Lengths sit at odd offsets in these short-form TLVs: nudge one by ±1.
        if (bytes.length > 1) bytes[position | 1] = ((bytes[position | 1] ?? 0) + (random() < 0.5 ? 1 : 255)) & 0xff;
        break;
    }
  }
  return Uint8Array.from(bytes);
}

async function rulesReadBack(harness: AppletHarness): Promise<string[]> {
  const first = parseResponseApdu(await harness.send(getAllRules({})));
  if (first?.sw === 0x6a88) return [];
  expect(first?.sw).toBe(0x9000);
  let frame = Uint8Array.from(first?.data ?? []);
  for (let guard = 0; guard < 64; guard += 1) {
    let complete = false;
    try {
      decodeTlv(frame, 0);
      complete = true;
    } catch {
      complete = false;
    }
    if (complete) break;
    const next = parseResponseApdu(await harness.send(getNextRule({})));
    expect(next?.sw).toBe(0x9000);
    frame = Uint8Array.from([...frame, ...(next?.data ?? [])]);
  }
  const decoded = decodeStructureTlv(araMTable, 'ResponseAllArDo', decodeTlv(frame, 0).tlv) as ResponseAllArDo;
  const rules = decoded.refArDo ?? [];
  for (const rule of rules) {
    checkRefDo(rule.refDo);
    checkArDo(rule.arDo);
  }
  return rules.map((rule) => `${bytesToHex(commandStoreRefArDo(rule))}`);
}

describe('ARA-M fuzz', () => {
  it('answers mutated STORE DATA blocks with status words only, and never corrupts the rules', async () => {
    const random = seededRandom(0x0a4a_0001);
    const applet = new AraMAppletClass({ maxRules: 12 }).install(ARA_M_INSTANCE_AID, new Uint8Array(0)) as AraMApplet;
    const harness = new AppletHarness(applet);
    harness.select();
    const outcomes = new Map<string, number>();
    for (let round = 0; round < 1500; round += 1) {
      const seed = pick(random, seeds);
      const data = random() < 0.15 ? seed : mutate(random, seed);
      const before = JSON.stringify(applet.saveState());
      const response = await harness.storeData(data);
      const status = response.sw.toString(16).toUpperCase();
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
      expect(storeDataStatusWords.has(status), `${bytesToHex(data)} → ${status}`).toBe(true);
      expect(response.data.length).toBe(0);
      if (status !== '9000' && status !== '6382') expect(JSON.stringify(applet.saveState()), `${bytesToHex(data)} → ${status} changed the rules`).toBe(before);
      const readBack = await rulesReadBack(harness);
      expect(readBack).toEqual(applet.rules().map((rule) => bytesToHex(commandStoreRefArDo(rule))));
      expect(readBack.length).toBeLessThanOrEqual(12);
    }
    // The fuzz reached the interesting answers, not only 6A80.
    for (const status of ['9000', '6A80', '6A88', '6A89', '6A84']) expect(outcomes.get(status) ?? 0, `no ${status} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
  });

  it('answers mutated GET DATA and other commands with status words only, and they never change the rules', async () => {
    const random = seededRandom(0x0a4a_0002);
    const applet = new AraMAppletClass().install(ARA_M_INSTANCE_AID, new Uint8Array(0)) as AraMApplet;
    const harness = new AppletHarness(applet);
    harness.select();
    for (const command of seeds.slice(0, 5)) await harness.storeData(command);
    const saved = JSON.stringify(applet.saveState());
    const commandSeeds = ['80CAFF4000', '80CAFF6000', '80CADF2000', '80CADF2107E405E603000001', '80CAFF5011E10F4F0BA000000600010001EE05FEC10000', '80E2900002F100', '84E2900002F100'].map(hexToBytes);
    for (let round = 0; round < 3000; round += 1) {
      const command = mutate(random, pick(random, commandSeeds));
      const channel = Math.floor(random() * 4);
      const response = parseResponseApdu(await harness.send(command, channel));
      expect(response).toBeDefined();
      const status = (response?.sw ?? 0).toString(16).toUpperCase();
      expect(getDataStatusWords.has(status), `${bytesToHex(command)} → ${status}`).toBe(true);
      if (status !== '9000') expect(response?.data.length).toBe(0);
    }
    expect(JSON.stringify(applet.saveState())).toBe(saved);
    expect(harness.changes).toBe(5);
  });
});
