import { lifeCyclesConformanceEmitter, lifeCyclesEmitter } from '../../emitters/lifecycles/lifecycles-emitter.js';
import { readLifeCycles } from '../../readers/lifecycles-reader.js';
import type { LifeCyclesIR } from '../../ir.js';
import { kindGenerator } from './kind-generator.js';

export const lifecyclesKind = kindGenerator<LifeCyclesIR>({
  read: readLifeCycles,
  emitters: [lifeCyclesEmitter, lifeCyclesConformanceEmitter],
  summarize: (ir) => ({
    machines: ir.machines.length,
    transitions: ir.machines.reduce((total, machine) => total + machine.transitions.length, 0),
    scenarios: ir.machines.reduce((total, machine) => total + machine.scenarios.length, 0),
  }),
});
