/**
 * `jpkigen asn1 decode|roundtrip|dump <file>`: DER (or PEM) through the generated codecs, or as a
 * generic TLV tree. Malformed input ends with the DecodeError's code, byte offset and ASN.1 path.
 */
import { readFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { DecodeError } from '../../../runtime/der/decode-error.js';
import { toJsonValue } from '../../../runtime/der/json.js';
import { pemToDer } from '../../../runtime/der/pem.js';
import { dumpTlv, formatTlvTree } from '../../../runtime/der/tlv-dump.js';
import { bytesToHex } from '../../../runtime/hex.js';
import { ExitCode, printError, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

interface Asn1FileOptions {
  readonly json: boolean;
  readonly file: string;
  readonly pem: boolean;
  readonly ber: boolean;
}

interface Asn1TypedOptions extends Asn1FileOptions {
  readonly type: string;
  readonly keptDer: boolean;
}

interface CodecEntry {
  readonly decode: (der: Uint8Array, options?: object) => unknown;
  readonly encode: (value: never, options?: object) => Uint8Array;
}

/** A usage problem (unknown type, unreadable file): exit 2. */
class Asn1UsageError extends Error {}

function fileOptions<T>(yargs: Argv<T>): Argv<T & Asn1FileOptions> {
  return yargs
    .positional('file', { type: 'string', demandOption: true, describe: 'DER file, or PEM with --pem (a PEM file is also detected)' })
    .option('pem', { type: 'boolean', default: false, describe: 'the file is PEM' })
    .option('ber', { type: 'boolean', default: false, describe: 'accept BER (lenient) instead of strict DER' }) as never;
}

function typedOptions<T>(yargs: Argv<T>): Argv<T & Asn1TypedOptions> {
  return fileOptions(yargs)
    .option('type', { type: 'string', demandOption: true, describe: 'the ASN.1 type, Module.Type (e.g. PKIX1Explicit88.Certificate) or a unique Type' })
    .option('kept-der', { type: 'boolean', default: false, describe: 'decode: include the kept exact bytes ($der) in the JSON' }) as never;
}

async function readInput(options: Asn1FileOptions): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(options.file);
  } catch (error) {
    throw new Asn1UsageError(`cannot read ${options.file}: ${(error as Error).message}`);
  }
  const looksPem = bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN ');
  return options.pem || looksPem ? pemToDer(bytes.toString('utf8')) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

async function findCodec(name: string): Promise<{ name: string; codec: CodecEntry }> {
  // Loaded on demand: the codecs are generated code, and most commands never need them.
  const { asn1Types } = (await import('../../../generated/asn1/index.js')) as { asn1Types: Readonly<Record<string, CodecEntry>> };
  const exact = asn1Types[name];
  if (exact !== undefined) return { name, codec: exact };
  const matches = Object.keys(asn1Types).filter((key) => key.endsWith(`.${name}`));
  if (matches.length === 1) return { name: matches[0] as string, codec: asn1Types[matches[0] as string] as CodecEntry };
  const hint = matches.length > 1 ? `; it is ambiguous: ${matches.join(', ')}` : '';
  throw new Asn1UsageError(`unknown ASN.1 type ${name}${hint} (use Module.Type, e.g. PKIX1Explicit88.Certificate)`);
}

function reportDecodeFailure(error: unknown, json: boolean): number {
  if (error instanceof Asn1UsageError) {
    if (json) printJson({ ok: false, error: { code: 'USAGE', message: error.message } });
    else printError(error.message);
    return ExitCode.usage;
  }
  if (error instanceof DecodeError) {
    if (json) printJson({ ok: false, error: { code: error.code, offset: error.offset, path: error.path, expected: error.expected } });
    else printError(`${error.code}: ${error.message}`);
    return ExitCode.failed;
  }
  return reportError(error, json);
}

const decodeCommand: CommandModule<{ json: boolean }, Asn1TypedOptions> = {
  command: 'decode <file>',
  describe: 'Decode DER/PEM as an ASN.1 type and print the value as JSON',
  builder: (yargs) => typedOptions(yargs) as never,
  handler: async (options) => {
    try {
      const der = await readInput(options);
      const { name, codec } = await findCodec(options.type);
      const value = codec.decode(der, { ber: options.ber });
      printJson(options.json ? { ok: true, type: name, value: toJsonValue(value, { includeKeptDer: options.keptDer }) } : toJsonValue(value, { includeKeptDer: options.keptDer }));
      process.exitCode = ExitCode.ok;
    } catch (error) {
      process.exitCode = reportDecodeFailure(error, options.json);
    }
  },
};

const roundtripCommand: CommandModule<{ json: boolean }, Asn1TypedOptions> = {
  command: 'roundtrip <file>',
  describe: 'Decode and re-encode (from the decoded fields); exit 0 only when the bytes are identical',
  builder: (yargs) => typedOptions(yargs) as never,
  handler: async (options) => {
    try {
      const der = await readInput(options);
      const { name, codec } = await findCodec(options.type);
      const value = codec.decode(der, { ber: options.ber });
      // Re-encode from the fields, not from kept bytes, so the encoder itself is what is checked.
      const encoded = codec.encode(value as never, { useKeptDer: false });
      const firstDifference = firstDifferingOffset(der, encoded);
      const identical = firstDifference === undefined;
      if (options.json) printJson({ ok: identical, type: name, length: der.length, reencodedLength: encoded.length, firstDifference: firstDifference ?? null });
      else if (identical) printLine(`${name}: ${der.length} bytes re-encoded byte-identically`);
      else printError(`${name}: re-encoding differs at byte ${firstDifference} (input ${der.length} bytes, re-encoded ${encoded.length}); input ${bytesToHex(der.subarray(firstDifference, (firstDifference ?? 0) + 8))}… re-encoded ${bytesToHex(encoded.subarray(firstDifference, (firstDifference ?? 0) + 8))}…`);
      process.exitCode = identical ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      process.exitCode = reportDecodeFailure(error, options.json);
    }
  },
};

function firstDifferingOffset(a: Uint8Array, b: Uint8Array): number | undefined {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) if (a[index] !== b[index]) return index;
  return a.length === b.length ? undefined : length;
}

const dumpCommand: CommandModule<{ json: boolean }, Asn1FileOptions> = {
  command: 'dump <file>',
  describe: 'Print the generic TLV tree of DER/BER (no schema needed)',
  builder: (yargs) => fileOptions(yargs) as never,
  handler: async (options) => {
    try {
      const der = await readInput(options);
      const tree = dumpTlv(der, { ber: options.ber });
      if (options.json) printJson({ ok: true, tree });
      else printLine(formatTlvTree(tree));
      process.exitCode = ExitCode.ok;
    } catch (error) {
      process.exitCode = reportDecodeFailure(error, options.json);
    }
  },
};

export const asn1Command: CommandModule<{ json: boolean }, { json: boolean }> = {
  command: 'asn1',
  describe: 'Decode, round-trip or dump DER with the generated ASN.1 codecs',
  builder: (yargs) => yargs.command(decodeCommand).command(roundtripCommand).command(dumpCommand).demandCommand(1, 'name an asn1 command: decode, roundtrip or dump') as never,
  handler: () => undefined,
};
