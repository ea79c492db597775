import { describe, expect, it } from 'vitest';
import { readLifeCycles } from '../../../generator/readers/lifecycles-reader.js';
import { SpecError } from '../../../generator/spec-error.js';
import { parseYamlSource } from '../../../generator/yaml-source.js';

const base = `title: Door
description: a door
x-provenance: { status: modelled }
codingLength: 1
initial: closed
states:
  - { name: closed, coding: '01', description: shut }
  - { name: open, coding: '02', description: open }
  - { name: gone, description: removed, final: true }
events:
  - { name: push, description: opens }
  - { name: pull, description: closes }
  - { name: remove, description: removes }
transitions:
  - { from: closed, event: push, to: open }
  - { from: open, event: pull, to: closed }
  - { from: [closed, open], event: remove, to: gone }
examples:
  - { description: in and out, events: [push, pull, remove], end: gone }
x-forbidden-examples:
  - { from: gone, event: push, description: no door }
`;

function read(text: string) {
  return readLifeCycles([parseYamlSource('spec/lifecycles/door.yaml', text)]);
}

function specError(text: string): SpecError {
  try {
    read(text);
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError');
}

describe('readLifeCycles', () => {
  it('expands shared transitions to one per source state', () => {
    const [machine] = read(base).machines;
    expect(machine?.transitions).toEqual([
      { from: 'closed', event: 'push', to: 'open' },
      { from: 'open', event: 'pull', to: 'closed' },
      { from: 'closed', event: 'remove', to: 'gone' },
      { from: 'open', event: 'remove', to: 'gone' },
    ]);
    expect(machine?.scenarios[0]?.start).toBe('closed');
  });

  it.each([
    ['an undeclared target state', base.replace('event: push, to: open', 'event: push, to: ajar'), 15, "'ajar' is not one of"],
    ['an undeclared event', base.replace('event: pull, to: closed', 'event: kick, to: closed'), 16, "'kick' is not one of"],
    ['two targets for one pair', base.replace('  - { from: open, event: pull, to: closed }', '  - { from: open, event: pull, to: closed }\n  - { from: open, event: pull, to: gone }'), 17, 'one target per (state, event)'],
    ['a transition out of a final state', base.replace('from: [closed, open]', 'from: [closed, gone]'), 17, "final state 'gone'"],
    ['a scenario that takes a forbidden event', base.replace('events: [push, pull, remove]', 'events: [pull, remove]'), 19, "allowed in state 'closed'"],
    ['a scenario that ends elsewhere', base.replace('end: gone', 'end: open'), 19, "'gone', not 'open'"],
    ['a "forbidden" example that is allowed', base.replace('{ from: gone, event: push', '{ from: closed, event: push'), 21, 'a transition allows'],
    ['a coding of the wrong size', base.replace("coding: '02'", "coding: '0202'"), 8, 'a coding of 1 byte(s)'],
    ['a duplicate state', base.replace('  - { name: open, coding', '  - { name: closed, coding'), 8, "'closed' is declared twice"],
  ])('rejects %s with its location', (_name, text, line, expected) => {
    const error = specError(text);
    expect(error.code).toBe('SPEC_INVALID');
    expect(error.location.line).toBe(line);
    expect(error.expected).toContain(expected);
  });
});
