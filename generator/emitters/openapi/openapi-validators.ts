/**
 * Request and response validators of one document, compiled at generate time into ajv standalone
 * code (as generated/messages/validators.js): the generated server never compiles a schema.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import { createRequire } from 'node:module';
import type { OpenApiDocumentIR, OperationIR } from '../../readers/openapi/openapi-ir.js';
import { validationSchemas } from './validation-schemas.js';

const Ajv2020 = Ajv2020Module.default;
const standaloneCode = standaloneCodeModule.default;
const addFormats = addFormatsModule.default;
const require = createRequire(import.meta.url);

/** Which validator checks what, per operation: the names the validators module exports. */
export interface OperationValidatorNames {
  readonly parameters: string | undefined;
  /** By media type (as normalised). */
  readonly body: Readonly<Record<string, string>>;
  /** By status, then media type. */
  readonly responses: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface CompiledValidators {
  readonly code: string;
  readonly names: ReadonlyMap<string, OperationValidatorNames>;
  readonly exportNames: readonly string[];
}

export function compileValidators(document: OpenApiDocumentIR, options: { honourXDiscriminator: boolean; runtimeImport: string }): CompiledValidators {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    discriminator: options.honourXDiscriminator,
    inlineRefs: false,
    logger: false,
    code: { source: true, esm: true, lines: true },
  });
  addFormats(ajv);
  const knownFormats = new Set(Object.keys((ajv as unknown as { formats: Record<string, unknown> }).formats));
  const set = validationSchemas(document, knownFormats, options.honourXDiscriminator);
  for (const format of set.unknownFormats) ajv.addFormat(format, true);
  for (const schema of set.schemas) ajv.addSchema(schema);

  const exported: Record<string, string> = {};
  const names = new Map<string, OperationValidatorNames>();
  const add = (exportName: string, schema: unknown): string => {
    const id = `${set.rootId}:${exportName}`;
    const converted = set.convert(schema);
    ajv.addSchema(typeof converted === 'boolean' ? { $id: id, allOf: [converted] } : { ...(converted as object), $id: id });
    exported[exportName] = id;
    return exportName;
  };
  for (const operation of document.operations) {
    const prefix = `validate_${operation.name}`;
    const parameters = parameterSchema(operation);
    const body: Record<string, string> = {};
    operation.requestBody?.content.forEach((media, index) => {
      if (media.encoding === 'json' && media.schema !== undefined) body[media.mediaType] = add(`${prefix}_body${index}`, media.schema);
    });
    const responses: Record<string, Record<string, string>> = {};
    for (const response of operation.responses) {
      response.content.forEach((media, index) => {
        if (media.encoding !== 'json' || media.schema === undefined) return;
        (responses[response.status] ??= {})[media.mediaType] = add(`${prefix}_${response.status}_${index}`, media.schema);
      });
    }
    names.set(operation.name, {
      parameters: parameters === undefined ? undefined : add(`${prefix}_parameters`, parameters),
      body,
      responses,
    });
  }
  // Compile everything first, so that assembling the module below only joins finished code.
  for (const id of Object.values(exported)) ajv.getSchema(id);
  const code = Object.keys(exported).length === 0 ? 'export {};\n' : withRequire(withFlatCodeJoins(() => standaloneCode(ajv, exported)), options.runtimeImport);
  return { code, names, exportNames: Object.keys(exported) };
}

/** One object schema over `{ path, query, header, cookie }`, so errors point at `/query/limit`. */
function parameterSchema(operation: OperationIR): unknown {
  if (operation.parameters.length === 0) return undefined;
  const groups: Record<string, { type: 'object'; properties: Record<string, unknown>; required: string[] }> = {};
  for (const parameter of operation.parameters) {
    const group = (groups[parameter.in] ??= { type: 'object', properties: {}, required: [] });
    group.properties[parameter.name] = parameter.schema;
    if (parameter.required) group.required.push(parameter.name);
  }
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(groups).map(([location, group]) => [location, group.required.length === 0 ? { type: 'object', properties: group.properties } : group])),
  };
}

interface AjvCodegen {
  _: (strings: TemplateStringsArray, ...args: unknown[]) => { toString(): string };
  _Code: new (code: string) => { toString(): string };
}

/**
 * ajv's standalone module assembly appends every function to one growing code object whose parts
 * it copies on each append, which is quadratic in the number of schemas (minutes for a
 * several-megabyte document). While it assembles already compiled code, each appended result is
 * collapsed to one string part, making the join linear; the text it produces is the same.
 */
function withFlatCodeJoins<T>(assemble: () => T): T {
  const codegen = require('ajv/dist/compile/codegen/code.js') as AjvCodegen;
  const original = codegen._;
  codegen._ = (strings, ...args) => new codegen._Code(original(strings, ...args).toString());
  try {
    return assemble();
  } finally {
    codegen._ = original;
  }
}

/** ajv's standalone helpers are reached through `require`; give the ES module one (see message-validators-emitter.ts). */
function withRequire(code: string, runtimeImport: string): string {
  const body = code.replace(/^"use strict";\n?/, '');
  if (!body.includes('require(')) return body;
  // Resolved from the runtime's location, not this file's: ajv is the runtime package's
  // dependency, which a consumer's own node_modules need not hold (pnpm, nested installs).
  return `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.resolve(${JSON.stringify(runtimeImport)}));\n${body}`;
}
