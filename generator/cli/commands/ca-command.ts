/**
 * `jpkigen ca init|issue|renew|reissue|revoke|hold|release|show|crl`: the reference JPKI CA
 * (simulated) on a data folder. The keystore (keystore.json) is opened with the passphrase from
 * JPKIGEN_CA_PASSPHRASE or --passphrase-file; the database is PGlite in <data-dir>/pgdata, or
 * PostgreSQL when DATABASE_URL is set. Each command is one committed change; output lists serials.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { BasicFourInfo, JpkiCaId, RevocationReason } from '../../../generated/messages/types.js';
import type { CertificateRecord, IssuedPair, KeyPairPublicKeys, OpenedCertificateAuthority } from '../../../reference/ca/index.js';
import { derToPem, pemBlocks } from '../../../runtime/der/pem.js';
import { JpkigenError } from '../../../runtime/errors.js';
import { ExitCode, formatTable, printError, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

interface CaOptions {
  readonly json: boolean;
  readonly dataDir: string;
  readonly passphraseFile?: string;
}

/** Bad command-line input: exit 2. */
class CaUsageError extends JpkigenError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

function withCaOptions<T>(yargs: Argv<T>): Argv<T & CaOptions> {
  return yargs
    .option('data-dir', { type: 'string', default: './.jpkigen-ca', describe: 'the CA data folder (keystore.json, pgdata/)' })
    .option('passphrase-file', { type: 'string', describe: 'file whose first line is the keystore passphrase (else JPKIGEN_CA_PASSPHRASE)' }) as never;
}

async function passphraseOf(options: Pick<CaOptions, 'passphraseFile'>): Promise<string> {
  if (options.passphraseFile !== undefined) {
    const text = await readFile(options.passphraseFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new CaUsageError(`cannot read the passphrase file ${options.passphraseFile}: ${error.code ?? error.message}`);
    });
    const line = text.split(/\r?\n/u)[0] ?? '';
    if (line === '') throw new CaUsageError(`the passphrase file ${options.passphraseFile} has an empty first line`);
    return line;
  }
  const fromEnvironment = process.env['JPKIGEN_CA_PASSPHRASE'];
  if (fromEnvironment === undefined || fromEnvironment === '') throw new CaUsageError('no keystore passphrase: set JPKIGEN_CA_PASSPHRASE or pass --passphrase-file');
  return fromEnvironment;
}

export async function openCa(options: Pick<CaOptions, 'dataDir' | 'passphraseFile'>, create = false): Promise<OpenedCertificateAuthority> {
  const { openCertificateAuthorityInDirectory } = await import('../../../reference/ca/index.js');
  const databaseUrl = process.env['DATABASE_URL'];
  return openCertificateAuthorityInDirectory({
    dataDir: options.dataDir,
    passphrase: await passphraseOf(options),
    create,
    ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl }),
  });
}

/** Runs a CA command: typed errors (keystore, database, CA, validation) exit 1 with their code; usage errors exit 2. */
async function runCaCommand(json: boolean, work: () => Promise<void>): Promise<void> {
  try {
    await work();
    process.exitCode = ExitCode.ok;
  } catch (error) {
    if (error instanceof CaUsageError) {
      if (json) printJson({ ok: false, error: { code: error.code, message: error.message } });
      else printError(error.message);
      process.exitCode = ExitCode.usage;
    } else if (error instanceof JpkigenError && error.code !== 'VALIDATION_FAILED') {
      if (json) printJson({ ok: false, error: { code: error.code, message: error.message } });
      else printError(`${error.code}: ${error.message}`);
      process.exitCode = ExitCode.failed;
    } else {
      process.exitCode = reportError(error, json);
    }
  }
}

async function withCa(options: CaOptions, work: (opened: OpenedCertificateAuthority) => Promise<void>, create = false): Promise<void> {
  const opened = await openCa(options, create);
  try {
    await work(opened);
  } finally {
    await opened.close();
  }
}

/** A serial as `openssl x509 -serial` prints it, with or without colons or 0x. */
function parseSerial(text: string): bigint {
  const clean = text.replace(/^0x/iu, '').replace(/:/gu, '');
  if (!/^[0-9A-Fa-f]{1,40}$/u.test(clean)) throw new CaUsageError(`serial '${text.slice(0, 50)}': expected hexadecimal (as openssl x509 -serial prints it)`);
  const serial = BigInt(`0x${clean}`);
  if (serial === 0n) throw new CaUsageError('serial 0 is never issued');
  return serial;
}

