# mlship: ignore-file[unsafe-model-load]
"""Offline evaluation script: loads archived pickles from our own bucket."""
import pickle
from pathlib import Path

import joblib

ARCHIVE = Path("archive/models")


def load_all():
    models = {}
    for path in sorted(ARCHIVE.glob("*.pkl")):
        with path.open("rb") as fh:
            models[path.stem] = pickle.load(fh)
    models["baseline"] = joblib.load(ARCHIVE / "baseline.joblib")
    return models
