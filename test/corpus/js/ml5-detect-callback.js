// A p5.js baby monitor: ml5 models answer through error-first callbacks, and the label they hand the callback decides
// whether the alarm plays.
let detector;
let listener;
let video;
let alarm;
let status;

function preload() {
  const options = { probabilityThreshold: 0.9 };
  listener = ml5.soundClassifier('SpeechCommands18w', options);
}

function setup() {
  video = createCapture(VIDEO);
  alarm = loadSound('alarm.mp3');
  status = select('#status');
  detector = ml5.objectDetector('cocossd', modelLoaded);
  listener.classify(onCommand);
}

function modelLoaded() {
  detector.detect(video, onDetected); // expect: no-confidence
}

// The top box's label alone says whether the baby is there.
function onDetected(error, results) {
  if (error) {
    console.error(error);
    return;
  }
  if (results.length > 0 && results[0].label === 'person') {
    status.html('Baby found');
    alarm.stop();
  } else {
    status.html('Baby not found');
    alarm.play();
  }
  detector.detect(video, onDetected); // expect: no-confidence
}

// The same check, with the box's confidence compared to a threshold first.
function checkAgain() {
  detector.detect(video, (err, results) => {
    if (err) {
      status.html('detector unavailable');
      return;
    }
    const person = results.find((r) => r.label === 'person' && r.confidence > 0.6);
    if (person) alarm.stop();
    else alarm.play();
  });
}

// The classifier was built with a probability threshold: the labels it reports are above it.
function onCommand(error, results) {
  if (error) {
    console.error(error);
    return;
  }
  if (results[0].label === 'stop') alarm.stop();
}
