/**
 * Structural checks of a life cycle that per-transition tests cannot see: every state is reachable
 * from the initial state, and every state that is not final has a way out.
 */
import type { LifeCycle } from '../../runtime/index.js';

export interface LifeCycleCheck {
  readonly name: string;
  readonly states: number;
  readonly events: number;
  readonly transitions: number;
  readonly unreachable: readonly string[];
  readonly deadEnds: readonly string[];
}

export function checkLifeCycle(lifeCycle: LifeCycle<string, string>): LifeCycleCheck {
  const successors = (state: string): string[] => Object.values(lifeCycle.transitions[state] ?? {}).filter((next): next is string => next !== undefined);
  const reached = new Set([lifeCycle.initial]);
  const queue = [lifeCycle.initial];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const next of successors(state)) {
      if (reached.has(next)) continue;
      reached.add(next);
      queue.push(next);
    }
  }
  return {
    name: lifeCycle.name,
    states: lifeCycle.states.length,
    events: lifeCycle.events.length,
    transitions: lifeCycle.states.reduce((sum, state) => sum + successors(state).length, 0),
    unreachable: lifeCycle.states.filter((state) => !reached.has(state)),
    deadEnds: lifeCycle.states.filter((state) => !lifeCycle.finalStates.includes(state) && successors(state).length === 0),
  };
}
