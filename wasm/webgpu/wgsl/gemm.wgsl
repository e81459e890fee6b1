// gemm.wgsl — C = op(A)·op(B), with an optional epilogue, for the three
// products of a Dense layer (x: N×in, W: in×units):
//
//   forward      Z  = x·W       (NN), epilogue 1: y = act(Z + b)
//   kernel grad  dW = xᵀ·dZ     (TN)
//   input grad   dx = dZ·Wᵀ     (NT), epilogue 2: dx ⊙ act'(y_prev), the
//                               previous layer's activation gradient
//
// Matrices are row-major with row strides (lda, ldb, ldc) that are
// multiples of 4, so a row reads as vec4<f32>s. op(A) is M×K, op(B) is
// K×N and C is M×N.
//
// Tiling: a workgroup computes a 64×64 tile of C; each of its 16×16
// threads owns a 4×4 block, held in four vec4 accumulators (one per row).
// K is walked 16 at a time: the workgroup copies a 64×16 slice of op(A)
// and a 16×64 slice of op(B) into workgroup memory (one vec4 load from
// storage per thread and slice), then each thread does 16 steps of four
// vec4 multiply-adds out of workgroup memory.
//
// Anything outside the matrices (the edges of M, N and K) reads as 0, and
// C's columns from N to its stride are written as 0: padding stays 0.
//
// narrow, for products whose C is at most 16 columns wide (a Conv2D with
// few filters), where most of main's 64×64 tile would be padding: each
// thread computes four columns of one row of C, walking K in order as
// main's threads do, so both add the same products in the same order.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  lda: u32,  // row strides, in floats
  ldb: u32,
  ldc: u32,
}

override TRANS_A: bool = false;  // A is stored K×M (op(A) = Aᵀ)
override TRANS_B: bool = false;  // B is stored N×K (op(B) = Bᵀ)
// EPILOGUE 0: C = acc.  1: C = act(acc), acc starting at E[col], E the bias.
// 2: C = acc · act'(E[row, col]), E the previous layer's output y, shaped as C.
// 3: C = act(acc), acc starting at 0 (a layer without a bias; E unread).
override EPILOGUE: u32 = 0u;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> E: array<vec4<f32>>;

const TILE: u32 = 64u;  // C tile side
const TK: u32 = 16u;    // K per slice

// As[k*16 + i] holds op(A) rows m0+4i … m0+4i+3 at column k0+k: a thread's
// four rows in one vec4. Bs[k*16 + j] holds op(B) row k0+k, columns
// n0+4j … n0+4j+3.
var<workgroup> As: array<vec4<f32>, 256>;
var<workgroup> Bs: array<vec4<f32>, 256>;

// load reads the vec4 at (row, col) of a matrix stored rows×cols with
// stride ld, as 0 outside it. col is a multiple of 4.
fn loadA(row: u32, col: u32, rows: u32, cols: u32) -> vec4<f32> {
  if (row >= rows || col >= cols) {
    return vec4<f32>(0.0);
  }
  return select(vec4<f32>(0.0), A[row * (p.lda / 4u) + col / 4u], lanes(col, cols));
}

fn loadB(row: u32, col: u32, rows: u32, cols: u32) -> vec4<f32> {
  if (row >= rows || col >= cols) {
    return vec4<f32>(0.0);
  }
  return select(vec4<f32>(0.0), B[row * (p.ldb / 4u) + col / 4u], lanes(col, cols));
}

// initial is where a sum for columns col … col+3 starts: the bias with
// EPILOGUE 1, else 0.
fn initial(col: u32) -> vec4<f32> {
  if (EPILOGUE == 1u && col < p.N) {
    return E[col / 4u];
  }
  return vec4<f32>(0.0);
}

