/**
 * openssl as the independent second parser for the ASN.1 tests: its text output (x509, crl,
 * ocsp, cms, asn1parse) is what our decoded values are compared with.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function openssl(args: readonly string[], options: { cwd?: string; input?: string | Uint8Array } = {}): string {
  return execFileSync('openssl', args, { cwd: options.cwd, input: options.input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export function temporaryFolder(prefix: string): { folder: string; remove(): void } {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

export interface Asn1ParseLine {
  readonly offset: number;
  readonly depth: number;
  readonly headerLength: number;
  readonly type: string;
  readonly value: string;
}

/** `openssl asn1parse` lines as records (type e.g. "UTF8STRING", value after the colon). */
export function asn1parse(file: string, args: readonly string[] = []): Asn1ParseLine[] {
  const output = openssl(['asn1parse', '-in', file, ...args]);
  return output
    .split('\n')
    .map((line) => /^\s*(\d+):d=(\d+)\s+hl=\s*(\d+)\s+l=\s*\d+\s+(?:prim|cons):\s*(.*?)\s*(?::(.*))?$/u.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ offset: Number(match[1]), depth: Number(match[2]), headerLength: Number(match[3]), type: (match[4] ?? '').trim().split(/\s{2,}|\s\[/u)[0] ?? '', value: match[5] ?? '' }));
}

/** Offset of the extnValue OCTET STRING of the extension whose OID openssl names `extensionName`. */
export function extensionValueOffset(file: string, extensionName: string): number {
  return extensionValueLine(file, extensionName).offset;
}

export function extensionValueLine(file: string, extensionName: string): Asn1ParseLine {
  const lines = asn1parse(file);
  const index = lines.findIndex((line) => line.type === 'OBJECT' && line.value === extensionName);
  const octets = lines.slice(index + 1).find((line) => line.type === 'OCTET STRING');
  if (index < 0 || octets === undefined) throw new Error(`no ${extensionName} extension in ${file}`);
  return octets;
}

/** The string values (PrintableString, UTF8String, …) inside an extension, in order, as openssl parses them. */
export function extensionStrings(file: string, extensionName: string): string[] {
  const lines = asn1parse(file, ['-strparse', String(extensionValueOffset(file, extensionName))]);
  return lines.filter((line) => /STRING$/u.test(line.type) && line.type !== 'OCTET STRING' && line.type !== 'BIT STRING').map((line) => line.value);
}
