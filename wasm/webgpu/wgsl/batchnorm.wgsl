// batchnorm.wgsl — BatchNormalization over the channels (columns) of
// m = rows values each, as nn.BatchNormalization:
//
//   stats     (training) μ = Σx/m,  σ² = Σ(x − μ)²/m,  s = 1/√(σ² + ε);
//             moving_mean ← momentum·moving_mean + (1 − momentum)·μ,
//             moving_variance likewise with σ²
//   moving    (frozen: inference mode) μ = moving_mean,
//             s = 1/√(moving_variance + ε)
//   forward   x̂ = (x − μ)·s,  y = γ·x̂ + β
//   sums      dβ = Σ dy,  dγ = Σ dy·x̂
//   backward  dx = γ·s/m · (m·dy − Σ dy − x̂·Σ dy·x̂)   (batch statistics)
//             dx = γ·s·dy                               (moving statistics)
//
// The CPU sums in float64; here each channel's sums run in one workgroup,
// each thread a strided share with a compensated (Kahan) sum, then a tree,
// so they come close to float64's and are the same every run.
// Rows are stored with stride ld (a multiple of 4); padding columns are
// written as 0.

struct Params {
  rows: u32,
  C: u32,
  ld: u32,
  momentum: f32,
  oneMinusMomentum: f32,
  epsilon: f32,
  batchStats: u32,  // backward: 1 with the batch's statistics, 0 the moving ones
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;               // x
@group(0) @binding(2) var<storage, read_write> stats: array<vec2<f32>>; // per channel (μ, s)
@group(0) @binding(3) var<storage, read_write> movingMean: array<f32>;
@group(0) @binding(4) var<storage, read_write> movingVar: array<f32>;
@group(0) @binding(5) var<storage, read> gamma: array<f32>;
@group(0) @binding(6) var<storage, read> beta: array<f32>;
@group(0) @binding(7) var<storage, read_write> Out: array<f32>;       // y, or dx
@group(0) @binding(8) var<storage, read> dY: array<f32>;
@group(0) @binding(9) var<storage, read_write> sums: array<vec2<f32>>;  // per channel (Σ dy, Σ dy·x̂)
@group(0) @binding(10) var<storage, read_write> dGamma: array<f32>;
@group(0) @binding(11) var<storage, read_write> dBeta: array<f32>;

var<workgroup> part: array<vec2<f32>, 256>;

// reduce adds the workgroup's 256 values up in a fixed tree; every
// thread gets the total.
fn reduce(t: u32, v: vec2<f32>) -> vec2<f32> {
  part[t] = v;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w /= 2u) {
    if (t < w) {
      part[t] += part[t + w];
    }
    workgroupBarrier();
  }
  let total = part[0];
  workgroupBarrier();
  return total;
}

// One workgroup per channel.
@compute @workgroup_size(256)
fn stats_batch(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let c = wg.x;
  var s = 0.0;
  var comp = 0.0;
  for (var r = t; r < p.rows; r += 256u) {
    let y = X[r * p.ld + c] - comp;
    let u = s + y;
    comp = (u - s) - y;
    s = u;
  }
  let mean = reduce(t, vec2<f32>(s, 0.0)).x / f32(p.rows);
  s = 0.0;
  comp = 0.0;
  for (var r = t; r < p.rows; r += 256u) {
    let d = X[r * p.ld + c] - mean;
    let y = d * d - comp;
    let u = s + y;
    comp = (u - s) - y;
    s = u;
  }
  let variance = reduce(t, vec2<f32>(s, 0.0)).x / f32(p.rows);
  if (t == 0u) {
    stats[c] = vec2<f32>(mean, 1.0 / sqrt(variance + p.epsilon));
    movingMean[c] = p.momentum * movingMean[c] + p.oneMinusMomentum * mean;
    movingVar[c] = p.momentum * movingVar[c] + p.oneMinusMomentum * variance;
  }
}

@compute @workgroup_size(64)
fn stats_moving(@builtin(global_invocation_id) id: vec3<u32>) {
  let c = id.x;
  if (c < p.C) {
    stats[c] = vec2<f32>(movingMean[c], 1.0 / sqrt(movingVar[c] + p.epsilon));
  }
}

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.rows * p.ld;
  for (var i = id.x; i < count; i += groups.x * 64u) {
    let c = i % p.ld;
    var v = 0.0;
    if (c < p.C) {
      let st = stats[c];
      v = gamma[c] * ((X[i] - st.x) * st.y) + beta[c];
    }
    Out[i] = v;
  }
}

// One workgroup per channel.
@compute @workgroup_size(256)
fn grad_sums(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let c = wg.x;
  let st = stats[c];
  var s = vec2<f32>(0.0);
  var comp = vec2<f32>(0.0);
  for (var r = t; r < p.rows; r += 256u) {
    let g = dY[r * p.ld + c];
    let xh = (X[r * p.ld + c] - st.x) * st.y;
    let y = vec2<f32>(g, g * xh) - comp;
    let u = s + y;
    comp = (u - s) - y;
    s = u;
  }
  let total = reduce(t, s);
  if (t == 0u) {
    sums[c] = total;
    dBeta[c] = total.x;
    dGamma[c] = total.y;
  }
}

@compute @workgroup_size(64)
fn backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.rows * p.ld;
  let m = f32(p.rows);
  for (var i = id.x; i < count; i += groups.x * 64u) {
    let c = i % p.ld;
    var v = 0.0;
    if (c < p.C) {
      let st = stats[c];
      let scale = gamma[c] * st.y;
      if (p.batchStats == 1u) {
        let xh = (X[i] - st.x) * st.y;
        let sm = sums[c];
        v = scale / m * (m * dY[i] - sm.x - xh * sm.y);
      } else {
        v = scale * dY[i];
      }
    }
    Out[i] = v;
  }
}
