import { readFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import { colour, ExitCode, formatTable, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

interface LintOptions {
  readonly json: boolean;
  readonly file: string;
  readonly profile?: string;
  readonly issuer?: string;
  readonly card?: string;
  readonly authentication?: string;
  readonly dateOfBirth?: string;
}

class LintInputError extends Error {}

/** Lints a certificate, CRL or OCSP response against a profile from spec/profiles, as zlint and pkilint do. */
export const lintCommand: CommandModule<{ json: boolean }, LintOptions> = {
  command: 'lint <file>',
  describe: 'Lint a certificate (or a CRL, an OCSP response) against a JPKI profile; exit 1 when a finding is an error',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'the certificate, CRL or OCSP response (DER or PEM)' })
      .option('profile', { type: 'string', describe: 'profile name (jpkiCa, card-signature …); by default chosen by policy OID, basicConstraints or structure' })
      .option('issuer', { type: 'string', describe: 'the issuer certificate: AKI, issuer name, signature and validity checks' })
      .option('card', { type: 'string', describe: 'the card certificate a smartphone certificate was issued from' })
      .option('authentication', { type: 'string', describe: 'the authentication certificate a signature certificate may not outlive' })
      .option('date-of-birth', { type: 'string', describe: 'the holder\'s date of birth, EYYYYMMDD (for the birthday rule)' }) as never,
  handler: async (options) => {
    try {
      const result = await lintFile(options);
      const errors = result.findings.filter((finding) => finding.severity === 'error').length;
      if (options.json) printJson({ ok: errors === 0, file: options.file, profile: result.profile, findings: result.findings });
      else printFindings(options.file, result.profile, result.findings);
      process.exitCode = errors === 0 ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      if (error instanceof LintInputError) {
        process.exitCode = ExitCode.usage;
        if (options.json) printJson({ ok: false, error: { code: 'USAGE', message: error.message } });
        else process.stderr.write(`${colour.red('error')} ${error.message}\n`);
      } else process.exitCode = reportError(error, options.json);
    }
  },
};

type Finding = { severity: 'error' | 'warning' | 'notice'; code: string; path: string; message: string };

async function lintFile(options: LintOptions): Promise<{ profile: string; findings: Finding[] }> {
  const profiles = await import('../../../generated/profiles/index.js');
  const der = await readDer(options.file);
  const context = {
    ...(options.issuer === undefined ? {} : { issuerCertificate: await readDer(options.issuer) }),
    ...(options.card === undefined ? {} : { cardCertificate: await readDer(options.card) }),
    ...(options.authentication === undefined ? {} : { authenticationCertificate: await readDer(options.authentication) }),
    ...(options.dateOfBirth === undefined ? {} : { dateOfBirth: options.dateOfBirth }),
  };
  const known = [...profiles.certificateProfileNames, ...profiles.crlProfileNames, ...profiles.ocspResponseProfileNames] as string[];
  const profile = options.profile === undefined ? await chooseProfile(der) : camelCase(options.profile);
  if (!known.includes(profile)) throw new LintInputError(`--profile ${options.profile ?? ''}: one of ${known.join(', ')}`);
  if ((profiles.crlProfileNames as readonly string[]).includes(profile)) return { profile, findings: profiles.lintCertificateList(der, profile as never, context) };
  if ((profiles.ocspResponseProfileNames as readonly string[]).includes(profile)) return { profile, findings: profiles.lintOcspResponse(der, profile as never, context) };
  return { profile, findings: profiles.lintCertificate(der, profile as never, context) };
}

/** A certificate by its policy or basicConstraints; otherwise whichever of CRL or OCSP response the bytes decode as. */
async function chooseProfile(der: Uint8Array): Promise<string> {
  const profiles = await import('../../../generated/profiles/index.js');
  const asn1 = await import('../../../generated/asn1/index.js');
  const selected = profiles.selectCertificateProfile(der);
  if (selected !== undefined) return selected;
  const decodes = (decode: (bytes: Uint8Array) => unknown) => {
    try {
      decode(der);
      return true;
    } catch {
      return false;
    }
  };
  if (decodes(asn1.decodeCertificateList)) return profiles.crlProfileNames[0] ?? 'crl';
  if (decodes(asn1.decodeOCSPResponse)) return profiles.ocspResponseProfileNames[0] ?? 'ocspResponse';
  if (decodes(asn1.decodeCertificate)) throw new LintInputError('the certificate carries no JPKI policy and is not a CA: name a --profile');
  throw new LintInputError('not a certificate, CRL or OCSP response that decodes: name a --profile to see where it breaks');
}

async function readDer(file: string): Promise<Uint8Array> {
  const { pemBlocks } = await import('../../../runtime/der/pem.js');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new LintInputError(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (!bytes.toString('latin1').includes('-----BEGIN ')) return new Uint8Array(bytes);
  try {
    const [first] = pemBlocks(bytes.toString('utf8'));
    if (first === undefined) throw new LintInputError(`${file}: no PEM block`);
    return first.der;
  } catch (error) {
    if (error instanceof LintInputError) throw error;
    throw new LintInputError(`${file}: ${(error as Error).message}`);
  }
}

/** `card-signature` and `cardSignature` both name a profile. */
function camelCase(name: string): string {
  return name.replace(/[-_]([a-z])/gu, (_match, letter: string) => letter.toUpperCase());
}

function printFindings(file: string, profile: string, findings: readonly Finding[]): void {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  if (findings.length === 0) {
    printLine(`${colour.green('clean')} ${file} against ${profile}`);
    return;
  }
  // Plain cells: colour codes would count towards the column widths.
  printLine(formatTable([['severity', 'code', 'path', 'message'], ...findings.map((finding) => [finding.severity, finding.code, finding.path, finding.message])]));
  printLine();
  printLine(`${errors === 0 ? colour.green('passed') : colour.red('failed')} ${file} against ${profile}: ${errors} error(s), ${findings.length - errors} other finding(s)`);
}
