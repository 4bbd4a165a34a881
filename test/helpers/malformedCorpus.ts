// Moved to src/load/malformedCorpus.ts (the load generator's malformed mix uses it too).
export * from '../../src/load/malformedCorpus.ts';
