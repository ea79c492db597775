/** The shape every spec kind's generator has: a reader into its IR, emitters, and summary counts. */
import type { EmitContext, Emitter, GeneratedFile } from '../../emitters/emitter.js';
import type { YamlSource } from '../../yaml-source.js';

/** How one spec kind is read and emitted; the kind's folder and meta-schema live in spec-kinds.ts. */
interface KindGenerator<IR> {
  /** `related`: the parsed sources of the kinds read before this one, by kind name. */
  read(sources: readonly YamlSource[], related: ReadonlyMap<string, readonly YamlSource[]>): IR;
  readonly emitters: readonly Emitter<IR>[];
  /** Counts for the summary: types, test cases … */
  summarize(ir: IR): Readonly<Record<string, number>>;
}

interface KindOutput {
  readonly files: readonly GeneratedFile[];
  readonly counts: Readonly<Record<string, number>>;
}

/** Binds a kind's reader to its emitters, so kinds with different IRs share one table. */
export function kindGenerator<IR>(generator: KindGenerator<IR>): KindRunner {
  return (sources, context, related) => {
    const ir = generator.read(sources, related);
    return { files: generator.emitters.flatMap((emitter) => emitter.emit(ir, context)), counts: generator.summarize(ir) };
  };
}

export type KindRunner = (sources: readonly YamlSource[], context: EmitContext, related: ReadonlyMap<string, readonly YamlSource[]>) => KindOutput;
