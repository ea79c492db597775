import { describe, expect, it } from 'vitest';
import { lifeCycles, transitionJpkiAuthPinRetryCounter } from '../../generated/lifecycles/index.js';
import { allowedEvents, ForbiddenTransitionError, nextState, stateOfCoding } from '../../runtime/life-cycle.js';

describe('life-cycle runtime', () => {
  it('reports a forbidden event with the events that are allowed, leaving the state alone', () => {
    const state = 'blocked';
    let caught: unknown;
    try {
      transitionJpkiAuthPinRetryCounter(state, 'verifySuccess');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ForbiddenTransitionError);
    const error = caught as ForbiddenTransitionError;
    expect(error.code).toBe('FORBIDDEN_TRANSITION');
    expect(error.allowedEvents).toEqual(allowedEvents(lifeCycles.JpkiAuthPinRetryCounter, state));
    expect(error.message).toContain("'verifySuccess' is not allowed in state 'blocked'");
  });

  it('counts the authentication PIN down to blocked in three failures (jpki.md §1.7)', () => {
    let state = lifeCycles.JpkiAuthPinRetryCounter.initial;
    for (let attempt = 0; attempt < 3; attempt += 1) state = nextState(lifeCycles.JpkiAuthPinRetryCounter, state, 'verifyFailure');
    expect(state).toBe('blocked');
  });

  it('finds a GP card state by its life-cycle byte (GPCS 2.3.1 Table 11-3)', () => {
    expect(stateOfCoding(lifeCycles.GpCardLifeCycle, Uint8Array.of(0x0f))).toBe('secured');
    expect(stateOfCoding(lifeCycles.GpCardLifeCycle, Uint8Array.of(0x42))).toBeUndefined();
  });
});
