/**
 * The heavy half of the pipeline: parse and check every spec, read it into IR, run the
 * emitters and format their files. Nothing here writes to disk, so a failure at any step
 * leaves generated/ untouched.
 */
import path from 'node:path';
import type { GeneratedFile } from '../emitters/emitter.js';
import { generatorVersion, packageRoot } from '../package-root.js';
import { compareText } from '../compare-text.js';
import { formatFiles } from '../printer/format.js';
import { createTemplateRenderer } from '../printer/templates.js';
import { SpecError } from '../spec-error.js';
import { parseYamlSource, type YamlSource } from '../yaml-source.js';
import { inputHashes, sha256, type GenerationInputs, type InputFile } from './inputs.js';
import { compileMetaSchema } from './meta-schema.js';
import type { ProjectLayout } from './project-layout.js';
import type { KindRunner } from './kinds/kind-generator.js';
import { SPEC_KINDS, type SpecKind } from './spec-kinds.js';

export const MANIFEST_FILE = 'MANIFEST.json';

/**
 * Each kind's reader and emitters load only when the project has specs of that kind: the
 * OpenAPI and ASN.1 generators pull in two TypeScript compilers, prettier plugins and ajv.
 */
const GENERATORS: Readonly<Record<string, () => Promise<KindRunner>>> = {
  messages: async () => (await import('./kinds/messages-kind.js')).messagesKind,
  lifecycles: async () => (await import('./kinds/lifecycles-kind.js')).lifecyclesKind,
  apdu: async () => (await import('./kinds/apdu-kind.js')).apduKind,
  asn1: async () => (await import('./kinds/asn1-kind.js')).asn1Kind,
  openapi: async () => (await import('./kinds/openapi-kind.js')).openapiKind,
  profiles: async () => (await import('./kinds/profiles-kind.js')).profilesKind,
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
    const loadKind = GENERATORS[kind.name];
    const sources = readSpecKind(inputs, kind);
    parsedKinds.set(kind.name, sources);
    if (loadKind === undefined || sources.length === 0) continue;
    const output = (await loadKind())(sources, context, parsedKinds);
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
