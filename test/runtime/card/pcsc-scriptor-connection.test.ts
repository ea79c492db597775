/**
 * Real pcscd (Debian pcsc-lite) with vsmartcard's vpcd driver, our card client holding a small
 * test-double card, and real PC/SC clients: opensc-tool, scriptor, and our scriptor-driven
 * CardConnection. Needs the Debian packages pcscd, vsmartcard-vpcd, opensc, pcsc-tools.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachCardToVpcd, type VpcdCardAttachment } from '../../../reference/se/transports/vpcd-card-client.js';
import { connectPcscReader, listPcscReaders, parseOpenscReaderList } from '../../../runtime/card/pcsc-scriptor-connection.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';
import { createJpkiLikeTestCard, type JpkiLikeTestCard } from '../../helpers/jpki-like-test-card.js';
import { runTool, startPcscdServer, type PcscdTestServer } from '../../helpers/pcscd-server.js';

const FILE = Uint8Array.from({ length: 700 }, (_, index) => (index * 13 + 5) & 0xff);
const SELECT_AP = '00A4040C0AD392F000260100000001';

describe('parseOpenscReaderList', () => {
  it('reads names from the Name column and the card flag, features or not', () => {
    const listing = '# Detected readers (pcsc)\nNr.  Card  Features  Name\n0    Yes             Virtual PCD 00 00\n1    No    PIN pad   Some Reader [CCID] 01 00\n';
    expect(parseOpenscReaderList(listing)).toEqual([
      { name: 'Virtual PCD 00 00', cardPresent: true },
      { name: 'Some Reader [CCID] 01 00', cardPresent: false },
    ]);
    expect(parseOpenscReaderList('No smart card readers found.\n')).toEqual([]);
  });

  it('with no pcscd behind the socket: no readers, and connecting fails with a CardConnectionError', async () => {
    const env = { ...process.env, PCSCLITE_CSOCK_NAME: '/nonexistent/jpkigen/pcscd.comm' };
    expect(await listPcscReaders({ env })).toEqual([]);
    await expect(connectPcscReader({ reader: 'Virtual PCD 00 00', env })).rejects.toMatchObject({ code: 'CARD_CONNECTION' });
  });
});

describe('PC/SC through real pcscd + vpcd', () => {
  let pcscd: PcscdTestServer;
  let card: JpkiLikeTestCard;
  let attachment: VpcdCardAttachment;

  beforeAll(async () => {
    pcscd = await startPcscdServer();
    card = createJpkiLikeTestCard({ files: new Map([[0x000a, FILE]]), pins: new Map([[0x0018, { value: '1234', maxTries: 3 }]]) });
    attachment = attachCardToVpcd(card, { ...pcscd.cardEndpoint, initialRetryDelayMs: 50 });
    await attachment.whenConnected();
    await pcscd.waitForCard(true);
  });

  afterAll(async () => {
    await attachment?.close();
    await pcscd?.stop();
  });

  it('opensc-tool --list-readers shows the vpcd reader holding a card (and the second, empty vpcd slot)', async () => {
    const result = await runTool('opensc-tool', ['--list-readers'], { env: pcscd.env });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^0\s+Yes\s+Virtual PCD 00 00$/mu);
    expect(result.stdout).toMatch(/^1\s+No\s+Virtual PCD 00 01$/mu);
    expect(await listPcscReaders({ env: pcscd.env })).toEqual([
      { name: 'Virtual PCD 00 00', cardPresent: true },
      { name: 'Virtual PCD 00 01', cardPresent: false },
    ]);
  });

  it('keeps vpcd off this machine\'s interfaces: it binds 0.0.0.0, but only inside pcscd\'s own network namespace (/proc/net/tcp)', () => {
    const listeningHere = (table: string): string[] =>
      readFileSync(table, 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/u))
        .filter((fields) => fields[3] === '0A')
        .map((fields) => fields[1] ?? '');
    const hexPort = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');
    const ours = [pcscd.port, pcscd.port + 1].map(hexPort);
    const here = [...listeningHere('/proc/net/tcp'), ...listeningHere('/proc/net/tcp6')].map((address) => address.split(':')[1]);
    if (pcscd.isolation === 'system-socket') {
      // The fallback without namespaces: vpcd is on every interface while the test runs (vsmartcard vpcd.c: INADDR_ANY).
      expect(here).toEqual(expect.arrayContaining(ours));
    } else {
      expect(here.filter((port) => ours.includes(port ?? ''))).toEqual([]);
      expect('path' in pcscd.cardEndpoint).toBe(true);
    }
  });

  it('opensc-tool --atr prints our ATR', async () => {
    const result = await runTool('opensc-tool', ['--reader', '0', '--atr'], { env: pcscd.env });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('3b:e0:00:ff:81:31:fe:45:14');
  });

  it('scriptor exchanges APDUs with the card', async () => {
    const script = `${SELECT_AP}\n00 A4 02 0C 02 00 0A\n00 B0 00 00 10\n00 A4 02 0C 02 00 18\n00 20 00 80\n`;
    const result = await runTool('scriptor', ['-r', pcscd.readerName], { env: pcscd.env, input: script });
    expect(result.status).toBe(0);
    const answers = result.stdout.split('\n').filter((line) => line.startsWith('< '));
    expect(answers).toEqual([
      '< 90 00 : Normal processing.',
      '< 90 00 : Normal processing.',
      // scriptor breaks the line after every 16 bytes.
      `< ${(bytesToHex(FILE.slice(0, 16)).match(/../gu) ?? []).join(' ')} `,
      '< 90 00 : Normal processing.',
      expect.stringMatching(/^< 63 C3 : /u),
    ]);
    expect(result.stdout).toContain(' \n90 00 : Normal processing.');
    expect(card.log).toEqual(expect.arrayContaining(['00A4020C02000A', '00B0000010']));
  });

  it('connectPcscReader: ATR, 256-byte READ BINARY across scriptor line breaks, retry query, reset dropping state', async () => {
    const connection = await connectPcscReader({ reader: pcscd.readerName, env: pcscd.env });
    try {
      expect(bytesToHex(connection.atr)).toBe('3BE000FF8131FE4514');
      expect(bytesToHex(await connection.transmit(hexToBytes(SELECT_AP)))).toBe('9000');
      expect(bytesToHex(await connection.transmit(hexToBytes('00A4020C02000A')))).toBe('9000');
      for (const offset of [0, 256, 512]) {
        const expected = FILE.slice(offset, offset + 256);
        const response = await connection.transmit(hexToBytes(`00B0${offset.toString(16).padStart(4, '0')}00`));
        expect(bytesToHex(response)).toBe(bytesToHex(expected) + '9000');
      }
      // 14 data bytes + SW = exactly 16 bytes, the length at which scriptor's line break does not trigger.
      expect(bytesToHex(await connection.transmit(hexToBytes('00B000000E')))).toBe(bytesToHex(FILE.slice(0, 14)) + '9000');
      expect(bytesToHex(await connection.transmit(hexToBytes('00A4020C020018')))).toBe('9000');
      expect(bytesToHex(await connection.transmit(hexToBytes('002000800439393939')))).toBe('63C2');
      expect(bytesToHex(await connection.transmit(hexToBytes('00200080')))).toBe('63C2');
      const resetsBefore = card.contacts.filter((contact) => contact === 'reset').length;
      expect(bytesToHex(await connection.reset())).toBe('3BE000FF8131FE4514');
      expect(card.contacts.filter((contact) => contact === 'reset').length).toBe(resetsBefore + 1);
      expect(bytesToHex(await connection.transmit(hexToBytes('00B0000004')))).toBe('6986');
      // The counter is persistent: a reset does not restore tries.
      await connection.transmit(hexToBytes(SELECT_AP));
      await connection.transmit(hexToBytes('00A4020C020018'));
      expect(bytesToHex(await connection.transmit(hexToBytes('002000800431323334')))).toBe('9000');
    } finally {
      await connection.close();
    }
    await expect(connection.transmit(hexToBytes(SELECT_AP))).rejects.toMatchObject({ code: 'CARD_CONNECTION' });
  });

  it('connectPcscReader names the reader it could not open', async () => {
    await expect(connectPcscReader({ reader: 'No Such Reader 00 00', env: pcscd.env })).rejects.toThrow(/"No Such Reader 00 00" ended .*(Can't allocate|SCardConnect|Unknown reader|not)/su);
  });

  it('a card leaving the reader fails the open PC/SC connection, and pcscd then reports no card', async () => {
    const connection = await connectPcscReader({ reader: pcscd.readerName, env: pcscd.env });
    await attachment.close();
    await pcscd.waitForCard(false);
    await expect(connection.transmit(hexToBytes(SELECT_AP))).rejects.toMatchObject({ code: 'CARD_CONNECTION' });
    await connection.close();
    // Put a card back for any later test.
    attachment = attachCardToVpcd(card, { ...pcscd.cardEndpoint, initialRetryDelayMs: 50 });
    await attachment.whenConnected();
    await pcscd.waitForCard(true);
  });
});
