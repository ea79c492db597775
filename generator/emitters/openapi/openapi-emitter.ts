/**
 * Emits one OpenAPI document's files: types (openapi-typescript), validators (ajv standalone),
 * operation descriptors, client, server, mock handlers, an index and the HTML reference page.
 * Used by the pipeline for spec/openapi and by `jpkigen generate openapi` for any document.
 */
import type { OpenApiDocumentIR, OpenApiIR } from '../../readers/openapi/openapi-ir.js';
import { generatedBanner, type Emitter, type GeneratedFile } from '../emitter.js';
import { clientSource, descriptorsSource, indexSource, mockSource, responseValidatorsSource, serverSource } from './openapi-code.js';
import { openApiTypesSource } from './openapi-types.js';
import { compileValidators, type CompiledValidators } from './openapi-validators.js';
import { renderReferencePage } from './reference-page.js';
import { conformanceSource } from './openapi-conformance.js';

export interface OpenApiEmitOptions {
  /** Folder inside the output, e.g. `openapi/revocation`; '' for the output's root. */
  readonly folder: string;
  /** Module specifier of runtime/http as seen from that folder. */
  readonly runtimeImport: string;
  /** Where the banner says the files come from. */
  readonly from: string;
  /** Our documents tag unions with `x-discriminator` (checked by ajv); a third party's do not. */
  readonly honourXDiscriminator: boolean;
  /** Validators compiled elsewhere (on a worker, or none at all); compiled here when absent. */
  readonly validators?: CompiledValidators;
}

/** No validators: the server then checks media types, sizes and routes but not values. */
export const NO_VALIDATORS: CompiledValidators = { code: 'export {};\n', names: new Map(), exportNames: [] };

export function emitOpenApiDocument(document: OpenApiDocumentIR, options: OpenApiEmitOptions): GeneratedFile[] {
  const banner = generatedBanner(options.from);
  const prefix = options.folder === '' ? '' : `${options.folder}/`;
  const validators = options.validators ?? compileValidators(document, { honourXDiscriminator: options.honourXDiscriminator, runtimeImport: options.runtimeImport });
  const declarations = validators.exportNames.map((name) => `export declare const ${name}: CompiledValidator;`);
  return [
    // openapi-typescript's printer output is left as it prints it: prettier would only re-indent it,
    // at a cost that grows with the document (seconds for a several-megabyte document).
    { path: `${prefix}types.ts`, language: 'typescript', content: banner + openApiTypesSource(document.document), preformatted: true },
    { path: `${prefix}validators.js`, language: 'javascript', content: banner + validators.code, preformatted: true },
    {
      path: `${prefix}validators.d.ts`,
      language: 'typescript',
      content: `${banner}import type { CompiledValidator } from '${options.runtimeImport}';\n${declarations.join('\n')}\nexport {};\n`,
    },
    // Data modules (descriptors, examples) are laid out as they are written: prettier would only
    // re-wrap JSON, at a cost that grows with the document.
    { path: `${prefix}operations.ts`, language: 'typescript', content: descriptorsSource(document, options.runtimeImport, banner), preformatted: true },
    { path: `${prefix}client.ts`, language: 'typescript', content: clientSource(document, options.runtimeImport, banner) },
    { path: `${prefix}server.ts`, language: 'typescript', content: serverSource(document, options.runtimeImport, banner, validators.names) },
    { path: `${prefix}response-validators.ts`, language: 'typescript', content: responseValidatorsSource(document, options.runtimeImport, banner, validators.names) },
    { path: `${prefix}mock.ts`, language: 'typescript', content: mockSource(document, options.runtimeImport, banner), preformatted: true },
    { path: `${prefix}index.ts`, language: 'typescript', content: indexSource(document, banner) },
    { path: `${prefix}reference.html`, language: 'json', content: renderReferencePage(document.document, { title: document.title }), preformatted: true },
  ];
}

/** Folder and export names of our documents: `spec/openapi/sp-tsm.yaml` → `generated/openapi/sp-tsm/`. */
export function folderOf(document: OpenApiDocumentIR): string {
  return document.name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export const openApiEmitter: Emitter<OpenApiIR> = {
  name: 'openapi',
  emit(ir) {
    const files = ir.documents.flatMap((document) =>
      emitOpenApiDocument(document, {
        folder: `openapi/${folderOf(document)}`,
        runtimeImport: '../../../runtime/http/index.js',
        from: document.file,
        honourXDiscriminator: true,
      }),
    );
    const index = ir.documents
      .map((document) => {
        const { name, typeName } = document;
        return `export { ${typeName}Client, create${typeName}Client, create${typeName}Server, create${typeName}RequestListener, create${typeName}MockHandlers, ${name}FastifyPlugin, ${name}Api, ${name}Operations, type ${typeName}Handlers } from './${folderOf(document)}/index.js';`;
      })
      .join('\n');
    files.push({ path: 'openapi/index.ts', language: 'typescript', content: `${generatedBanner('spec/openapi')}${index}\n` });
    return files;
  },
};

export const openApiConformanceEmitter: Emitter<OpenApiIR> = {
  name: 'openapi-conformance',
  emit(ir) {
    return ir.documents.map((document) => ({
      path: `conformance/openapi-${folderOf(document)}.test.ts`,
      language: 'typescript' as const,
      content: conformanceSource(document, `../openapi/${folderOf(document)}/index.js`, '../../conformance/openapi/harness.js', generatedBanner(document.file)),
      preformatted: true as const,
    }));
  },
};
