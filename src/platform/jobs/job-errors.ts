// How a use case running as a job tells the runner what to do with a failure.
/** Thrown by a handler for a failure that retrying cannot fix: the job goes dead now. */
export class PermanentJobError extends Error {}

/**
 * Thrown by a handler that cannot run yet for a reason outside the job (a paused
 * WhatsApp number, a rate limit): the job waits until `runAt` and the attempt is
 * not counted, so waiting never uses up its retries.
 */
export class DeferJob extends Error {
  constructor(
    readonly runAt: Date,
    reason: string,
  ) {
    super(reason);
  }
}
