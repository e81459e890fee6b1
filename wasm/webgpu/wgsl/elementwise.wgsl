// elementwise.wgsl — a standalone activation layer (ReLU, LeakyReLU,
// Sigmoid, Tanh), activation gradients and dropout's mask, over `rows` rows of `width` values stored with
// stride ld (a multiple of 4). Padding columns are written as 0. (act.wgsl
// comes first: activate, activateGrad, lanes.)
//
//   forward:      Out = act(X)
//   grad:         Out = X ⊙ act'(Y)     X = dL/dy, Y = the activation's output
//   grad_inplace: Out = Out ⊙ act'(Y)   (a Dense layer's dL/dy into dL/dz)
//   mul:          Out = X ⊙ Y           (dropout: Y is the mask, 0 or
//                                        1/(1−rate); forward x, backward dL/dy)
//
// A fixed number of workgroups strides over the data, so any size fits the
// dispatch limits.

struct Params {
  rows: u32,
  width: u32,
  ld: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> Y: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> Out: array<vec4<f32>>;

// column is the first column of vec4 number e.
fn column(e: u32) -> u32 {
  return (e % (p.ld / 4u)) * 4u;
}

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.rows * (p.ld / 4u);
  for (var e = id.x; e < count; e += groups.x * 64u) {
    Out[e] = select(vec4<f32>(0.0), activate(X[e]), lanes(column(e), p.width));
  }
}

@compute @workgroup_size(64)
fn grad(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.rows * (p.ld / 4u);
  for (var e = id.x; e < count; e += groups.x * 64u) {
    Out[e] = select(vec4<f32>(0.0), X[e] * activateGrad(Y[e]), lanes(column(e), p.width));
  }
}

@compute @workgroup_size(64)
fn grad_inplace(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.rows * (p.ld / 4u);
  for (var e = id.x; e < count; e += groups.x * 64u) {
    Out[e] = select(vec4<f32>(0.0), Out[e] * activateGrad(Y[e]), lanes(column(e), p.width));
  }
}

@compute @workgroup_size(64)
fn mul(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.rows * (p.ld / 4u);
  for (var e = id.x; e < count; e += groups.x * 64u) {
    Out[e] = select(vec4<f32>(0.0), X[e] * Y[e], lanes(column(e), p.width));
  }
}
