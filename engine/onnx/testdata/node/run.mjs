// Runs an ONNX model with onnxruntime-node for engine/onnx's tests:
//   node run.mjs MODEL.onnx INPUT.f32 N,D1,D2,... OUTPUT.f32
// INPUT holds float32 little-endian values of that shape, fed as "input";
// OUTPUT gets "output"'s values, and stdout its shape as JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [model, input, shape, output] = process.argv.slice(2);
const raw = readFileSync(input);
const x = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const dims = shape.split(',').map(Number);
const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x), dims) });
const y = result.output;
writeFileSync(output, Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
console.log(JSON.stringify(y.dims));
