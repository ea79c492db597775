/**
 * PIN counting and session security status after spec/lifecycles/jpki-auth-pin-retry-counter.yaml
 * and jpki-sign-pin-retry-counter.yaml. A wrong PIN is sent only when the right one is known and
 * accepted and at least 2 tries remain, and the counter is restored right after; blocking runs
 * only on a PIN named by --allow-blocking.
 */
import { changeReferenceData, verify } from '../../generated/apdu/jpki-ap.js';
import { concatBytes } from '../../runtime/bytes.js';
import { CheckSkipped, type Check } from '../card/check.js';
import { describePinStatus, JpkiApSession, PINS, wrongPinFor, type PinName, type PinStatus } from './session.js';

type SessionCheck = Check<JpkiApSession>;

function expectTries(session: JpkiApSession, status: PinStatus, left: number, what: string): void {
  const expected = `63C${left.toString(16).toUpperCase()}`;
  session.note(expected, describePinStatus(status));
  if (status.kind !== 'tries' || status.left !== left) return session.fail(`${what}: expected ${left} tries left`, expected, describePinStatus(status));
}

/** After VERIFY in this session the retry query answers 9000 (lifecycle `verified`); a card may also report the full counter. */
function expectVerified(session: JpkiApSession, status: PinStatus, pin: PinName): void {
  const max = PINS[pin].maxTries;
  const ok = status.kind === 'verified' || (status.kind === 'tries' && status.left === max);
  session.note(`9000 (verified) or 63C${max}`, describePinStatus(status));
  if (!ok) return session.fail(`retry query after VERIFY of the ${PINS[pin].title}`, `9000 (verified) or 63C${max}`, describePinStatus(status));
}

function expectNotVerified(session: JpkiApSession, status: PinStatus, pin: PinName, what: string): void {
  session.note('63Cx (not verified)', describePinStatus(status));
  if (status.kind !== 'tries') return session.fail(`${what}: the ${PINS[pin].title} is still verified or the query failed`, '63Cx (not verified)', describePinStatus(status));
}

/** COMPUTE DIGITAL SIGNATURE with the PIN's key must be refused (6982) in the current session. */
async function expectSigningRefused(session: JpkiApSession, pin: PinName, what: string): Promise<void> {
  await session.selectEf(PINS[pin].keyFid);
  const exchange = await session.computeSignature(concatBytes(new Uint8Array(19), new Uint8Array(32)), `COMPUTE DIGITAL SIGNATURE with key ${PINS[pin].keyFid}`);
  session.expectSw(exchange, ['6982'], what);
}

/** Runs `body` and, whatever happens, gives the counter back with the right PIN. */
async function withRestore(session: JpkiApSession, pin: PinName, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    const evidence = session.lastEvidence();
    await session.restoreCounter(pin);
    // The report line is about the judged exchange, not the restoring VERIFY.
    if (evidence.expected !== undefined) session.note(evidence.expected, evidence.got ?? '', evidence.command);
  }
}

