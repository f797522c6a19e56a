/** Grant handlers by `grant_type`; the token endpoint dispatches through it. */
import type { GrantHandler } from './grant-handler.ts';

export class GrantRegistry {
  readonly #handlers = new Map<string, GrantHandler>();

  constructor(handlers: readonly GrantHandler[]) {
    for (const handler of handlers) {
      if (this.#handlers.has(handler.grantType)) throw new Error(`two handlers for grant type ${handler.grantType}`);
      this.#handlers.set(handler.grantType, handler);
    }
  }

  get(grantType: string): GrantHandler | undefined {
    return this.#handlers.get(grantType);
  }

  /** Grant types served, for metadata. */
  grantTypes(): string[] {
    return [...this.#handlers.keys()];
  }
}
