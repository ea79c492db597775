import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeChecks, type CheckResult } from '../../../conformance/card/check.js';
import { openReferenceTarget, type ReferenceTarget, type ReferenceTargetOptions } from '../../../conformance/card/reference-target.js';
import { jpkiApChecks, runJpkiApConformance, type RunJpkiApOptions } from '../../../conformance/jpki-ap/index.js';
import { openSharedAuthority, retryCounterStatus, spendOneTry, verifyStatus, type SharedAuthority } from '../../helpers/card-conformance.js';

let shared: SharedAuthority;
beforeAll(async () => {
  shared = await openSharedAuthority();
});
afterAll(async () => {
  await shared.close();
});

async function withReference<T>(options: ReferenceTargetOptions, body: (target: ReferenceTarget) => Promise<T>): Promise<T> {
  const target = await openReferenceTarget({ ...options, authority: shared.authority });
  try {
    return await body(target);
  } finally {
    await target.close();
  }
}

async function runSuite(target: ReferenceTarget, options: Partial<RunJpkiApOptions> = {}) {
  return runJpkiApConformance(target.connection, { target: target.description, authPin: target.pins.auth, signPin: target.pins.sign, ...options });
}

const ids = (results: readonly CheckResult[], status: CheckResult['status']): string[] => results.filter((result) => result.status === status).map((result) => result.id).sort();

describe('jpki-ap suite against the reference applet', () => {
  for (const profile of ['card', 'gpse', 'ios'] as const) {
    it(`passes on profile ${profile}, detects the profile from EF 0006 and leaves every counter at its maximum`, async () => {
      await withReference({ profile }, async (target) => {
        const report = await runSuite(target);
        const failures = report.results.filter((result) => result.status === 'fail');
        expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);
        expect(report.facts['profile']).toBe(profile);
        // The checks that judge what the brief names must have run, not been skipped.
        const passed = ids(report.results, 'pass');
        for (const id of ['token-info.label', 'sign.auth.digest-info-sha256', 'sign.sign.digest-info-sha256', 'pin.auth.wrong-pin-counts', 'pin.sign.wrong-pin-counts', 'sign.auth.before-verify', 'pin.auth.reset-ends-verification', 'pin.auth.deselect-ends-verification', 'pin.sign.change-without-verify', 'error.unknown-ins', 'read.past-end']) {
          expect(passed).toContain(id);
        }
        expect(passed).toContain('sign.auth.scheme-variants');
        expect(passed).toEqual(expect.arrayContaining(['channel.jpki-ap-on-logical-channel', 'pin.auth.channel-close-ends-verification', 'pin.auth.change-and-restore', 'pin.sign.change-and-restore']));
        // Blocking is skipped, with the reason, unless allowed.
        const blocking = report.results.filter((result) => result.id.endsWith('.blocking'));
        expect(blocking.map((result) => result.status)).toEqual(['skip', 'skip']);
        expect(blocking[0]?.reason).toMatch(/--allow-blocking auth/);
        expect(await retryCounterStatus(target.connection, 'auth')).toBe('63C3');
        expect(await retryCounterStatus(target.connection, 'sign')).toBe('63C5');
        // CHANGE REFERENCE DATA was undone: the given PINs still verify.
        expect(await verifyStatus(target.connection, 'auth', target.pins.auth)).toBe('9000');
        expect(await verifyStatus(target.connection, 'sign', target.pins.sign)).toBe('9000');
      });
    });
  }

  it('the access table decides per profile: EF 000A is free on the card and needs the auth PIN on gpse', async () => {
    const byProfile = async (profile: 'card' | 'gpse') =>
      withReference({ profile }, async (target) => (await runSuite(target, { only: ['token-info.label', 'file.000A.read-without-pin'] })).results.find((result) => result.id === 'file.000A.read-without-pin'));
    expect((await byProfile('card'))?.expected).toMatch(/9000.*rule: always/);
    expect((await byProfile('gpse'))?.expected).toMatch(/6982 \(rule: authPin\)/);
  });

  it('holds a card to --profile: a gpse token run as profile ios fails token-info.label', async () => {
    await withReference({ profile: 'gpse' }, async (target) => {
      const report = await runSuite(target, { profile: 'ios', only: ['token-info.label'] });
      expect(ids(report.results, 'fail')).toEqual(['token-info.label']);
    });
  });
});

