// A p5.js sketch whose ml5 models answer through error-first callbacks: a callback that handles the error (a named
// function or an arrow) is the fallback.
let detector;
let classifier;
let listener;
let video;
let boxes = [];

function setup() {
  createCanvas(640, 480);
  video = createCapture(VIDEO);
  video.hide();
  detector = ml5.objectDetector('cocossd', () => console.log('detector ready'));
  classifier = ml5.imageClassifier('MobileNet', () => console.log('classifier ready'));
  // Commands below 95 % are not reported at all.
  listener = ml5.soundClassifier('SpeechCommands18w', { probabilityThreshold: 0.95 });
  listener.classify(onCommand);
}

// The callback is the classifier's only argument here, and handles the error.
function onCommand(error, results) {
  if (error) {
    console.error(error);
    return;
  }
  select('#command').html(results[0].label);
}

function onDetected(error, results) {
  if (error) {
    console.error(error);
    return;
  }
  boxes = results;
}

function draw() {
  image(video, 0, 0);
  detector.detect(video, onDetected);
  for (const b of boxes) rect(b.x, b.y, b.width, b.height);
}

function mousePressed() {
  classifier.classify(video, (err, results) => {
    if (err) {
      select('#label').html('could not classify');
      return;
    }
    select('#label').html(`${results[0].label} (${nf(results[0].confidence * 100, 0, 1)}%)`);
  });
}
