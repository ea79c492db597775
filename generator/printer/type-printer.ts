import type { Provenance, TypeIR } from '../ir.js';

/** Prints a type IR as TypeScript type syntax. */
export function printType(type: TypeIR): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'literal':
      return JSON.stringify(type.value);
    case 'array':
      return `${parenthesizeForArray(type.items)}[]`;
    case 'tuple': {
      const items = type.items.map(printType);
      if (type.rest !== undefined) items.push(`...${parenthesizeForArray(type.rest)}[]`);
      return `[${items.join(', ')}]`;
    }
    case 'object':
      return printObjectLiteral(type);
    case 'union':
      return type.members.length === 0 ? 'never' : type.members.map(printType).join(' | ');
    case 'intersection':
      return type.members.map((member) => (member.kind === 'union' ? `(${printType(member)})` : printType(member))).join(' & ');
    case 'reference':
      return type.name;
    case 'unknown':
      return 'unknown';
  }
}

function parenthesizeForArray(type: TypeIR): string {
  const printed = printType(type);
  return type.kind === 'union' || type.kind === 'intersection' ? `(${printed})` : printed;
}

function printObjectLiteral(type: Extract<TypeIR, { kind: 'object' }>): string {
  const members = type.properties.map((property) => {
    const doc = docComment(property.description, property.provenance);
    return `${doc}${propertyKey(property.name)}${property.required ? '' : '?'}: ${printType(property.type)};`;
  });
  if (type.additionalProperties !== false) members.push(`[key: string]: ${printType(type.additionalProperties)};`);
  // One member a line, so a doc comment stays with the member it documents.
  return members.length === 0 ? 'Record<string, never>' : `{\n${members.join('\n')}\n}`;
}

export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** The JSDoc text for a declaration: its description and where its design comes from. */
export function docText(description: string | undefined, provenance: Provenance | undefined): string | undefined {
  const lines: string[] = [];
  if (description !== undefined) lines.push(description.trim());
  if (provenance !== undefined) {
    const origin = [provenance.status, provenance.source, provenance.note?.trim()].filter((part) => part !== undefined).join(' — ');
    lines.push(`@provenance ${origin}`);
  }
  return lines.length === 0 ? undefined : lines.join('\n\n').replace(/\*\//g, '*\\/');
}

function docComment(description: string | undefined, provenance: Provenance | undefined): string {
  const text = docText(description, provenance);
  if (text === undefined) return '';
  return text.includes('\n') ? `/**\n * ${text.replace(/\n/g, '\n * ')}\n */\n` : `/** ${text} */\n`;
}
