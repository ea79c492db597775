/**
 * The TypeScript of one OpenAPI document: operation descriptors, a typed client, a typed server
 * (handler interface, node:http listener, Fastify plugin) and mock handlers answering from the
 * examples. Message shapes come from the openapi-typescript types (types.ts) by indexed access,
 * so every schema construct it understands carries over; binary bodies are Uint8Array.
 */
import type { MediaTypeIR, OpenApiDocumentIR, OperationIR, ResponseIR } from '../../readers/openapi/openapi-ir.js';
import type { OperationValidatorNames } from './openapi-validators.js';

const literal = (value: unknown): string => JSON.stringify(value);
const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

function docComment(lines: readonly (string | undefined)[]): string {
  const text = lines.filter((line): line is string => line !== undefined && line.trim() !== '').map((line) => line.trim()).join('\n\n');
  if (text === '') return '';
  return `/**\n${text.replace(/\*\//g, '*\\/').split('\n').map((line) => ` * ${line}`.trimEnd()).join('\n')}\n */\n`;
}

function provenanceLine(operation: OperationIR): string | undefined {
  const provenance = operation.provenance;
  if (provenance === undefined) return undefined;
  const source = provenance.source === undefined ? '' : ` — ${provenance.source}`;
  return `Provenance: ${provenance.status}${source}${provenance.note === undefined ? '' : ` (${provenance.note.trim()})`}`;
}

function operationType(operation: OperationIR): string {
  return `paths[${literal(operation.path)}][${literal(operation.method)}]`;
}

function requestBodyType(operation: OperationIR, media: MediaTypeIR): string {
  if (media.encoding === 'binary') return 'Uint8Array';
  if (media.encoding === 'text') return 'string';
  if (media.schema === undefined) return 'unknown';
  return `NonNullable<${operationType(operation)}['requestBody']>['content'][${literal(media.key)}]`;
}

function responseBodyType(operation: OperationIR, response: ResponseIR, media: MediaTypeIR): string {
  if (media.encoding === 'binary') return 'Uint8Array';
  if (media.encoding === 'text') return 'string';
  if (media.schema === undefined) return 'unknown';
  return `${operationType(operation)}['responses'][${literal(response.status)}]['content'][${literal(media.key)}]`;
}

function statusType(status: string): string {
  return /^\d{3}$/.test(status) ? status : 'number';
}

const isSuccess = (response: ResponseIR): boolean => /^2/.test(response.status) || response.status.toLowerCase() === 'default';
const isFailure = (response: ResponseIR): boolean => !/^[123]/.test(response.status);

function parameterGroupType(operation: OperationIR, location: string): string {
  return `NonNullable<${operationType(operation)}['parameters'][${literal(location)}]>`;
}

const LOCATIONS = ['path', 'query', 'header', 'cookie'] as const;

// ---------------------------------------------------------------- descriptors

export function descriptorsSource(document: OpenApiDocumentIR, runtimeImport: string, banner: string): string {
  const entries = document.operations.map((operation) => {
    const descriptor = {
      name: operation.name,
      method: operation.method,
      path: operation.path,
      parameters: operation.parameters.map((parameter) => ({
        name: parameter.name,
        in: parameter.in,
        required: parameter.required,
        kind: parameter.kind,
        ...(parameter.itemKind === undefined ? {} : { itemKind: parameter.itemKind }),
      })),
      requestBody:
        operation.requestBody === undefined
          ? undefined
          : { required: operation.requestBody.required, content: operation.requestBody.content.map((media) => ({ mediaType: media.mediaType, encoding: media.encoding })) },
      responses: operation.responses.map((response) => ({ status: response.status, content: response.content.map((media) => ({ mediaType: media.mediaType, encoding: media.encoding })) })),
      ...(operation.security.length === 0 ? {} : { security: operation.security }),
    };
    return `  ${literal(operation.name)}: ${JSON.stringify(descriptor)},`;
  });
  return `${banner}import type { OperationDescriptor } from '${runtimeImport}';

/** The operations of ${document.title} as the HTTP runtime reads them. */
export const ${document.name}Operations: Readonly<Record<${document.typeName}OperationName, OperationDescriptor>> = {
${entries.join('\n')}
};

export type ${document.typeName}OperationName = ${document.operations.length === 0 ? 'never' : document.operations.map((operation) => literal(operation.name)).join(' | ')};
`;
}