// store writes one row of a thread's block, through the epilogue.
fn store(row: u32, col: u32, acc: vec4<f32>) {
  if (row >= p.M || col >= p.N) {
    return;
  }
  let at = row * (p.ldc / 4u) + col / 4u;
  var v = acc;
  if (EPILOGUE == 1u || EPILOGUE == 3u) {
    v = activate(v);
  } else if (EPILOGUE == 2u) {
    v = v * activateGrad(E[at]);
  }
  C[at] = select(vec4<f32>(0.0), v, lanes(col, p.N));
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) tid: u32) {
  let m0 = wg.y * TILE;
  let n0 = wg.x * TILE;
  // The sums start at the bias, as the CPU's (it adds the products onto z = b).
  let start = initial(n0 + 4u * lid.x);
  var acc0 = start;
  var acc1 = start;
  var acc2 = start;
  var acc3 = start;
  for (var k0 = 0u; k0 < p.K; k0 += TK) {
    // The 64×16 slice of op(A).
    if (TRANS_A) {
      // Stored K×M: a vec4 along m is already an As entry.
      let k = tid / 16u;
      let i = tid % 16u;
      As[k * 16u + i] = loadA(k0 + k, m0 + 4u * i, p.K, p.M);
    } else {
      // Stored M×K: a vec4 along k is one row's value at 4 columns.
      let r = tid / 4u;
      let kq = (tid % 4u) * 4u;
      let v = loadA(m0 + r, k0 + kq, p.M, p.K);
      As[(kq + 0u) * 16u + r / 4u][r % 4u] = v.x;
      As[(kq + 1u) * 16u + r / 4u][r % 4u] = v.y;
      As[(kq + 2u) * 16u + r / 4u][r % 4u] = v.z;
      As[(kq + 3u) * 16u + r / 4u][r % 4u] = v.w;
    }
    // The 16×64 slice of op(B).
    if (TRANS_B) {
      // Stored N×K: a vec4 along k is one column's value at 4 rows.
      let r = tid / 4u;
      let kq = (tid % 4u) * 4u;
      let v = loadB(n0 + r, k0 + kq, p.N, p.K);
      Bs[(kq + 0u) * 16u + r / 4u][r % 4u] = v.x;
      Bs[(kq + 1u) * 16u + r / 4u][r % 4u] = v.y;
      Bs[(kq + 2u) * 16u + r / 4u][r % 4u] = v.z;
      Bs[(kq + 3u) * 16u + r / 4u][r % 4u] = v.w;
    } else {
      let k = tid / 16u;
      let j = tid % 16u;
      Bs[k * 16u + j] = loadB(k0 + k, n0 + 4u * j, p.K, p.N);
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let a = As[k * 16u + lid.y];  // rows 4·lid.y … +3 of op(A), column k
      let b = Bs[k * 16u + lid.x];  // row k of op(B), columns 4·lid.x … +3
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }
  let row = m0 + 4u * lid.y;
  let col = n0 + 4u * lid.x;
  store(row, col, acc0);
  store(row + 1u, col, acc1);
  store(row + 2u, col, acc2);
  store(row + 3u, col, acc3);
}

// a is op(A) at (row, k), for narrow.
fn aAt(row: u32, k: u32) -> f32 {
  if (TRANS_A) {
    let at = k * p.lda + row;
    return A[at / 4u][at % 4u];
  }
  let at = row * p.lda + k;
  return A[at / 4u][at % 4u];
}

// b is op(B)'s row k at columns col … col+3, for narrow.
fn bAt(k: u32, col: u32) -> vec4<f32> {
  if (TRANS_B) {
    var v = vec4<f32>(0.0);
    for (var j = 0u; j < 4u; j++) {
      if (col + j < p.N) {
        let at = (col + j) * p.ldb + k;
        v[j] = B[at / 4u][at % 4u];
      }
    }
    return v;
  }
  return select(vec4<f32>(0.0), B[k * (p.ldb / 4u) + col / 4u], lanes(col, p.N));
}

@compute @workgroup_size(64)
fn narrow(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let quads = (p.N + 3u) / 4u;
  for (var t = id.x; t < p.M * quads; t += groups.x * 64u) {
    let row = t / quads;
    let col = (t % quads) * 4u;
    var acc = initial(col);
    for (var k = 0u; k < p.K; k++) {
      acc += aAt(row, k) * bAt(k, col);
    }
    store(row, col, acc);
  }
}
