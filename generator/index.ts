/** jpkigen as a library: the generator pipeline behind the CLI. */
export { generate, check, type GenerateResult, type CheckResult } from './pipeline/run-generation.js';
export { projectLayout, type ProjectLayout } from './pipeline/project-layout.js';
export type { GenerationSummary } from './pipeline/generate.js';
export { SpecError, type SourceLocation, type SpecErrorCode } from './spec-error.js';
export type { Emitter, EmitContext, GeneratedFile } from './emitters/emitter.js';
export type * from './ir.js';
