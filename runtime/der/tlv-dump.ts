/** A generic TLV tree of any DER/BER input, for `jpkigen asn1 dump`: no schema, every element. */
import { decodeBigInteger, decodeObjectIdentifier, decodeUtcTime, decodeGeneralizedTime } from './der-primitives.js';
import { createDecodeContext, type DecodeContext } from './decode-context.js';
import { DecodeError } from './decode-error.js';
import { readTlvHeader, type TlvHeader } from './tlv.js';
import { bytesToHex } from '../hex.js';

export interface TlvNode {
  readonly offset: number;
  readonly depth: number;
  readonly headerLength: number;
  readonly length: number;
  readonly tag: string;
  readonly constructed: boolean;
  /** A short rendering of a primitive value. */
  readonly value?: string;
  readonly children?: readonly TlvNode[];
}

const UNIVERSAL_NAMES: Record<number, string> = {
  0x01: 'BOOLEAN', 0x02: 'INTEGER', 0x03: 'BIT STRING', 0x04: 'OCTET STRING', 0x05: 'NULL', 0x06: 'OBJECT IDENTIFIER',
  0x07: 'ObjectDescriptor', 0x0a: 'ENUMERATED', 0x0c: 'UTF8String', 0x0d: 'RELATIVE-OID', 0x10: 'SEQUENCE', 0x11: 'SET',
  0x12: 'NumericString', 0x13: 'PrintableString', 0x14: 'TeletexString', 0x15: 'VideotexString', 0x16: 'IA5String',
  0x17: 'UTCTime', 0x18: 'GeneralizedTime', 0x19: 'GraphicString', 0x1a: 'VisibleString', 0x1b: 'GeneralString',
  0x1c: 'UniversalString', 0x1e: 'BMPString',
};

function tagName(header: TlvHeader): string {
  if (header.tagClass === 0) return UNIVERSAL_NAMES[header.tagNumber] ?? `[UNIVERSAL ${header.tagNumber}]`;
  const prefix = header.tagClass === 1 ? 'APPLICATION ' : header.tagClass === 3 ? 'PRIVATE ' : '';
  return `[${prefix}${header.tagNumber}]`;
}

function render(context: DecodeContext, header: TlvHeader): string | undefined {
  if (header.constructed) return undefined;
  const content = context.bytes.subarray(header.contentStart, header.end);
  try {
    if (header.tagClass !== 0) return bytesToHex(content.subarray(0, 32)) + (content.length > 32 ? '…' : '');
    switch (header.tagNumber) {
      case 0x01:
        return content[0] === 0 ? 'FALSE' : 'TRUE';
      case 0x02:
      case 0x0a:
        return decodeBigInteger({ ...context, ber: true }, header).toString();
      case 0x06:
        return decodeObjectIdentifier(context, header);
      case 0x0c:
        return new TextDecoder().decode(content);
      case 0x12:
      case 0x13:
      case 0x14:
      case 0x16:
      case 0x1a:
        return String.fromCharCode(...content.subarray(0, 200));
      case 0x17:
        return decodeUtcTime({ ...context, ber: true }, header).toISOString();
      case 0x18:
        return decodeGeneralizedTime({ ...context, ber: true }, header).toISOString();
      case 0x1e:
        return new TextDecoder('utf-16be').decode(content);
      default:
        return bytesToHex(content.subarray(0, 32)) + (content.length > 32 ? '…' : '');
    }
  } catch {
    return bytesToHex(content.subarray(0, 32));
  }
}

/** Every element of the input as a tree; malformed input throws DecodeError. */
export function dumpTlv(bytes: Uint8Array, options?: { readonly ber?: boolean; readonly maxDepth?: number }): TlvNode[] {
  const context = createDecodeContext(bytes, options, '');
  const walk = (start: number, end: number, depth: number): TlvNode[] => {
    if (depth > context.maxDepth) throw new DecodeError('DER_DEPTH_LIMIT', start, '', `values nested at most ${context.maxDepth} deep`);
    const nodes: TlvNode[] = [];
    let position = start;
    while (position < end) {
      const header = readTlvHeader(bytes, position, end, context);
      const base = { offset: position, depth, headerLength: header.headerLength, length: header.length, tag: tagName(header), constructed: header.constructed };
      const value = render(context, header);
      nodes.push(header.constructed ? { ...base, children: walk(header.contentStart, header.end, depth + 1) } : value === undefined ? base : { ...base, value });
      position = header.elementEnd;
    }
    return nodes;
  };
  return walk(0, bytes.length, 0);
}

/** One line per element: offset, depth, header+length, tag, value — the layout of `openssl asn1parse`. */
export function formatTlvTree(nodes: readonly TlvNode[]): string {
  const lines: string[] = [];
  const visit = (node: TlvNode) => {
    lines.push(`${String(node.offset).padStart(6)}:d=${node.depth}  hl=${node.headerLength} l=${String(node.length).padStart(4)} ${node.constructed ? 'cons' : 'prim'}: ${'  '.repeat(node.depth)}${node.tag}${node.value === undefined ? '' : `  ${node.value}`}`);
    for (const child of node.children ?? []) visit(child);
  };
  for (const node of nodes) visit(node);
  return lines.join('\n');
}
