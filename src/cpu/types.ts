// The array type every CPU op reads and writes. Float32Array matches the GPU;
// Float64Array lets finite-difference checks run at tight tolerances. Ops do
// their arithmetic in JS numbers (f64) either way.
export type FloatArray = Float32Array | Float64Array;
