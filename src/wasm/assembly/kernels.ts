// AssemblyScript (not TypeScript: tsc skips this folder, `npm run build:wasm`
// compiles it to src/wasm/kernels.wasm.ts). The fast CPU engine's kernels:
// f32 with 128-bit SIMD (f32x4), on raw pointers into this module's memory,
// which the host (src/wasm/backend.ts) carves per call. Every kernel is the
// twin of a src/cpu/ reference op and is parity-tested against it
// (src/wasm/backend.test.ts); the references sum in f64 in a fixed order,
// these in f32 in blocks, so results agree to float rounding, not bits.
//
// Dimension letters as in src/cpu/: N rows, C channels, OC output channels,
// H expert hidden width, E routed experts, S shared, k top-k, T positions,
// NH heads, HS = C/NH head size. Pointers are byte addresses of f32 (or i32)
// arrays; every array is row-major.
//
// The entry file of the module: its exports are the module's, one file per
// concern. simd.ts holds the f32x4 helpers they share.

export { colSumAcc, fillRows, gemm, transpose } from './matmul';
export { attentionBackward, attentionDecode, attentionForward } from './attention';
export { moeBackward, moeForward } from './moe';
export { rmsnormForward, ropeBackward, ropeForward, ropeRows } from './rope';
