// A p5.js pet door: the detector's answer is compared with a class name as it is (`results[0] != 'cat'`), without
// reading its `.label`. The element stands for its label there: the top box alone opens the door.
let detector;
let camera;
let door;

function setup() {
  camera = createCapture(VIDEO);
  door = select('#door');
  detector = ml5.objectDetector('cocossd', ready);
}

function ready() {
  detector.detect(camera, onBoxes); // expect: no-confidence
}

function onBoxes(error, results) {
  if (error) {
    console.error(error);
    return;
  }
  if (results[0] != 'cat') {
    door.html('closed');
  } else {
    door.html('open');
  }
}

// The same comparison after the top box's confidence was checked against a threshold.
function checkDoor() {
  detector.detect(camera, (err, results) => {
    if (err) {
      door.html('closed');
      return;
    }
    if (results.length > 0 && results[0].confidence > 0.7 && results[0] == 'cat') door.html('open');
    else door.html('closed');
  });
}

// An empty answer tested by an empty string decides nothing about a class.
function anyBox() {
  detector.detect(camera, (err, results) => {
    if (err || results[0] === '') return;
    console.log('boxes', results.length);
  });
}