describe('jpki-ap suite catches each seeded fault with the checks that judge it, and only those', () => {
  const cases = [
    { fault: 'pinCounterDoesNotCount', expected: ['pin.auth.wrong-pin-counts', 'pin.sign.wrong-pin-counts'] },
    {
      fault: 'signWithoutVerifyAnswers9000',
      expected: [
        'pin.auth.deselect-ends-verification',
        'pin.auth.reset-ends-verification',
        'pin.auth.wrong-pin-ends-verification',
        'pin.sign.deselect-ends-verification',
        'pin.sign.reset-ends-verification',
        'pin.sign.wrong-pin-ends-verification',
        'sign.auth.before-verify',
        'sign.auth.other-pin-does-not-unlock',
        'sign.sign.before-verify',
        'sign.sign.other-pin-does-not-unlock',
      ],
    },
    {
      fault: 'signatureOverWrongDigest',
      expected: ['sign.auth.digest-info-sha256', 'sign.auth.scheme-variants', 'sign.auth.short-ef-form', 'sign.sign.digest-info-sha256', 'sign.sign.scheme-variants', 'sign.sign.short-ef-form'],
    },
  ] as const;
  for (const { fault, expected } of cases) {
    it(`${fault}`, async () => {
      await withReference({ profile: 'gpse', faults: { [fault]: true } }, async (target) => {
        const report = await runSuite(target);
        expect(ids(report.results, 'fail')).toEqual([...expected].sort());
        // Even against a faulty applet the suite gives every try back.
        expect(await retryCounterStatus(target.connection, 'auth')).toBe('63C3');
        expect(await retryCounterStatus(target.connection, 'sign')).toBe('63C5');
      });
    });
  }
});

describe('jpki-ap suite never blocks a PIN it does not have to', () => {
  it('a wrong --auth-pin costs one try only, is never presented again, and the dependent checks are skipped', async () => {
    await withReference({ profile: 'gpse' }, async (target) => {
      const wrong = target.pins.auth === '0000' ? '1111' : '0000';
      const report = await runSuite(target, { authPin: wrong });
      // Presented once, where first needed (on gpse: reading EF 000A); every later use is skipped.
      expect(report.results.filter((result) => /VERIFY with the given auth PIN answered 63C2/.test(result.reason ?? '')).map((result) => result.id)).toEqual(['file.000A.read-with-pin']);
      expect(report.results.filter((result) => result.reason?.includes('refused the given auth PIN')).length).toBeGreaterThan(5);
      expect(report.results.find((result) => result.id === 'pin.auth.verify')?.status).toBe('skip');
      expect(await retryCounterStatus(target.connection, 'auth')).toBe('63C2');
      expect(await retryCounterStatus(target.connection, 'sign')).toBe('63C5');
    });
  });

  it('with one try left it presents neither a wrong nor the given PIN', async () => {
    await withReference({ profile: 'card' }, async (target) => {
      const wrong = target.pins.auth === '0000' ? '1111' : '0000';
      expect(await spendOneTry(target.connection, 'auth', wrong)).toBe('63C2');
      expect(await spendOneTry(target.connection, 'auth', wrong)).toBe('63C1');
      const report = await runSuite(target);
      expect(await retryCounterStatus(target.connection, 'auth')).toBe('63C1');
      const verify = report.results.find((result) => result.id === 'pin.auth.verify');
      expect(verify?.status).toBe('skip');
      expect(verify?.reason).toMatch(/1 try left/);
      expect(summarizeChecks(report.results).failed).toBe(0);
      expect(ids(report.results, 'pass')).toContain('pin.auth.left-as-found');
    });
  });

  it('blocks only the PIN named by --allow-blocking, and checks the blocked answers', async () => {
    await withReference({ profile: 'gpse' }, async (target) => {
      const report = await runSuite(target, { allowBlocking: ['auth'], only: ['pin.auth.retry-query', 'pin.sign.retry-query', 'pin.auth.blocking', 'pin.sign.blocking', 'pin.auth.left-as-found', 'pin.sign.left-as-found'] });
      const status = Object.fromEntries(report.results.map((result) => [result.id, result.status]));
      expect(status).toEqual({
        'pin.auth.retry-query': 'pass',
        'pin.sign.retry-query': 'pass',
        'pin.auth.blocking': 'pass',
        'pin.sign.blocking': 'skip',
        'pin.auth.left-as-found': 'skip',
        'pin.sign.left-as-found': 'pass',
      });
      expect(['63C0', '6983', '6984']).toContain(await retryCounterStatus(target.connection, 'auth'));
      expect(await retryCounterStatus(target.connection, 'sign')).toBe('63C5');
    });
  });
});

describe('jpki-ap check list', () => {
  it('has unique ids', () => {
    const all = jpkiApChecks().map((check) => check.id);
    expect(new Set(all).size).toBe(all.length);
  });
});