// ---------------------------------------------------------------- client

function clientInputType(operation: OperationIR): { declaration: string; optional: boolean } {
  const name = `${pascal(operation.name)}Input`;
  const members: string[] = [];
  let optional = true;
  for (const location of LOCATIONS) {
    const parameters = operation.parameters.filter((parameter) => parameter.in === location);
    if (parameters.length === 0) continue;
    const required = parameters.some((parameter) => parameter.required);
    if (required) optional = false;
    members.push(`readonly ${location}${required ? '' : '?'}: ${parameterGroupType(operation, location)};`);
  }
  members.push('/** Overrides the Accept header built from the documented response media types. */', 'readonly accept?: string;');
  const body = operation.requestBody;
  let bodyType = '';
  if (body !== undefined && body.content.length > 0) {
    if (body.required) optional = false;
    const variants = body.content.map(
      (media, index) => `{ readonly body${body.required ? '' : '?'}: ${requestBodyType(operation, media)}; readonly contentType${index === 0 ? '?' : ''}: ${literal(media.key)} }`,
    );
    bodyType = ` & (${variants.join(' | ')})`;
  }
  return { declaration: `export type ${name} = {\n${members.join('\n')}\n}${bodyType};\n`, optional };
}

function clientResultTypes(operation: OperationIR): string {
  const variants = (responses: readonly ResponseIR[], withHeaders: boolean) =>
    responses.flatMap((response) =>
      response.content.length === 0
        ? [`{ readonly status: ${statusType(response.status)}; readonly contentType: string | undefined; readonly body: undefined${withHeaders ? '; readonly headers: Headers' : ''} }`]
        : response.content.map(
            (media) =>
              `{ readonly status: ${statusType(response.status)}; readonly contentType: ${literal(media.mediaType)}; readonly body: ${responseBodyType(operation, response, media)}${withHeaders ? '; readonly headers: Headers' : ''} }`,
          ),
    );
  const success = variants(operation.responses.filter(isSuccess), true);
  const failure = variants(operation.responses.filter(isFailure), false);
  const name = pascal(operation.name);
  return [
    `/** What ${operation.name} resolves with: one variant per documented success status and media type. */`,
    `export type ${name}Response = ${success.length === 0 ? '{ readonly status: number; readonly contentType: string | undefined; readonly body: unknown; readonly headers: Headers }' : success.join('\n  | ')};`,
    `/** The documented failures; ${operation.name} throws them as \`HttpResponseError<${name}ErrorResponse>\`. */`,
    `export type ${name}ErrorResponse = ${failure.length === 0 ? '{ readonly status: number; readonly contentType: string | undefined; readonly body: unknown }' : failure.join('\n  | ')};`,
  ].join('\n');
}

