// Teachable demo page: tfjs and tfjs-models come from <script> tags, so the globals are never imported.
const video = document.getElementById('webcam');
const status = document.getElementById('status');
let net;
const classifier = knnClassifier.create();

async function setup() {
  net = await mobilenet.load();
  const detector = await cocoSsd.load();
  const boxes = await detector.detect(video); // expect: no-fallback
  for (const box of boxes) if (box.score > 0.6) drawBox(box.bbox, box.class);
}

function addExample(classId) {
  const activation = net.infer(video, true); // expect: no-fallback
  classifier.addExample(activation, classId);
}

async function guess() {
  const predictions = await net.classify(video); // expect: no-fallback no-confidence
  status.innerText = `I see a ${predictions[0].className}`;
}

async function guessWithKnn() {
  const activation = net.infer(video, 'conv_preds'); // expect: no-fallback
  const result = await classifier.predictClass(activation); // expect: no-fallback
  status.innerText = `${result.label} (${(result.confidences[result.label] * 100).toFixed(0)}%)`;
}

async function faces() {
  const detections = await faceapi.detectAllFaces(video); // expect: no-fallback
  detections.forEach((d) => drawBox(d.box, 'face'));
}

function drawBox(box, label) {
  console.log(label, box);
}

// A hand-written rule set with a classify() method: not a model.
const keywordModel = {
  classify(text) {
    return /refund|broken/.test(text) ? 'complaint' : 'other';
  },
};

function triage(text) {
  return keywordModel.classify(text);
}
