/**
 * RFC 4180 CSV cells. A cell that a spreadsheet would run as a formula that
 * can call a function (starting with `=`, `@`, a tab or CR, or `+`/`-`
 * followed by anything but digits, spaces and phone punctuation) is prefixed
 * with `'`, so an exported label cannot become code (OWASP "CSV injection").
 * Phone numbers and lists of them (`+61280001234 +61390005678`) stay as they
 * are: without letters or symbols a formula can only do arithmetic.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4180
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA = /^(?:[=@\t\r]|[+-](?![0-9 ().+-]*$))/;

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
