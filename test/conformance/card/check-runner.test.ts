import { describe, expect, it } from 'vitest';
import { ApduChannel } from '../../../conformance/card/apdu-channel.js';
import { CheckFailure, CheckSkipped, runChecks, summarizeChecks, type Check } from '../../../conformance/card/check.js';
import { formatCheckLine, formatSummaryLines, toJunitSuites } from '../../../conformance/card/report.js';
import { formatJunit } from '../../../conformance/report/junit.js';
import type { CardConnection } from '../../../runtime/card/card-connection.js';
import { bytesToHex, hexToBytes } from '../../../runtime/hex.js';

/** A card that answers from a script of (expected command hex → response hex). */
function scriptedCard(script: readonly (readonly [string, string])[]): CardConnection & { readonly sent: string[] } {
  const sent: string[] = [];
  let index = 0;
  return {
    sent,
    atr: hexToBytes('3B00'),
    async transmit(command) {
      sent.push(bytesToHex(command));
      const [expected, answer] = script[index] ?? ['', '6F00'];
      index += 1;
      if (expected !== bytesToHex(command)) throw new Error(`unexpected command ${bytesToHex(command)}, wanted ${expected}`);
      return hexToBytes(answer);
    },
    async reset() {
      return hexToBytes('3B00');
    },
    async close() {},
  };
}

describe('ApduChannel', () => {
  it('collects 61xx with GET RESPONSE on the command’s channel and joins the data', async () => {
    const card = scriptedCard([
      ['01B0000000', '0102610' + '3'],
      ['01C0000003', '030405' + '9000'],
    ]);
    const channel = new ApduChannel(card);
    const exchange = await channel.transmit(hexToBytes('01B0000000'));
    expect(bytesToHex(exchange.data)).toBe('0102030405');
    expect(exchange.sw).toBe(0x9000);
    expect(card.sent).toEqual(['01B0000000', '01C0000003']);
  });

  it('masks secret data in what a report shows', async () => {
    const channel = new ApduChannel(scriptedCard([['002000800431323334', '63C2']]));
    const exchange = await channel.transmit(hexToBytes('002000800431323334'), { label: 'VERIFY', secret: true });
    expect(exchange.shown).toBe('VERIFY 0020008004<4 secret bytes>');
    expect(JSON.stringify(channel.lastEvidence())).not.toContain('31323334');
    expect(() => channel.expectSw(exchange, ['9000'])).toThrow(CheckFailure);
    expect(channel.lastEvidence()).toMatchObject({ expected: '9000', got: 'SW 63C2' });
  });
});

describe('runChecks and the report', () => {
  const checks: Check<ApduChannel>[] = [
    { id: 'a.pass', description: 'passes', run: async (channel) => (channel.note('x', 'x', 'CMD'), undefined) },
    { id: 'a.fail', description: 'fails', run: async () => Promise.reject(new CheckFailure('wrong answer', { command: 'CMD', expected: '9000', got: 'SW 6982' })) },
    { id: 'b.skip', description: 'skips', run: async () => Promise.reject(new CheckSkipped('not offered')) },
    { id: 'b.crash', description: 'throws', run: async () => Promise.reject(new TypeError('boom')) },
  ];

  it('turns outcomes into PASS/FAIL/SKIP, a crash into a FAIL, and keeps going', async () => {
    const results = await runChecks(checks, new ApduChannel(scriptedCard([])));
    expect(results.map((result) => result.status)).toEqual(['pass', 'fail', 'skip', 'fail']);
    expect(results[3]?.reason).toBe('TypeError: boom');
    expect(summarizeChecks(results)).toEqual({ passed: 1, failed: 2, skipped: 1 });
    expect(formatCheckLine(results[1]!)).toBe('FAIL a.fail — fails: wrong answer [command CMD; expected 9000; got SW 6982]');
    expect(formatCheckLine(results[2]!)).toBe('SKIP b.skip — skips: skipped, not offered');
    expect(formatSummaryLines(results)).toEqual(['1 skipped', '1 passed, 2 failed']);
    const xml = formatJunit('t', toJunitSuites({ suite: 's', target: 'card', facts: {}, results }));
    expect(xml).toContain('tests="4" failures="2" skipped="1"');
    expect(xml).toContain('<skipped message="not offered"/>');
  });

  it('runs only the ids asked for; a trailing dot selects a group', async () => {
    const results = await runChecks(checks, new ApduChannel(scriptedCard([])), { only: ['b.', 'a.pass'] });
    expect(results.map((result) => result.id)).toEqual(['a.pass', 'b.skip', 'b.crash']);
  });
});

describe('a card that goes away mid-run', () => {
  it('fails the remaining checks with the transport error and still returns a report', async () => {
    const { runJpkiApConformance } = await import('../../../conformance/jpki-ap/index.js');
    const { CardConnectionError } = await import('../../../runtime/card/card-connection.js');
    const gone: CardConnection = {
      atr: hexToBytes('3B00'),
      transmit: async () => Promise.reject(new CardConnectionError('the virtual card disconnected')),
      reset: async () => Promise.reject(new CardConnectionError('the virtual card disconnected')),
      close: async () => undefined,
    };
    const report = await runJpkiApConformance(gone, { target: 'gone', authPin: '1234', signPin: 'ABCDEF' });
    expect(report.results.length).toBeGreaterThan(50);
    expect(report.results.every((result) => result.status !== 'pass')).toBe(true);
    expect(report.results[0]?.reason).toMatch(/CardConnectionError: the virtual card disconnected/);
  });
});