function pinChecks(pin: PinName): SessionCheck[] {
  const facts = PINS[pin];
  const max = facts.maxTries;
  return [
    {
      id: `pin.${pin}.retry-query`,
      description: `VERIFY without data on EF ${facts.pinFid} answers 63Cx (x ≤ ${max}) and consumes no try`,
      run: async (session) => {
        await session.freshSession();
        const first = await session.retryQuery(pin);
        const second = await session.retryQuery(pin);
        session.note(`63Cx, 0 < x ≤ ${max}, twice the same`, `${describePinStatus(first)}, then ${describePinStatus(second)}`);
        if (first.kind === 'blocked') throw new CheckSkipped(`the ${facts.title} is blocked: nothing else about it can be checked`);
        if (first.kind !== 'tries' || first.left > max || first.left === 0) return session.fail('retry query', `63Cx, 0 < x ≤ ${max}`, describePinStatus(first));
        if (second.kind !== 'tries' || second.left !== first.left) return session.fail('a second retry query changed the counter', describePinStatus(first), describePinStatus(second));
        session.facts[`${pin}PinTriesAtStart`] = String(first.left);
        return undefined;
      },
    },
    {
      id: `pin.${pin}.verify`,
      description: `VERIFY of the ${facts.title} answers 9000; the retry query then says verified (9000)`,
      run: async (session) => {
        await session.freshSession();
        await session.verifyOperatorPin(pin);
        expectVerified(session, await session.retryQuery(pin), pin);
        return undefined;
      },
    },
    {
      id: `pin.${pin}.wrong-pin-counts`,
      description: `one wrong ${facts.title} answers 63C${max - 1} and the counter keeps it; the right one restores ${max}`,
      run: async (session) => {
        await session.assertWrongTryAffordable(pin);
        await withRestore(session, pin, async () => {
          const wrong = await session.verifyWrongPin(pin);
          session.expectSw(wrong, [`63C${(max - 1).toString(16).toUpperCase()}`], `VERIFY with a wrong ${facts.title}`);
          await session.reset();
          await session.selectAp();
          expectTries(session, await session.retryQuery(pin), max - 1, 'retry query after one wrong try and a reset');
        });
        await session.reset();
        await session.selectAp();
        expectTries(session, await session.retryQuery(pin), max, 'retry query after VERIFY with the right PIN');
        return undefined;
      },
    },
    {
      id: `pin.${pin}.wrong-pin-ends-verification`,
      description: `a wrong ${facts.title} after a right one ends the verification: signing with key ${facts.keyFid} answers 6982`,
      run: async (session) => {
        await session.assertWrongTryAffordable(pin);
        await withRestore(session, pin, async () => {
          await session.freshSession();
          await session.verifyOperatorPin(pin);
          session.expectSw(await session.verifyWrongPin(pin), ['63Cx'], `VERIFY with a wrong ${facts.title}`);
          await expectSigningRefused(session, pin, `signing after a failed VERIFY`);
        });
        return undefined;
      },
    },
    {
      id: `pin.${pin}.overlong-refused`,
      description: `VERIFY of the ${facts.title} with 17 characters (longer than any PIN) is refused (6700/6A80) without counting a try`,
      run: async (session) => {
        await session.assertWrongTryAffordable(pin);
        await withRestore(session, pin, async () => {
          await session.freshSession();
          await session.selectEf(facts.pinFid);
          const overlong = new Uint8Array([0x00, 0x20, 0x00, 0x80, 17, ...new TextEncoder().encode('1'.repeat(17))]);
          const exchange = await session.transmit(overlong, { label: `VERIFY ${facts.title} with 17 characters`, secret: true });
          const shown = session.lastEvidence();
          const after = await session.retryQuery(pin);
          if (after.kind !== 'tries' || after.left !== max) return session.fail('an over-long PIN was counted as a wrong try', `63C${max}`, describePinStatus(after));
          session.note('6700 or 6A80', shown.got ?? '', shown.command);
          session.expectSw(exchange, ['6700', '6A80'], 'VERIFY with an over-long PIN');
        });
        return undefined;
      },
    },
    {
      id: `pin.${pin}.reset-ends-verification`,
      description: `a card reset ends the ${facts.title} verification (retry query 63Cx, signing 6982)`,
      run: async (session) => {
        await session.freshSession();
        await session.verifyOperatorPin(pin);
        await session.reset();
        await session.selectAp();
        expectNotVerified(session, await session.retryQuery(pin), pin, 'retry query after a reset');
        await expectSigningRefused(session, pin, 'signing after a reset');
        return undefined;
      },
    },
    {
      id: `pin.${pin}.deselect-ends-verification`,
      description: `selecting another application ends the ${facts.title} verification (retry query 63Cx, signing 6982)`,
      run: async (session) => {
        await session.freshSession();
        await session.verifyOperatorPin(pin);
        const other = await session.selectOtherApplication();
        if (other === undefined) throw new CheckSkipped('no other application answers SELECT on this card');
        await session.selectAp();
        expectNotVerified(session, await session.retryQuery(pin), pin, `retry query after selecting ${other} and the JPKI-AP again`);
        await expectSigningRefused(session, pin, 'signing after the JPKI-AP was deselected');
        return undefined;
      },
    },
    {
      id: `pin.${pin}.ef-selection-keeps-verification`,
      description: `selecting another EF inside the JPKI-AP keeps the ${facts.title} verification (signing with key ${facts.keyFid} then works)`,
      run: async (session) => {
        await session.freshSession();
        await session.verifyOperatorPin(pin);
        await session.selectEf('0006');
        await session.selectEf(facts.keyFid);
        const exchange = await session.computeSignature(concatBytes(new Uint8Array(19), new Uint8Array(32)), `COMPUTE DIGITAL SIGNATURE with key ${facts.keyFid}`);
        session.expectSw(exchange, ['9000'], 'signing after selecting EF 0006 and the key EF');
        return undefined;
      },
    },
    {
      id: `pin.${pin}.change-without-verify`,
      description: `CHANGE REFERENCE DATA of the ${facts.title} without VERIFY in the session answers 6982 (sent with the current value, so a faulty card changes nothing)`,
      run: async (session) => {
        const current = session.operatorPin(pin);
        await session.freshSession();
        await session.selectEf(facts.pinFid);
        const exchange = await session.transmit(changeReferenceData({ newPin: current }), { label: `CHANGE REFERENCE DATA ${facts.title}`, secret: true });
        session.expectSw(exchange, ['6982'], 'CHANGE REFERENCE DATA without VERIFY');
        return undefined;
      },
    },
    {
      id: `pin.${pin}.change-and-restore`,
      description: `after VERIFY, CHANGE REFERENCE DATA sets a new ${facts.title} (the old one is refused, the new one verifies); the suite then changes it back`,
      run: async (session) => {
        const original = session.operatorPin(pin);
        // The old value is presented once while the new one is in force: that is a wrong try.
        await session.assertWrongTryAffordable(pin);
        const temporary = wrongPinFor(pin, original);
        const change = async (to: string, what: string): Promise<void> => {
          await session.selectEf(facts.pinFid);
          session.expectSw(await session.transmit(changeReferenceData({ newPin: to }), { label: `CHANGE REFERENCE DATA ${facts.title} (${what})`, secret: true }), ['9000'], `CHANGE REFERENCE DATA (${what})`);
        };
        await session.freshSession();
        await session.verifyOperatorPin(pin);
        await change(temporary, 'to a temporary value');
        const judged = session.lastEvidence();
        let restored = false;
        try {
          await session.freshSession();
          await session.selectEf(facts.pinFid);
          session.expectSw(await session.transmit(verify({ pin: original }), { label: `VERIFY old ${facts.title}`, secret: true }), ['63Cx'], `VERIFY with the ${facts.title} that was replaced`);
          await session.selectEf(facts.pinFid);
          session.expectSw(await session.transmit(verify({ pin: temporary }), { label: `VERIFY new ${facts.title}`, secret: true }), ['9000'], `VERIFY with the new ${facts.title}`);
          await change(original, 'back to the given value');
          restored = true;
        } finally {
          if (!restored) {
            // Last resort: the temporary value may still be in force; try it once more to put the given one back.
            await session.freshSession();
            await session.selectEf(facts.pinFid);
            const retry = await session.transmit(verify({ pin: temporary }), { label: `VERIFY new ${facts.title} (restoring)`, secret: true });
            if (retry.sw === 0x9000) {
              await session.selectEf(facts.pinFid);
              restored = (await session.transmit(changeReferenceData({ newPin: original }), { label: 'CHANGE REFERENCE DATA (restoring)', secret: true })).sw === 0x9000;
            }
          }
        }
        if (!restored) return session.fail(`the ${facts.title} could not be changed back: it may now be the given value with its last character advanced by one`, 'the given value restored', 'not restored');
        await session.restoreCounter(pin);
        session.note(judged.expected ?? '9000', `${judged.got ?? ''}; old value refused, new value verified, given value restored`, judged.command);
        return undefined;
      },
    },
    {
      id: `pin.${pin}.blocking`,
      description: `${max} wrong tries block the ${facts.title}: the last answers 63C0, then even the right PIN is refused (6983/6984) — only with --allow-blocking ${pin}`,
      run: async (session) => {
        if (!(session.options.allowBlocking ?? []).includes(pin)) {
          throw new CheckSkipped(`blocking the ${facts.title} cannot be undone over APDUs; pass --allow-blocking ${pin} to run it`);
        }
        await session.assertWrongTryAffordable(pin);
        for (let left = max - 1; left >= 0; left -= 1) {
          await session.freshSession();
          session.expectSw(await session.verifyWrongPin(pin), [`63C${left.toString(16).toUpperCase()}`], `wrong try ${max - left} of ${max}`);
        }
        await session.freshSession();
        const status = await session.retryQuery(pin);
        if (status.kind !== 'blocked') return session.fail('retry query of a blocked PIN', '63C0, 6983 or 6984', describePinStatus(status));
        await session.selectEf(facts.pinFid);
        const right = await session.transmit(verify({ pin: session.operatorPin(pin) }), { label: `VERIFY ${facts.title} (right value, blocked)`, secret: true });
        session.expectSw(right, ['6983', '6984', '63C0'], 'VERIFY of a blocked PIN with the right value');
        await expectSigningRefused(session, pin, 'signing with a blocked PIN');
        session.facts[`${pin}PinBlocked`] = 'yes (--allow-blocking)';
        return undefined;
      },
    },
  ];
}

