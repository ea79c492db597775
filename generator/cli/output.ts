/** Terminal output: colour only on a TTY (and never with NO_COLOR), tables, JSON. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

const useColour = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;

function paint(code: number, text: string): string {
  return useColour ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export const colour = {
  green: (text: string) => paint(32, text),
  red: (text: string) => paint(31, text),
  yellow: (text: string) => paint(33, text),
  dim: (text: string) => paint(2, text),
  bold: (text: string) => paint(1, text),
};

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function printError(text: string): void {
  process.stderr.write(`${colour.red('error')} ${text}\n`);
}

/** A plain-text table whose columns fit their widest cell; the first row is the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, displayWidth(cell))));
  const line = (row: readonly string[]) =>
    row.map((cell, index) => cell + ' '.repeat((widths[index] ?? 0) - displayWidth(cell))).join('  ').trimEnd();
  const [header, ...body] = rows;
  if (header === undefined) return '';
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}

/** Width as a terminal shows it: colour codes take none, East Asian wide characters take two. */
function displayWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  let width = 0;
  for (const character of plain) width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(character) ? 2 : 1;
  return width;
}
