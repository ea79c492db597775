import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SpecError } from '../spec-error.js';
import { parseYamlSource, pointerFromSegments, type YamlSource } from '../yaml-source.js';
import type { InputFile } from './inputs.js';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** Compiles a meta-schema (itself YAML in spec/meta/) into a checker for spec files of its kind. */
export function compileMetaSchema(metaSchema: InputFile): (source: YamlSource) => void {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(parseYamlSource(metaSchema.path, metaSchema.text).value as object);
  return (source) => {
    if (validate(source.value)) return;
    const error = mostSpecificError(validate.errors ?? []);
    const pointer = pointerOf(error);
    throw new SpecError('SPEC_META_SCHEMA', source.locate(pointer), describe(error, metaSchema.path), pointer);
  };
}

/**
 * Of all the failures, the deepest one says best what is wrong: "unknown keyword 'patern'"
 * rather than "the schema node fails allOf".
 */
function mostSpecificError(errors: readonly ErrorObject[]): ErrorObject {
  const ranked = [...errors].sort((a, b) => depth(b) - depth(a));
  const first = ranked[0];
  if (first === undefined) throw new Error('meta-schema validation failed without errors');
  return first;
}

function depth(error: ErrorObject): number {
  const instanceDepth = error.instancePath.split('/').length;
  const pointsAtProperty = error.keyword === 'additionalProperties' || error.keyword === 'required' ? 1 : 0;
  return instanceDepth * 2 + pointsAtProperty;
}

/** An unexpected property is reported where it is written, not where its object starts. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword !== 'additionalProperties') return error.instancePath;
  return `${error.instancePath}${pointerFromSegments([String(params['additionalProperty'])])}`;
}

function describe(error: ErrorObject, metaSchemaPath: string): string {
  const params = error.params as Record<string, unknown>;
  let expected: string;
  switch (error.keyword) {
    case 'additionalProperties':
      expected = `no property '${String(params['additionalProperty'])}' here (not a keyword this spec kind allows)`;
      break;
    case 'required':
      expected = `required property '${String(params['missingProperty'])}'`;
      break;
    case 'enum':
      expected = `one of ${JSON.stringify(params['allowedValues'])}`;
      break;
    case 'const':
      expected = `exactly ${JSON.stringify(params['allowedValue'])}`;
      break;
    default:
      expected = `a value that ${error.message ?? `passes ${error.keyword}`}`;
  }
  return `${expected} (meta-schema ${metaSchemaPath}, ${error.schemaPath})`;
}