export function pinCountingChecks(): SessionCheck[] {
  return [...pinChecks('auth'), ...pinChecks('sign')];
}

/** Last: the suite leaves every counter as it found it (or at its maximum after a right VERIFY). */
export function leftAsFoundChecks(): SessionCheck[] {
  return (['auth', 'sign'] as const).map((pin) => ({
    id: `pin.${pin}.left-as-found`,
    description: `after the run the ${PINS[pin].title} counter is at least where it was at the start`,
    run: async (session: JpkiApSession) => {
      const initial = session.initialTries[pin];
      if (initial?.kind !== 'tries') throw new CheckSkipped(`the ${PINS[pin].title} counter was not readable at the start`);
      if ((session.options.allowBlocking ?? []).includes(pin) && session.facts[`${pin}PinBlocked`] !== undefined) {
        throw new CheckSkipped(`the ${PINS[pin].title} was blocked on purpose (--allow-blocking)`);
      }
      await session.freshSession();
      const now = await session.retryQuery(pin);
      const expected = `63Cx with x ≥ ${initial.left}`;
      session.note(expected, describePinStatus(now));
      if (now.kind !== 'tries' || now.left < initial.left) return session.fail(`the ${PINS[pin].title} counter is lower than at the start`, expected, describePinStatus(now));
      return undefined;
    },
  }));
}
