import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommandModule } from 'yargs';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

interface ServeOptions {
  readonly json: boolean;
  readonly target: string;
  readonly port: number;
  readonly host: string;
  readonly basePath: string;
}

/** What `serve` can serve: a name and how to build its request listener. Other parties add entries here. */
export interface ServeTarget {
  readonly describe: string;
  createListener(options: { readonly basePath: string }): Promise<RequestListener>;
}

/** Our OpenAPI documents in mock mode: every operation answers with its first documented success example. */
function mockOf(folder: string, typeName: string, title: string): ServeTarget {
  return {
    describe: `${title} (mock: answers from the document's examples)`,
    async createListener({ basePath }) {
      const module = (await import(`../../../generated/openapi/${folder}/index.js`)) as Record<string, unknown>;
      const createListener = module[`create${typeName}RequestListener`] as (handlers: unknown, options: object) => RequestListener;
      const createMock = module[`create${typeName}MockHandlers`] as () => unknown;
      return createListener(createMock(), { basePath });
    },
  };
}

export const SERVE_TARGETS: Readonly<Record<string, ServeTarget>> = {
  mynaportal: mockOf('mynaportal', 'Mynaportal', 'Mynaportal app external interface'),
  revocation: mockOf('revocation', 'Revocation', 'JPKI revocation and linkage information'),
  'sp-tsm': mockOf('sp-tsm', 'SpTsm', 'SP-TSM API'),
  verifier: mockOf('verifier', 'Verifier', 'Verifier test interface'),
};

export const serveCommand: CommandModule<{ json: boolean }, ServeOptions> = {
  command: 'serve <target>',
  describe: `Serve one of the interfaces on loopback (${Object.keys(SERVE_TARGETS).join(', ')})`,
  builder: (yargs) =>
    yargs
      .positional('target', { type: 'string', demandOption: true, choices: Object.keys(SERVE_TARGETS), describe: 'what to serve' })
      .option('port', { type: 'number', default: 0, describe: 'TCP port (0 picks a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind (loopback unless you mean otherwise)' })
      .option('base-path', { type: 'string', default: '', describe: 'prefix the API is mounted under, e.g. /revocation/v1' }) as never,
  handler: async (options) => {
    try {
      const target = SERVE_TARGETS[options.target];
      if (target === undefined) throw new Error(`unknown serve target '${options.target}'`);
      const server = createServer(await target.createListener({ basePath: options.basePath }));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, resolve);
      });
      const address = server.address() as AddressInfo;
      const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}${options.basePath}`;
      if (options.json) printJson({ ok: true, target: options.target, url, port: address.port });
      else printLine(`${colour.green('serving')} ${target.describe} at ${url} — Ctrl-C to stop`);
      const stop = () => server.close(() => process.exit(ExitCode.ok));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    } catch (error) {
      process.exitCode = reportError(error, options.json);
    }
  },
};
