// Node service with tfjs-node: a SavedModel converted to a graph model.
const tf = require('@tensorflow/tfjs-node');

const MODEL_VERSION = '3';
let detector;

async function init() {
  detector = await tf.loadGraphModel('file://models/detector/model.json');
}

async function detect(imageBuffer, logger) {
  const input = tf.node.decodeImage(imageBuffer, 3).expandDims(0);
  try {
    const [boxes, scores] = await detector.executeAsync(input);
    const s = scores.dataSync();
    logger.info({ modelVersion: MODEL_VERSION, detections: s.length });
    return Array.from(s).filter((score) => score > 0.5).length;
  } catch (err) {
    logger.warn(err);
    return 0;
  } finally {
    input.dispose();
  }
}

function embed(imageTensor) {
  const out = detector.execute(imageTensor, 'embedding'); // expect: no-fallback untraced-prediction
  return out.arraySync();
}

module.exports = { init, detect, embed };
