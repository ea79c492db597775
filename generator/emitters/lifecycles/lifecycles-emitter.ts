import type { LifeCycleIR, LifeCyclesIR, NamedTypeIR, TypeIR } from '../../ir.js';
import { addNamedType, createDeclarationFile } from '../../printer/declarations.js';
import { docText } from '../../printer/type-printer.js';
import { generatedBanner, type Emitter } from '../emitter.js';

/** State and event types, the machine tables and typed transition functions: `jpkigen/lifecycles`. */
export const lifeCyclesEmitter: Emitter<LifeCyclesIR> = {
  name: 'lifecycles',
  emit(ir, context) {
    const declarations = createDeclarationFile('types.ts');
    for (const machine of ir.machines) {
      for (const named of stateAndEventTypes(machine)) addNamedType(declarations, named);
    }
    const content = context.renderTemplate('lifecycles/index.ts.hbs', {
      banner: generatedBanner('spec/lifecycles'),
      runtimeImport: context.runtimeImport,
      declarations: declarations.getFullText(),
      machines: ir.machines.map((machine) => ({
        ...machine,
        variable: lowerFirst(machine.name),
        provenanceText: docText(undefined, machine.provenance)?.replace(/^@provenance /, '') ?? '',
        stateNames: machine.states.map((state) => state.name),
        eventNames: machine.events.map((event) => event.name),
        finalStates: machine.states.filter((state) => state.final).map((state) => state.name),
        transitionTable: transitionTable(machine),
        codings: Object.fromEntries(machine.states.flatMap((state) => (state.coding === undefined ? [] : [[state.name, state.coding]]))),
        hasCodings: machine.states.some((state) => state.coding !== undefined),
      })),
    });
    return [{ path: 'lifecycles/index.ts', language: 'typescript', content }];
  },
};

/** Generated cases: every allowed transition, every forbidden pair, every scenario. */
export const lifeCyclesConformanceEmitter: Emitter<LifeCyclesIR> = {
  name: 'lifecycles-conformance',
  emit(ir, context) {
    const content = context.renderTemplate('conformance/lifecycles.test.ts.hbs', {
      banner: generatedBanner('spec/lifecycles'),
      runtimeImport: context.runtimeImport,
      machines: ir.machines.map((machine) => ({
        ...machine,
        allowed: machine.transitions.map((transition) => [transition.from, transition.event, transition.to]),
        forbiddenPairs: forbiddenPairs(machine),
      })),
    });
    return [{ path: 'conformance/lifecycles.test.ts', language: 'typescript', content }];
  },
};

function stateAndEventTypes(machine: LifeCycleIR): NamedTypeIR[] {
  const literals = (names: readonly string[]): TypeIR => ({ kind: 'union', members: names.map((value) => ({ kind: 'literal', value })) });
  const location = { file: machine.file, line: 1, column: 1 };
  return [
    {
      name: `${machine.name}State`,
      description: `States of ${machine.name}:\n${machine.states.map((state) => `- \`${state.name}\`${state.coding === undefined ? '' : ` (${state.coding})`}: ${state.description.trim()}`).join('\n')}`,
      provenance: undefined,
      type: literals(machine.states.map((state) => state.name)),
      location,
    },
    {
      name: `${machine.name}Event`,
      description: `Events of ${machine.name}:\n${machine.events.map((event) => `- \`${event.name}\`${event.command === undefined ? '' : ` (${event.command})`}: ${event.description.trim()}`).join('\n')}`,
      provenance: undefined,
      type: literals(machine.events.map((event) => event.name)),
      location,
    },
  ];
}

function transitionTable(machine: LifeCycleIR): Record<string, Record<string, string>> {
  const table: Record<string, Record<string, string>> = Object.fromEntries(machine.states.map((state) => [state.name, {}]));
  for (const transition of machine.transitions) (table[transition.from] ??= {})[transition.event] = transition.to;
  return table;
}

/** Every (event, state) pair no transition allows. */
function forbiddenPairs(machine: LifeCycleIR): [string, string][] {
  const allowed = new Set(machine.transitions.map((transition) => `${transition.from}\0${transition.event}`));
  return machine.states.flatMap((state) =>
    machine.events.filter((event) => !allowed.has(`${state.name}\0${event.name}`)).map((event): [string, string] => [event.name, state.name]),
  );
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
