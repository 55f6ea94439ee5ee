// Node-style services that answer through an error-first continuation (`done(err, value)`): the classifier is
// restored by natural's loader, whose own callback is error-first too.
const natural = require('natural');

// The intent goes back to the caller through `done`; a failing classifier must answer there too, or the caller waits.
// What `done` is given leaves the function as a return would: with no model version beside it, untraced.
function intentOf(message, done) {
  natural.BayesClassifier.load('models/intents.json', null, (err, classifier) => {
    if (err) return done(err);
    const ranked = classifier.getClassifications(message); // expect: no-fallback untraced-prediction
    done(null, { intent: ranked[0].label, score: ranked[0].value });
  });
}

// Already guarded: a failure is passed on to the caller as the error.
function topicOf(text, callback) {
  natural.BayesClassifier.load('models/topics.json', null, (err, classifier) => {
    if (err) return callback(err);
    try {
      const [best] = classifier.getClassifications(text);
      callback(null, { topic: best.label, score: best.value, model: 'topics-3' });
    } catch (e) {
      callback(e);
    }
  });
}

// An AWS Lambda handler in callback style: the runtime waits for `callback`, also when the scorer fails.
function handler(event, context, callback) {
  fetch(process.env.SCORING_URL, { method: 'POST', body: event.body, signal: AbortSignal.timeout(2000) }) // expect: no-fallback untraced-prediction
    .then((r) => r.json())
    .then((body) => callback(null, { statusCode: 200, body: JSON.stringify(body) }));
}

module.exports = { intentOf, topicOf, handler };
