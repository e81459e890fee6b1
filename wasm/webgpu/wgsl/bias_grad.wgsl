// bias_grad.wgsl — a Dense layer's bias gradient, db = Σ_rows dL/dz: one
// thread per four columns adds the rows in order, as the CPU does, so the
// result does not depend on scheduling.

struct Params {
  rows: u32,
  ld: u32,  // row stride of dL/dz, in floats (a multiple of 4)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> G: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> db: array<vec4<f32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let per = p.ld / 4u;
  let j = id.x;
  if (j >= per) {
    return;
  }
  var s = vec4<f32>(0.0);
  for (var i = 0u; i < p.rows; i++) {
    s += G[i * per + j];
  }
  db[j] = s;
}
