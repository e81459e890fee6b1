// optimizer.wgsl — one optimizer step on one param (weights W, gradient
// G), in the engine's exact formulas (engine/kernels.Adam, RMSProp,
// Adagrad, nn.SGD). With L2 weight decay λ (0 for biases) and the global
// clipping factor κ (clip.wgsl; 1 without clipping), g = κ·G + λ·W:
//
//   adam:  m ← m + (1−β1)·(g − m)
//          v ← v + (1−β2)·(g² − v)
//          W ← W − α·m / (√v + ε)      α = η·√(1−β2^t)/(1−β1^t), from hyper
//   sgd:   W ← W − η·g                  (no momentum)
//          v ← μ·v − η·g;  W ← W + v    (momentum μ; M holds v)
//          W ← W + μ·v − η·g            (Nesterov)
//   rmsprop: a ← ρ·a + (1−ρ)·g²;  W ← W − η·g / √(a + ε)     (M holds a)
//   adagrad: s ← s + g²;          W ← W − η·g / √(s + ε)     (M holds s)
//
// The step's α (adam) or η (the others) is hyper[index]: the Go side writes
// every param's value once per batch; κ is kappa[0]. A fixed number of
// workgroups strides over the values.

struct Params {
  count: u32,  // vec4s in the param
  index: u32,  // this param's slot in hyper
  c1: f32,     // 1 − β1 (adam); ρ (rmsprop)
  c2: f32,     // 1 − β2 (adam); 1 − ρ (rmsprop)
  eps: f32,
  lambda: f32,
  momentum: f32,
  nesterov: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> hyper: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> W: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> M: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> V: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> kappa: array<f32>;

// clip is the global clipping factor κ, which clip.wgsl's scale pass
// leaves in kappa (1, written once, without clipping).
fn clip() -> f32 {
  return kappa[0];
}

@compute @workgroup_size(64)
fn adam(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let alpha = hyper[p.index];
  for (var e = id.x; e < p.count; e += groups.x * 64u) {
    let w = W[e];
    let g = G[e] * clip() + p.lambda * w;
    let m = M[e] + p.c1 * (g - M[e]);
    let v = V[e] + p.c2 * (g * g - V[e]);
    M[e] = m;
    V[e] = v;
    W[e] = w - (alpha * m) / (sqrt(v) + p.eps);
  }
}

@compute @workgroup_size(64)
fn sgd(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let lr = hyper[p.index];
  for (var e = id.x; e < p.count; e += groups.x * 64u) {
    let w = W[e];
    let g = G[e] * clip() + p.lambda * w;
    if (p.momentum == 0.0) {
      W[e] = w - lr * g;
    } else {
      let v = p.momentum * M[e] - lr * g;
      M[e] = v;
      if (p.nesterov != 0u) {
        W[e] = w + (p.momentum * v - lr * g);
      } else {
        W[e] = w + v;
      }
    }
  }
}

@compute @workgroup_size(64)
fn rmsprop(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let lr = hyper[p.index];
  for (var e = id.x; e < p.count; e += groups.x * 64u) {
    let w = W[e];
    let g = G[e] * clip() + p.lambda * w;
    let a = p.c1 * M[e] + p.c2 * (g * g);
    M[e] = a;
    W[e] = w - (lr * g) / sqrt(a + p.eps);
  }
}

@compute @workgroup_size(64)
fn adagrad(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let lr = hyper[p.index];
  for (var e = id.x; e < p.count; e += groups.x * 64u) {
    let w = W[e];
    let g = G[e] * clip() + p.lambda * w;
    let s = M[e] + g * g;
    M[e] = s;
    W[e] = w - (lr * g) / sqrt(s + p.eps);
  }
}
