// act.wgsl — the activations and their gradients, shared by gemm.wgsl
// (fused into its epilogue) and elementwise.wgsl. The Go side puts this
// file in front of those when it compiles them.
//
// Gradients are written in terms of the activation's OUTPUT y, which is
// what the forward pass keeps:
//
//   relu     y = max(x, 0)         dy/dx = 1 if y > 0 else 0  (y > 0 ⇔ x > 0)
//   leaky    y = x if x > 0        dy/dx = 1 if y > 0 else α  (0 < α < 1, so
//              else α·x                                        y > 0 ⇔ x > 0)
//   sigmoid  y = 1 / (1 + e^−x)    dy/dx = y·(1 − y)
//   tanh     y = tanh(x)           dy/dx = 1 − y²

// ACT picks the activation: 0 linear, 1 relu, 2 sigmoid, 3 tanh, 4 leaky
// relu with slope ALPHA (the CPU layer's alpha, as a float32).
override ACT: u32 = 0u;
override ALPHA: f32 = 0.0;

fn activate(x: vec4<f32>) -> vec4<f32> {
  switch ACT {
    case 1u: {
      return max(x, vec4<f32>(0.0));
    }
    case 2u: {
      // e^−|x| never overflows: 1/(1+e) for x ≥ 0, e/(1+e) for x < 0.
      let e = exp(-abs(x));
      let r = 1.0 / (1.0 + e);
      return select(e * r, r, x >= vec4<f32>(0.0));
    }
    case 3u: {
      // tanh(±15) is ±1 in float32; clamping keeps implementations that
      // build tanh from exp(2x) away from overflow.
      return tanh(clamp(x, vec4<f32>(-15.0), vec4<f32>(15.0)));
    }
    case 4u: {
      return select(x * ALPHA, x, x > vec4<f32>(0.0));
    }
    default: {
      return x;
    }
  }
}

// activateGrad is dy/dx given the activation's output y.
fn activateGrad(y: vec4<f32>) -> vec4<f32> {
  switch ACT {
    case 1u: {
      return select(vec4<f32>(0.0), vec4<f32>(1.0), y > vec4<f32>(0.0));
    }
    case 2u: {
      return y * (1.0 - y);
    }
    case 3u: {
      return 1.0 - y * y;
    }
    case 4u: {
      return select(vec4<f32>(ALPHA), vec4<f32>(1.0), y > vec4<f32>(0.0));
    }
    default: {
      return vec4<f32>(1.0);
    }
  }
}

// lanes says which of the four columns col, col+1, col+2, col+3 are
// inside a row of `cols` values (the rest are padding).
fn lanes(col: u32, cols: u32) -> vec4<bool> {
  return vec4<u32>(col, col + 1u, col + 2u, col + 3u) < vec4<u32>(cols);
}
