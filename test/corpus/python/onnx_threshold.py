"""Fraud scoring with an ONNX model: softmax, confidence threshold, abstain below it."""
import logging

import numpy as np
from onnxruntime import InferenceSession

logger = logging.getLogger(__name__)
MODEL_VERSION = "fraud-onnx-7"
MIN_CONFIDENCE = 0.8

sess = InferenceSession("models/fraud.onnx")


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def score(batch: np.ndarray) -> list:
    try:
        (logits,) = sess.run(None, {"input": batch.astype(np.float32)})
    except Exception:
        logger.exception("fraud model unavailable")
        return [None] * len(batch)
    probs = softmax(logits)
    labels = np.argmax(probs, axis=1)
    confidence = probs.max(axis=1)
    logger.info("scored batch", extra={"model_version": MODEL_VERSION, "n": len(batch)})
    return [int(lbl) if conf >= MIN_CONFIDENCE else None for lbl, conf in zip(labels, confidence)]
