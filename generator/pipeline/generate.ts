/**
 * The heavy half of the pipeline: parse and check every spec, read it into IR, run the
 * emitters and format their files. Nothing here writes to disk, so a failure at any step
 * leaves generated/ untouched.
 */
import path from 'node:path';
import type { EmitContext, Emitter, GeneratedFile } from '../emitters/emitter.js';
import { messageConformanceEmitter } from '../emitters/messages/message-conformance-emitter.js';
import { messageParsersEmitter } from '../emitters/messages/message-parsers-emitter.js';
import { messageTypesEmitter } from '../emitters/messages/message-types-emitter.js';
import { messageValidatorsEmitter } from '../emitters/messages/message-validators-emitter.js';
import type { ApduTablesIR, LifeCyclesIR, MessagesIR } from '../ir.js';
import { apduConformanceEmitter, apduEmitter } from '../emitters/apdu/apdu-emitter.js';
import { readApduTables } from '../readers/apdu-reader.js';
import { lifeCyclesConformanceEmitter, lifeCyclesEmitter } from '../emitters/lifecycles/lifecycles-emitter.js';
import { readLifeCycles } from '../readers/lifecycles-reader.js';
import { openApiConformanceEmitter, openApiEmitter } from '../emitters/openapi/openapi-emitter.js';
import type { OpenApiIR } from '../readers/openapi/openapi-ir.js';
import { readOpenApi } from '../readers/openapi/openapi-reader.js';
import { asn1CodecEmitter, asn1ConformanceEmitter } from '../emitters/asn1/asn1-emitter.js';
import type { Asn1IR } from '../readers/asn1/asn1-ir.js';
import { readAsn1Modules } from '../readers/asn1/asn1-reader.js';
import { generatorVersion, packageRoot } from '../package-root.js';
import { compareText } from '../compare-text.js';
import { formatFiles } from '../printer/format.js';
import { createTemplateRenderer } from '../printer/templates.js';
import { readMessages } from '../readers/messages-reader.js';
import { SpecError } from '../spec-error.js';
import { parseYamlSource, type YamlSource } from '../yaml-source.js';
import { inputHashes, sha256, type GenerationInputs, type InputFile } from './inputs.js';
import { compileMetaSchema } from './meta-schema.js';
import type { ProjectLayout } from './project-layout.js';
import { SPEC_KINDS, type SpecKind } from './spec-kinds.js';

export const MANIFEST_FILE = 'MANIFEST.json';

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
function kindGenerator<IR>(generator: KindGenerator<IR>): KindRunner {
  return (sources, context, related) => {
    const ir = generator.read(sources, related);
    return { files: generator.emitters.flatMap((emitter) => emitter.emit(ir, context)), counts: generator.summarize(ir) };
  };
}

type KindRunner = (sources: readonly YamlSource[], context: EmitContext, related: ReadonlyMap<string, readonly YamlSource[]>) => KindOutput;

const GENERATORS: Readonly<Record<string, KindRunner>> = {
  messages: kindGenerator<MessagesIR>({
    read: readMessages,
    emitters: [messageTypesEmitter, messageValidatorsEmitter, messageParsersEmitter, messageConformanceEmitter],
    summarize: (ir) => ({
      types: ir.messages.length,
      examples: ir.messages.reduce((total, message) => total + message.examples.length, 0),
      invalidExamples: ir.messages.reduce((total, message) => total + message.invalidExamples.length, 0),
    }),
  }),
  lifecycles: kindGenerator<LifeCyclesIR>({
    read: readLifeCycles,
    emitters: [lifeCyclesEmitter, lifeCyclesConformanceEmitter],
    summarize: (ir) => ({
      machines: ir.machines.length,
      transitions: ir.machines.reduce((total, machine) => total + machine.transitions.length, 0),
      scenarios: ir.machines.reduce((total, machine) => total + machine.scenarios.length, 0),
    }),
  }),
  apdu: kindGenerator<ApduTablesIR>({
    read: readApduTables,
    emitters: [apduEmitter, apduConformanceEmitter],
    summarize: (ir) => ({
      tables: ir.tables.length,
      commands: ir.tables.reduce((total, table) => total + table.commands.length, 0),
      examples: ir.tables.reduce((total, table) => total + table.examples.length + table.invalidExamples.length, 0),
    }),
  }),
  asn1: kindGenerator<Asn1IR>({
    read: (sources) => readAsn1Modules(sources.map((source) => ({ file: source.file, text: source.text }))),
    emitters: [asn1CodecEmitter, asn1ConformanceEmitter],
    summarize: (ir) => ({
      modules: ir.modules.length,
      types: ir.modules.reduce((total, module) => total + module.types.length, 0),
      registries: ir.modules.reduce((total, module) => total + module.registries.length, 0),
      testVectors: ir.modules.reduce((total, module) => total + module.tests.length, 0),
    }),
  }),
  openapi: kindGenerator<OpenApiIR>({
    read: readOpenApi,
    emitters: [openApiEmitter, openApiConformanceEmitter],
    summarize: (ir) => ({
      documents: ir.documents.length,
      operations: ir.documents.reduce((total, document) => total + document.operations.length, 0),
      testCases: ir.documents.reduce((total, document) => total + document.operations.reduce((sum, operation) => sum + operation.testCases.length + operation.malformedRequests.length, 0), 0),
    }),
  }),
};

