"""A FastAPI handler that answers a failed prediction with an HTTP error: that handles the failure."""
import logging

import joblib
from fastapi import FastAPI, HTTPException

logger = logging.getLogger(__name__)
app = FastAPI()
model = joblib.load("model.joblib")  # expect: unsafe-model-load
MODEL_VERSION = "churn-4"


@app.post("/churn")
def churn(features: list[float]) -> dict:
    try:
        p = float(model.predict_proba([features])[0, 1])
    except Exception as exc:
        logger.exception("churn model failed")
        raise HTTPException(status_code=503, detail="prediction unavailable") from exc
    logger.info("churn", extra={"model_version": MODEL_VERSION})
    return {"churn_probability": p}


@app.post("/churn-strict")
def churn_strict(features: list[float]) -> dict:
    try:
        p = float(model.predict_proba([features])[0, 1])  # expect: no-fallback
    except ValueError:
        raise
    logger.info("churn", extra={"model_version": MODEL_VERSION})
    return {"churn_probability": p}


def parse(text: str):
    import re

    match = re.search(r"\d+", text)
    case = match.group() if match else None
    return case
