// A browser page that sends camera frames to hosted vision models with jQuery: settings objects, `.done`/`.fail`
// chains, and the `error` setting.
const FACE_URL = 'https://westeurope.api.cognitive.microsoft.com/face/v1.0/detect?returnFaceAttributes=emotion';
const TAGS_URL = 'https://photos-ai.cognitiveservices.azure.com/vision/v3.2/tag';

// The frame's emotions are shown; a failed request is logged and the page goes on.
export function analyzeFrame(blob, key) {
  $.ajax({ // expect: no-timeout
    url: FACE_URL,
    type: 'POST',
    contentType: 'application/octet-stream',
    headers: { 'Ocp-Apim-Subscription-Key': key },
    data: blob,
    processData: false,
  })
    .done((faces) => $('#emotion').text(faces.length > 0 ? JSON.stringify(faces[0].faceAttributes.emotion) : 'no face'))
    .fail((xhr) => console.error('face API failed', xhr.status));
}

// Tags shown under the photo; the request gives up after 4 s and the `error` setting shows a message instead.
export function showTags(blob, key) {
  $.ajax(TAGS_URL, {
    method: 'POST',
    headers: { 'Ocp-Apim-Subscription-Key': key, 'Content-Type': 'application/octet-stream' },
    data: blob,
    processData: false,
    timeout: 4000,
    success: (res) => $('#tags').text(res.tags.map((t) => `${t.name} ${Math.round(t.confidence * 100)}%`).join(', ')),
    error: () => $('#tags').text('Tags are unavailable right now.'),
  });
}

// A sentiment score posted to the team's own model server: nothing handles a failed request, nothing bounds it.
export function scoreReview(text) {
  return $.post('/api/predict', JSON.stringify({ text }), (res) => $('#score').text(res.score)); // expect: no-fallback no-timeout untraced-prediction
}

// The token service is not a model (jQuery under its own name).
const TOKEN_URL = 'https://westeurope.api.cognitive.microsoft.com/sts/v1.0/issueToken';
export function speechToken(key) {
  return jQuery.ajax(TOKEN_URL, { type: 'POST', headers: { 'Ocp-Apim-Subscription-Key': key }, timeout: 3000 });
}
