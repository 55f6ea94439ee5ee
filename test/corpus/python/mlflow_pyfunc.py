"""Serving an MLflow registered model, with the model version recorded in MLflow tags."""
import mlflow
import mlflow.pyfunc
import pandas as pd

MODEL_URI = "models:/propensity/Production"
model = mlflow.pyfunc.load_model(MODEL_URI)


def score(frame: pd.DataFrame) -> pd.Series:
    try:
        preds = model.predict(frame)
    except Exception:
        return pd.Series([0.0] * len(frame))
    mlflow.set_tag("served_model_version", model.metadata.run_id)
    return pd.Series(preds)


def score_untraced(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(model.predict(frame))  # expect: no-fallback untraced-prediction
