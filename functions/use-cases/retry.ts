/**
 * The pause before a use case tries its household write again after another change of the same household came first:
 * grows with each attempt and is jittered, so writers that met each other do not meet again.
 */
export function pauseBeforeRetry(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, attempt * (20 + Math.random() * 40)));
}
