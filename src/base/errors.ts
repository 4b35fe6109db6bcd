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

/** An error as it crosses to another thread (structured clone keeps neither a class nor `code`). */
export interface PostedError {
  message: string;
  replay: boolean;
  hint?: string;
  exitCode?: number;
  code?: string;
}

/** `err` as postable: a ReplayError's hint and exit code, a system error's code. */
export function postedError(err: unknown): PostedError {
  if (err instanceof ReplayError) return { message: err.message, replay: true, hint: err.hint, exitCode: err.exitCode };
  const e = err as NodeJS.ErrnoException;
  return { message: e?.message ?? String(err), replay: false, ...(typeof e?.code === 'string' ? { code: e.code } : {}) };
}

/** The error postedError described, as the receiving thread rethrows it. */
export function receivedError(e: PostedError): Error {
  if (e.replay) return new ReplayError(e.message, e.hint, e.exitCode);
  return Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code });
}
