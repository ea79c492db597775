/**
 * `jpkigen generate asn1 <module files…> --out <dir>`: compiles any set of X.680 modules into a
 * self-contained TypeScript package (codecs, index, and a copy of the DER runtime they import).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { packageRoot } from '../../package-root.js';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';
import type { GeneratedFile } from '../../emitters/emitter.js';

interface GenerateAsn1Options {
  readonly json: boolean;
  readonly files: readonly string[];
  readonly out: string;
  readonly format: boolean;
}

/**
 * The runtime the generated codecs import: runtime/der/index and every module it reaches through
 * relative imports, as TypeScript sources when the package has them, else as compiled JavaScript
 * with declarations. Following the imports keeps the copy complete when the runtime grows.
 */
async function runtimeFiles(): Promise<{ path: string; content: string }[]> {
  const sources = path.join(packageRoot, 'runtime');
  const compiled = path.join(packageRoot, 'dist', 'runtime');
  const useSources = existsSync(path.join(sources, 'der', 'index.ts'));
  const files: { path: string; content: string }[] = [];
  const pending = ['der/index'];
  const seen = new Set(pending);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const content = await readFile(useSources ? path.join(sources, `${name}.ts`) : path.join(compiled, `${name}.js`), 'utf8');
    if (useSources) files.push({ path: `runtime/${name}.ts`, content });
    else {
      files.push({ path: `runtime/${name}.js`, content });
      files.push({ path: `runtime/${name}.d.ts`, content: await readFile(path.join(compiled, `${name}.d.ts`), 'utf8') });
    }
    for (const [, specifier] of content.matchAll(/from '(\.{1,2}\/[^']+)\.js'/gu)) {
      const imported = path.posix.normalize(path.posix.join(path.posix.dirname(name), specifier ?? ''));
      if (!seen.has(imported)) {
        seen.add(imported);
        pending.push(imported);
      }
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const generateAsn1Command: CommandModule<{ json: boolean }, GenerateAsn1Options> = {
  command: 'asn1 <files..>',
  describe: 'Generate typed DER codecs for any set of ASN.1 (X.680) modules',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'module files (all the modules they import)' })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder (created if absent)' })
      .option('format', { type: 'boolean', default: true, describe: 'format the TypeScript with prettier (--no-format for speed)' }) as never,
  handler: async (options) => {
    const started = performance.now();
    try {
      // Loaded here, not at the top: every other command would pay for the compiler and prettier.
      const [{ emitAsn1Modules }, { formatFiles }, { readAsn1Modules }] = await Promise.all([
        import('../../emitters/asn1/asn1-codec-emitter.js'),
        import('../../printer/format.js'),
        import('../../readers/asn1/asn1-reader.js'),
      ]);
      const sources = await Promise.all(options.files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
      const ir = readAsn1Modules(sources);
      const emitted: GeneratedFile[] = emitAsn1Modules(ir, { runtimeImport: './runtime/der/index.js', folder: '' }).map((file) => ({ ...file, language: 'typescript' as const }));
      const codecs = options.format ? await formatFiles(emitted, undefined) : emitted;
      const files = [...codecs, ...(await runtimeFiles())];
      for (const file of files) {
        const target = path.join(options.out, file.path);
        await mkdir(path.dirname(target), { recursive: true });
        const temporary = `${target}.${process.pid}.tmp`;
        await writeFile(temporary, file.content);
        await rename(temporary, target);
      }
      const milliseconds = Math.round(performance.now() - started);
      const types = ir.modules.reduce((total, module) => total + module.types.length, 0);
      if (options.json) printJson({ ok: true, modules: ir.modules.map((module) => module.name), types, files: files.map((file) => file.path), milliseconds });
      else {
        for (const file of codecs) printLine(`${colour.green('wrote')}   ${path.join(options.out, file.path)}`);
        printLine(colour.dim(`${ir.modules.length} module(s), ${types} type(s), runtime copied to ${path.join(options.out, 'runtime')} (${milliseconds} ms)`));
      }
      process.exitCode = ExitCode.ok;
    } catch (error) {
      process.exitCode = reportError(error, options.json);
    }
  },
};
