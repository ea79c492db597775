/**
 * The OPEN: logical channels 0–19 (first and further interindustry class bytes), MANAGE CHANNEL,
 * SELECT [by name] with partial AIDs and next occurrence, implicit selection, response chaining,
 * and bad input answered with status words.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, encodeCommandApdu, hexToBytes } from '../../../runtime/index.js';
import {
  getData,
  getStatus,
  installForInstallAndMakeSelectable,
  installForLoad,
  load,
  parseGetStatusResponse,
  select,
} from '../../../generated/apdu/global-platform.js';
import { buildLoadFileDataBlock, buildLoadFileImage } from '../../../reference/se/load-file.js';
import { SecureElement } from '../../../reference/se/secure-element.js';
import { connectInProcess } from '../../../reference/se/transports/in-process.js';
import { EchoApplet, ECHO_MODULE_AID, ECHO_PACKAGE_AID, echoAppletClass, GpSession, hex, send, sendCollecting } from './se-harness.js';

const ISD = hexToBytes('A000000151000000');
const instanceAid = (index: number) => hexToBytes(`F0000000EC0101${index.toString(16).padStart(2, '0')}`);

async function cardWithEchoes(count: number, privileges: (index: number) => Uint8Array = () => new Uint8Array(3), parameters: (index: number) => string = () => '') {
  const card = new SecureElement({ rom: [echoAppletClass] });
  const connection = connectInProcess(card);
  const session = await GpSession.open(connection, { securityLevel: 0x03 });
  const image = { packageAid: ECHO_PACKAGE_AID, modules: [ECHO_MODULE_AID] };
  const hash = new Uint8Array(createHash('sha1').update(buildLoadFileDataBlock(image)).digest());
  expect((await session.send(installForLoad({ moreCommands: false, loadFileAid: ECHO_PACKAGE_AID, securityDomainAid: ISD, loadFileDataBlockHash: hash, loadParameters: new Uint8Array(0), loadToken: new Uint8Array(0), le: 256 }))).sw).toBe(0x9000);
  expect((await session.send(load({ lastBlock: true, blockNumber: 0, loadFileBlock: buildLoadFileImage(image), le: 256 }))).sw).toBe(0x9000);
  for (let index = 1; index <= count; index += 1) {
    const answer = await session.send(
      installForInstallAndMakeSelectable({
        moreCommands: false,
        executableLoadFileAid: ECHO_PACKAGE_AID,
        executableModuleAid: ECHO_MODULE_AID,
        applicationAid: instanceAid(index),
        privileges: privileges(index),
        installParameters: hexToBytes(`C9${(parameters(index).length / 2).toString(16).padStart(2, '0')}${parameters(index)}`),
        installToken: new Uint8Array(0),
        le: 256,
      }),
    );
    expect(answer.sw, `install ${index}`).toBe(0x9000);
  }
  return { card, connection, session };
}

describe('the OPEN', () => {
  it('opens assigned and given channels up to 19 and routes further-interindustry class bytes', async () => {
    const { connection } = await cardWithEchoes(1);
    const opened: number[] = [];
    for (let index = 1; index <= 19; index += 1) {
      const answer = await send(connection, '0070000001');
      expect(answer.sw).toBe(0x9000);
      opened.push(answer.data[0] ?? -1);
    }
    expect(opened).toEqual(Array.from({ length: 19 }, (_, index) => index + 1));
    expect((await send(connection, '0070000001')).sw).toBe(0x6a81);
    // Channel 13 (CLA 49): select the echo applet, send it a command, close, and the channel is gone.
    expect((await send(connection, encodeCommandApdu({ cla: 0x49, ins: 0xa4, p1: 0x04, p2: 0x00, data: instanceAid(1), le: 256 }), 13)).sw).toBe(0x9000);
    expect(hex(await send(connection, '4901000002CAFE', 13))).toBe('CAFE');
    expect((await send(connection, '00708000'.replace(/00$/, '0D'))).sw).toBe(0x9000);
    expect((await send(connection, '4901000002CAFE', 13)).sw).toBe(0x6881);
    expect((await send(connection, '0070800D')).sw).toBe(0x6200);
    // A given channel number: opened without response data (ISO 7816-4 §11.1.2).
    const given = await send(connection, '0070000D');
    expect(given).toEqual({ data: new Uint8Array(0), sw: 0x9000 });
    expect((await send(connection, '0070000D')).sw).toBe(0x6a86);
    expect((await send(connection, '00708000')).sw).toBe(0x6a86);
  });

  it('runs an SCP03 session on channel 5 independently of the basic channel', async () => {
    const { connection } = await cardWithEchoes(0);
    await connection.reset();
    expect((await send(connection, '00700005')).sw).toBe(0x9000);
    // A new channel opened from the basic channel gets the implicitly selectable application: the ISD.
    const session = await GpSession.open(connection, { channel: 5, securityLevel: 0x33, sdAid: ISD });
    const keyInfo = await session.send(getData({ tag: 0xe0 }));
    expect(keyInfo.sw).toBe(0x9000);
    expect(hex(keyInfo).startsWith('E012')).toBe(true);
    // The basic channel has no session: GET DATA in the clear works there; a GET STATUS needs one.
    expect((await send(connection, getData({ tag: 0x66 }))).sw).toBe(0x9000);
    expect((await send(connection, '80F28002024F0000')).sw).toBe(0x6982);
    // And the session on channel 5 goes on.
    expect((await session.send(hexToBytes('80F28002024F0000'))).sw).toBe(0x9000);
  });

  it('selects by partial AID, first then next occurrences, and skips INSTALLED and LOCKED entries', async () => {
    const { connection } = await cardWithEchoes(3);
    const partial = hexToBytes('F0000000EC0101');
    const first = await send(connection, select({ nextOccurrence: false, aid: partial }));
    expect(first.sw).toBe(0x9000);
    const next1 = await send(connection, select({ nextOccurrence: true, aid: partial }));
    const next2 = await send(connection, select({ nextOccurrence: true, aid: partial }));
    const next3 = await send(connection, select({ nextOccurrence: true, aid: partial }));
    expect([next1.sw, next2.sw, next3.sw]).toEqual([0x9000, 0x9000, 0x6a82]);
    // An empty SELECT [by name] selects the ISD.
    expect(hex(await send(connection, '00A4040000'))).toContain('A000000151000000');
  });

  it('a channel opened from a supplementary channel inherits its selection (GPCS §6.4.3.2)', async () => {
    const { connection } = await cardWithEchoes(1);
    await connection.reset();
    expect(hex(await send(connection, '0070000001'))).toBe('01');
    expect((await send(connection, select({ nextOccurrence: false, aid: instanceAid(1) }, { channel: 1 }), 1)).sw).toBe(0x9000);
    expect(hex(await send(connection, '0170000001', 1))).toBe('02');
    expect(hex(await send(connection, '0201000001AB', 2))).toBe('AB');
    // From the basic channel a new channel gets the ISD, which answers GET DATA.
    expect(hex(await send(connection, '0070000001'))).toBe('03');
    expect((await send(connection, '83CA006600', 3)).sw).toBe(0x9000);
  });

  it('honours Implicit Selection parameters (CF) per channel, one application per channel and interface', async () => {
    const { card, connection, session } = await cardWithEchoes(1, () => new Uint8Array(3), () => '');
    const withCf = (aid: Uint8Array, cf: string) =>
      session.send(installForInstallAndMakeSelectable({ moreCommands: false, executableLoadFileAid: ECHO_PACKAGE_AID, executableModuleAid: ECHO_MODULE_AID, applicationAid: aid, privileges: new Uint8Array(3), installParameters: hexToBytes(`C900EF03CF01${cf}`), installToken: new Uint8Array(0), le: 256 }));
    expect((await withCf(instanceAid(2), '42')).sw).toBe(0x9000); // contact, channel 2
    expect((await withCf(instanceAid(3), '42')).sw).toBe(0x6a80); // taken
    expect((await withCf(instanceAid(3), '62')).sw).toBe(0x6a80); // RFU bit
    expect((await withCf(instanceAid(3), '82')).sw).toBe(0x9000); // contactless, channel 2: free
    const status = await session.send(getStatus({ subset: 'applications', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: Uint8Array.of(0x4f, 8, ...instanceAid(2)), le: 256 }));
    expect(parseGetStatusResponse(Uint8Array.of(...status.data, 0x90, 0x00)).fields?.entries[0]?.implicitSelection?.map(bytesToHex)).toEqual(['42']);
    await connection.reset();
    expect(hex(await send(connection, '0070000001'))).toBe('01');
    expect(hex(await send(connection, '0070000001'))).toBe('02');
    // Channel 2 came up with the echo applet implicitly selected; channel 1 with the ISD.
    expect(hex(await send(connection, '0201000001AB', 2))).toBe('AB');
    expect((await send(connection, '81CA006600', 1)).sw).toBe(0x9000);
    expect((card.applet(instanceAid(2)) as EchoApplet).selections).toEqual([2]);
    const restored = SecureElement.fromSnapshot(JSON.parse(JSON.stringify(card.snapshot())), { rom: [echoAppletClass] });
    expect(restored.registry.instance(instanceAid(2))?.implicitSelection).toEqual([0x42]);
  });

  it('tells the applets: select, deselect on reselection and channel close, reset on power cycle', async () => {
    const { card, connection } = await cardWithEchoes(1);
    const applet = card.applet(instanceAid(1)) as EchoApplet;
    await send(connection, '0070000001');
    await send(connection, select({ nextOccurrence: false, aid: instanceAid(1) }, { channel: 1 }), 1);
    await send(connection, select({ nextOccurrence: false, aid: instanceAid(1) }, { channel: 1 }), 1);
    await send(connection, '00708001');
    expect(applet.selections).toEqual([1, 1]);
    expect(applet.deselections).toEqual([1, 1]);
    await connection.reset();
    expect(applet.resets).toBe(1);
  });

  it('refused selection (6999) leaves the channel without a selection', async () => {
    const { connection } = await cardWithEchoes(1, () => new Uint8Array(3), () => 'FF');
    expect((await send(connection, select({ nextOccurrence: false, aid: instanceAid(1) }))).sw).toBe(0x6999);
    expect((await send(connection, '0001000000')).sw).toBe(0x6a82);
  });

  it('selects the Card Reset holder after reset, and the ISD again once it is locked', async () => {
    const { connection, session } = await cardWithEchoes(2, (index) => (index === 2 ? hexToBytes('040000') : new Uint8Array(3)));
    await connection.reset();
    expect(hex(await send(connection, '0001000002BEEF'))).toBe('BEEF');
    const again = await GpSession.open(connection, { securityLevel: 0x01 }).catch((error: unknown) => error);
    // The basic channel now talks to the echo applet, not the ISD: INITIALIZE UPDATE is just echoed.
    expect(again).toBeInstanceOf(Error);
    void session;
    await send(connection, '00A4040000');
    const isdSession = await GpSession.open(connection, { securityLevel: 0x01 });
    expect((await isdSession.send(Uint8Array.of(0x80, 0xf0, 0x40, 0x80, 8, ...instanceAid(2)))).sw).toBe(0x9000);
    await connection.reset();
    expect(hex(await send(connection, getData({ tag: 0x42 })))).toBe('');
    expect((await send(connection, getData({ tag: 0x66 }))).sw).toBe(0x9000);
  });

  it('chains long responses with 61xx and GET RESPONSE, honouring Le', async () => {
    const { connection } = await cardWithEchoes(1);
    await send(connection, select({ nextOccurrence: false, aid: instanceAid(1) }));
    const first = await connection.transmit(hexToBytes('0020012C00'));
    expect(first.length).toBe(258);
    expect(bytesToHex(first.subarray(256))).toBe('612C');
    const rest = await connection.transmit(hexToBytes('00C0000010'));
    expect(bytesToHex(rest.subarray(16))).toBe('611C');
    const last = await connection.transmit(hexToBytes('00C000001C'));
    expect(bytesToHex(last.subarray(28))).toBe('9000');
    const whole = await sendCollecting(connection, hexToBytes('0020030000'));
    expect(whole.data.length).toBe(0x300);
    expect(whole.data.every((byte, index) => byte === (index & 0xff))).toBe(true);
    // Any other command drops what was waiting.
    await connection.transmit(hexToBytes('0020012C00'));
    await connection.transmit(hexToBytes('0001000000'));
    expect(bytesToHex(await connection.transmit(hexToBytes('00C0000000')))).toBe('6985');
  });

  it('answers malformed and unsupported APDUs with status words, and an applet bug with 6F00', async () => {
    const { connection } = await cardWithEchoes(1);
    const cases: [string, string][] = [
      ['00', '6700'],
      ['00A404', '6700'],
      ['00A4040005A0000001', '6700'],
      ['20A4040000', '6E00'],
      ['FFA4040000', '6E00'],
      ['10A4040000', '6884'],
      ['01A4040000', '6881'],
      ['4FA4040000', '6881'],
      ['00A4040305A000000151', '6A86'],
    ];
    for (const [apdu, sw] of cases) expect(bytesToHex(await connection.transmit(hexToBytes(apdu))), apdu).toBe(sw);
    await send(connection, select({ nextOccurrence: false, aid: instanceAid(1) }));
    expect(bytesToHex(await connection.transmit(hexToBytes('0030000000')))).toBe('6F00');
    // The card goes on after the bug.
    expect(hex(await send(connection, '0001000001AA'))).toBe('AA');
  });
});
