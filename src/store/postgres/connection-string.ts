/**
 * PostgreSQL connection URLs as Tessera shows them: recognised by scheme, and
 * never printed with their password, whether it sits in the user-info part
 * (`postgres://user:secret@host/db`) or in a query parameter (`?password=`).
 */

/** True for `postgres://` and `postgresql://` URLs (the two schemes libpq accepts). */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

const SECRET_PARAMETERS = ['password', 'sslpassword'];

/** The URL with every password replaced by `***`, safe for logs and error messages. */
export function redactConnectionString(connectionString: string): string {
  if (!URL.canParse(connectionString)) {
    // Unparseable: keep the scheme and host part only as far as it cannot hold a secret.
    return connectionString.replace(/\/\/[^@/?#]*@/, '//***@').replace(/([?&](?:ssl)?password=)[^&#]*/gi, '$1***');
  }
  const url = new URL(connectionString);
  if (url.password !== '') url.password = '***';
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAMETERS.includes(name.toLowerCase())) url.searchParams.set(name, '***');
  }
  return url.toString();
}
