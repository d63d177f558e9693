/**
 * `@pixpnet/models/testing`: helpers for tests and fixture generators, not for models — the deterministic hash
 * weights and inputs that the parity fixtures are made with (the same formula on the PyTorch side).
 */
export { hash32, uniform, hashInput, hashStateDict, samplePositions } from './fixture_hash.js';