export function clientSource(document: OpenApiDocumentIR, runtimeImport: string, banner: string): string {
  const { name, typeName } = document;
  const types: string[] = [];
  const methods: string[] = [];
  for (const operation of document.operations) {
    const input = clientInputType(operation);
    types.push(input.declaration, clientResultTypes(operation));
    const operationName = pascal(operation.name);
    methods.push(
      `${docComment([
        operation.summary,
        operation.description,
        `\`${operation.method.toUpperCase()} ${operation.path}\``,
        provenanceLine(operation),
        `@throws {HttpResponseError<${operationName}ErrorResponse>} for an error status; HttpTimeoutError when no answer comes in time.`,
        operation.deprecated ? '@deprecated' : undefined,
      ])}  async ${operation.name}(input${input.optional ? '?' : ''}: ${operationName}Input, options?: CallOptions): Promise<${operationName}Response> {
    const result = await callOperation(this.#runtime, ${name}Operations.${operation.name}, (input ?? {}) as OperationInput, options, ${name}ResponseValidators.${operation.name});
    return result as ${operationName}Response;
  }`,
    );
  }
  return `${banner}import { callOperation, createClientRuntime, type CallOptions, type ClientOptions, type ClientRuntime, type OperationInput } from '${runtimeImport}';
${document.operations.length === 0 ? '' : "import type { paths } from './types.js';\n"}import { ${name}Operations } from './operations.js';
import { ${name}ResponseValidators } from './response-validators.js';

${types.join('\n')}

${docComment([`A typed client of ${document.title} (${document.version}): one method per operation.`, 'Times out per attempt (`timeoutMs`, 30 s by default) and retries 429 and 503 answers as Retry-After advises, else with exponential backoff.'])}export class ${typeName}Client {
  readonly #runtime: ClientRuntime;

  constructor(options: ClientOptions) {
    this.#runtime = createClientRuntime(options);
  }

${methods.join('\n\n')}
}

export function create${typeName}Client(options: ClientOptions): ${typeName}Client {
  return new ${typeName}Client(options);
}
`;
}

// ---------------------------------------------------------------- server

function serverTypes(operation: OperationIR): string {
  const name = pascal(operation.name);
  const groups = LOCATIONS.map((location) =>
    operation.parameters.some((parameter) => parameter.in === location)
      ? `readonly ${location}: ${parameterGroupType(operation, location)};`
      : `readonly ${location}: Readonly<Record<string, never>>;`,
  );
  const body = operation.requestBody;
  const bodyVariants =
    body === undefined || body.content.length === 0
      ? ['{ readonly body: undefined; readonly contentType: string | undefined }']
      : [
          ...body.content.map((media) => `{ readonly body: ${requestBodyType(operation, media)}; readonly contentType: ${literal(media.mediaType)} }`),
          ...(body.required ? [] : ['{ readonly body: undefined; readonly contentType: undefined }']),
        ];
  const answers = operation.responses.flatMap((response) =>
    response.content.length === 0
      ? [`{ readonly status: ${statusType(response.status)}; readonly body?: undefined; readonly headers?: Readonly<Record<string, string>> }`]
      : response.content.map(
          (media, index) =>
            `{ readonly status: ${statusType(response.status)}; readonly contentType${index === 0 ? '?' : ''}: ${literal(media.key)}; readonly body: ${responseBodyType(operation, response, media)}; readonly headers?: Readonly<Record<string, string>> }`,
        ),
  );
  return [
    `export type ${name}Request = {\n${groups.join('\n')}\n} & (${bodyVariants.join(' | ')});`,
    `export type ${name}Answer = ${answers.length === 0 ? '{ readonly status: number; readonly contentType?: string; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }' : answers.join('\n  | ')};`,
  ].join('\n');
}

function validatorTable(document: OpenApiDocumentIR, names: ReadonlyMap<string, OperationValidatorNames>): { server: string; responses: string } {
  const server = document.operations.map((operation) => {
    const entry = names.get(operation.name);
    const parts: string[] = [];
    if (entry?.parameters !== undefined) parts.push(`parameters: validators.${entry.parameters}`);
    const body = Object.entries(entry?.body ?? {});
    if (body.length > 0) parts.push(`body: { ${body.map(([media, validator]) => `${literal(media)}: validators.${validator}`).join(', ')} }`);
    parts.push(`responses: ${document.name}ResponseValidators.${operation.name}`);
    return `  ${operation.name}: { ${parts.join(', ')} },`;
  });
  const responses = document.operations.map((operation) => {
    const entry = names.get(operation.name)?.responses ?? {};
    const statuses = Object.entries(entry).map(
      ([status, media]) => `${literal(status)}: { ${Object.entries(media).map(([type, validator]) => `${literal(type)}: validators.${validator}`).join(', ')} }`,
    );
    return `  ${operation.name}: { ${statuses.join(', ')} },`;
  });
  return { server: server.join('\n'), responses: responses.join('\n') };
}

export function serverSource(document: OpenApiDocumentIR, runtimeImport: string, banner: string, names: ReadonlyMap<string, OperationValidatorNames>): string {
  const { name, typeName } = document;
  const table = validatorTable(document, names);
  const handlerMembers = document.operations.map(
    (operation) =>
      `${docComment([operation.summary, `\`${operation.method.toUpperCase()} ${operation.path}\``, provenanceLine(operation)])}  ${operation.name}(request: ${pascal(operation.name)}Request, context: HandlerContext): ${pascal(operation.name)}Answer | Promise<${pascal(operation.name)}Answer>;`,
  );
  return `${banner}import { createServer, type RequestListener, type Server } from 'node:http';
import {
  createRequestListener,
  fastifyPluginOf,
  type Handler,
  type HandlerContext,
  type OperationValidators,
  type ServerApi,
  type ServerOptions,
} from '${runtimeImport}';
${document.operations.length === 0 ? '' : "import type { paths } from './types.js';\n"}import { ${name}Operations, type ${document.typeName}OperationName } from './operations.js';
import { ${name}ResponseValidators } from './response-validators.js';
import * as validators from './validators.js';

${document.operations.map(serverTypes).join('\n\n')}

/** One typed method per operation of ${document.title}. */
export interface ${typeName}Handlers {
${handlerMembers.join('\n')}
}

const ${name}Validators: Readonly<Record<${document.typeName}OperationName, OperationValidators>> = {
${table.server}
};

/** The document as the server runtime reads it. */
export const ${name}Api: ServerApi = {
  title: ${literal(document.title)},
  operations: Object.values(${name}Operations),
  validators: ${name}Validators,
};

/** A node:http request listener serving ${document.title} with the given handlers. */
export function create${typeName}RequestListener(handlers: ${typeName}Handlers, options?: ServerOptions): RequestListener {
  return createRequestListener(${name}Api, handlers as unknown as Readonly<Record<string, Handler>>, options);
}

/** A node:http server (not yet listening); bind it to 127.0.0.1 unless it must be reachable. */
export function create${typeName}Server(handlers: ${typeName}Handlers, options?: ServerOptions): Server {
  return createServer(create${typeName}RequestListener(handlers, options));
}

/** A Fastify plugin serving ${document.title}: \`fastify.register(${name}FastifyPlugin(handlers), { prefix: '/v1' })\`. */
export function ${name}FastifyPlugin(handlers: ${typeName}Handlers, options?: Omit<ServerOptions, 'basePath'>) {
  return fastifyPluginOf((basePath) => create${typeName}RequestListener(handlers, { ...options, basePath }));
}
`;
}

export function responseValidatorsSource(document: OpenApiDocumentIR, runtimeImport: string, banner: string, names: ReadonlyMap<string, OperationValidatorNames>): string {
  const { name } = document;
  return `${banner}import type { ResponseValidators } from '${runtimeImport}';
import type { ${document.typeName}OperationName } from './operations.js';
import * as validators from './validators.js';

/** JSON answers' validators by operation, status and media type: the server checks its answers with them in development mode, the client on request. */
export const ${name}ResponseValidators: Readonly<Record<${document.typeName}OperationName, ResponseValidators>> = {
${validatorTable(document, names).responses}
};
`;
}

// ---------------------------------------------------------------- mock and index

export function mockSource(document: OpenApiDocumentIR, runtimeImport: string, banner: string): string {
  const { name, typeName } = document;
  const examples = Object.fromEntries(
    document.operations.map((operation) => [
      operation.name,
      operation.responses.map((response) => ({
        status: response.status,
        content: response.content.map((media) => ({ mediaType: media.mediaType, encoding: media.encoding, examples: media.examples.slice(0, 1) })),
      })),
    ]),
  );
  return `${banner}import { createExampleHandlers, type ExampleResponse } from '${runtimeImport}';
import { ${name}Operations } from './operations.js';
import type { ${typeName}Handlers } from './server.js';

/** Every operation's documented examples (binary ones as base64). */
export const ${name}Examples: Readonly<Record<string, readonly ExampleResponse[]>> = ${JSON.stringify(examples, null, 2)};

/** Handlers that answer every operation with its first documented success example (mock mode). */
export function create${typeName}MockHandlers(): ${typeName}Handlers {
  return createExampleHandlers(${name}Operations, ${name}Examples) as unknown as ${typeName}Handlers;
}
`;
}

export function indexSource(document: OpenApiDocumentIR, banner: string): string {
  return `${banner}export * from './client.js';
export * from './server.js';
export * from './mock.js';
export * from './operations.js';
export type { components, paths } from './types.js';
`;
}
