/**
 * Reads life-cycle state machines (spec/lifecycles/*.yaml) into IR, checking what the
 * meta-schema cannot: every name used is declared, no (state, event) pair has two targets,
 * final states are final, and every scenario and forbidden example holds.
 */
import { compareText } from '../compare-text.js';
import type { LifeCycleIR, LifeCyclesIR, Provenance } from '../ir.js';
import { SpecError } from '../spec-error.js';
import { pointerFromSegments, type YamlSource } from '../yaml-source.js';

interface LifeCycleSpec {
  title: string;
  description: string;
  'x-provenance': Provenance;
  codingLength?: number;
  initial: string;
  states: { name: string; label?: string; coding?: string; description: string; final?: boolean }[];
  events: { name: string; description: string; command?: string }[];
  transitions: { from: string | string[]; event: string; to: string }[];
  examples: { description: string; start?: string; events: string[]; end: string }[];
  'x-forbidden-examples': { from: string; event: string; description: string }[];
}

export function readLifeCycles(sources: readonly YamlSource[]): LifeCyclesIR {
  const seen = new Map<string, YamlSource>();
  const machines = sources.map((source) => {
    const spec = source.value as LifeCycleSpec;
    const first = seen.get(spec.title);
    if (first !== undefined) {
      const at = first.locate('/title');
      throw new SpecError('SPEC_DUPLICATE_NAME', source.locate('/title'), `a unique machine name, but '${spec.title}' is already defined at ${at.file}:${at.line}:${at.column}`, '/title');
    }
    seen.set(spec.title, source);
    return readLifeCycle(source, spec);
  });
  return { machines: machines.sort((a, b) => compareText(a.name, b.name)) };
}

function readLifeCycle(source: YamlSource, spec: LifeCycleSpec): LifeCycleIR {
  const fail = (pointer: string, expected: string): never => {
    throw new SpecError('SPEC_INVALID', source.locate(pointer), expected, pointer);
  };
  const states = uniqueNames(spec.states, '/states', 'state', fail);
  const events = uniqueNames(spec.events, '/events', 'event', fail);
  const knownState = (name: string, pointer: string) => {
    if (!states.has(name)) fail(pointer, `a declared state, but '${name}' is not one of: ${[...states].join(', ')}`);
  };
  const knownEvent = (name: string, pointer: string) => {
    if (!events.has(name)) fail(pointer, `a declared event, but '${name}' is not one of: ${[...events].join(', ')}`);
  };
  knownState(spec.initial, '/initial');

  spec.states.forEach((state, index) => {
    if (state.coding !== undefined && spec.codingLength !== undefined && state.coding.length !== spec.codingLength * 2) {
      fail(pointerFromSegments(['states', index, 'coding']), `a coding of ${spec.codingLength} byte(s), as codingLength says`);
    }
  });

  const finalStates = new Set(spec.states.filter((state) => state.final === true).map((state) => state.name));
  const table = new Map<string, string>();
  const transitions: { from: string; event: string; to: string }[] = [];
  spec.transitions.forEach((transition, index) => {
    const at = (...rest: (string | number)[]) => pointerFromSegments(['transitions', index, ...rest]);
    const sources = Array.isArray(transition.from) ? transition.from : [transition.from];
    knownEvent(transition.event, at('event'));
    knownState(transition.to, at('to'));
    sources.forEach((from, fromIndex) => {
      const fromPointer = Array.isArray(transition.from) ? at('from', fromIndex) : at('from');
      knownState(from, fromPointer);
      if (finalStates.has(from)) fail(fromPointer, `no transition out of the final state '${from}'`);
      const key = `${from}\0${transition.event}`;
      if (table.has(key)) fail(fromPointer, `one target per (state, event), but '${from}' + '${transition.event}' already leads to '${table.get(key) ?? ''}'`);
      table.set(key, transition.to);
      transitions.push({ from, event: transition.event, to: transition.to });
    });
  });

  const scenarios = spec.examples.map((example, index) => {
    const at = (...rest: (string | number)[]) => pointerFromSegments(['examples', index, ...rest]);
    const start = example.start ?? spec.initial;
    if (example.start !== undefined) knownState(start, at('start'));
    knownState(example.end, at('end'));
    let state = start;
    example.events.forEach((event, eventIndex) => {
      knownEvent(event, at('events', eventIndex));
      const next = table.get(`${state}\0${event}`);
      if (next === undefined) fail(at('events', eventIndex), `an event allowed in state '${state}' (this scenario reaches '${state}' here), not '${event}'`);
      state = next ?? state;
    });
    if (state !== example.end) fail(at('end'), `the state the events lead to, '${state}', not '${example.end}'`);
    return { description: example.description, start, events: example.events, end: example.end };
  });

  const forbidden = spec['x-forbidden-examples'].map((example, index) => {
    const at = (field: string) => pointerFromSegments(['x-forbidden-examples', index, field]);
    knownState(example.from, at('from'));
    knownEvent(example.event, at('event'));
    if (table.has(`${example.from}\0${example.event}`)) fail(at('event'), `a forbidden pair, but a transition allows '${example.event}' in '${example.from}'`);
    return example;
  });

  return {
    name: spec.title,
    description: spec.description,
    provenance: spec['x-provenance'],
    file: source.file,
    initial: spec.initial,
    states: spec.states.map((state) => ({ name: state.name, label: state.label, coding: state.coding, description: state.description, final: state.final === true })),
    events: spec.events.map((event) => ({ name: event.name, description: event.description, command: event.command })),
    transitions,
    scenarios,
    forbidden,
  };
}

function uniqueNames(items: readonly { name: string }[], pointer: string, what: string, fail: (pointer: string, expected: string) => never): Set<string> {
  const names = new Set<string>();
  items.forEach((item, index) => {
    if (names.has(item.name)) fail(`${pointer}/${index}/name`, `a unique ${what} name, but '${item.name}' is declared twice`);
    names.add(item.name);
  });
  return names;
}
