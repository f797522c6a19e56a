/**
 * Whether the issuer a server advertises (its default tenant's, in metadata
 * and in every token's `iss`) is where clients can reach it. A mismatch is
 * easy to make (an issuer chosen for one port, a server started on another;
 * a proxy in front and no `publicUrl`) and shows up only when a client
 * follows the metadata or a resource server compares `iss`; the server says
 * so when it starts.
 */

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
/** Listening on every address: any host name of the machine reaches it. */
const EVERY_ADDRESS = /^(0\.0\.0\.0|\[::\])$/;

function port(url: URL): string {
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

/**
 * Why `issuer` does not name the server, or undefined when it does: below
 * `publicUrl` when one is configured, otherwise at the scheme, port and host
 * (loopback names alike) the server listens on.
 */
export function issuerMismatch(issuer: string, listening: string, publicUrl: string | undefined): string | undefined {
  if (publicUrl !== undefined) {
    return issuer === publicUrl || issuer.startsWith(`${publicUrl}/`) ? undefined : `is not below publicUrl ${publicUrl}`;
  }
  const advertised = new URL(issuer);
  const bound = new URL(listening);
  const sameHost =
    advertised.hostname === bound.hostname || (LOOPBACK.test(advertised.hostname) && LOOPBACK.test(bound.hostname)) || EVERY_ADDRESS.test(bound.hostname);
  if (advertised.protocol === bound.protocol && port(advertised) === port(bound) && sameHost) return undefined;
  return `is not where this server listens (${listening}) and no publicUrl is set`;
}
