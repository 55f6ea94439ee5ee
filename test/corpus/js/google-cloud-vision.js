// Google Cloud Vision and Natural Language from an Express service: hosted models whose call options (`{ timeout }`)
// follow the request.
const vision = require('@google-cloud/vision');
const { LanguageServiceClient } = require('@google-cloud/language');
const express = require('express');

const app = express();
app.use(express.json());
const visionClient = new vision.ImageAnnotatorClient();
const language = new LanguageServiceClient();

app.post('/labels', async (req, res) => {
  const [result] = await visionClient.labelDetection(req.body.imageUri); // expect: no-fallback no-timeout untraced-prediction
  res.json(result.labelAnnotations.map((l) => ({ label: l.description, score: l.score })));
});

async function sentimentOf(text) {
  try {
    const [result] = await language.analyzeSentiment({ document: { content: text, type: 'PLAIN_TEXT' } }, { timeout: 10000 }); // expect: untraced-prediction
    return result.documentSentiment.score;
  } catch (err) {
    return null;
  }
}

module.exports = { app, sentimentOf };
