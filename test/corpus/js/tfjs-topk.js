// A tfjs-node image classifier read through topk: the indices are the label; returned with the values, the scores
// travel with them.
const tf = require('@tensorflow/tfjs-node');

const CLASSES = ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip'];
let model;

async function load() {
  model = await tf.loadLayersModel('file://models/flowers/model.json');
}

async function topFlowers(image) {
  const prediction = model.predict(tf.node.decodeImage(image).expandDims()); // expect: no-fallback untraced-prediction
  const topK = prediction.topk(3);
  const indices = topK.indices.dataSync();
  const values = topK.values.dataSync();
  return Array.from(indices).map((i, k) => ({ flower: CLASSES[i], probability: values[k] }));
}

async function flower(image) {
  const prediction = model.predict(tf.node.decodeImage(image).expandDims()); // expect: no-fallback no-confidence untraced-prediction
  const topK = prediction.topk(1);
  const classIndex = topK.indices.dataSync()[0];
  return { classIndex, flower: CLASSES[classIndex] };
}

module.exports = { load, topFlowers, flower };