/** The CertificateSerial form (DER INTEGER content octets, uppercase hex). */
function hexOfSerial(serial: bigint): string {
  let hex = serial.toString(16).toUpperCase();
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Number.parseInt(hex.slice(0, 2), 16) >= 0x80 ? `00${hex}` : hex;
}

function certificateSummary(record: CertificateRecord): Record<string, unknown> {
  return {
    serial: record.serialHex,
    caId: record.caId,
    kind: record.kind,
    carrier: record.carrier,
    holderId: record.holderId,
    municipalityCode: record.municipalityCode,
    notBefore: record.notBefore.toISOString(),
    notAfter: record.notAfter.toISOString(),
    status: record.status,
    ...(record.revokedAt === undefined ? {} : { revokedAt: record.revokedAt.toISOString() }),
    ...(record.reason === undefined ? {} : { reason: record.reason }),
    ...(record.linkedCardSerialNumber === undefined ? {} : { linkedCardSerial: hexOfSerial(record.linkedCardSerialNumber) }),
    ...(record.deviceId === undefined ? {} : { deviceId: record.deviceId }),
  };
}

function printRecords(json: boolean, records: readonly CertificateRecord[], extra: Record<string, unknown> = {}): void {
  if (json) {
    printJson({ ok: true, ...extra, certificates: records.map(certificateSummary) });
    return;
  }
  for (const [key, value] of Object.entries(extra)) printLine(`${key}: ${String(value)}`);
  printLine(
    formatTable([
      ['serial', 'ca', 'kind', 'carrier', 'status', 'notAfter'],
      ...records.map((record) => [record.serialHex, record.caId, record.kind, record.carrier, record.reason === undefined ? record.status : `${record.status} (${record.reason})`, record.notAfter.toISOString()]),
    ]),
  );
}

// ---- issue ----

interface IssueOptions extends CaOptions {
  readonly holder?: string;
  readonly name?: string;
  readonly sex?: string;
  readonly dateOfBirth?: string;
  readonly address?: string;
  readonly nameFlags?: string;
  readonly addressFlags?: string;
  readonly municipality?: string;
  readonly signatureKey?: string;
  readonly authKey?: string;
  readonly generateKeys: boolean;
  readonly out?: string;
  readonly smartphone: boolean;
  readonly holderId?: string;
  readonly deviceId?: string;
  readonly cardExpires?: string;
  readonly reason?: string;
}

function withIssueOptions<T>(yargs: Argv<T>): Argv<T & IssueOptions> {
  return withCaOptions(yargs)
    .option('holder', { type: 'string', describe: 'BasicFourInfo as JSON, or a JSON file' })
    .option('name', { type: 'string', describe: '氏名 (family and given name separated by U+3000)' })
    .option('sex', { type: 'string', describe: '性別: 1, 2 or 9' })
    .option('date-of-birth', { type: 'string', describe: '生年月日 EYYYYMMDD' })
    .option('address', { type: 'string', describe: '住所' })
    .option('name-flags', { type: 'string', describe: '氏名代替文字の使用位置 (default: all 0)' })
    .option('address-flags', { type: 'string', describe: '住所代替文字の使用位置 (default: all 0)' })
    .option('municipality', { type: 'string', describe: '5-digit municipality code (e.g. 13101)' })
    .option('signature-key', { type: 'string', describe: 'PEM file with the signature public key' })
    .option('auth-key', { type: 'string', describe: 'PEM file with the user-authentication public key' })
    .option('generate-keys', { type: 'boolean', default: false, describe: 'make the two RSA-2048 key pairs and write them to --out' })
    .option('out', { type: 'string', describe: 'folder for the issued certificates (and generated keys)' })
    .option('card-expires', { type: 'string', describe: "the card's expiry (ISO 8601): no certificate outlives it" }) as never;
}

