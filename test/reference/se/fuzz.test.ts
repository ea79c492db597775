/**
 * Bad input: thousands of random and mutated APDUs, in the clear and wrapped in valid SCP03
 * sessions. The SE must answer every one with a status word, never throw, and its state must stay
 * one that saves, reads back and restores, with a consistent registry.
 */
import { describe, expect, it } from 'vitest';
import { encodeCommandApdu, hexToBytes } from '../../../runtime/index.js';
import { buildPutKeyCommand } from '../../../runtime/scp03/index.js';
import {
  deleteCommand,
  getData,
  getStatus,
  installForInstallAndMakeSelectable,
  installForLoad,
  installForPersonalization,
  load,
  select,
  setStatus,
  storeData,
} from '../../../generated/apdu/global-platform.js';
import { sameAid } from '../../../reference/se/aid.js';
import { buildLoadFileImage, SecureElement, connectInProcess, readSnapshot, type SecureElementSnapshot } from '../../../reference/se/index.js';
import { pick, seededRandom } from '../../helpers/random.js';
import { DEFAULT_KEYS, ECHO_INSTANCE_AID, ECHO_MODULE_AID, ECHO_PACKAGE_AID, echoAppletClass, GpSession } from './se-harness.js';

const EMPTY = new Uint8Array(0);
const ISD = hexToBytes('A000000151000000');

function seeds(): Uint8Array[] {
  const image = buildLoadFileImage({ packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID], code: new Uint8Array(40) });
  return [
    select({ nextOccurrence: false, aid: ISD }),
    select({ nextOccurrence: true, aid: ECHO_INSTANCE_AID.subarray(0, 5) }),
    hexToBytes('00A4040000'),
    hexToBytes('0070000001'),
    hexToBytes('00708001'),
    hexToBytes('00C0000000'),
    getData({ tag: 0x66 }),
    getData({ tag: 0xe0 }),
    hexToBytes('80CA2F00025C0000'),
    hexToBytes('8050000008001122334455667700'),
    getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: hexToBytes('4F00'), le: 256 }),
    installForLoad({ moreCommands: false, loadFileAid: ECHO_PACKAGE_AID, securityDomainAid: EMPTY, loadFileDataBlockHash: EMPTY, loadParameters: EMPTY, loadToken: EMPTY, le: 256 }),
    load({ lastBlock: true, blockNumber: 0, loadFileBlock: image, le: 256 }),
    installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: ECHO_PACKAGE_AID, executableModuleAid: ECHO_MODULE_AID, applicationAid: ECHO_INSTANCE_AID, privileges: new Uint8Array(3), installParameters: hexToBytes('C900'), installToken: EMPTY, le: 256 }),
    installForPersonalization({ moreCommands: false, emptyField1: EMPTY, emptyField2: EMPTY, applicationAid: ECHO_INSTANCE_AID, emptyField3: EMPTY, emptyField4: EMPTY, emptyField5: EMPTY, le: 256 }),
    storeData({ lastBlock: true, encryption: 'none', structure: 'dgi', responseExpected: false, blockNumber: 0, data: hexToBytes('0101020000') }),
    storeData({ lastBlock: true, encryption: 'encrypted', structure: 'dgi', responseExpected: false, blockNumber: 0, data: hexToBytes('8113100000000000000000000000000000000000') }),
    setStatus({ statusType: 'application', state: 0x80, aid: ECHO_INSTANCE_AID }),
    setStatus({ statusType: 'application', state: 0x00, aid: ECHO_INSTANCE_AID }),
    deleteCommand({ moreCommands: false, relatedObjects: true, deleteData: Uint8Array.of(0x4f, 6, ...ECHO_PACKAGE_AID), le: 256 }),
    deleteCommand({ moreCommands: false, relatedObjects: false, deleteData: hexToBytes('D201FF'), le: 256 }),
    buildPutKeyCommand({ newKeyVersion: 0x21, keys: [DEFAULT_KEYS.enc, DEFAULT_KEYS.mac, DEFAULT_KEYS.dek], dek: DEFAULT_KEYS.dek }),
    hexToBytes('0001000002ABCD'),
    hexToBytes('0020010000'),
  ];
}

function mutate(random: () => number, bytes: Uint8Array): Uint8Array {
  const out = [...bytes];
  switch (Math.floor(random() * 6)) {
    case 0:
      for (let count = 1 + Math.floor(random() * 3); count > 0; count -= 1) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
      break;
    case 1:
      out.length = Math.floor(random() * out.length);
      break;
    case 2:
      for (let count = 1 + Math.floor(random() * 8); count > 0; count -= 1) out.push(Math.floor(random() * 256));
      break;
    case 3:
      return Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
    case 4:
      // Another class byte: other channels, secure messaging bits, ISO/GP.
      out[0] = pick(random, [0x00, 0x01, 0x03, 0x40, 0x4f, 0x80, 0x84, 0x87, 0xc0, 0xe5, 0x10, 0x20, 0xff]);
      break;
    default:
      if (out.length > 4) out[4] = Math.floor(random() * 256);
  }
  return Uint8Array.from(out);
}

