import { readFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import type { CertificateKind, HashAlgorithm, JpkiCaId, SignatureAlgorithm, VerificationDecision } from '../../../generated/messages/types.js';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

interface VerifyOptions {
  readonly json: boolean;
  readonly certificate: string;
  readonly signature: string;
  readonly data?: string;
  readonly digest?: string;
  readonly digestInfo?: string;
  readonly chain?: readonly string[];
  readonly anchor?: readonly string[];
  readonly crl?: readonly string[];
  readonly ocspResponse?: readonly string[];
  readonly kind?: CertificateKind;
  readonly hash: HashAlgorithm;
  readonly algorithm: SignatureAlgorithm;
  readonly saltLength?: number;
  readonly time?: string;
  readonly source?: 'crl' | 'ocsp';
  readonly profileCheck: boolean;
}

const CA_LABEL = /^((?:auth|sign)ca0[1-3])=(.+)$/u;

/** Verifies one signature with the reference verifier, as the verifier test interface would. */
export const verifyCommand: CommandModule<{ json: boolean }, VerifyOptions> = {
  command: 'verify',
  describe: 'Verify a JPKI signature: the signature, the certificate (kind, policy, key usage), its path to an anchor and its revocation',
  builder: (yargs) =>
    yargs
      .option('certificate', { type: 'string', demandOption: true, describe: "the signer's certificate (DER or PEM)" })
      .option('signature', { type: 'string', demandOption: true, describe: 'the signature value (binary file)' })
      .option('data', { type: 'string', describe: 'the signed data (file)' })
      .option('digest', { type: 'string', describe: 'the digest of the signed data (hex)' })
      .option('digest-info', { type: 'string', describe: 'the DER DigestInfo that was signed, as the JPKI-AP receives it (file)' })
      .option('chain', { type: 'string', array: true, describe: 'CA certificates to build the path with (DER or PEM)' })
      .option('anchor', { type: 'string', array: true, describe: 'trust anchor certificate; `signca03=file` labels a simulated CA with its generation' })
      .option('crl', { type: 'string', array: true, describe: 'CRL (DER or PEM)' })
      .option('ocsp-response', { type: 'string', array: true, describe: 'pre-fetched OCSP response (DER)' })
      .option('kind', { type: 'string', choices: ['signature', 'userAuthentication'], describe: 'the certificate kind required' })
      .option('hash', { type: 'string', default: 'SHA-256', choices: ['SHA-256', 'SHA-384', 'SHA-512', 'SHA-1'], describe: 'hash algorithm' })
      .option('algorithm', { type: 'string', default: 'RSASSA-PKCS1-v1_5', choices: ['RSASSA-PKCS1-v1_5', 'RSA-PSS', 'ECDSA'], describe: 'signature scheme' })
      .option('salt-length', { type: 'number', describe: 'RSA-PSS salt length (default: the hash length)' })
      .option('time', { type: 'string', describe: 'judge validity and revocation at this time (RFC 3339); now by default' })
      .option('source', { type: 'string', choices: ['crl', 'ocsp'], describe: 'the revocation source to use' })
      .option('profile-check', { type: 'boolean', default: false, describe: 'also lint the certificate against the JPKI profiles of spec/profiles (partly modelled)' }) as never,
  handler: async (options) => {
    try {
      const given = [options.data, options.digest, options.digestInfo].filter((value) => value !== undefined).length;
      if (given !== 1) throw new InputError('give exactly one of --data, --digest or --digest-info');
      if (options.time !== undefined && Number.isNaN(Date.parse(options.time))) throw new InputError(`--time ${options.time} is not a date-time`);
      const decision = await runVerification(options);
      if (options.json) printJson(decision);
      else printDecision(decision);
      process.exitCode = decision.decision === 'valid' ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      if (error instanceof InputError) {
        process.exitCode = ExitCode.usage;
        if (options.json) printJson({ ok: false, error: { code: 'USAGE', message: error.message } });
        else process.stderr.write(`${colour.red('error')} ${error.message}\n`);
      } else process.exitCode = reportError(error, options.json);
    }
  },
};

async function runVerification(options: VerifyOptions): Promise<VerificationDecision> {
  const { createVerifier } = await import('../../../reference/verifier/index.js');
  const { pemBlocks } = await import('../../../runtime/der/pem.js');
  const readDer = async (file: string): Promise<Uint8Array[]> => {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new InputError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    const text = bytes.toString('latin1');
    if (!text.includes('-----BEGIN ')) return [new Uint8Array(bytes)];
    let blocks: { der: Uint8Array }[];
    try {
      blocks = pemBlocks(text);
    } catch (error) {
      throw new InputError(`${file}: ${(error as Error).message}`);
    }
    if (blocks.length === 0) throw new InputError(`${file}: PEM without a readable block`);
    return blocks.map((block) => block.der);
  };
  const readAll = async (files: readonly string[] | undefined) => (await Promise.all((files ?? []).map(readDer))).flat();
  const anchors = await Promise.all(
    (options.anchor ?? []).map(async (entry) => {
      const label = CA_LABEL.exec(entry);
      const ders = await readDer(label?.[2] ?? entry);
      return ders.map((certificate) => (label === null ? certificate : { certificate, caId: label[1] as JpkiCaId }));
    }),
  );
  const [certificate] = await readDer(options.certificate);
  if (certificate === undefined) throw new InputError(`${options.certificate}: no certificate`);
  const signature = new Uint8Array(await readFile(options.signature).catch((error: Error) => Promise.reject(new InputError(`${options.signature}: ${error.message}`))));
  const content = await contentOf(options);
  const verifier = createVerifier({ profileCheck: options.profileCheck, trustAnchors: anchors.flat(), revocation: { crls: await readAll(options.crl), ocspResponses: await readAll(options.ocspResponse) } });
  return verifier.verifyInput({
    certificate,
    chain: await readAll(options.chain),
    signature,
    content,
    signatureAlgorithm: options.algorithm,
    hashAlgorithm: options.hash,
    ...(options.saltLength !== undefined ? { saltLength: options.saltLength } : {}),
    ...(options.time !== undefined ? { time: new Date(options.time) } : {}),
    ...(options.kind !== undefined ? { expectedCertificateKind: options.kind } : {}),
    ...(options.source !== undefined ? { revocationSource: options.source } : {}),
  });
}

async function contentOf(options: VerifyOptions): Promise<{ data: Uint8Array } | { digest: Uint8Array } | { digestInfo: Uint8Array }> {
  const read = async (file: string) => new Uint8Array(await readFile(file).catch((error: Error) => Promise.reject(new InputError(`${file}: ${error.message}`))));
  if (options.data !== undefined) return { data: await read(options.data) };
  if (options.digestInfo !== undefined) return { digestInfo: await read(options.digestInfo) };
  const hex = (options.digest ?? '').replace(/[\s:]/gu, '');
  if (!/^(?:[0-9A-Fa-f]{2})+$/u.test(hex)) throw new InputError(`--digest ${options.digest ?? ''} is not hex`);
  return { digest: new Uint8Array(Buffer.from(hex, 'hex')) };
}

function printDecision(decision: VerificationDecision): void {
  if (decision.decision === 'valid') {
    printLine(`${colour.green('valid')} ${decision.certificate.certificateKind} certificate ${decision.certificate.serialNumber} (${decision.certificate.carrier}) from ${decision.certificate.issuerCaId ?? decision.certificate.issuer}`);
    printLine(`  revocation: ${decision.revocationStatus.status} per ${decision.revocationStatus.source}, ${decision.revocationStatus.thisUpdate} – ${decision.revocationStatus.nextUpdate}`);
    if (decision.signer !== undefined) printLine('  signer: 基本4情報 present (use --json to see them)');
    return;
  }
  printLine(`${colour.red('invalid')}${decision.certificate === undefined ? '' : ` ${decision.certificate.certificateKind} certificate ${decision.certificate.serialNumber}`}`);
  for (const reason of decision.reasons) printLine(`  ${reason.code}${reason.detail === undefined ? '' : `: ${reason.detail}`}`);
}

class InputError extends Error {}
