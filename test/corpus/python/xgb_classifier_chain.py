"""Quick model comparison in a training script: chained fit/predict calls."""
import numpy as np
from sklearn.metrics import f1_score
from xgboost import XGBClassifier, XGBRegressor


def compare(X_train, y_train, X_test, y_test) -> dict:
    y_pred = XGBClassifier(n_estimators=200).fit(X_train, y_train).predict(X_test)  # expect: no-fallback no-confidence
    y_reg = XGBRegressor().fit(X_train, y_train).predict(X_test)  # expect: no-fallback
    print("f1", f1_score(y_test, y_pred), "xgboost version", __import__("xgboost").__version__)
    return {"clf": y_pred, "reg": np.round(y_reg)}
