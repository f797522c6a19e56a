/**
 * Holds the OAuth endpoints' answers until the end of the current event-loop
 * turn (its `answer` phase, runtime/turn.ts), so that they are written
 * together: written one by one, every answer woke the load's other side
 * through the loopback and the kernel switched sides for each response;
 * written together, the other side reads a burst, answers with a burst, and
 * the next turn finds more requests waiting.
 *
 * Each request marks the turn as collecting when it arrives
 * ({@link EndOfTurn.requestArrived}). Once the turn's end has passed, answers
 * made later in the same check phase (opaque issuance right after the
 * commit) go out at once, until the next request arrives: holding them would
 * delay them a whole further turn. Nothing waits longer than one turn.
 */
import { eventLoopTurn, type Turn } from '../runtime/turn.ts';

const ALREADY = Promise.resolve();

export class EndOfTurn {
  readonly #turn: Turn;
  #pending: Promise<void> | undefined;
  #ended = false;
  readonly #schedule = (resolve: () => void): void => {
    this.#turn.atEnd('answer', () => {
      this.#ended = true;
      this.#pending = undefined;
      resolve();
    });
  };

  constructor(turn: Turn = eventLoopTurn) {
    this.#turn = turn;
  }

  /** Called as each request starts: the turn collects answers until its end. */
  requestArrived(): void {
    this.#ended = false;
    this.#pending ??= new Promise<void>(this.#schedule);
  }

  /** Settles at the end of the turn; at once when that end has already passed and no request arrived since. */
  answersDue(): Promise<void> {
    if (this.#ended) return ALREADY;
    return (this.#pending ??= new Promise<void>(this.#schedule));
  }
}
