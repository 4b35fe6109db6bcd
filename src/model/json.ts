// JSON values as replay holds them. Two number conventions, because two
// Python programs are mirrored:
// - Json: a value decoded from the log. Python keeps 1.0 a float where
//   JSON.parse makes it the integer 1, and chat templates print numbers back
//   ("1.0" and "1" tokenize differently), so integral floats stay PyFloat.
// - PyJson: a value of a summary we read or write. Integers are bigint (exact
//   beyond 2^53), floats are number.

/** A float whose value is integral (1.0, 2e5): printed the Python way, never as an int. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** JSON value as decoded from the log (objects keep their key order; integral floats stay PyFloat where kept). */
export type Json = null | boolean | number | PyFloat | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A summary value: bigint integers, number floats. */
export type PyJson = null | boolean | string | number | bigint | PyJson[] | { [key: string]: PyJson | undefined };
