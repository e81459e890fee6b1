// conv2d.wgsl — the two data movements of a Conv2D around gemm.wgsl's
// products, as nn.Conv2D (im2col + GEMM):
//
//   forward   col = im2col(x),   y = act(col·K + b)       (gemm NN, epilogue 1)
//   backward  dK = colᵀ·dz,  dcol = dz·Kᵀ                 (gemm TN, NT)
//             dx = col2im(dcol)
//
//   im2col  col[(e,oy,ox), (u,v,c)] = x[e, oy·SH+u−PT, ox·SW+v−PL, c],
//           0 where the window hangs over the image
//   col2im  dx[e,iy,ix,c] = Σ over the windows (oy, ox) that cover (iy, ix),
//           in output order (as kernels.Col2Im adds them), of
//           dcol[(e,oy,ox), (iy−oy·SH+PT, ix−ox·SW+PL, c)]
//
// Images are H·W rows of C channels with row stride ldx (a multiple of 4);
// col has a row of KH·KW·C values per output position, stride ldk. The
// padding columns of both are written as 0. A fixed number of workgroups
// strides over the values, so any size fits the dispatch limits.

struct Params {
  n: u32, H: u32, W: u32, C: u32,
  KH: u32, KW: u32, SH: u32, SW: u32,
  PT: u32, PL: u32, OH: u32, OW: u32,
  ldx: u32, ldk: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;             // x, or dcol
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;     // col, or dx

@compute @workgroup_size(64)
fn im2col(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.n * p.OH * p.OW * p.ldk;
  let width = p.KH * p.KW * p.C;
  for (var i = id.x; i < count; i += groups.x * 64u) {
    let k = i % p.ldk;
    let r = i / p.ldk;
    var v = 0.0;
    if (k < width) {
      let c = k % p.C;
      let kx = (k / p.C) % p.KW;
      let ky = k / (p.C * p.KW);
      let ox = r % p.OW;
      let oy = (r / p.OW) % p.OH;
      let e = r / (p.OW * p.OH);
      let iy = i32(oy * p.SH + ky) - i32(p.PT);
      let ix = i32(ox * p.SW + kx) - i32(p.PL);
      if (iy >= 0 && iy < i32(p.H) && ix >= 0 && ix < i32(p.W)) {
        v = X[((e * p.H + u32(iy)) * p.W + u32(ix)) * p.ldx + c];
      }
    }
    Out[i] = v;
  }
}

// covering is the range [lo, hi) of window positions along an axis of
// `size` outputs whose window (k wide, stride s, starting at o·s − pad)
// covers coordinate at.
fn covering(at: u32, pad: u32, k: u32, s: u32, size: u32) -> vec2<u32> {
  let t = at + pad;  // the coordinate in the padded image
  var lo = 0u;
  if (t + 1u > k) {
    lo = (t + 1u - k + s - 1u) / s;
  }
  let hi = min(t / s + 1u, size);
  return vec2<u32>(lo, max(lo, hi));
}

@compute @workgroup_size(64)
fn col2im(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.n * p.H * p.W * p.ldx;
  for (var i = id.x; i < count; i += groups.x * 64u) {
    let c = i % p.ldx;
    let pix = i / p.ldx;
    let ix = pix % p.W;
    let iy = (pix / p.W) % p.H;
    let e = pix / (p.W * p.H);
    var s = 0.0;
    if (c < p.C) {
      let ys = covering(iy, p.PT, p.KH, p.SH, p.OH);
      let xs = covering(ix, p.PL, p.KW, p.SW, p.OW);
      for (var oy = ys.x; oy < ys.y; oy++) {
        let ky = iy + p.PT - oy * p.SH;
        for (var ox = xs.x; ox < xs.y; ox++) {
          let kx = ix + p.PL - ox * p.SW;
          s += X[((e * p.OH + oy) * p.OW + ox) * p.ldk + (ky * p.KW + kx) * p.C + c];
        }
      }
    }
    Out[i] = s;
  }
}
