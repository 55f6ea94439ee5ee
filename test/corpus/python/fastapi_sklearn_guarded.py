"""Churn API, production version: guarded, thresholded and traced."""
import logging

import joblib
import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel

logger = logging.getLogger("churn")
app = FastAPI(title="churn")
MODEL_VERSION = "2024-05-01"
THRESHOLD = 0.65
# Artifact built by our own training pipeline and checked by hash at deploy time.
# mlship: ignore[unsafe-model-load]
model = joblib.load("models/churn/model.joblib")


class Customer(BaseModel):
    tenure: float
    monthly_charges: float
    support_calls: int


@app.post("/predict")
def predict(customer: Customer):
    x = np.array([[customer.tenure, customer.monthly_charges, customer.support_calls]])
    try:
        proba = model.predict_proba(x)[0, 1]
    except Exception:
        logger.exception("churn model failed")
        return {"churn": None, "reason": "model_unavailable"}
    logger.info("churn prediction", extra={"model_version": MODEL_VERSION, "proba": float(proba)})
    return {"churn": bool(proba >= THRESHOLD), "probability": float(proba), "model_version": MODEL_VERSION}
