// reshape.wgsl — Flatten and Reshape: the same values of each example in
// another layout. An example is stored as rows of `cols` values with
// stride ld (a multiple of 4); in row-major order its values are the
// same in both layouts:
//
//   Out[e, f / C2, f % C2] = X[e, f / C1, f % C1]   for f < R1·C1 = R2·C2
//
// Backward is the same copy from the output's layout to the input's.
// The padding columns are written as 0.

struct Params {
  n: u32,
  rowsIn: u32, colsIn: u32, ldIn: u32,
  rowsOut: u32, colsOut: u32, ldOut: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.n * p.rowsOut * p.ldOut;
  for (var i = id.x; i < count; i += groups.x * 64u) {
    let c = i % p.ldOut;
    let r = (i / p.ldOut) % p.rowsOut;
    let e = i / (p.ldOut * p.rowsOut);
    var v = 0.0;
    if (c < p.colsOut) {
      let f = r * p.colsOut + c;
      v = X[(e * p.rowsIn + f / p.colsIn) * p.ldIn + f % p.colsIn];
    }
    Out[i] = v;
  }
}
