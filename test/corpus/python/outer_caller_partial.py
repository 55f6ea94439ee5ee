"""The helper is called once from guarded code and once without a fallback."""
import logging

import numpy as np
from sklearn.linear_model import LogisticRegression

log = logging.getLogger(__name__)
MODEL_VERSION = "lead-score-5"
lead_model = LogisticRegression(max_iter=500)


def train(X: np.ndarray, y: np.ndarray) -> None:
    lead_model.fit(X, y)


def lead_probability(x: np.ndarray) -> float:
    p = lead_model.predict_proba(x.reshape(1, -1))[0, 1]  # expect: no-fallback
    log.info("lead scored", extra={"model_version": MODEL_VERSION})
    return float(p)


def hot_leads(X: np.ndarray) -> list[int]:
    hot = []
    for i, row in enumerate(X):
        try:
            if lead_probability(row) > 0.8:
                hot.append(i)
        except ValueError:
            continue
    return hot


def lead_report(x: np.ndarray) -> str:
    return f"lead probability: {lead_probability(x):.2f}"
