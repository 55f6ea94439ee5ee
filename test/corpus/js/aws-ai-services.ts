// AWS AI services from a Node API (SDK v3): Comprehend's sentiment and Rekognition's moderation labels are hosted
// models behind runtime clients, bounded by the client's request handler or an abort signal on `send`.
import { ComprehendClient, DetectSentimentCommand } from '@aws-sdk/client-comprehend';
import { CreateCollectionCommand, DetectModerationLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import express from 'express';

const app = express();
app.use(express.json({ limit: '5mb' }));

const comprehend = new ComprehendClient({ region: 'eu-west-1' });
const rekognition = new RekognitionClient({ region: 'eu-west-1', requestHandler: { requestTimeout: 4000 } });
const MODEL = 'comprehend-sentiment';

app.post('/review', async (req, res) => {
  const out = await comprehend.send(new DetectSentimentCommand({ Text: req.body.text, LanguageCode: 'en' })); // expect: no-fallback no-timeout
  res.json({ sentiment: out.Sentiment, scores: out.SentimentScore, model: MODEL });
});

app.post('/avatar', async (req, res) => {
  try {
    const out = await rekognition.send(new DetectModerationLabelsCommand({ Image: { Bytes: Buffer.from(req.body.image, 'base64') }, MinConfidence: 90 }));
    res.json({ flagged: (out.ModerationLabels ?? []).length > 0, model: out.ModerationModelVersion });
  } catch (err) {
    res.status(503).json({ error: 'moderation unavailable' });
  }
});

export async function setUpFaces() {
  await rekognition.send(new CreateCollectionCommand({ CollectionId: 'faces' }));
}
