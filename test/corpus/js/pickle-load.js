// Loading a scikit-learn pickle in Node: unsafe; the JSON export next to it is fine.
const fs = require('node:fs');
const jpickle = require('jpickle');
const { Parser } = require('pickleparser');

function loadVectorizer() {
  const raw = fs.readFileSync('models/vectorizer.pkl', 'binary');
  return jpickle.loads(raw); // expect: unsafe-model-load
}

function loadVocabulary(path) {
  const parser = new Parser();
  return parser.parse(fs.readFileSync(path)); // expect: unsafe-model-load
}

function loadWeights() {
  return JSON.parse(fs.readFileSync('models/weights.json', 'utf8'));
}

module.exports = { loadVectorizer, loadVocabulary, loadWeights };
