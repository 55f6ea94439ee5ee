// face-api.js expressions asked for along the detection chain; the top expression is what the page shows.
import * as faceapi from 'face-api.js';

export function watchExpressions(video, output) {
  setInterval(async () => {
    try {
      const detections = await faceapi.detectAllFaces(video, new faceapi.TinyFaceDetectorOptions()).withFaceExpressions(); // expect: no-confidence
      if (detections.length > 0) {
        const top = detections[0].expressions.asSortedArray()[0].expression;
        output.textContent = `Current expression: ${top}`;
      }
    } catch (err) {
      output.textContent = 'Expression unavailable';
    }
  }, 200);
}

export function watchExpressionsWithScore(video, output) {
  setInterval(async () => {
    try {
      const detections = await faceapi.detectAllFaces(video, new faceapi.TinyFaceDetectorOptions()).withFaceExpressions();
      if (detections.length > 0) {
        const [best] = detections[0].expressions.asSortedArray();
        output.textContent = best.probability > 0.7 ? `Current expression: ${best.expression}` : 'Not sure';
      }
    } catch (err) {
      output.textContent = 'Expression unavailable';
    }
  }, 200);
}
