/**
 * The fuzzing rules shared by every target in this folder: for each generated input the parser must return a
 * valid result (the target's own check) or throw a plain `Error` whose message names the input (its file or
 * source name) — never a TypeError/RangeError from inside, a non-Error, or take longer than 2 s.
 *
 * A target module exports `name`, `property(fc)` (a fast-check property whose predicate calls `judge`), and is run
 * by `node tools/fuzz/<target>.mjs [--runs N] [--seed S]`, by `npm run fuzz` (every target, 10⁵ inputs each) and,
 * with a few hundred inputs, by the packages' tests.
 */
import fc from 'fast-check';

/** Longest time one input may take. */
export const TIME_LIMIT_MS = 2000;

/** Allowed error classes: plain errors and the packages' own named subclasses (e.g. DatasetError). */
const ALLOWED = new Set(['Error', 'DatasetError']);

/**
 * Runs `parse()` once and judges the outcome: returns true when allowed, throws (failing the property) otherwise.
 * `valid(result)` returns an empty string for a valid result, else why it is wrong; `names` is a substring the
 * error message must contain (the input's name), or a function of the message that says whether it names the problem.
 */
export async function judge(parse, { valid, names }) {
  const t0 = performance.now();
  let result, error, threw = false;
  try {
    result = await parse();
  } catch (e) {
    threw = true;
    error = e;
  }
  const ms = performance.now() - t0;
  if (ms > TIME_LIMIT_MS) throw new Error(`disallowed: took ${ms.toFixed(0)} ms`);
  if (threw) {
    if (!(error instanceof Error)) throw new Error(`disallowed: threw a non-Error ${String(error)}`);
    if (!ALLOWED.has(error.constructor.name)) throw new Error(`disallowed: ${error.constructor.name}: ${error.message}\n${error.stack}`);
    const named = typeof names === 'function' ? names(error.message) : !names || error.message.includes(names);
    if (!named) throw new Error(`disallowed: the message does not name the input${typeof names === 'string' ? ` (${names})` : ''}: ${error.message}`);
    return true;
  }
  const why = valid(result);
  if (why) throw new Error(`disallowed: a wrong result: ${why}`);
  return true;
}

/** Checks `target` for `runs` inputs; returns `{ runs, failures, counterexample }` and never throws on a failure. */
export async function runTarget(target, { runs = 100_000, seed = 42 } = {}) {
  const t0 = performance.now();
  const out = await fc.check(target.property(fc), { numRuns: runs, seed, endOnFailure: true });
  return { name: target.name, runs: out.numRuns, failures: out.failed ? 1 : 0, seconds: (performance.now() - t0) / 1000,
    ...(out.failed ? { counterexample: out.counterexample, error: String(out.errorInstance ?? out.error) } : {}) };
}

/** The command line of a target file: `--runs N --seed S`; prints `name: N inputs, K disallowed outcomes`. */
export async function main(target, argv = process.argv.slice(2)) {
  const arg = (flag, dflt) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const r = await runTarget(target, { runs: arg('--runs', 100_000), seed: arg('--seed', 42) });
  console.log(`${r.name}: ${r.runs} inputs, ${r.failures} disallowed outcomes (${r.seconds.toFixed(1)} s)`);
  if (r.failures) {
    console.log(`counterexample: ${JSON.stringify(r.counterexample)?.slice(0, 2000)}\n${r.error}`);
    process.exitCode = 1;
  }
  return r;
}

/** True when this module is the script node was started with. */
export function isMain(url) {
  return process.argv[1] && new URL(url).pathname === (process.argv[1].startsWith('/') ? process.argv[1] : new URL(process.argv[1], `file://${process.cwd()}/`).pathname);
}
