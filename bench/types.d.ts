/** Just enough typing for the two untyped packages the bench uses. */
declare module 'autocannon' {
  namespace autocannon {
    interface Result {
      duration: number;
      non2xx: number;
      errors: number;
      timeouts: number;
      requests: { total: number; average: number };
    }
    interface Instance {
      on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
    }
  }
  function autocannon(options: Record<string, unknown>, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;
  export default autocannon;
}

declare module 'oidc-provider' {
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
  }
}
