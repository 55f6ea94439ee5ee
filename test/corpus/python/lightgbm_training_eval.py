"""Training script: LightGBM binary model evaluated on a hold-out set."""
import lightgbm as lgb
import numpy as np
from sklearn.metrics import roc_auc_score

params = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 63}


def train_and_eval(train: lgb.Dataset, X_valid: np.ndarray, y_valid: np.ndarray) -> float:
    gbm = lgb.train(params, train, num_boost_round=500)
    p_valid = gbm.predict(X_valid)  # expect: no-fallback
    print("predicted positives", int((p_valid > 0.5).sum()))
    return roc_auc_score(y_valid, p_valid)
