/** Logs a recurring failure at most once per interval, with how many were suppressed in between. */
import type { Clock } from './clock.ts';

/** Returns a function that forwards to `log` at most once per `intervalMs`. */
export function createThrottledLog(
  intervalMs: number,
  clock: Clock,
  log: (message: string, suppressed: number) => void,
): (message: string) => void {
  let lastMs = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (message) => {
    const now = clock.now();
    if (now - lastMs < intervalMs) {
      suppressed++;
      return;
    }
    log(message, suppressed);
    lastMs = now;
    suppressed = 0;
  };
}
