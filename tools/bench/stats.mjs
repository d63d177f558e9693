// Shared by the benchmarks.

/** The middle value of the sorted times (the upper one of the two middles for an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
