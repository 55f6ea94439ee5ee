// Next.js API route (pages router) with the transformers.js singleton pattern from the docs.
import { pipeline, env } from '@xenova/transformers';

env.allowLocalModels = false;

class PipelineSingleton {
  static task = 'text-classification';
  static model = 'Xenova/distilbert-base-uncased-finetuned-sst-2-english';
  static instance = null;

  static async getInstance(progress_callback = null) {
    if (this.instance === null) {
      this.instance = pipeline(this.task, this.model, { progress_callback });
    }
    return this.instance;
  }
}

export default async function handler(req, res) {
  const text = req.query.text;
  const classifier = await PipelineSingleton.getInstance();
  let result;
  try {
    result = await classifier(text); // expect: untraced-prediction
  } catch (e) {
    result = [{ label: 'UNKNOWN', score: 0 }];
  }
  const top = result[0];
  if (top.score < 0.75) {
    return res.status(200).json({ label: 'UNSURE' });
  }
  res.status(200).json({ label: top.label });
}
