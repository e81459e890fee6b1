// maxpool.wgsl — MaxPool2D, as nn.MaxPool2D (kernels.MaxPool and
// MaxPoolGrad):
//
//   forward   y[e,oy,ox,c]   = the max of x[e,·,·,c] over the window at
//                              (oy, ox) less the padding, scanned in
//                              row-major order, the first max kept
//             arg[e,oy,ox,c] = the image position iy·W + ix it came from
//   backward  dx[e,iy,ix,c]  = Σ over the windows that cover (iy, ix) and
//                              took their max there, in output order, of dy
//
// Images are rows of C channels with stride ld (a multiple of 4): H·W rows
// of x, OH·OW of y. The padding columns are written as 0.

struct Params {
  n: u32, H: u32, W: u32, C: u32,
  KH: u32, KW: u32, SH: u32, SW: u32,
  PT: u32, PL: u32, OH: u32, OW: u32,
  ld: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;          // x, or dy
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;  // y, or dx
@group(0) @binding(3) var<storage, read_write> Arg: array<u32>;  // shaped as y

@compute @workgroup_size(64)
fn forward(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let count = p.n * p.OH * p.OW * p.ld;
  for (var i = id.x; i < count; i += groups.x * 64u) {
    let c = i % p.ld;
    let r = i / p.ld;
    if (c >= p.C) {
      Out[i] = 0.0;
      Arg[i] = 0u;
      continue;
    }
    let ox = r % p.OW;
    let oy = (r / p.OW) % p.OH;
    let e = r / (p.OW * p.OH);
    let top = i32(oy * p.SH) - i32(p.PT);
    let left = i32(ox * p.SW) - i32(p.PL);
    let y0 = u32(max(top, 0));
    let y1 = u32(min(top + i32(p.KH), i32(p.H)));
    let x0 = u32(max(left, 0));
    let x1 = u32(min(left + i32(p.KW), i32(p.W)));
    let base = e * p.H * p.W;
    var argPos = y0 * p.W + x0;
    var best = X[(base + argPos) * p.ld + c];
    for (var iy = y0; iy < y1; iy++) {
      for (var ix = x0; ix < x1; ix++) {
        let v = X[(base + iy * p.W + ix) * p.ld + c];
        if (v > best) {
          best = v;
          argPos = iy * p.W + ix;
        }
      }
    }
    Out[i] = best;
    Arg[i] = argPos;
  }
}

// covering is the range [lo, hi) of window positions along an axis of
// `size` outputs whose window (k wide, stride s, starting at o·s − pad)
// covers coordinate at.
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
      let here = iy * p.W + ix;
      let ys = covering(iy, p.PT, p.KH, p.SH, p.OH);
      let xs = covering(ix, p.PL, p.KW, p.SW, p.OW);
      for (var oy = ys.x; oy < ys.y; oy++) {
        for (var ox = xs.x; ox < xs.y; ox++) {
          let at = ((e * p.OH + oy) * p.OW + ox) * p.ld + c;
          if (Arg[at] == here) {
            s += X[at];
          }
        }
      }
    }
    Out[i] = s;
  }
}
