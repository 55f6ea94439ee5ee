"""Flask image classifier backed by an ONNX model."""
import logging

import numpy as np
import onnxruntime as ort
from flask import Flask, jsonify, request

app = Flask(__name__)
log = logging.getLogger(__name__)
LABELS = ["cat", "dog", "bird"]


class Classifier:
    def __init__(self, path: str):
        self.session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def classify(self, pixels: np.ndarray) -> str:
        try:
            logits = self.session.run(None, {self.input_name: pixels})[0]  # expect: no-confidence untraced-prediction
        except Exception:
            log.exception("onnx inference failed")
            return "unknown"
        return LABELS[int(np.argmax(logits, axis=1)[0])]


clf = Classifier("models/animals.onnx")


@app.route("/classify", methods=["POST"])
def classify():
    pixels = np.asarray(request.json["pixels"], dtype=np.float32)
    return jsonify({"label": clf.classify(pixels)})