async function holderFrom(options: IssueOptions): Promise<BasicFourInfo> {
  const { parseBasicFourInfo } = await import('../../../generated/messages/index.js');
  if (options.holder !== undefined) {
    const text = options.holder.trimStart().startsWith('{') ? options.holder : await readFile(options.holder, 'utf8').catch(() => {
      throw new CaUsageError(`--holder ${options.holder}: neither JSON nor a readable file`);
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CaUsageError(`--holder: not JSON: ${(error as Error).message}`);
    }
    return parseBasicFourInfo(json);
  }
  if (options.name === undefined || options.sex === undefined || options.dateOfBirth === undefined || options.address === undefined) {
    throw new CaUsageError('holder data: pass --holder <json|file>, or --name, --sex, --date-of-birth and --address');
  }
  return parseBasicFourInfo({
    name: options.name,
    nameSubstitutionFlags: options.nameFlags ?? '0'.repeat([...options.name].length),
    sex: options.sex,
    dateOfBirth: options.dateOfBirth,
    address: options.address,
    addressSubstitutionFlags: options.addressFlags ?? '0'.repeat([...options.address].length),
  });
}

async function publicKeyFromPem(file: string): Promise<Uint8Array> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CaUsageError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const block = pemBlocks(text).find((entry) => entry.label === 'PUBLIC KEY');
  if (block === undefined) throw new CaUsageError(`${file}: expected a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo)`);
  return block.der;
}

async function publicKeysFrom(options: IssueOptions, label: string): Promise<KeyPairPublicKeys> {
  if (options.generateKeys) {
    if (options.out === undefined) throw new CaUsageError('--generate-keys writes the private keys: pass --out <folder>');
    await mkdir(options.out, { recursive: true });
    const make = async (kind: string): Promise<Uint8Array> => {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
      await writeFile(path.join(options.out as string, `${label}-${kind}.key.pem`), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      const publicKey = new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }));
      await writeFile(path.join(options.out as string, `${label}-${kind}.pub.pem`), derToPem(publicKey, 'PUBLIC KEY'));
      return publicKey;
    };
    return { signature: await make('signature'), userAuthentication: await make('authentication') };
  }
  if (options.signatureKey === undefined || options.authKey === undefined) throw new CaUsageError('public keys: pass --signature-key and --auth-key (PEM), or --generate-keys --out <folder>');
  return { signature: await publicKeyFromPem(options.signatureKey), userAuthentication: await publicKeyFromPem(options.authKey) };
}

async function writeIssued(options: IssueOptions, pair: IssuedPair): Promise<void> {
  if (options.out === undefined) return;
  await mkdir(options.out, { recursive: true });
  for (const record of [pair.signature, pair.userAuthentication]) await writeFile(path.join(options.out, `${record.serialHex}.pem`), derToPem(record.der, 'CERTIFICATE'));
}

function cardExpiry(options: IssueOptions): Date | undefined {
  if (options.cardExpires === undefined) return undefined;
  const date = new Date(options.cardExpires);
  if (Number.isNaN(date.getTime())) throw new CaUsageError(`--card-expires ${options.cardExpires}: expected an ISO 8601 date`);
  return date;
}

function printIssued(options: IssueOptions, pair: IssuedPair): void {
  printRecords(options.json, [pair.signature, pair.userAuthentication], { holderId: pair.holderId, ...(pair.revoked.length === 0 ? {} : { revoked: pair.revoked.map((record) => record.serialHex).join(' ') }) });
}

const initCommand: CommandModule<{ json: boolean }, CaOptions & { generations?: string }> = {
  command: 'init',
  describe: 'Create the keystore and database and bootstrap the simulated CA generations (signca03, authca03)',
  builder: (yargs) => withCaOptions(yargs).option('generations', { type: 'string', describe: 'comma-separated CA ids (default signca03,authca03)' }) as never,
  handler: (options) =>
    runCaCommand(options.json, async () => {
      const { serialToHex } = await import('../../../reference/ca/serial-numbers.js');
      const generations = options.generations?.split(',').map((entry) => entry.trim()) as JpkiCaId[] | undefined;
      if (generations?.some((caId) => !/^(sign|auth)ca\d{2}$/u.test(caId)) === true) throw new CaUsageError(`--generations ${options.generations}: expected ids like signca03,authca03`);
      await withCa(
        options,
        async ({ authority }) => {
          const made = await authority.bootstrap(generations === undefined ? {} : { generations });
          const folder = path.join(options.dataDir, 'ca');
          await mkdir(folder, { recursive: true });
          for (const generation of made) await writeFile(path.join(folder, `${generation.caId}.pem`), derToPem(generation.certificate, 'CERTIFICATE'));
          const rows = made.map((generation) => ({ caId: generation.caId, serial: serialToHex(generation.serialNumber), notAfter: generation.notAfter.toISOString(), certificate: path.join(folder, `${generation.caId}.pem`) }));
          if (options.json) printJson({ ok: true, backend: authority.database.backend, profile: authority.profile.source, generations: rows });
          else printLine(formatTable([['ca', 'serial', 'notAfter', 'certificate'], ...rows.map((row) => [row.caId, row.serial, row.notAfter, row.certificate])]));
        },
        true,
      );
    }),
};

