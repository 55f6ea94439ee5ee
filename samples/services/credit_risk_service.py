"""Credit-risk scoring service: the champion model from the MLflow registry, served behind a feature flag."""
import logging

import numpy as np
import onnxruntime as ort
import requests

logger = logging.getLogger(__name__)

MODEL_PATH = "mlruns/1/7ef9c3483d46bf1d1bbce2e1dc8d16b2/artifacts/model/model.onnx"
MODEL_VERSION = "credit-risk/2"
FEATURES = ["age", "income", "debt_ratio", "credit_lines", "late_payments", "months_employed"]
FRAUD_URL = "http://fraud-screen.internal:8080/v2/models/fraud-screen/infer"

session = ort.InferenceSession(MODEL_PATH)


def score_application(application: dict) -> dict:
    x = np.array([[application[f] for f in FEATURES]], dtype=np.float32)
    label, probabilities = session.run(None, {"float_input": x})
    logger.info("scored", extra={"model_version": MODEL_VERSION})
    return {"approve": int(label[0]) == 0, "default_probability": float(probabilities[0][1])}


def fraud_check(application: dict) -> bool:
    response = requests.post(FRAUD_URL, json={"inputs": [application]})
    return response.json()["outputs"][0]["data"][0] > 0.5
