// Python exceptions as the renderer raises them, and the loop-control signals.

/** An exception as Python would raise it; `pyType` is the Python class name. */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
  }
}

export const typeError = (m: string): PyError => new PyError('TypeError', m);
export const valueError = (m: string): PyError => new PyError('ValueError', m);

/** {% break %} and {% continue %} unwind to their loop as these two values. */
class BreakSignal {}
class ContinueSignal {}
export const BREAK = new BreakSignal();
export const CONTINUE = new ContinueSignal();