const issueCommand: CommandModule<{ json: boolean }, IssueOptions> = {
  command: 'issue',
  describe: 'Issue a card pair (holder data + municipality), or with --smartphone a phone pair for --holder-id on --device-id',
  builder: (yargs) =>
    withIssueOptions(yargs)
      .option('smartphone', { type: 'boolean', default: false, describe: 'issue the smartphone pair from the holder\'s card certificates' })
      .option('holder-id', { type: 'string', describe: 'the holder (printed by a card issuance)' })
      .option('device-id', { type: 'string', describe: 'the phone (--smartphone)' }) as never,
  handler: (options) =>
    runCaCommand(options.json, async () => {
      if (options.smartphone) {
        if (options.holderId === undefined || options.deviceId === undefined) throw new CaUsageError('--smartphone needs --holder-id and --device-id');
        const publicKeys = await publicKeysFrom(options, `${options.holderId}-${options.deviceId}`);
        await withCa(options, async ({ authority }) => {
          const pair = await authority.issueSmartphonePair({ holderId: options.holderId as string, deviceId: options.deviceId as string, publicKeys });
          await writeIssued(options, pair);
          printIssued(options, pair);
        });
        return;
      }
      if (options.municipality === undefined) throw new CaUsageError('a card pair needs --municipality <5-digit code>');
      const holder = await holderFrom(options);
      const publicKeys = await publicKeysFrom(options, `card-${Date.now()}`);
      const expires = cardExpiry(options);
      await withCa(options, async ({ authority }) => {
        const pair = await authority.issueCardPair({ holder, municipalityCode: options.municipality as string, publicKeys, ...(expires === undefined ? {} : { cardExpiresAt: expires }) });
        await writeIssued(options, pair);
        printIssued(options, pair);
      });
    }),
};

function replaceCommand(which: 'renew' | 'reissue'): CommandModule<{ json: boolean }, IssueOptions> {
  return {
    command: which,
    describe: which === 'renew' ? 'Renew the card pair of --holder-id (old card and phone certificates revoked as superseded; renewal linkage)' : 'Reissue the card pair of --holder-id, optionally with new holder data and municipality (reissue linkage)',
    builder: (yargs) =>
      withIssueOptions(yargs)
        .option('holder-id', { type: 'string', demandOption: true, describe: 'the holder' })
        .option('reason', { type: 'string', describe: 'reissue: why the old card certificates are revoked (default superseded)' }) as never,
    handler: (options) =>
      runCaCommand(options.json, async () => {
        const holderGiven = options.holder !== undefined || options.name !== undefined;
        if (which === 'renew' && (holderGiven || options.municipality !== undefined || options.reason !== undefined)) throw new CaUsageError('renew keeps the holder data; use reissue to change it');
        const holder = holderGiven ? await holderFrom(options) : undefined;
        const publicKeys = await publicKeysFrom(options, `${options.holderId ?? 'holder'}-${which}-${Date.now()}`);
        const expires = cardExpiry(options);
        await withCa(options, async ({ authority }) => {
          const request = {
            holderId: options.holderId as string,
            publicKeys,
            ...(expires === undefined ? {} : { cardExpiresAt: expires }),
            ...(holder === undefined ? {} : { holder }),
            ...(options.municipality === undefined ? {} : { municipalityCode: options.municipality }),
            ...(options.reason === undefined ? {} : { revocationReason: options.reason as RevocationReason }),
          };
          const pair = which === 'renew' ? await authority.renewCardPair(request) : await authority.reissueCardPair(request);
          await writeIssued(options, pair);
          printIssued(options, pair);
        });
      }),
  };
}

