/**
 * One warning line per interval for requests refused by the abuse
 * protections (rate limits, the argon2 queue's shares), with the counts per
 * reason: a flood of refusals must not become a flood of log lines, and an
 * operator still sees that it happens and why. Nothing is logged while
 * nothing is refused.
 */
export interface RefusalLogOptions {
  intervalMs: number;
  /** Writes the line: counts per reason and the interval they were counted in. */
  write(fields: { refused: Record<string, number>; seconds: number }): void;
}

export class RefusalLog {
  readonly #options: RefusalLogOptions;
  #counts = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RefusalLogOptions) {
    this.#options = options;
  }

  /** Counts one refusal for `reason`; the line comes at the end of the interval this one opened. */
  count(reason: string): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + 1);
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), this.#options.intervalMs);
      this.#timer.unref();
    }
  }

  /** Writes what was counted so far, if anything (at the interval's end, and at shutdown). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#counts.size === 0) return;
    const refused = Object.fromEntries(this.#counts);
    this.#counts = new Map();
    this.#options.write({ refused, seconds: this.#options.intervalMs / 1000 });
  }
}
