// Seeds and sizes of the fuzz runs, shared by the tests and benchmarks/fuzz-report.ts so the
// reported numbers are exactly the tested runs'.
export const FUZZ_CONFIG = {
  articleSeed: 20261125,
  normalizeMutations: 1000,
  detectorMutations: 400,
  lexicalMutations: 60,
  fileSeed: 20261126,
  fileMutations: 300,
} as const;
