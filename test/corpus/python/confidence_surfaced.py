"""One definition of no-confidence: a hard label that decides something, with no score compared to a threshold.
Returning, sending or logging the score with the label surfaces it; a label only printed or scored decides nothing."""
import logging

import joblib
import numpy as np
from flask import Flask, jsonify, request
from sklearn.metrics import accuracy_score

logger = logging.getLogger(__name__)
app = Flask(__name__)
model = joblib.load("models/loan.joblib")  # mlship: ignore[unsafe-model-load]
MODEL_VERSION = "loan-7"
LABELS = {0: "rejected", 1: "approved"}


@app.post("/decide")
def decide():
    x = np.array([request.json["features"]])
    try:
        label = model.predict(x)[0]  # expect: no-confidence
    except Exception:
        return jsonify({"decision": "manual-review"})
    logger.info("decision", extra={"model_version": MODEL_VERSION})
    return jsonify({"decision": LABELS[int(label)]})


@app.post("/decide-with-score")
def decide_with_score():
    x = np.array([request.json["features"]])
    try:
        label = model.predict(x)[0]
        proba = model.predict_proba(x)[0]
    except Exception:
        return jsonify({"decision": "manual-review"})
    logger.info("decision", extra={"model_version": MODEL_VERSION})
    return jsonify({"decision": LABELS[int(label)], "probability": float(proba.max())})


def route(features) -> str:
    try:
        probs = model.predict_proba([features])[0]  # expect: no-confidence
    except Exception:
        return "manual"
    logger.info("routed", extra={"model_version": MODEL_VERSION})
    return "fast" if np.argmax(probs) == 1 else "manual"


def evaluate(X_test, y_test) -> float:
    try:
        preds = model.predict(X_test)
    except Exception:
        return float("nan")
    print("labels:", preds[:10])
    return accuracy_score(y_test, preds)


def label_and_confidence(features) -> tuple[str, float]:
    try:
        probs = model.predict_proba([features])[0]
    except Exception:
        return "unknown", 0.0
    idx = int(np.argmax(probs))
    logger.info("labelled", extra={"model_version": MODEL_VERSION})
    return LABELS[idx], float(probs[idx])
