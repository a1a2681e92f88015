/**
 * At most `n` async jobs at a time. Integration tests run independent waits side by side with it
 * (drills, CPython runs): the machine has two cores, so more than two at once only queue for CPU.
 */
export function slots(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    while (active >= n) await new Promise<void>((free) => waiting.push(free));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
