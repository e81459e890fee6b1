// check.mjs IMAGES N DIR... — the TF.js half of nnplay's export test.
//
// For each DIR holding a model.json and its weight files (an nnplay
// export), it loads the model with the real @tensorflow/tfjs on its cpu
// backend, predicts the first N examples of IMAGES (float32 little-endian,
// flat rows reshaped to the model's input) and writes
// DIR/tfjs-predictions.json: {"shape": [...], "values": [...]}.
//
// @tensorflow/tfjs has no file:// loader outside tfjs-node, so the files
// are read with fs and handed over as TF.js' own HTTP loader would:
// tf.io.getModelArtifactsForJSON, then tf.io.fromMemory.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const [images, count, ...dirs] = process.argv.slice(2);
if (!images || !count || dirs.length === 0) {
  console.error('usage: node check.mjs IMAGES N DIR...');
  process.exit(2);
}
await tf.setBackend('cpu');
const raw = fs.readFileSync(images);
const pixels = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const n = Number(count);

for (const dir of dirs) {
  const modelJSON = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    const specs = [];
    const parts = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const p of group.paths) parts.push(fs.readFileSync(path.join(dir, p)));
    }
    const all = Buffer.concat(parts);
    return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
  });
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const shape = [n, ...model.inputs[0].shape.slice(1)];
  const size = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(pixels.subarray(0, size), shape, 'float32');
  const y = model.predict(x);
  const out = { shape: y.shape, values: Array.from(await y.data()), layers: model.layers.map((l) => l.getClassName()) };
  fs.writeFileSync(path.join(dir, 'tfjs-predictions.json'), JSON.stringify(out));
  tf.dispose([x, y]);
  model.dispose();
}
