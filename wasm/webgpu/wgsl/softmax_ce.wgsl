// softmax_ce.wgsl — softmax fused with the sparse categorical
// cross-entropy, on logits z (rows × classes, stride ld) and class
// indices. As nn.SoftmaxCrossEntropy, with m = max_k z_k:
//
//   lse   = m + log Σ_k e^(z_k − m)
//   loss  = lse − z_label                      (per row; the mean is taken below)
//   dL/dz = (softmax(z) − onehot(label)) / N   (N = rows)
//
// main: one thread per row writes dL/dz and (loss, right?) for the row;
// the argmax takes the first maximum, as the CPU's.
// loss_sum: one workgroup adds the rows up in a fixed order (each thread a
// strided share, then a tree), so the sum is the same every run, and
// writes (mean loss, examples right). It runs only on batches whose loss
// is read back.

struct Params {
  rows: u32,
  classes: u32,
  ld: u32,
  invN: f32,  // 1/rows
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> Z: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> dZ: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowLoss: array<vec2<f32>>;  // (loss, 1 if right)
@group(0) @binding(5) var<storage, read_write> total: array<f32>;          // (mean loss, right)

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= p.rows) {
    return;
  }
  let base = i * p.ld;
  var m = Z[base];
  var best = 0u;
  for (var k = 1u; k < p.classes; k++) {
    if (Z[base + k] > m) {
      m = Z[base + k];
      best = k;
    }
  }
  var sum = 0.0;
  for (var k = 0u; k < p.classes; k++) {
    sum += exp(Z[base + k] - m);
  }
  let label = min(labels[i], p.classes - 1u);
  rowLoss[i] = vec2<f32>(m + log(sum) - Z[base + label], select(0.0, 1.0, best == label));
  let inv = 1.0 / sum;
  for (var k = 0u; k < p.classes; k++) {
    dZ[base + k] = (exp(Z[base + k] - m) * inv - select(0.0, 1.0, k == label)) * p.invN;
  }
  for (var k = p.classes; k < p.ld; k++) {
    dZ[base + k] = 0.0;
  }
}

var<workgroup> part: array<vec2<f32>, 256>;

@compute @workgroup_size(256)
fn loss_sum(@builtin(local_invocation_index) t: u32) {
  var s = vec2<f32>(0.0);
  for (var i = t; i < p.rows; i += 256u) {
    s += rowLoss[i];
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
    total[0] = part[0].x * p.invN;
    total[1] = part[0].y;
  }
}
