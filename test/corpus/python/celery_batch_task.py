"""Celery task that scores delivery times with an XGBoost booster."""
import logging

import numpy as np
import xgboost as xgb
from celery import shared_task

logger = logging.getLogger(__name__)
BOOSTER_PATH = "models/eta/booster.json"
MODEL_VERSION = "eta-2024.06"

booster = xgb.Booster()
booster.load_model(BOOSTER_PATH)


@shared_task(bind=True, max_retries=3)
def score_deliveries(self, rows: list[list[float]]) -> list[float]:
    dmatrix = xgb.DMatrix(np.asarray(rows, dtype=np.float32))
    eta = booster.predict(dmatrix)  # expect: no-fallback
    logger.info("scored %d deliveries", len(rows), extra={"model_version": MODEL_VERSION})
    return eta.tolist()
