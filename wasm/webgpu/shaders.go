//go:build js && wasm

package webgpu

import _ "embed"

// The WGSL kernels, in wgsl/ beside this file. act.wgsl (activations,
// their gradients, column masks) is put in front of the kernels that use
// it: see source.
var (
	//go:embed wgsl/act.wgsl
	actWGSL string
	//go:embed wgsl/gemm.wgsl
	gemmWGSL string
	//go:embed wgsl/elementwise.wgsl
	elementwiseWGSL string
	//go:embed wgsl/softmax_ce.wgsl
	softmaxCEWGSL string
	//go:embed wgsl/bias_grad.wgsl
	biasGradWGSL string
	//go:embed wgsl/optimizer.wgsl
	optimizerWGSL string
	//go:embed wgsl/clip.wgsl
	clipWGSL string
	//go:embed wgsl/conv2d.wgsl
	conv2DWGSL string
	//go:embed wgsl/maxpool.wgsl
	maxPoolWGSL string
	//go:embed wgsl/avgpool.wgsl
	avgPoolWGSL string
	//go:embed wgsl/batchnorm.wgsl
	batchNormWGSL string
	//go:embed wgsl/reshape.wgsl
	reshapeWGSL string
)

// Shader names, for pipelines.
const (
	shaderGemm        = "gemm"
	shaderElementwise = "elementwise"
	shaderSoftmaxCE   = "softmax_ce"
	shaderBiasGrad    = "bias_grad"
	shaderOptimizer   = "optimizer"
	shaderClip        = "clip"
	shaderConv2D      = "conv2d"
	shaderMaxPool     = "maxpool"
	shaderAvgPool     = "avgpool"
	shaderBatchNorm   = "batchnorm"
	shaderReshape     = "reshape"
)

// source is the WGSL of a shader, with act.wgsl in front where it is used.
func source(name string) string {
	switch name {
	case shaderGemm:
		return actWGSL + gemmWGSL
	case shaderElementwise:
		return actWGSL + elementwiseWGSL
	case shaderSoftmaxCE:
		return softmaxCEWGSL
	case shaderBiasGrad:
		return biasGradWGSL
	case shaderOptimizer:
		return optimizerWGSL
	case shaderClip:
		return clipWGSL
	case shaderConv2D:
		return conv2DWGSL
	case shaderMaxPool:
		return maxPoolWGSL
	case shaderAvgPool:
		return avgPoolWGSL
	case shaderBatchNorm:
		return batchNormWGSL
	case shaderReshape:
		return reshapeWGSL
	}
	panic("webgpu: no shader " + name)
}
