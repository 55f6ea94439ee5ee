// A Teachable Machine pose page whose model another <script> tag's library loads into a global: each frame's pose is
// drawn, and a repetition counts only when the classifier is sure.
let model;
let webcam;
let count = 0;

async function init(url) {
  model = await tmPose.load(`${url}model.json`, `${url}metadata.json`);
  webcam = new tmPose.Webcam(200, 200, true);
  await webcam.setup();
}

async function predict(ctx) {
  const { pose, posenetOutput } = await model.estimatePose(webcam.canvas); // expect: no-fallback
  const prediction = await model.predict(posenetOutput); // expect: no-fallback
  if (prediction[0].probability > 0.9) count += 1;
  if (pose) tmPose.drawKeypoints(pose.keypoints, 0.5, ctx);
}
