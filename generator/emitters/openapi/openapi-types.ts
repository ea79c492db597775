/**
 * TypeScript types of a bundled document through openapi-typescript's own transforms, called
 * synchronously on the document we bundled (its async entry point only adds fetching and
 * bundling, which our reader has done).
 */
import { astToString, resolveRef, scanDiscriminators, transformSchema, type OpenAPI3, type OpenAPITSOptions } from 'openapi-typescript';

const OPTIONS: OpenAPITSOptions = {};

export function openApiTypesSource(document: Readonly<Record<string, unknown>>): string {
  const schema = structuredClone(document) as unknown as OpenAPI3;
  const context = {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: true,
    discriminators: scanDiscriminators(schema, OPTIONS),
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    // Only consulted by openapi-typescript's own bundling step, which we do not run.
    redoc: undefined as never,
    silent: true,
    transform: undefined,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve<T>($ref: string): T | undefined {
      return resolveRef(schema, $ref, { silent: true }) as T | undefined;
    },
  };
  return astToString(transformSchema(schema, context as Parameters<typeof transformSchema>[1]));
}
