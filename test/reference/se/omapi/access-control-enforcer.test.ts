/**
 * The Access Control Enforcer over a CardConnection: it reads the ARA-M's rules with real APDUs on a
 * logical channel of its own, caches them by refresh tag, and gates OMAPI channels to the JPKI-AP.
 * Apps are identified by the hashes of real certificates (openssl made, openssl fingerprinted).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RefArDo } from '../../../../generated/apdu/ara-m.js';
import {
  AraMApplet,
  AraMAppletClass,
  ARA_M_INSTANCE_AID,
  commandDelete,
  commandStoreRefArDo,
  jpkiAccessRuleStoreCommands,
  JPKI_AP_AID,
} from '../../../../reference/se/ara-m/index.js';
import {
  AccessControlEnforcer,
  AccessDeniedError,
  InvalidAidError,
  NoSuchAppletError,
  deviceApplicationFromCertificates,
} from '../../../../reference/se/omapi/index.js';
import { withChannel } from '../../../../runtime/apdu/class-byte.js';
import { bytesToHex, hexToBytes, JpkigenError, type ResponseApdu } from '../../../../runtime/index.js';
import type { CardConnection } from '../../../../runtime/card/card-connection.js';
import { seededRandom } from '../../../helpers/random.js';
import { openssl, temporaryFolder } from '../../../helpers/openssl-asn1.js';
import { EchoApplet, MiniSecureElement } from './mini-secure-element.js';

const scratch = temporaryFolder('jpkigen-omapi-');
afterAll(() => scratch.remove());

/** A self-signed app-signing certificate (DER) and its SHA-256 and SHA-1 fingerprints as openssl prints them. */
function signingCertificate(name: string): { der: Uint8Array; sha256: Uint8Array; sha1: Uint8Array } {
  const key = path.join(scratch.folder, `${name}.key`);
  const certificate = path.join(scratch.folder, `${name}.der`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', `/CN=${name}`, '-days', '1', '-outform', 'DER', '-out', certificate]);
  const fingerprint = (digest: string): Uint8Array => hexToBytes((openssl(['x509', '-inform', 'DER', '-in', certificate, '-noout', '-fingerprint', `-${digest}`]).split('=')[1] ?? '').replace(/:/g, '').trim());
  return { der: new Uint8Array(readFileSync(certificate)), sha256: fingerprint('sha256'), sha1: fingerprint('sha1') };
}

let mynaportal: ReturnType<typeof signingCertificate>;
let verifier: ReturnType<typeof signingCertificate>;
let stranger: ReturnType<typeof signingCertificate>;
beforeAll(() => {
  mynaportal = signingCertificate('mynaportal');
  verifier = signingCertificate('verifier');
  stranger = signingCertificate('stranger');
});

const OTHER_AID = hexToBytes('A000000063504B43532D3135');

async function phone(rules: readonly Uint8Array[] = []): Promise<{ se: MiniSecureElement; araM: AraMApplet; enforcer: AccessControlEnforcer; store(data: Uint8Array): Promise<ResponseApdu> }> {
  const araM = new AraMAppletClass().install(ARA_M_INSTANCE_AID, new Uint8Array(0)) as AraMApplet;
  const se = new MiniSecureElement([araM, new EchoApplet(JPKI_AP_AID), new EchoApplet(OTHER_AID)]);
  // The SP-TSM's STORE DATA blocks, as the ARA-M's security domain forwards them.
  const store = async (data: Uint8Array): Promise<ResponseApdu> => (araM.storeData as NonNullable<AraMApplet['storeData']>).call(araM, { data, last: true, structure: 'berTlv', blockNumber: 0 }, se.context(0));
  for (const command of rules) expect((await store(command)).sw).toBe(0x9000);
  return { se, araM, enforcer: new AccessControlEnforcer(se), store };
}

describe('device applications', () => {
  it('are identified by the SHA-256 and SHA-1 of their signing certificate, as openssl fingerprints it', () => {
    const app = deviceApplicationFromCertificates([mynaportal.der], 'jp.go.example.mynaportal');
    expect(app.certificateHashes.map(bytesToHex)).toEqual([bytesToHex(mynaportal.sha256), bytesToHex(mynaportal.sha1)]);
    expect(app.packageName).toBe('jp.go.example.mynaportal');
  });
});

describe('Access Control Enforcer over OMAPI', () => {
  it('lets the Mynaportal app open a channel to the JPKI-AP and refuses every other app before touching the SE', async () => {
    const { se, enforcer } = await phone(jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [mynaportal.sha256] }));
    const allowedApp = deviceApplicationFromCertificates([mynaportal.der]);
    const channel = await enforcer.openLogicalChannel(JPKI_AP_AID, allowedApp);
    expect(channel.channelNumber).toBe(1);
    expect(bytesToHex(channel.selectResponse ?? new Uint8Array(0))).toBe('6F009000');
    // The app sends CLA 00; the card receives it on channel 1 (CLA 01).
    expect(bytesToHex(await channel.transmit(hexToBytes('00B0000000')))).toBe('01B000009000');
    expect(await enforcer.isNfcEventAllowed(JPKI_AP_AID, allowedApp)).toBe(true);
    await channel.close();
    expect(se.openChannels).toEqual([0]);

    for (const other of [stranger, verifier]) {
      const before = se.log.length;
      const denied = enforcer.openLogicalChannel(JPKI_AP_AID, deviceApplicationFromCertificates([other.der], 'jp.example.other'));
      await expect(denied).rejects.toThrow(AccessDeniedError);
      await expect(enforcer.openLogicalChannel(JPKI_AP_AID, deviceApplicationFromCertificates([other.der], 'jp.example.other'))).rejects.toThrow(/jp\.example\.other.*may not open a channel to D392F000260100000001: the applet is bound to another app's certificate/);
      // Only the enforcer's own rule check reached the SE: never a SELECT of the JPKI-AP.
      expect(se.log.slice(before).some((command) => command.includes('D392F000260100000001'))).toBe(false);
    }
    expect(await enforcer.isNfcEventAllowed(JPKI_AP_AID, deviceApplicationFromCertificates([stranger.der]))).toBe(false);
    // No rule names the other applet: no access at all.
    await expect(enforcer.openLogicalChannel(OTHER_AID, allowedApp)).rejects.toThrow(/no access rule applies/);
  });

  it('reads the rules once per refresh tag and again after the SP-TSM changes them', async () => {
    const { enforcer, store } = await phone(jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [mynaportal.sha256] }));
    const verifierApp = deviceApplicationFromCertificates([verifier.der]);
    expect((await enforcer.decide(JPKI_AP_AID, verifierApp)).apdu).toBe('never');
    expect(enforcer.statistics).toEqual({ refreshTagReads: 1, ruleReads: 1, getDataCommands: 2 });
    for (let check = 0; check < 3; check += 1) await enforcer.decide(JPKI_AP_AID, verifierApp);
    expect(enforcer.statistics).toEqual({ refreshTagReads: 4, ruleReads: 1, getDataCommands: 5 });
    // The TSM admits the verifier's app (SHA-1, as an older device would need).
    expect((await store(commandStoreRefArDo({ refDo: { aidRefDo: JPKI_AP_AID, deviceAppIdRefDo: verifier.sha1 }, arDo: { apduArDo: Uint8Array.of(1) } }))).sw).toBe(0x9000);
    expect((await enforcer.decide(JPKI_AP_AID, verifierApp)).apdu).toBe('always');
    expect(enforcer.statistics.ruleReads).toBe(2);
    expect(enforcer.rules).toHaveLength(3);
    // Deleting every rule of the JPKI-AP closes the door again.
    expect((await store(commandDelete({ aid: JPKI_AP_AID }))).sw).toBe(0x9000);
    expect((await enforcer.decide(JPKI_AP_AID, deviceApplicationFromCertificates([mynaportal.der]))).apdu).toBe('never');
    expect(enforcer.rules).toHaveLength(0);
    expect(enforcer.statistics.ruleReads).toBe(3);
  });

  it('reads a Response-ALL-AR-DO spanning many GET DATA [next] responses', async () => {
    const hashes = Array.from({ length: 80 }, (_, index) => Uint8Array.from({ length: 32 }, (_, byte) => (index * 13 + byte) & 0xff));
    const { enforcer } = await phone([...jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [mynaportal.sha256, ...hashes] })]);
    expect((await enforcer.decide(JPKI_AP_AID, deviceApplicationFromCertificates([mynaportal.der]))).apdu).toBe('always');
    expect(enforcer.rules).toHaveLength(82);
    // GET DATA [refresh tag], then FF40 82 1274 over 81 allowing rules of 58 bytes and the 26-byte
    // deny rule: 4729 bytes in 19 responses of up to 256 bytes (one GET DATA [all], 18 [next]).
    expect(enforcer.statistics.getDataCommands).toBe(1 + Math.ceil((5 + 81 * 58 + 26) / 256));
    const small = new AccessControlEnforcer((await phone(jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: hashes }))).se, { getDataLe: 17 });
    expect((await small.decide(JPKI_AP_AID, { certificateHashes: [hashes[79] ?? new Uint8Array(0)] })).apdu).toBe('always');
    expect(small.rules).toHaveLength(81);
  });

  it('applies APDU filters and forbids MANAGE CHANNEL and SELECT by name in transmit', async () => {
    const filtered: RefArDo = { refDo: { aidRefDo: JPKI_AP_AID, deviceAppIdRefDo: mynaportal.sha256 }, arDo: { apduArDo: hexToBytes('00A40200FFFFFF0000B00000FFFF0000') } };
    const { enforcer } = await phone([commandStoreRefArDo(filtered)]);
    const channel = await enforcer.openLogicalChannel(JPKI_AP_AID, deviceApplicationFromCertificates([mynaportal.der]));
    expect(channel.decision.apdu).toBe('filtered');
    expect(bytesToHex(await channel.transmit(hexToBytes('00A4020C02000A')))).toBe('01A4020C9000');
    expect(bytesToHex(await channel.transmit(hexToBytes('00B0000000')))).toBe('01B000009000');
    await expect(channel.transmit(hexToBytes('0020008004'))).rejects.toThrow(/00200080 matches no APDU filter/);
    await expect(channel.transmit(hexToBytes('0070000001'))).rejects.toThrow(/MANAGE CHANNEL/);
    await expect(channel.transmit(hexToBytes('00708001'))).rejects.toThrow(/MANAGE CHANNEL/);
    await expect(channel.transmit(hexToBytes('00A4040009A00000015141434C00'))).rejects.toThrow(/SELECT by DF name/);
    await expect(channel.transmit(hexToBytes('00B0'))).rejects.toThrow(AccessDeniedError);
    await channel.close();
    await expect(channel.transmit(hexToBytes('00B0000000'))).rejects.toThrow(/closed/);
  });

  it('codes channels 4–19 in the further class byte', async () => {
    const { se, enforcer } = await phone(jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [mynaportal.sha256] }));
    se.occupyChannels(6);
    const channel = await enforcer.openLogicalChannel(JPKI_AP_AID, deviceApplicationFromCertificates([mynaportal.der]));
    expect(channel.channelNumber).toBe(7);
    expect(bytesToHex(await channel.transmit(hexToBytes('80CA9F7F00')))).toBe('C3CA9F7F9000');
    expect(bytesToHex(await channel.transmit(hexToBytes('84CA9F7F00')))).toBe('E3CA9F7F9000');
  });

  it('refuses everything when the SE has no ARA-M, and says so', async () => {
    const { se, enforcer } = await phone();
    se.uninstall(ARA_M_INSTANCE_AID);
    const decision = await enforcer.decide(JPKI_AP_AID, deviceApplicationFromCertificates([mynaportal.der]));
    expect(decision.apdu).toBe('never');
    expect(decision.reason).toMatch(/could not be read.*no ARA-M on the SE: SELECT A00000015141434C00 answered 6A82/);
    await expect(enforcer.openLogicalChannel(JPKI_AP_AID, deviceApplicationFromCertificates([mynaportal.der]))).rejects.toThrow(AccessDeniedError);
    expect(se.openChannels).toEqual([0]);
  });

  it('reports an applet that is not on the SE as NoSuchAppletError, and closes the channel', async () => {
    const { se, enforcer } = await phone([commandStoreRefArDo({ refDo: { aidRefDo: new Uint8Array(0), deviceAppIdRefDo: new Uint8Array(0) }, arDo: { apduArDo: Uint8Array.of(1) } })]);
    await expect(enforcer.openLogicalChannel(hexToBytes('A0000000010203'), { certificateHashes: [] })).rejects.toThrow(NoSuchAppletError);
    expect(se.openChannels).toEqual([0]);
    await expect(enforcer.openLogicalChannel(hexToBytes('A00000'), { certificateHashes: [] })).rejects.toThrow(InvalidAidError);
    await expect(enforcer.openLogicalChannel(new Uint8Array(17), { certificateHashes: [] })).rejects.toThrow(InvalidAidError);
    expect(se.openChannels).toEqual([0]);
  });
});

