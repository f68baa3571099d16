/**
 * The first-fit-decreasing baseline for the allocator benchmarks. The implementation lives beside
 * the tests (test/unit/alloc/ffd.ts), which check the allocator against it too.
 */
export { firstFitDecreasing, firstFitFailover, type FfdResult } from '../../test/unit/alloc/ffd';