/** Registry invariants: every instance has its applet, ELF and associated SD; AIDs are unique; the ISD is first. */
function checkConsistent(card: SecureElement): void {
  const { registry } = card;
  expect(registry.instances[0]?.kind).toBe('issuerSecurityDomain');
  for (const entry of registry.instances) {
    expect(card.applet(entry.aid), 'applet of every instance').toBeDefined();
    expect(registry.loadFile(entry.loadFileAid), 'load file of every instance').toBeDefined();
    expect(registry.instance(entry.associatedSdAid)?.kind, 'associated SD').not.toBe('application');
  }
  const aids = [...registry.instances.map((entry) => entry.aid), ...registry.loadFiles.map((file) => file.aid)];
  for (const [index, aid] of aids.entries()) expect(aids.findIndex((other) => sameAid(other, aid))).toBe(index);
}

function checkRestorable(saved: SecureElementSnapshot | undefined, card: SecureElement): void {
  const snapshot = saved ?? card.snapshot();
  const roundTrip = JSON.parse(JSON.stringify(snapshot)) as unknown;
  readSnapshot(roundTrip, 'fuzz');
  const restored = SecureElement.fromSnapshot(roundTrip, { rom: [echoAppletClass] });
  checkConsistent(restored);
}

describe('fuzzing the secure element', { timeout: 120_000 }, () => {
  it('answers 4000 mutated APDUs in the clear with status words and keeps a restorable state', async () => {
    const random = seededRandom(0x5e0f);
    let saved: SecureElementSnapshot | undefined;
    const card = new SecureElement({ rom: [echoAppletClass], persist: async (snapshot) => void (saved = snapshot) });
    const connection = connectInProcess(card);
    const pool = seeds();
    for (let round = 0; round < 4000; round += 1) {
      const apdu = random() < 0.15 ? pick(random, pool) : mutate(random, pick(random, pool));
      const response = await connection.transmit(apdu);
      expect(response.length, `round ${round}`).toBeGreaterThanOrEqual(2);
      if (round % 97 === 0) await connection.reset();
      if (round % 500 === 0) checkRestorable(saved, card);
    }
    checkConsistent(card);
    checkRestorable(saved, card);
  });

  it('answers 1500 mutated commands wrapped in valid SCP03 sessions, and the state stays consistent', async () => {
    const random = seededRandom(0xc0ffee);
    let saved: SecureElementSnapshot | undefined;
    const card = new SecureElement({ rom: [echoAppletClass], persist: async (snapshot) => void (saved = snapshot) });
    const connection = connectInProcess(card);
    const pool = seeds().filter((apdu) => (apdu[0] ?? 0) & 0x80);
    let session: GpSession | undefined;
    let answered = 0;
    for (let round = 0; round < 1500; round += 1) {
      if (session === undefined || session.host.state !== 'open') {
        await connection.reset();
        // The fuzz may lock or terminate the card; then no session opens, which is an answer too.
        session = await GpSession.open(connection, { securityLevel: pick(random, [0x01, 0x03, 0x13, 0x33]) }).catch(() => undefined);
        if (session === undefined) break;
      }
      const candidate = random() < 0.3 ? pick(random, pool) : mutate(random, pick(random, pool));
      let plain: Uint8Array;
      try {
        // Only what the host can wrap: a parsable GP command on the basic channel.
        plain = encodeCommandApdu({ cla: 0x80, ins: candidate[1] ?? 0, p1: candidate[2] ?? 0, p2: candidate[3] ?? 0, data: candidate.subarray(5, 5 + Math.min(200, Math.max(0, candidate.length - 6))), le: 256 });
      } catch {
        continue;
      }
      try {
        const response = await session.send(plain);
        expect(response.sw).toBeGreaterThan(0);
        answered += 1;
      } catch (error) {
        // Only a security failure on the host side may end a session (e.g. the card's error SWs carry no R-MAC).
        expect((error as { code?: string }).code ?? String(error)).toMatch(/^SCP03_/);
        session = undefined;
      }
      if (round % 250 === 0) checkRestorable(saved, card);
    }
    expect(answered).toBeGreaterThan(1000);
    checkConsistent(card);
    checkRestorable(saved, card);
  });
});
