import { JpkigenError } from './errors.js';

/**
 * A life-cycle state machine as generated from spec/lifecycles: every allowed transition is
 * listed; any other (state, event) pair is forbidden.
 */
export interface LifeCycle<S extends string, E extends string> {
  readonly name: string;
  readonly initial: S;
  readonly states: readonly S[];
  readonly events: readonly E[];
  readonly finalStates: readonly S[];
  readonly transitions: { readonly [state in S]: { readonly [event in E]?: S } };
  /** Wire codings of states (uppercase hex), where the spec gives them. */
  readonly codings: { readonly [state in S]?: string };
}

/** An event that the current state does not allow. The state is unchanged. */
export class ForbiddenTransitionError extends JpkigenError {
  readonly lifeCycle: string;
  readonly state: string;
  readonly event: string;
  readonly allowedEvents: readonly string[];

  constructor(lifeCycle: string, state: string, event: string, allowedEvents: readonly string[]) {
    super(
      'FORBIDDEN_TRANSITION',
      `${lifeCycle}: event '${event}' is not allowed in state '${state}' (allowed: ${allowedEvents.length === 0 ? 'none' : allowedEvents.join(', ')})`,
    );
    this.lifeCycle = lifeCycle;
    this.state = state;
    this.event = event;
    this.allowedEvents = allowedEvents;
  }
}

/** The state after `event`, or a ForbiddenTransitionError. */
export function nextState<S extends string, E extends string>(lifeCycle: LifeCycle<S, E>, state: S, event: E): S {
  const next = lifeCycle.transitions[state]?.[event];
  if (next === undefined) throw new ForbiddenTransitionError(lifeCycle.name, state, event, allowedEvents(lifeCycle, state));
  return next;
}

export function canTransition<S extends string, E extends string>(lifeCycle: LifeCycle<S, E>, state: S, event: E): boolean {
  return lifeCycle.transitions[state]?.[event] !== undefined;
}

export function allowedEvents<S extends string, E extends string>(lifeCycle: LifeCycle<S, E>, state: S): E[] {
  return lifeCycle.events.filter((event) => lifeCycle.transitions[state]?.[event] !== undefined);
}

/** The state a wire coding stands for (e.g. GP life-cycle byte 07 → selectable), if any. */
export function stateOfCoding<S extends string, E extends string>(lifeCycle: LifeCycle<S, E>, coding: Uint8Array): S | undefined {
  const hex = Array.from(coding, (byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join('');
  return lifeCycle.states.find((state) => lifeCycle.codings[state] === hex);
}
