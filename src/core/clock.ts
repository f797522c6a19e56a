/** Milliseconds since the epoch. Injected everywhere time matters so tests can freeze it. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** Whole seconds since the epoch, as JWT `iat`/`exp` and RFC 7662 use. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock() / 1000);
}
