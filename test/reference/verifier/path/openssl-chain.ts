/**
 * Certificate chains made by openssl (the independent party) for comparing verdicts with
 * `openssl verify`: a folder of keys, certificates, CRLs and OCSP responses, each built from an
 * openssl extension section written by the test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pemToDer } from '../../../../runtime/der/pem.js';

export type KeySpec = 'rsa' | 'p256' | 'p384' | 'p521';

const KEY_ARGUMENTS: Readonly<Record<KeySpec, readonly string[]>> = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  p521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
};

export interface IssueOptions {
  readonly name: string;
  readonly subject: string;
  readonly key?: KeySpec;
  /** Lines of an openssl x509v3 extension section. */
  readonly extensions: readonly string[];
  /** Extra sections the extension lines refer to (e.g. name-constraint DNs). */
  readonly sections?: string;
  readonly days?: number;
  readonly serial?: number;
  readonly digest?: string;
  readonly signatureOptions?: readonly string[];
}

export class OpensslChain {
  readonly folder = mkdtempSync(path.join(os.tmpdir(), 'jpkigen-path-'));
  #serial = 100;

  run(args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync('openssl', args, { cwd: this.folder, encoding: 'utf8', ...(input === undefined ? {} : { input }) });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  must(args: readonly string[]): string {
    const result = this.run(args);
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  #extensionFile(name: string, options: IssueOptions): string {
    const file = `${name}.ext`;
    writeFileSync(path.join(this.folder, file), `[v3]\n${options.extensions.join('\n')}\n${options.sections ?? ''}\n`);
    return file;
  }

  /** A self-signed root. */
  root(options: IssueOptions): string {
    const { name } = options;
    this.must(['genpkey', ...KEY_ARGUMENTS[options.key ?? 'rsa'], '-out', `${name}.key`]);
    const extensions = this.#extensionFile(name, options);
    this.must(['req', '-new', '-x509', '-key', `${name}.key`, '-subj', options.subject, '-days', String(options.days ?? 3650), '-config', path.join(this.folder, extensions), '-extensions', 'v3', '-out', `${name}.pem`, ...(options.digest === undefined ? [] : [`-${options.digest}`])]);
    return name;
  }

  /** A certificate for a new key, signed by `issuer`. */
  issue(issuer: string, options: IssueOptions): string {
    const { name } = options;
    this.must(['genpkey', ...KEY_ARGUMENTS[options.key ?? 'p256'], '-out', `${name}.key`]);
    this.must(['req', '-new', '-key', `${name}.key`, '-subj', options.subject, '-out', `${name}.csr`]);
    const extensions = this.#extensionFile(name, options);
    this.#serial += 1;
    this.must([
      'x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', String(options.serial ?? this.#serial),
      '-days', String(options.days ?? 365), '-extfile', extensions, '-extensions', 'v3', '-out', `${name}.pem`,
      ...(options.digest === undefined ? [] : [`-${options.digest}`]), ...(options.signatureOptions ?? []),
    ]);
    return name;
  }

  /** A CRL from `issuer` revoking `revoked` (certificate names) with `reason`. */
  crl(issuer: string, revoked: readonly string[], reason = 'keyCompromise', days = 30): string {
    const database = `${issuer}-index.txt`;
    writeFileSync(path.join(this.folder, database), '');
    writeFileSync(path.join(this.folder, `${issuer}-crlnumber`), '01\n');
    writeFileSync(path.join(this.folder, `${issuer}-ca.cnf`), `[ca]\ndefault_ca=d\n[d]\ndatabase=${database}\ncrlnumber=${issuer}-crlnumber\ndefault_md=sha256\ndefault_crl_days=${days}\n`);
    for (const name of revoked) this.must(['ca', '-config', `${issuer}-ca.cnf`, '-keyfile', `${issuer}.key`, '-cert', `${issuer}.pem`, '-revoke', `${name}.pem`, '-crl_reason', reason]);
    this.must(['ca', '-config', `${issuer}-ca.cnf`, '-keyfile', `${issuer}.key`, '-cert', `${issuer}.pem`, '-gencrl', '-out', `${issuer}-crl.pem`]);
    return `${issuer}-crl`;
  }

  /** An OCSP response about `subject` from `issuer`, signed by `signer` (the CA or a delegated responder). */
  ocsp(issuer: string, subject: string, signer: string, status: 'good' | 'revoked'): Uint8Array {
    const serial = this.must(['x509', '-in', `${subject}.pem`, '-noout', '-serial']).trim().replace(/^serial=/u, '');
    const dn = this.must(['x509', '-in', `${subject}.pem`, '-noout', '-subject', '-nameopt', 'compat']).trim().replace(/^subject=/u, '');
    const entry = status === 'good' ? `V\t301231000000Z\t\t${serial}\tunknown\t${dn}\n` : `R\t301231000000Z\t240101000000Z,keyCompromise\t${serial}\tunknown\t${dn}\n`;
    const index = `${subject}-${status}-ocsp-index.txt`;
    writeFileSync(path.join(this.folder, index), entry);
    const out = `${subject}-${status}-${signer}.ocsp`;
    this.must(['ocsp', '-index', index, '-CA', `${issuer}.pem`, '-rsigner', `${signer}.pem`, '-rkey', `${signer}.key`, '-issuer', `${issuer}.pem`, '-cert', `${subject}.pem`, '-respout', out, '-ndays', '1']);
    return new Uint8Array(readFileSync(path.join(this.folder, out)));
  }

  der(name: string): Uint8Array {
    return pemToDer(readFileSync(path.join(this.folder, `${name}.pem`), 'utf8'));
  }

  /** `openssl verify` of `leaf` against `root` with `intermediates`; true when it says OK. */
  verify(root: string, intermediates: readonly string[], leaf: string, extra: readonly string[] = []): { ok: boolean; output: string } {
    const untrusted = intermediates.length === 0 ? [] : ['-untrusted', this.#bundle(intermediates)];
    const result = this.run(['verify', '-CAfile', `${root}.pem`, ...untrusted, ...extra, `${leaf}.pem`]);
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  }

  #bundle(names: readonly string[]): string {
    const file = `bundle-${names.join('-')}.pem`;
    writeFileSync(path.join(this.folder, file), names.map((name) => readFileSync(path.join(this.folder, `${name}.pem`), 'utf8')).join(''));
    return file;
  }

  dispose(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}
