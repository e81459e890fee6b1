// clip.wgsl — global gradient-norm clipping (Keras' global_clipnorm), as
// nn's clipGlobalNorm does it on the CPU: with the norm
//
//   n = √(Σ over every trained param of Σ g²)
//
// every gradient is scaled by c/n when n > c (a NaN norm scales nothing,
// leaving the NaN to the divergence check). Two passes after the backward
// pass: sum_squares, one workgroup per param, then scale, one thread,
// which writes the factor κ into kappa; the optimizer entries multiply
// each gradient by it (1 when clipping is off).

struct Params {
  count: u32,  // sum_squares: vec4s in the param; scale: params
  index: u32,  // sum_squares: the param's slot in parts
  c: f32,      // the clip norm
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> G: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> parts: array<f32>;
@group(0) @binding(3) var<storage, read_write> kappa: array<f32>;

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn sum_squares(@builtin(local_invocation_index) t: u32) {
  var s = 0.0;
  for (var e = t; e < p.count; e += 256u) {
    s += dot(G[e], G[e]);
  }
  part[t] = s;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w /= 2u) {
    if (t < w) {
      part[t] += part[t + w];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    parts[p.index] = part[0];
  }
}

@compute @workgroup_size(1)
fn scale() {
  var s = 0.0;
  for (var k = 0u; k < p.count; k++) {
    s += parts[k];
  }
  let norm = sqrt(s);
  kappa[0] = select(1.0, p.c / norm, norm > p.c);
}
