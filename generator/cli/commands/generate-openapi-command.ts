import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

interface GenerateOpenApiOptions {
  readonly json: boolean;
  readonly file: string;
  readonly out: string;
  readonly runtimeImport: string;
  readonly format: boolean;
  readonly validators: boolean;
}

/**
 * `jpkigen generate openapi <file> --out <dir>`: a typed client, server, validators, mock handlers
 * and a reference page for any OpenAPI 3.0 or 3.1 document, JSON or YAML.
 */
export const generateOpenApiCommand: CommandModule<{ json: boolean }, GenerateOpenApiOptions> = {
  command: 'openapi <file>',
  describe: 'Generate a typed client and server for any OpenAPI 3.0 / 3.1 document (JSON or YAML)',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'the OpenAPI document' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder (created if absent)' })
      .option('runtime-import', { type: 'string', default: 'jpkigen/http', describe: 'module the generated code imports the HTTP runtime from' })
      .option('format', { type: 'boolean', default: true, describe: 'format the TypeScript with prettier (--no-format for speed)' })
      .option('validators', {
        type: 'boolean',
        default: true,
        describe: 'compile request and response validators (--no-validators: a server that checks routes, media types and sizes only)',
      }) as never,
  handler: async (options) => {
    const started = performance.now();
    try {
      // Loaded here, not at the top: every other command would pay for openapi-typescript, ajv and prettier.
      const [{ emitOpenApiDocument, NO_VALIDATORS }, { compileValidatorsOnWorker }, { readOpenApiFile }, { formatFiles }] = await Promise.all([
        import('../../emitters/openapi/openapi-emitter.js'),
        import('../../emitters/openapi/validators-worker.js'),
        import('../../readers/openapi/openapi-reader.js'),
        import('../../printer/format.js'),
      ]);
      const document = readOpenApiFile(options.file);
      const validators = options.validators ? await compileValidatorsOnWorker(document, { honourXDiscriminator: false, runtimeImport: options.runtimeImport }) : NO_VALIDATORS;
      const emitted = emitOpenApiDocument(document, {
        validators,
        folder: '',
        runtimeImport: options.runtimeImport,
        from: path.basename(options.file),
        honourXDiscriminator: false,
      });
      const files = options.format ? await formatFiles(emitted, undefined) : emitted;
      await mkdir(options.out, { recursive: true });
      for (const file of files) {
        const target = path.join(options.out, file.path);
        const temporary = `${target}.${process.pid}.tmp`;
        await writeFile(temporary, file.content);
        await rename(temporary, target);
      }
      const milliseconds = Math.round(performance.now() - started);
      const summary = { ok: true, api: document.name, title: document.title, dialect: document.dialect, operations: document.operations.length, files: files.map((file) => file.path), milliseconds };
      if (options.json) printJson(summary);
      else {
        for (const file of files) printLine(`${colour.green('wrote')}   ${path.join(options.out, file.path)}`);
        printLine(colour.dim(`${document.title} (OpenAPI ${document.dialect}): ${document.operations.length} operation(s) in ${milliseconds} ms`));
        printLine(colour.dim(`exports: ${document.typeName}Client, create${document.typeName}Server, ${document.typeName}Handlers, ${document.name}FastifyPlugin, create${document.typeName}MockHandlers`));
      }
      process.exitCode = ExitCode.ok;
    } catch (error) {
      process.exitCode = reportError(error, options.json);
    }
  },
};
