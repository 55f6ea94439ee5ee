// Pose estimation helpers: the detector is created in one function and used in others, or passed in.
import * as poseDetection from '@tensorflow-models/pose-detection';
import * as tf from '@tensorflow/tfjs';

let detector;
const models = {};

export async function setup() {
  detector = await poseDetection.createDetector(poseDetection.SupportedModels.MoveNet);
  models.ssd = await tf.loadGraphModel('/models/ssd/model.json');
  models.legacy = await tf.loadModel('/models/legacy/model.json');
}

export function estimate(video) {
  return detector.estimatePoses(video); // expect: no-fallback untraced-prediction
}

export async function getPoses(moveNet, video) {
  const poses = await moveNet.estimatePoses(video, { maxPoses: 1, flipHorizontal: false }); // expect: no-fallback untraced-prediction
  return poses[0]?.keypoints ?? [];
}

export async function boxes(name, tensor) {
  const raw = await models[name].executeAsync(tensor); // expect: no-fallback untraced-prediction
  return raw;
}

export async function drawOnly(video, ctx) {
  try {
    const poses = await detector.estimatePoses(video);
    for (const p of poses) for (const k of p.keypoints) ctx.fillRect(k.x, k.y, 2, 2);
  } catch (err) {
    console.warn('pose failed', err);
  }
}

export function legacyScore(input) {
  const y = models.legacy.predict(input); // expect: no-fallback untraced-prediction
  return y.dataSync()[0];
}
