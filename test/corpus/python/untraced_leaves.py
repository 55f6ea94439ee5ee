"""untraced-prediction reports predictions that leave the function (returned, sent, stored) with no model version on
the way: not those only printed or plotted, and not module-level code that only prints."""
import json
import logging

import joblib
import matplotlib.pyplot as plt
import pandas as pd
import redis

logger = logging.getLogger(__name__)
model = joblib.load("models/ctr.joblib")  # mlship: ignore[unsafe-model-load]
cache = redis.Redis()
recent_scores = []


def score(row) -> float:
    try:
        return float(model.predict_proba([row])[0, 1])  # expect: untraced-prediction
    except Exception:
        return 0.0


def score_and_remember(row) -> None:
    try:
        p = float(model.predict_proba([row])[0, 1])  # expect: untraced-prediction
    except Exception:
        return
    recent_scores.append(p)


def score_to_cache(key: str, row) -> None:
    try:
        p = model.predict_proba([row])[0, 1]  # expect: untraced-prediction
    except Exception:
        return
    cache.set(key, json.dumps({"p": float(p)}))


def nightly(frame: pd.DataFrame, out: str) -> None:
    try:
        frame["ctr"] = model.predict_proba(frame)[:, 1]  # expect: untraced-prediction
    except Exception:
        frame["ctr"] = 0.0
    frame.to_parquet(out)


def nightly_traced(frame: pd.DataFrame, out: str) -> None:
    try:
        frame["ctr"] = model.predict_proba(frame)[:, 1]
    except Exception:
        frame["ctr"] = 0.0
    frame["model_version"] = "ctr-5"
    logger.info("scored", extra={"model_version": "ctr-5", "rows": len(frame)})
    frame.to_parquet(out)


def inspect(frame: pd.DataFrame) -> None:
    try:
        p = model.predict_proba(frame)[:, 1]
    except Exception:
        return
    print("mean ctr", p.mean())
    plt.hist(p, bins=50)
    plt.show()
