"""Class-based scoring service: the model lives on self and is called from a guarded route."""
import logging

import joblib
import numpy as np
from fastapi import FastAPI

logger = logging.getLogger(__name__)


class ChurnService:
    def __init__(self, path: str, version: str):
        self.model = joblib.load(path)  # expect: unsafe-model-load
        self.version = version

    def predict(self, rows: list[list[float]]) -> list[int]:
        X = np.asarray(rows, dtype=float)
        labels = self.model.predict(X)  # expect: no-confidence
        logger.info("churn batch", extra={"model_version": self.version, "n": len(rows)})
        return labels.tolist()

    def explain(self, rows: list[list[float]]) -> list[float]:
        return self.model.predict_proba(np.asarray(rows))[:, 1].tolist()  # expect: no-fallback untraced-prediction


service = ChurnService("models/churn.joblib", version="churn-11")
app = FastAPI()


@app.post("/churn")
def churn(rows: list[list[float]]):
    try:
        return {"labels": service.predict(rows)}
    except Exception:
        logger.exception("churn service failed")
        return {"labels": None}
