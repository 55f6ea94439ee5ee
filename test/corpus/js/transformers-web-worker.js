// Web worker from the transformers.js React tutorial: the model runs off the main thread.
import { pipeline } from '@huggingface/transformers';

class MyTranslationPipeline {
  static task = 'translation';
  static model = 'Xenova/nllb-200-distilled-600M';
  static instance = null;

  static async getInstance(progress_callback = null) {
    this.instance ??= pipeline(this.task, this.model, { progress_callback });
    return this.instance;
  }
}

self.addEventListener('message', async (event) => {
  const translator = await MyTranslationPipeline.getInstance((x) => self.postMessage(x));
  const output = await translator(event.data.text, { // expect: no-fallback untraced-prediction
    tgt_lang: event.data.tgt_lang,
    src_lang: event.data.src_lang,
  });
  self.postMessage({ status: 'complete', output });
});
