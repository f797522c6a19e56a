/**
 * A database that cannot be opened at all: a SQLite path in a folder that
 * does not exist or cannot be written, a file that is not a SQLite database,
 * or a database a command may not create. Its message names the database and
 * the cause in one line, for an operator to fix; the CLI prints it without a
 * stack trace.
 */
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}