describe('Access Control Enforcer against a misbehaving ARA-M', () => {
  it('turns mutated GET DATA answers into a refusal or a decision, never a crash or an untyped error', async () => {
    const random = seededRandom(0xace_0001);
    const { se } = await phone(jpkiAccessRuleStoreCommands({ allowedAppCertificateHashes: [mynaportal.sha256, mynaportal.sha1] }));
    const app = deviceApplicationFromCertificates([mynaportal.der]);
    let unreadable = 0;
    for (let round = 0; round < 400; round += 1) {
      // A card whose answers to GET DATA (80 CA …) come back with a byte changed, dropped or added.
      const tampered: CardConnection = {
        atr: se.atr,
        reset: () => se.reset(),
        close: async () => undefined,
        transmit: async (command) => {
          const response = await se.transmit(command);
          if ((command[1] ?? 0) !== 0xca || random() < 0.3) return response;
          const bytes = [...response];
          const position = Math.floor(random() * bytes.length);
          const choice = random();
          if (choice < 0.4) bytes[position] = Math.floor(random() * 256);
          else if (choice < 0.7) bytes.splice(Math.max(position - 2, 0), 1);
          else bytes.splice(position, 0, Math.floor(random() * 256));
          return Uint8Array.from(bytes);
        },
      };
      const enforcer = new AccessControlEnforcer(tampered);
      try {
        const decision = await enforcer.decide(JPKI_AP_AID, app);
        expect(['always', 'never', 'filtered']).toContain(decision.apdu);
        if (decision.reason.startsWith('the access rules could not be read')) unreadable += 1;
      } catch (error) {
        expect(error).toBeInstanceOf(JpkigenError);
      }
      // Whatever happened, the enforcer's channels are closed again.
      expect(se.openChannels).toEqual([0]);
    }
    expect(unreadable).toBeGreaterThan(0);
  });
});

