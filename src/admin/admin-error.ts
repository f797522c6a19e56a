/**
 * Errors of the management services, shaped for RFC 9457 problem details so
 * the admin API can send them as they are and the CLI can print them.
 */
export type AdminErrorKind = 'invalid' | 'not_found' | 'conflict';

const STATUS: Record<AdminErrorKind, number> = { invalid: 400, not_found: 404, conflict: 409 };
const TITLE: Record<AdminErrorKind, string> = { invalid: 'Invalid request', not_found: 'Not found', conflict: 'Conflict' };

export class AdminError extends Error {
  readonly kind: AdminErrorKind;
  readonly status: number;
  /** The field at fault, for `invalid` (a JSON pointer-ish name such as `scopes[2]`). */
  readonly field: string | undefined;

  constructor(kind: AdminErrorKind, detail: string, field?: string) {
    super(field === undefined ? detail : `${field}: ${detail}`);
    this.name = 'AdminError';
    this.kind = kind;
    this.status = STATUS[kind];
    this.field = field;
  }

  toProblem(): Record<string, unknown> {
    return {
      type: 'about:blank',
      title: TITLE[this.kind],
      status: this.status,
      detail: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
    };
  }
}

export const invalid = (field: string, reason: string) => new AdminError('invalid', reason, field);
