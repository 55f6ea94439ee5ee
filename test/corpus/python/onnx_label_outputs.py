"""A scikit-learn classifier converted to ONNX answers with two outputs: its label and its class probabilities."""
import logging

import numpy as np
import onnxruntime as ort

logger = logging.getLogger(__name__)
session = ort.InferenceSession("models/fraud.onnx", providers=["CPUExecutionProvider"])
MODEL_VERSION = "fraud-2024-06"
THRESHOLD = 0.8


def block_if_fraud(transaction: dict) -> bool:
    x = np.array([[transaction["amount"], transaction["age_days"]]], dtype=np.float32)
    try:
        label, probabilities = session.run(None, {"float_input": x})  # expect: no-confidence untraced-prediction
    except Exception:
        return False
    if label[0] == 1:
        logger.warning("blocked %s", transaction["id"])
        return True
    return False


def block_if_sure(transaction: dict) -> bool:
    x = np.array([[transaction["amount"], transaction["age_days"]]], dtype=np.float32)
    try:
        label, probabilities = session.run(None, {"float_input": x})  # expect: untraced-prediction
    except Exception:
        return False
    return bool(label[0] == 1 and probabilities[0][1] >= THRESHOLD)


def score(transaction: dict) -> dict:
    x = np.array([[transaction["amount"], transaction["age_days"]]], dtype=np.float32)
    try:
        label, probabilities = session.run(["label", "probabilities"], {"float_input": x})
    except Exception:
        return {"fraud": None, "probability": None, "model_version": MODEL_VERSION}
    return {"fraud": int(label[0]) == 1, "probability": float(probabilities[0][1]), "model_version": MODEL_VERSION}


def fraud_probability(transaction: dict) -> float:
    x = np.array([[transaction["amount"], transaction["age_days"]]], dtype=np.float32)
    try:
        _, probabilities = session.run(None, {"float_input": x})
    except Exception:
        return 0.0
    logger.info("scored", extra={"model_version": MODEL_VERSION})
    return float(probabilities[0][1])
