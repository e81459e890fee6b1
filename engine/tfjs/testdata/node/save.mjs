// save.mjs IMAGES N OUT — the TF.js half of nnplay's import test.
//
// It builds small tf.sequential models with the real @tensorflow/tfjs
// (cpu backend), gives every weight seeded random values (moving variances
// positive), saves each with a custom IOHandler as TF.js' browser download
// handler would (OUT/NAME/model.json naming OUT/NAME/weights.bin), and
// writes the model's predictions on the first N examples of IMAGES
// (float32 little-endian, flat rows) to OUT/NAME/tfjs-predictions.json.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const [images, count, out] = process.argv.slice(2);
if (!images || !count || !out) {
  console.error('usage: node save.mjs IMAGES N OUT');
  process.exit(2);
}
await tf.setBackend('cpu');
const raw = fs.readFileSync(images);
const pixels = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const n = Number(count);
const L = tf.layers;

// The models: every layer nnplay imports, in TF.js' own configs (the
// first layer carries batch_input_shape; layer names like dense_Dense1).
const models = {
  cnn: () => tf.sequential({ layers: [
    L.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
    L.batchNormalization(),
    L.maxPooling2d({ poolSize: 2 }),
    L.conv2d({ filters: 6, kernelSize: [3, 5], strides: [2, 1], activation: 'tanh', useBias: false }),
    L.averagePooling2d({ poolSize: 2, padding: 'same' }),
    L.leakyReLU({ alpha: 0.1 }),
    L.flatten(),
    L.dropout({ rate: 0.3 }),
    L.dense({ units: 16, activation: 'sigmoid' }),
    L.dense({ units: 10, activation: 'softmax' }),
  ] }),
  mlp: () => tf.sequential({ layers: [
    L.dense({ inputShape: [784], units: 32, kernelInitializer: 'heNormal' }),
    L.reLU(),
    L.batchNormalization({ center: false }),
    L.dense({ units: 24, activation: 'tanh', useBias: false }),
    L.batchNormalization({ scale: false, momentum: 0.9, epsilon: 1e-4 }),
    L.activation({ activation: 'sigmoid' }),
    L.dense({ units: 10 }),
    L.softmax(),
  ] }),
  gap: () => tf.sequential({ layers: [
    L.reshape({ inputShape: [784], targetShape: [28, 28, 1] }),
    L.conv2d({ filters: 8, kernelSize: 5, strides: 2, activation: 'relu' }),
    L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    L.globalAveragePooling2d({}),
    L.reshape({ targetShape: [2, 4] }),
    L.flatten(),
    L.dense({ units: 10, activation: 'softmax' }),
  ] }),
  // The recurrent layers, each digit read as 28 rows: a GRU (TF.js' only
  // form, reset_after false) and a SimpleRNN without bias returning every
  // step, then an LSTM. TF.js' default gate activation is hard_sigmoid,
  // which nnplay does not have: sigmoid, as Keras.
  rnn: () => tf.sequential({ layers: [
    L.reshape({ inputShape: [784], targetShape: [28, 28] }),
    L.gru({ units: 12, recurrentActivation: 'sigmoid', returnSequences: true }),
    L.simpleRNN({ units: 10, activation: 'relu', useBias: false, returnSequences: true }),
    L.lstm({ units: 8, recurrentActivation: 'sigmoid' }),
    L.dense({ units: 10, activation: 'softmax' }),
  ] }),
};

let seed = 1;
for (const [name, build] of Object.entries(models)) {
  const model = build();
  // The last layer's weights are larger, so the probabilities are far
  // from uniform and differences upstream show in them.
  const head = new Set(model.layers.filter((l) => l.weights.length > 0).at(-1).weights.map((w) => w.name));
  model.setWeights(model.weights.map((w) => {
    const variance = w.name.endsWith('moving_variance');
    const r = head.has(w.name) ? 3 : 0.5;
    return tf.randomUniform(w.shape, variance ? 0.5 : -r, variance ? 1.5 : r, 'float32', seed++);
  }));
  const dir = path.join(out, name);
  fs.mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const data = Array.isArray(artifacts.weightData)
      ? tf.io.concatenateArrayBuffers(artifacts.weightData) : artifacts.weightData;
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(data));
    const modelJSON = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJSON));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const shape = [n, ...model.inputs[0].shape.slice(1)];
  const size = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(pixels.subarray(0, size), shape, 'float32');
  const y = model.predict(x);
  fs.writeFileSync(path.join(dir, 'tfjs-predictions.json'), JSON.stringify({ shape: y.shape, values: Array.from(await y.data()) }));
}