describe('Access Control Enforcer against third-party ARA-Ms', () => {
  /** An ARA-M that answers GET DATA with fixed bytes, as another vendor's might. */
  class CannedAraM extends EchoApplet {
    constructor(
      readonly all: string,
      readonly refresh: string,
    ) {
      super(ARA_M_INSTANCE_AID);
    }

    override process(command: { readonly p1: number; readonly p2: number }): ResponseApdu {
      const answer = ((command.p1 << 8) | command.p2) === 0xff40 ? this.all : ((command.p1 << 8) | command.p2) === 0xdf20 ? this.refresh : '6985';
      const bytes = hexToBytes(answer);
      return { data: bytes.subarray(0, bytes.length - 2), sw: ((bytes[bytes.length - 2] ?? 0) << 8) | (bytes[bytes.length - 1] ?? 0) };
    }
  }
  const connect = (all: string, refresh: string): AccessControlEnforcer => new AccessControlEnforcer(new MiniSecureElement([new CannedAraM(all, refresh), new EchoApplet(JPKI_AP_AID)]));

  it('refuses everything when a rule names no target, instead of reading it as all applets', async () => {
    // FF40 { E2 { E1 { C1 00 }, E3 { D0 01 } } }: a REF-DO without 4F or C0.
    const enforcer = connect('FF400BE209E102C100E303D001019000', 'DF200801020304050607089000');
    const decision = await enforcer.decide(JPKI_AP_AID, { certificateHashes: [mynaportal.sha256] });
    expect(decision.apdu).toBe('never');
    expect(decision.reason).toMatch(/rule 0 of the ARA-M is unusable: a REF-DO needs exactly one of AID-REF-DO \(4F\) and C0/);
  });

  it('reads the rules every time from an ARA-M without a refresh tag, and takes 6A88 as no rules', async () => {
    const withRules = connect('FF400DE20BE1044F00C100E303D001019000', '6A88');
    for (let check = 1; check <= 3; check += 1) {
      expect((await withRules.decide(OTHER_AID, { certificateHashes: [] })).step).toBe('D');
      expect(withRules.statistics.ruleReads).toBe(check);
    }
    const empty = connect('6A88', 'DF200801020304050607089000');
    expect((await empty.decide(OTHER_AID, { certificateHashes: [] })).step).toBe('none');
    expect(empty.rules).toEqual([]);
  });
});

describe('class byte coding', () => {
  it.each([
    ['00', 0, '00'],
    ['00', 3, '03'],
    ['80', 2, '82'],
    ['84', 1, '85'],
    ['0C', 3, '0F'],
    ['00', 4, '40'],
    ['80', 4, 'C0'],
    ['84', 19, 'EF'],
    ['10', 5, '51'],
    ['C3', 1, '81'],
    ['E3', 0, '84'],
  ])('CLA %s on channel %i is %s', (cla, channel, expected) => {
    expect(bytesToHex(withChannel(hexToBytes(`${cla}CA000000`), channel)).slice(0, 2)).toBe(expected);
  });

  it('refuses a channel outside 0–19', () => {
    expect(() => withChannel(hexToBytes('00B00000'), 20)).toThrow(RangeError);
  });
});

