import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readApduTables } from '../../../generator/readers/apdu-reader.js';
import { parseYamlSource } from '../../../generator/yaml-source.js';
import {
  ApduEncodingError,
  buildCommand,
  describeStatusWord,
  dispatchCommand,
  parseResponse,
  type CommandTable,
} from '../../../runtime/apdu/command-table.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';
import { seededRandom } from '../../helpers/random.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const fixture = 'test/fixtures/mini-apdu-table.yaml';
const [ir] = readApduTables([parseYamlSource(fixture, readFileSync(path.join(repositoryRoot, fixture), 'utf8'))]).tables;
const table = ir?.table as unknown as CommandTable;

describe('command-table interpreter', () => {
  it('dispatches every example and builds it back', () => {
    for (const example of ir?.examples ?? []) {
      const result = dispatchCommand(table, hexToBytes(example.apdu));
      if (!result.ok) throw new Error(`${example.description}: ${result.reason}`);
      expect(result.command.name).toBe(example.command);
      const rebuilt = buildCommand(table, example.command, result.command.fields, result.channel === 0 ? {} : { channel: result.channel });
      expect(bytesToHex(rebuilt)).toBe(example.apdu);
    }
  });

  it('refuses each invalid example with the status word a card gives', () => {
    for (const example of ir?.invalidExamples ?? []) {
      const result = dispatchCommand(table, hexToBytes(example.apdu));
      expect(result.ok, example.description).toBe(false);
      if (!result.ok) expect(result.sw.toString(16).toUpperCase().padStart(4, '0'), example.description).toBe(example.sw);
    }
  });

  it('tells VERIFY from the retry query by ISO case alone', () => {
    expect(dispatchCommand(table, hexToBytes('00200080'))).toMatchObject({ ok: true, command: { name: 'verifyRetryQuery' } });
    expect(dispatchCommand(table, hexToBytes('002000800431323334'))).toMatchObject({ ok: true, command: { name: 'verify', fields: { pin: '1234' } } });
  });

  it('reads the logical channel from CLA where the command allows it', () => {
    const built = buildCommand(table, 'install', { loadFileAid: hexToBytes('A000000001'), privileges: hexToBytes('00') }, { channel: 2 });
    expect(bytesToHex(built)).toBe('82E60C000805A0000000010100');
    expect(dispatchCommand(table, built)).toMatchObject({ ok: true, channel: 2 });
    expect(() => buildCommand(table, 'selectFile', { fid: hexToBytes('0001') }, { channel: 1 })).toThrow(ApduEncodingError);
  });

  it('rejects builder input that does not fit, naming the field', () => {
    expect(() => buildCommand(table, 'selectFile', { fid: hexToBytes('000102') })).toThrow(/fid must be 2 bytes, got 3/);
    expect(() => buildCommand(table, 'readBinary', { offset: 0x8000 })).toThrow(/offset 32768 does not fit in 15 bit/);
    expect(() => buildCommand(table, 'sign', { scheme: 'md5', input: hexToBytes('00') })).toThrow(/scheme must be one of asGiven, pss/);
  });

  it('prefers the exact status word over a pattern', () => {
    expect(describeStatusWord(table, 0x63c0)?.name).toBe('blocked');
    expect(describeStatusWord(table, 0x63c2)?.name).toBe('verifyFailed');
    expect(describeStatusWord(table, 0x6f00)).toBeUndefined();
  });

  it('decodes response data on 9000', () => {
    expect(parseResponse(table, 'readBinary', hexToBytes('30829000'))).toMatchObject({ sw: 0x9000, status: 'success', fields: { content: hexToBytes('3082') } });
    expect(parseResponse(table, 'readBinary', hexToBytes('63C1'))).toMatchObject({ sw: 0x63c1, status: 'verifyFailed', fields: undefined });
  });

  it('never throws on random or mutated APDUs', () => {
    const random = seededRandom(0x6a86);
    const seeds = (ir?.examples ?? []).map((example) => hexToBytes(example.apdu));
    for (let round = 0; round < 30000; round += 1) {
      const seed = seeds[round % seeds.length] ?? new Uint8Array();
      const bytes = random() < 0.3 ? Uint8Array.from({ length: Math.floor(random() * 20) }, () => Math.floor(random() * 256)) : mutate(seed, random);
      const result = dispatchCommand(table, bytes);
      if (!result.ok) expect([0x6700, 0x6d00, 0x6e00, 0x6a86, 0x6a80]).toContain(result.sw);
    }
  });
});

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const copy = Array.from(bytes);
  const at = Math.floor(random() * (copy.length + 1));
  const choice = random();
  if (choice < 0.4) copy[at] = Math.floor(random() * 256);
  else if (choice < 0.7) copy.splice(at, 1);
  else copy.splice(at, 0, Math.floor(random() * 256));
  return Uint8Array.from(copy);
}
