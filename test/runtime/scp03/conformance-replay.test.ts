/** The SCP03 conformance replay (conformance/scp03): every published vector on both sides, and bad files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatScp03ReplayLines,
  replayScp03VectorFile,
  replayScp03VectorFiles,
  replayScp03VectorText,
  type Scp03ReplayResult,
} from '../../../conformance/scp03/index.js';
import { localVectorFolder, readJson, sharedVectorFolder, vectorFiles } from './vectors.js';

const shared = vectorFiles(sharedVectorFolder);
const local = vectorFiles(localVectorFolder);
const cases = [...shared, ...local].flatMap((file) => (['host', 'card'] as const).map((side) => ({ name: path.basename(file), file, side })));

function failures(result: Scp03ReplayResult): string[] {
  return result.checks.filter((check) => !check.ok).map((check) => `${check.step}: ${check.detail ?? ''}`);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

const pysim = readJson(path.join(sharedVectorFolder, 'pysim-aes128-33.json')) as Record<string, unknown> & { steps: Record<string, unknown>[] };
const units = readJson(path.join(sharedVectorFolder, 'units-yubico.json')) as Record<string, unknown> & { vectors: Record<string, unknown>[] };

describe('replayScp03VectorFile', () => {
  it('finds the shared vector files (shared/ beside the clone)', () => {
    expect(shared.map((file) => path.basename(file))).toEqual(expect.arrayContaining(['kdf-blaufish.json', 'units-yubico.json', 'pysim-aes128-33.json', 'pysim-aes256-11.json']));
    expect(shared).toHaveLength(11);
  });

  it.each(cases)('$name passes on the $side side', ({ file, side }) => {
    const result = replayScp03VectorFile(readJson(file), side, { file });
    expect(failures(result)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.checks.length).toBeGreaterThan(2);
  });

  it('fails a file whose recorded bytes differ, naming the step and both values', () => {
    const tampered = clone(pysim);
    const step = tampered.steps[4] as { wrapped: string };
    step.wrapped = step.wrapped.replace(/.$/, (digit) => (digit === '0' ? '1' : '0'));
    const host = replayScp03VectorFile(tampered, 'host');
    expect(host.passed).toBe(false);
    expect(failures(host)).toEqual(['/steps/4 wrapCommand: wrapped command differs: expected 84F2200208AC6A59024BED84C0, got 84F2200208AC6A59024BED84CC']);
    const card = replayScp03VectorFile(tampered, 'card');
    expect(card.passed).toBe(false);
    expect(failures(card)[0]).toMatch(/^\/steps\/4 wrapCommand: SCP03_BAD_C_MAC/);
    expect(failures(card).slice(1)).toEqual([expect.stringContaining('not run: the channel ended at /steps/4'), expect.stringContaining('not run'), expect.stringContaining('not run')]);
  });

  it('fails the card side when its card cryptogram would differ from the recorded one', () => {
    const tampered = clone(pysim);
    const step = tampered.steps[0] as { response: string };
    step.response = step.response.replace(/^(.{42})../, '$100');
    const card = replayScp03VectorFile(tampered, 'card');
    expect(failures(card)[0]).toMatch(/^\/steps\/0 initializeUpdate: INITIALIZE UPDATE response differs/);
    const host = replayScp03VectorFile(tampered, 'host');
    expect(failures(host)[0]).toMatch(/^\/steps\/0 initializeUpdate: SCP03_BAD_CARD_CRYPTOGRAM/);
  });

  it('reports malformed files by JSON pointer instead of throwing', () => {
    const broken: [string, unknown, RegExp][] = [
      ['not an object', [1, 2], /\(root\): expected an object/],
      ['unknown protocol', { ...pysim, protocol: 'SCP02' }, /\/protocol: expected one of "SCP03", "SCP03-KDF", "SCP03-UNITS"/],
      ['missing keys', { ...pysim, keys: undefined }, /\/keys: expected an object/],
      ['odd hex', { ...pysim, hostChallenge: 'ABC' }, /\/hostChallenge: expected a hex string of 8 or 16 bytes/],
      ['short key', { ...pysim, keys: { kvn: '30', enc: '0001', mac: '0001', dek: '0001' } }, /\/keys\/enc: expected a hex string of 16 or 24 or 32 bytes, got 2/],
      ['unknown step', { ...pysim, steps: [{ op: 'selectApplet' }] }, /\/steps\/0\/op: expected one of "initializeUpdate"/],
      ['missing field', { ...pysim, steps: [{ op: 'wrapCommand', plain: '80CA006600' }] }, /\/steps\/0\/wrapped: expected a hex string \(field "wrapped" is missing\)/],
      ['bad status word', { ...pysim, steps: [{ op: 'unwrapResponse', protected: '', plain: '', sw: '90' }] }, /\/steps\/0\/sw: expected a hex string of 2 bytes/],
      ['bad level', { ...pysim, securityLevel: 33 }, /\/securityLevel: expected a hex string of 1 bytes/],
      ['unknown unit kind', { ...units, vectors: [{ kind: 'cardChallenge' }] }, /\/vectors\/0\/kind: expected one of "hostCryptogram"/],
      ['unit without output', { ...units, vectors: [{ ...units.vectors[1], outputFirst8: undefined }] }, /\/vectors\/0\/output: expected a hex string/],
      ['KDF length mismatch', { protocol: 'SCP03-KDF', vectors: [{ key: '00'.repeat(16), constant: '01', context: '', output: '00'.repeat(16), lengthBits: 64 }] }, /\/vectors\/0\/lengthBits/],
    ];
    for (const [label, json, message] of broken) {
      for (const side of ['host', 'card'] as const) {
        const result = replayScp03VectorFile(json, side, { file: 'broken.json' });
        expect(result.passed, label).toBe(false);
        expect(result.checks, label).toHaveLength(1);
        expect(result.checks[0]?.step, label).toBe('parse');
        expect(result.checks[0]?.detail, label).toMatch(message);
      }
    }
  });

  it('runs the security checks a card must fail: a level the card refuses ends the replay', () => {
    const tampered = clone(pysim);
    tampered['securityLevel'] = '31';
    const host = replayScp03VectorFile(tampered, 'host');
    expect(failures(host)).toEqual([expect.stringMatching(/^session: SCP03_UNSUPPORTED_SECURITY_LEVEL/)]);
  });

  it('needs an initializeUpdate step first on the card side', () => {
    const tampered = clone(pysim);
    tampered.steps = tampered.steps.slice(1);
    expect(failures(replayScp03VectorFile(tampered, 'card'))).toEqual([expect.stringMatching(/^\/steps\/0: a card-side replay needs an initializeUpdate step first/)]);
  });

  it('turns JSON syntax errors and unreadable files into failed results', async () => {
    const text = replayScp03VectorText('{"protocol": ', 'host', { file: 'cut.json' });
    expect(text).toMatchObject({ file: 'cut.json', passed: false });
    expect(text.checks[0]?.detail).toMatch(/^not JSON: /);
    const folder = mkdtempSync(path.join(tmpdir(), 'scp03-replay-'));
    const good = path.join(folder, 'good.json');
    writeFileSync(good, JSON.stringify(units));
    const results = await replayScp03VectorFiles([good, path.join(folder, 'missing.json')], 'card');
    expect(results.map((result) => result.passed)).toEqual([true, false]);
    expect(results[1]?.checks[0]?.detail).toMatch(/^cannot read missing\.json/);
  });
});

describe('formatScp03ReplayLines', () => {
  it('prints one line per file and ends with `N passed, M failed`', () => {
    const results = [
      replayScp03VectorFile(readJson(path.join(sharedVectorFolder, 'units-yubico.json')), 'host', { file: '/x/units-yubico.json' }),
      replayScp03VectorFile({ protocol: 'nope' }, 'card', { file: '/x/bad.json' }),
      replayScp03VectorFile(readJson(path.join(sharedVectorFolder, 'pysim-aes128-33.json')), 'card', { file: '/x/pysim-aes128-33.json' }),
    ];
    expect(formatScp03ReplayLines(results)).toEqual([
      'PASS units-yubico.json (host, SCP03-UNITS; 4 checks)',
      'FAIL bad.json (card; 0/1 checks): parse: malformed vector file: /protocol: expected one of "SCP03", "SCP03-KDF", "SCP03-UNITS"',
      'PASS pysim-aes128-33.json (card, SCP03; 8 checks)',
      '2 passed, 1 failed',
    ]);
  });

  it('summarises failures beyond the first two', () => {
    const result: Scp03ReplayResult = {
      file: 'f.json',
      side: 'host',
      protocol: 'SCP03',
      passed: false,
      checks: [1, 2, 3, 4].map((index) => ({ step: `/steps/${index}`, ok: false, detail: 'x' })),
    };
    expect(formatScp03ReplayLines([result])).toEqual(['FAIL f.json (host, SCP03; 0/4 checks): /steps/1: x; /steps/2: x; and 2 more', '0 passed, 1 failed']);
  });
});