/** Per spec kind, what was generated from it. */
export type GenerationSummary = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface Generation {
  /** Every output file, formatted, the manifest last. */
  readonly files: readonly GeneratedFile[];
  readonly summary: GenerationSummary;
}

export async function generateFromInputs(layout: ProjectLayout, inputs: GenerationInputs): Promise<Generation> {
  const context = {
    runtimeImport: '../../runtime/index.js',
    renderTemplate: createTemplateRenderer(path.join(packageRoot, 'templates')),
  };
  const emitted: GeneratedFile[] = [];
  const summary: Record<string, Readonly<Record<string, number>>> = {};
  const parsedKinds = new Map<string, readonly YamlSource[]>();
  for (const kind of SPEC_KINDS) {
    const generateKind = GENERATORS[kind.name];
    const sources = readSpecKind(inputs, kind);
    parsedKinds.set(kind.name, sources);
    if (generateKind === undefined || sources.length === 0) continue;
    const output = generateKind(sources, context, parsedKinds);
    emitted.push(...output.files);
    summary[kind.name] = output.counts;
  }
  assertUniquePaths(emitted);
  const formatted = await formatFiles(emitted, layout.cacheDir === undefined ? undefined : path.join(layout.cacheDir, 'format'));
  formatted.sort((a, b) => compareText(a.path, b.path));
  return { files: [...formatted, manifestFile(inputs, formatted)], summary };
}

/** Parses every file of one spec kind and checks it against the kind's meta-schema. */
function readSpecKind(inputs: GenerationInputs, kind: SpecKind): YamlSource[] {
  const files = inputs.specs.get(kind) ?? [];
  if (files.length === 0) return [];
  if (kind.format === 'text') return files.map((file) => textSource(file));
  const metaSchema = inputs.metaSchemas.find((file) => file.path === `spec/meta/${kind.metaSchema}`);
  if (metaSchema === undefined) throw new Error(`meta-schema spec/meta/${kind.metaSchema} is missing from the jpkigen package`);
  const checkAgainstMetaSchema = compileMetaSchema(metaSchema);
  return files.map((file: InputFile) => {
    const source = parseYamlSource(file.path, file.text);
    if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
      throw new SpecError('SPEC_META_SCHEMA', { file: file.path, line: 1, column: 1 }, 'a YAML mapping at the top level');
    }
    checkAgainstMetaSchema(source);
    return source;
  });
}

/** A spec file that is not YAML (ASN.1 modules): its reader gets the text and reports its own locations. */
function textSource(file: InputFile): YamlSource {
  return { file: file.path, text: file.text, value: undefined, locate: () => ({ file: file.path, line: 1, column: 1 }) };
}

function assertUniquePaths(files: readonly GeneratedFile[]): void {
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`two emitters write generated/${file.path}`);
    seen.add(file.path);
  }
}

/** The manifest: the generator's version and the hash of every input and output. No timestamps. */
function manifestFile(inputs: GenerationInputs, outputs: readonly GeneratedFile[]): GeneratedFile {
  const manifest = {
    generator: { name: 'jpkigen', version: generatorVersion },
    inputs: inputHashes(inputs),
    outputs: Object.fromEntries(outputs.map((file) => [file.path, sha256(file.content)])),
  };
  return { path: MANIFEST_FILE, language: 'json', content: `${JSON.stringify(manifest, null, 2)}\n` };
}
