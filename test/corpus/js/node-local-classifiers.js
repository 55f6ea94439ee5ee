// Classifiers that run inside a Node service without tfjs or ONNX Runtime: natural's Bayes classifier answers with the
// class label alone (`classify`) or with every class and its score (`getClassifications`), and is restored from JSON in
// an error-first callback; a brain.js network answers with raw outputs, and `brain.likely` with the top class; an ml.js
// random forest restored from JSON answers with labels.
const natural = require('natural');
const brain = require('brain.js');
const { RandomForestClassifier } = require('ml-random-forest');
const express = require('express');

const app = express();
app.use(express.json());

let spamFilter = new natural.BayesClassifier();
natural.BayesClassifier.load('models/spam.json', null, (err, loaded) => {
  if (err) {
    console.error('spam model not loaded', err);
    return;
  }
  spamFilter = loaded;
});

// A cron job drops what the filter calls spam: the label alone decides.
exports.isSpam = function isSpam(text) {
  return spamFilter.classify(text) === 'spam'; // expect: no-fallback no-confidence untraced-prediction
};

// Intents routed only when the best class scores high enough; the classifier arrives in the loader's callback.
app.post('/intent', (req, res) => {
  natural.BayesClassifier.load('models/intents.json', null, (err, classifier) => {
    if (err) return res.status(503).json({ error: 'intent model not loaded' });
    try {
      const [best] = classifier.getClassifications(req.body.message);
      if (!best || best.value < 0.6) return res.json({ intent: null, modelVersion: 'intents-7' });
      return res.json({ intent: best.label, score: best.value, modelVersion: 'intents-7' });
    } catch (e) {
      return res.status(500).json({ error: 'intent model failed' });
    }
  });
});

// The on-call engineer is paged when the classifier calls an event urgent, in the loader's callback.
function triage(event, page) {
  natural.BayesClassifier.load('models/events.json', null, function (err, classifier) {
    if (err) return console.error('event model not loaded', err);
    if (classifier.classify(event.name) === 'urgent') page(event); // expect: no-fallback no-confidence
  });
}

const churnNet = new brain.NeuralNetwork();
churnNet.fromJSON(require('./models/churn-net.json'));

app.post('/churn', (req, res) => {
  try {
    const output = churnNet.run(req.body.features);
    res.json({ churnRisk: output.churn, modelVersion: 'churn-net-3' });
  } catch (err) {
    res.status(500).json({ error: 'churn model unavailable' });
  }
});

const colorNet = new brain.NeuralNetwork();
colorNet.fromJSON(require('./models/color-net.json'));

app.post('/contrast', (req, res) => {
  const shade = brain.likely(req.body.rgb, colorNet); // expect: no-fallback no-confidence untraced-prediction
  res.json({ textColor: shade === 'dark' ? 'white' : 'black' });
});

const forest = RandomForestClassifier.load(require('./models/loan-forest.json'));

app.post('/loan', (req, res) => {
  const [approved] = forest.predict([req.body.features]); // expect: no-fallback no-confidence untraced-prediction
  res.json({ approved: approved === 1 });
});

module.exports = { app, triage };
