// Errors a user can act on: one line saying what is wrong, one saying what to do.
export class ReplayError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
