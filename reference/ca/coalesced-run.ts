/**
 * Rebuilding published revocation data (CRLs, pre-produced OCSP responses) is expensive, and many
 * callers ask for it at once after a status change. Callers during a run share it; a change made
 * during a run may have been missed by it, so one more run follows, shared by everyone who asked
 * meanwhile.
 */
export function coalescedRun(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let followUp: Promise<void> | undefined;
  const start = (): Promise<void> => {
    if (running === undefined) {
      running = run().finally(() => {
        running = undefined;
      });
      return running;
    }
    followUp ??= running
      .catch(() => undefined)
      .then(() => {
        followUp = undefined;
        return start();
      });
    return followUp;
  };
  return start;
}
