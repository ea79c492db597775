/**
 * The heavy half of the pipeline: parse and check every spec, read it into IR, run the
 * emitters and format their files. Nothing here writes to disk, so a failure at any step
 * leaves generated/ untouched.
 */
import path from 'node:path';
import type { Emitter, GeneratedFile } from '../emitters/emitter.js';
import { messageConformanceEmitter } from '../emitters/messages/message-conformance-emitter.js';
import { messageParsersEmitter } from '../emitters/messages/message-parsers-emitter.js';
import { messageTypesEmitter } from '../emitters/messages/message-types-emitter.js';
import { messageValidatorsEmitter } from '../emitters/messages/message-validators-emitter.js';
import type { MessagesIR } from '../ir.js';
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
import { SPEC_KINDS } from './spec-kinds.js';

export const MANIFEST_FILE = 'MANIFEST.json';

const MESSAGE_EMITTERS: readonly Emitter<MessagesIR>[] = [
  messageTypesEmitter,
  messageValidatorsEmitter,
  messageParsersEmitter,
  messageConformanceEmitter,
];

export interface GenerationSummary {
  readonly messageTypes: number;
  readonly examples: number;
  readonly invalidExamples: number;
}

export interface Generation {
  /** Every output file, formatted, the manifest last. */
  readonly files: readonly GeneratedFile[];
  readonly summary: GenerationSummary;
}

export async function generateFromInputs(layout: ProjectLayout, inputs: GenerationInputs): Promise<Generation> {
  const messageSources = readSpecKind(inputs, 'messages');
  const messages = readMessages(messageSources);
  const context = {
    runtimeImport: '../../runtime/index.js',
    renderTemplate: createTemplateRenderer(path.join(packageRoot, 'templates')),
  };
  const emitted = MESSAGE_EMITTERS.flatMap((emitter) => emitter.emit(messages, context));
  assertUniquePaths(emitted);
  const formatted = await formatFiles(emitted, layout.cacheDir === undefined ? undefined : path.join(layout.cacheDir, 'format'));
  formatted.sort((a, b) => compareText(a.path, b.path));
  return {
    files: [...formatted, manifestFile(inputs, formatted)],
    summary: {
      messageTypes: messages.messages.length,
      examples: messages.messages.reduce((total, message) => total + message.examples.length, 0),
      invalidExamples: messages.messages.reduce((total, message) => total + message.invalidExamples.length, 0),
    },
  };
}

/** Parses every file of one spec kind and checks it against the kind's meta-schema. */
function readSpecKind(inputs: GenerationInputs, kindName: string): YamlSource[] {
  const kind = SPEC_KINDS.find((candidate) => candidate.name === kindName);
  if (kind === undefined) throw new Error(`unknown spec kind ${kindName}`);
  const metaSchema = inputs.metaSchemas.find((file) => file.path === `spec/meta/${kind.metaSchema}`);
  if (metaSchema === undefined) throw new Error(`meta-schema spec/meta/${kind.metaSchema} is missing from the jpkigen package`);
  const checkAgainstMetaSchema = compileMetaSchema(metaSchema);
  return (inputs.specs.get(kind) ?? []).map((file: InputFile) => {
    const source = parseYamlSource(file.path, file.text);
    if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
      throw new SpecError('SPEC_META_SCHEMA', { file: file.path, line: 1, column: 1 }, 'a YAML mapping (a JSON Schema object) at the top level');
    }
    checkAgainstMetaSchema(source);
    return source;
  });
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
