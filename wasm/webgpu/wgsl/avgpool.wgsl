// avgpool.wgsl — AveragePooling2D, as nn.AveragePooling2D (kernels.AvgPool
// and AvgPoolGrad), and GlobalAveragePooling2D, which is the same with one
// window over the whole image:
//
//   forward   y[e,oy,ox,c]  = (Σ over the window at (oy, ox) less the
//                             padding, row-major from 0, of x[e,·,·,c])·(1/count)
//   backward  dx[e,iy,ix,c] = Σ over the windows that cover (iy, ix), in
//                             output order, of dy[window]·(1/count(window))
//
// count is the number of image values the window covers (padding does not
// dilute the edges), 1/count a float32. Images are rows of C channels with
// stride ld (a multiple of 4): H·W rows of x, OH·OW of y. The padding
// columns are written as 0.

struct Params {
  n: u32, H: u32, W: u32, C: u32,
  KH: u32, KW: u32, SH: u32, SW: u32,
  PT: u32, PL: u32, OH: u32, OW: u32,
  ld: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;          // x, or dy
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;  // y, or dx

// window is the image rows [y0, y1) and columns [x0, x1) of the window at (oy, ox).
fn window(oy: u32, ox: u32) -> vec4<u32> {
  let top = i32(oy * p.SH) - i32(p.PT);
  let left = i32(ox * p.SW) - i32(p.PL);
  return vec4<u32>(u32(max(top, 0)), u32(min(top + i32(p.KH), i32(p.H))),
                   u32(max(left, 0)), u32(min(left + i32(p.KW), i32(p.W))));
}

fn inverseCount(w: vec4<u32>) -> f32 {
  return 1.0 / f32((w.y - w.x) * (w.w - w.z));
}

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.n * p.OH * p.OW * p.ld;
  for (var i = id.x; i < count; i += groups.x * 64u) {
    let c = i % p.ld;
    let r = i / p.ld;
    if (c >= p.C) {
      Out[i] = 0.0;
      continue;
    }
    let ox = r % p.OW;
    let oy = (r / p.OW) % p.OH;
    let e = r / (p.OW * p.OH);
    let w = window(oy, ox);
    let base = e * p.H * p.W;
    var s = 0.0;
    for (var iy = w.x; iy < w.y; iy++) {
      for (var ix = w.z; ix < w.w; ix++) {
        s += X[(base + iy * p.W + ix) * p.ld + c];
      }
    }
    Out[i] = s * inverseCount(w);
  }
}

fn covering(at: u32, pad: u32, k: u32, s: u32, size: u32) -> vec2<u32> {
  let t = at + pad;
  var lo = 0u;
  if (t + 1u > k) {
    lo = (t + 1u - k + s - 1u) / s;
  }
  let hi = min(t / s + 1u, size);
  return vec2<u32>(lo, max(lo, hi));
}

@compute @workgroup_size(64)
fn backward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.n * p.H * p.W * p.ld;
  for (var i = id.x; i < count; i += groups.x * 64u) {
    let c = i % p.ld;
    let pix = i / p.ld;
    let ix = pix % p.W;
    let iy = (pix / p.W) % p.H;
    let e = pix / (p.W * p.H);
    var s = 0.0;
    if (c < p.C) {
      let ys = covering(iy, p.PT, p.KH, p.SH, p.OH);
      let xs = covering(ix, p.PL, p.KW, p.SW, p.OW);
      for (var oy = ys.x; oy < ys.y; oy++) {
        for (var ox = xs.x; ox < xs.y; ox++) {
          s += X[((e * p.OH + oy) * p.OW + ox) * p.ld + c] * inverseCount(window(oy, ox));
        }
      }
    }
    Out[i] = s;
  }
}
