package onnx

// Field numbers and enums of onnx.proto (ONNX 1.x) that Export writes.

// ModelProto
const (
	modelIRVersion       = 1
	modelProducerName    = 2
	modelProducerVersion = 3
	modelDocString       = 6
	modelGraph           = 7
	modelOpsetImport     = 8
)

// OperatorSetIdProto
const (
	opsetDomain  = 1
	opsetVersion = 2
)

// GraphProto
const (
	graphNode        = 1
	graphName        = 2
	graphInitializer = 5
	graphDocString   = 10
	graphInput       = 11
	graphOutput      = 12
)

// NodeProto
const (
	nodeInput     = 1
	nodeOutput    = 2
	nodeName      = 3
	nodeOpType    = 4
	nodeAttribute = 5
)

// AttributeProto
const (
	attrName    = 1
	attrF       = 2
	attrI       = 3
	attrS       = 4
	attrFloats  = 7
	attrInts    = 8
	attrStrings = 9
	attrType    = 20
)

// AttributeProto.AttributeType
const (
	attrTypeFloat   = 1
	attrTypeInt     = 2
	attrTypeString  = 3
	attrTypeFloats  = 6
	attrTypeInts    = 7
	attrTypeStrings = 8
)

// TensorProto
const (
	tensorDims     = 1
	tensorDataType = 2
	tensorName     = 8
	tensorRawData  = 9
)

// TensorProto.DataType
const (
	typeFloat = 1
	typeInt64 = 7
)

// ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto and its
// Dimension.
const (
	valueInfoName      = 1
	valueInfoType      = 2
	typeTensorType     = 1
	tensorTypeElemType = 1
	tensorTypeShape    = 2
	shapeDim           = 1
	dimValue           = 1
	dimParam           = 2
)
