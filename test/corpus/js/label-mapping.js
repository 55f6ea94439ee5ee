// A recycling classifier whose label is mapped to a bin and a hint before it is answered: a branch or a lookup that
// only maps the label decides nothing itself; where the mapped value goes does.
const tf = require('@tensorflow/tfjs-node');

const CLASSES = ['battery', 'biological', 'cardboard', 'glass', 'metal', 'paper', 'plastic', 'trash'];
const HAZARDOUS = ['battery', 'trash'];
const COMPOST = ['biological'];
const BINS = [
  { name: 'cardboard', bin: 'blue', hint: 'Flatten the box' },
  { name: 'glass', bin: 'white', hint: 'Rinse the jar' },
];

async function sortWaste(model, image) {
  const input = tf.node.decodeJpeg(image).resizeNearestNeighbor([224, 224]).expandDims().toFloat();
  const prediction = model.predict(input); // expect: no-fallback untraced-prediction
  const probabilities = await prediction.data();
  const confidence = Math.max(...probabilities);
  const label = CLASSES[tf.argMax(prediction, 1).dataSync()[0]];
  let bin;
  let hint;
  if (HAZARDOUS.includes(label)) {
    bin = 'red';
    hint = 'Take it to a collection point';
  } else if (COMPOST.includes(label)) {
    bin = 'green';
    hint = 'Compost it';
  } else {
    bin = 'yellow';
    hint = 'Recycle it';
  }
  return { label, bin, hint, confidence };
}

async function binCard(model, image) {
  const scores = Array.from(await model.predict(image).data()); // expect: no-fallback untraced-prediction
  const confidence = Math.max(...scores);
  const name = CLASSES[scores.indexOf(confidence)];
  const entry = BINS.find((b) => b.name === name && b.bin !== undefined);
  return { name, confidence, bin: entry?.bin, hint: entry?.hint };
}

async function binOnly(model, image) {
  const scores = Array.from(await model.predict(image).data()); // expect: no-fallback no-confidence untraced-prediction
  const name = CLASSES[scores.indexOf(Math.max(...scores))];
  switch (name) {
    case 'battery':
      return 'red';
    default:
      return 'yellow';
  }
}

async function binWord(model, image) {
  const scores = Array.from(await model.predict(image).data()); // expect: no-fallback no-confidence untraced-prediction
  const name = CLASSES[scores.indexOf(Math.max(...scores))];
  let bin;
  switch (name) {
    case 'battery':
      bin = 'red';
      break;
    default:
      bin = 'yellow';
  }
  return bin;
}

async function compostLabel(model, image) {
  const scores = Array.from(await model.predict(image).data()); // expect: no-fallback no-confidence untraced-prediction
  const name = CLASSES[scores.indexOf(Math.max(...scores))];
  return COMPOST.includes(name) ? 'compost' : 'landfill';
}

async function openHatch(model, image, hatch) {
  const scores = Array.from(await model.predict(image).data()); // expect: no-fallback no-confidence
  const name = CLASSES[scores.indexOf(Math.max(...scores))];
  let opened;
  if (HAZARDOUS.includes(name)) opened = hatch.open('red');
  else opened = hatch.open('yellow');
  return opened;
}

module.exports = { sortWaste, binCard, binOnly, binWord, compostLabel, openHatch };
