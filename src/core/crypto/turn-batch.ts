/**
 * Starts asynchronous jobs together at the end of the event-loop turn,
 * instead of one by one as requests reach them.
 *
 * Why: WebCrypto (which jose signs with) runs each signature on libuv's
 * thread pool. Handed over one at a time while the poll phase works through
 * the turn's requests, every job wakes a sleeping pool thread: a futex wake
 * and a context switch on both sides, for each token. Handed over together,
 * the woken threads take job after job. On a 2-vCPU VM this took ES256
 * issuance from 7,400 to 8,400 req/s and its CPU per token from 175 to
 * 146 µs (docs/benchmarks.md). A job waits until the end of the current
 * turn (its check phase), or of the next one when it is handed over during
 * a check phase; its request would spend that time waiting for other work
 * of the turn anyway.
 */
export class TurnBatch {
  #queued: (() => void)[] = [];
  readonly #startAll = () => {
    const queued = this.#queued;
    this.#queued = [];
    for (const start of queued) start();
  };

  /** Runs `job` at the end of this turn, with the turn's other jobs; settles as `job` does. */
  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        try {
          job().then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      };
      if (this.#queued.push(start) === 1) setImmediate(this.#startAll);
    });
  }
}
