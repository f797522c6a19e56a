/**
 * RFC 4180 CSV cells. A cell that a spreadsheet would run as a formula
 * (starting with `=`, `@`, a tab or CR, or `+`/`-` not followed by a plain
 * number) is prefixed with `'`, so an exported label cannot become code
 * (OWASP "CSV injection"). E.164 numbers such as `+61280001234` stay as they are.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4180
 */
const FORMULA = /^(?:[=@\t\r]|[+-](?!\d+$))/;

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