function statusCommand(which: 'revoke' | 'hold' | 'release'): CommandModule<{ json: boolean }, CaOptions & { serial: string; reason?: string }> {
  const describe = { revoke: 'Revoke a certificate with --reason (RFC 5280 CRLReason name)', hold: 'Place a certificate on hold (certificateHold)', release: 'Release a held certificate' }[which];
  return {
    command: `${which} <serial>`,
    describe,
    builder: (yargs) => {
      const base = withCaOptions(yargs).positional('serial', { type: 'string', demandOption: true, describe: 'serial in hex' });
      return (which === 'revoke' ? base.option('reason', { type: 'string', demandOption: true, describe: 'unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, …' }) : base) as never;
    },
    handler: (options) =>
      runCaCommand(options.json, async () => {
        const serial = parseSerial(options.serial);
        await withCa(options, async ({ authority }) => {
          const record = which === 'revoke' ? await authority.revoke(serial, options.reason as RevocationReason) : which === 'hold' ? await authority.hold(serial) : await authority.release(serial);
          printRecords(options.json, [record]);
        });
      }),
  };
}

const showCommand: CommandModule<{ json: boolean }, CaOptions & { serial?: string; holderId?: string }> = {
  command: 'show',
  describe: 'Show one certificate (--serial) or a holder\'s certificates (--holder-id)',
  builder: (yargs) => withCaOptions(yargs).option('serial', { type: 'string' }).option('holder-id', { type: 'string' }) as never,
  handler: (options) =>
    runCaCommand(options.json, async () => {
      if ((options.serial === undefined) === (options.holderId === undefined)) throw new CaUsageError('pass exactly one of --serial and --holder-id');
      await withCa(options, async ({ authority }) => {
        if (options.serial !== undefined) {
          const record = await authority.certificate(parseSerial(options.serial));
          if (record === undefined) throw new CaUsageError(`no certificate with serial ${options.serial}`);
          printRecords(options.json, [record]);
        } else {
          printRecords(options.json, await authority.holderCertificates(options.holderId as string), { holderId: options.holderId });
        }
      });
    }),
};

const crlCommand: CommandModule<{ json: boolean }, CaOptions & { out: string }> = {
  command: 'crl',
  describe: 'Issue every CRL (one per municipality, and the ARL) and the linkage lists into --out',
  builder: (yargs) => withCaOptions(yargs).option('out', { type: 'string', demandOption: true, describe: 'folder: <caId>/<municipality>.crl, <caId>/arl.crl, <caId>/linkage.der' }) as never,
  handler: (options) =>
    runCaCommand(options.json, async () => {
      const { CrlPublisher } = await import('../../../reference/ca/crl-publisher.js');
      await withCa(options, async ({ authority }) => {
        const publisher = new CrlPublisher(authority);
        await publisher.refresh();
        const written: { caId: string; scope: string; file: string; entries: number; crlNumber: string }[] = [];
        for (const issuer of publisher.issuers()) {
          const caId = issuer.identity.issuer.caId;
          const folder = path.join(options.out, caId);
          await mkdir(folder, { recursive: true });
          for (const crl of [issuer.arl, ...issuer.distributionPoints.values()]) {
            const file = path.join(folder, `${crl.scope}.crl`);
            await writeFile(file, crl.der);
            written.push({ caId, scope: crl.scope, file, entries: crl.entryCount, crlNumber: crl.crlNumber.toString() });
          }
          await writeFile(path.join(folder, 'linkage.der'), issuer.linkage.der);
        }
        if (options.json) printJson({ ok: true, crls: written });
        else printLine(formatTable([['ca', 'scope', 'entries', 'crlNumber', 'file'], ...written.map((row) => [row.caId, row.scope, String(row.entries), row.crlNumber, row.file])]));
      });
    }),
};

export const caCommand: CommandModule<{ json: boolean }, { json: boolean }> = {
  command: 'ca <command>',
  describe: 'The reference JPKI CA (simulated): init, issue, renew, reissue, revoke, hold, release, show, crl',
  builder: (yargs) =>
    yargs
      .command(initCommand)
      .command(issueCommand)
      .command(replaceCommand('renew'))
      .command(replaceCommand('reissue'))
      .command(statusCommand('revoke'))
      .command(statusCommand('hold'))
      .command(statusCommand('release'))
      .command(showCommand)
      .command(crlCommand)
      .demandCommand(1, 'name a ca command') as never,
  handler: () => undefined,
};
