// Two browser models loaded like tfjs-models: nsfwjs answers with every class and its probability; Teachable
// Machine's pose model estimates keypoints (only drawn here) before its classifier runs on them.
import * as nsfwjs from 'nsfwjs';
import * as tmPose from '@teachablemachine/pose';

let nsfw;
let poseModel;

export async function setup(modelUrl, metadataUrl) {
  nsfw = await nsfwjs.load();
  poseModel = await tmPose.load(modelUrl, metadataUrl);
}

// An upload is refused when the top class is explicit: the label alone decides.
export async function isExplicit(img) {
  const predictions = await nsfw.classify(img); // expect: no-fallback no-confidence untraced-prediction
  return ['Porn', 'Hentai'].includes(predictions[0].className);
}

// Each frame's pose is drawn; the stretch counts only when its class is sure.
export async function frame(webcam, ctx, counter) {
  const { pose, posenetOutput } = await poseModel.estimatePose(webcam.canvas); // expect: no-fallback
  tmPose.drawKeypoints(pose.keypoints, 0.5, ctx);
  const prediction = await poseModel.predict(posenetOutput); // expect: no-fallback
  if (prediction[0].probability > 0.95) counter.textContent = String(Number(counter.textContent) + 1);
}
