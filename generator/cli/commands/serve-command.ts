import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommandModule } from 'yargs';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';
import { caServeTarget } from './ca-serve-target.js';
import { ocspServeTarget } from './ocsp-serve-target.js';
import { verifierServeTarget } from './verifier-serve-target.js';

interface ServeOptions {
  readonly json: boolean;
  readonly target: string;
  readonly port: number;
  readonly host: string;
  readonly basePath: string;
  readonly anchor?: readonly string[];
  readonly crl?: readonly string[];
  readonly ocspResponse?: readonly string[];
  readonly index?: string;
  readonly caCert?: string;
  readonly caKey?: string;
  readonly caId?: string;
  readonly dataDir: string;
  readonly passphraseFile?: string;
  readonly vpcd: string;
  readonly profile: 'card' | 'gpse' | 'ios';
  readonly stateDir?: string;
}

/** Files a live target reads (`--anchor`, `--crl`, `--ocsp-response`); mock targets ignore them. */
export interface ServeFiles {
  readonly anchors?: readonly string[];
  readonly crls?: readonly string[];
  readonly ocspResponses?: readonly string[];
  /** ocsp: an OpenSSL `ca` database (index.txt), the CA certificate and key that sign for it, and its CA id. */
  readonly opensslIndex?: string;
  readonly caCertificate?: string;
  readonly caKey?: string;
  readonly caId?: string;
  /** ca: the CA data folder (`jpkigen ca init`) and the file holding its keystore passphrase (else JPKIGEN_CA_PASSPHRASE). */
  readonly caDataDir?: string;
  readonly passphraseFile?: string;
}

/** What `serve` can serve: a name and how to build its request listener. Other parties add entries here. */
export interface ServeTarget {
  readonly describe: string;
  createListener(options: { readonly basePath: string; readonly files?: ServeFiles }): Promise<RequestListener>;
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
  verifier: verifierServeTarget,
  'verifier-mock': mockOf('verifier', 'Verifier', 'Verifier test interface'),
  ocsp: ocspServeTarget,
  ca: caServeTarget,
};

export const serveCommand: CommandModule<{ json: boolean }, ServeOptions> = {
  command: 'serve <target>',
  describe: `Serve one of the interfaces on loopback (${Object.keys(SERVE_TARGETS).join(', ')}), or a simulated secure element to pcscd (se)`,
  builder: (yargs) =>
    yargs
      .positional('target', { type: 'string', demandOption: true, choices: [...Object.keys(SERVE_TARGETS), 'se'], describe: 'what to serve' })
      .option('port', { type: 'number', default: 0, describe: 'TCP port (0 picks a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind (loopback unless you mean otherwise)' })
      .option('base-path', { type: 'string', default: '', describe: 'prefix the API is mounted under, e.g. /revocation/v1' })
      .option('anchor', { type: 'string', array: true, describe: 'verifier: trust anchor certificate ([signca03=]file)' })
      .option('crl', { type: 'string', array: true, describe: 'verifier: CRL file' })
      .option('ocsp-response', { type: 'string', array: true, describe: 'verifier: pre-fetched OCSP response file' })
      .option('index', { type: 'string', describe: 'ocsp: OpenSSL ca database (index.txt)' })
      .option('ca-cert', { type: 'string', describe: 'ocsp: CA certificate (PEM or DER) the index belongs to' })
      .option('ca-key', { type: 'string', describe: 'ocsp: CA private key (PEM) that signs CRLs and OCSP responses' })
      .option('ca-id', { type: 'string', default: 'authca03', describe: 'ocsp: the JPKI CA id the index is served as' })
      .option('data-dir', { type: 'string', default: './.jpkigen-ca', describe: 'ca: the CA data folder made by `jpkigen ca init`' })
      .option('passphrase-file', { type: 'string', describe: 'ca: file whose first line is the keystore passphrase (else JPKIGEN_CA_PASSPHRASE)' })
      .option('vpcd', { type: 'string', default: '127.0.0.1:35963', describe: 'se: host:port where the vpcd reader (pcscd driver) listens' })
      .option('profile', { choices: ['card', 'gpse', 'ios'] as const, default: 'gpse' as const, describe: 'se: token profile of the demo JPKI applet' })
      .option('state-dir', { type: 'string', describe: 'se: folder the card is saved in after every change, and restored from' }) as never,
  handler: async (options) => {
    try {
      if (options.target === 'se') {
        const { serveSecureElement } = await import('./se-serve.js');
        await serveSecureElement({ json: options.json, vpcd: options.vpcd, profile: options.profile, stateDir: options.stateDir });
        return;
      }
      const target = SERVE_TARGETS[options.target];
      if (target === undefined) throw new Error(`unknown serve target '${options.target}'`);
      const files: ServeFiles = {
        anchors: options.anchor ?? [],
        crls: options.crl ?? [],
        ocspResponses: options.ocspResponse ?? [],
        ...(options.index === undefined ? {} : { opensslIndex: options.index }),
        ...(options.caCert === undefined ? {} : { caCertificate: options.caCert }),
        ...(options.caKey === undefined ? {} : { caKey: options.caKey }),
        ...(options.caId === undefined ? {} : { caId: options.caId }),
        caDataDir: options.dataDir,
        ...(options.passphraseFile === undefined ? {} : { passphraseFile: options.passphraseFile }),
      };
      const server = createServer(await target.createListener({ basePath: options.basePath, files }));
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
