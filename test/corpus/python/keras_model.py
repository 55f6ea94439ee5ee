"""Digit recognizer with a Keras model: argmax with and without a confidence check."""
import logging

import numpy as np
from tensorflow.keras.models import load_model

logger = logging.getLogger(__name__)
MODEL_VERSION = "mnist-cnn-5"
model = load_model("models/mnist.keras")


def read_digit(image: np.ndarray) -> int:
    try:
        probs = model.predict(image[None, ...], verbose=0)  # expect: no-confidence
    except Exception:
        logger.exception("digit model failed")
        return -1
    logger.info("digit read", extra={"model_version": MODEL_VERSION})
    return int(np.argmax(probs, axis=1)[0])


def read_digit_or_abstain(image: np.ndarray) -> int | None:
    try:
        probs = model.predict(image[None, ...], verbose=0)[0]
    except Exception:
        logger.exception("digit model failed")
        return None
    logger.info("digit read", extra={"model_version": MODEL_VERSION})
    if probs.max() < 0.9:
        return None
    return int(probs.argmax())
