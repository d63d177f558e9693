/**
 * `@pixpnet/data/testing`: helpers for tests, not for datasets — a MATLAB level-5 `.mat` writer that makes the
 * small annotation files the Stanford Cars and ImageNet readers are tested with.
 */
export { writeMat, matDouble, matChar, matCell, matStruct } from './datasets/mat_write.js';
export type { MatElement } from './datasets/mat_write.js';
