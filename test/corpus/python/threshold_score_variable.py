"""Loan approval: the hard label is logged, the decision uses the probability and a threshold."""
import logging

from sklearn.ensemble import GradientBoostingClassifier

logger = logging.getLogger(__name__)
THRESHOLD = 0.72
MODEL_VERSION = "loans-9"


class LoanModel:
    def __init__(self, X, y):
        self.clf = GradientBoostingClassifier().fit(X, y)

    def decide(self, X):
        try:
            labels = self.clf.predict(X)
            probs = self.clf.predict_proba(X)
        except Exception:
            logger.exception("loan model failed")
            return ["manual"] * len(X)
        score = probs[:, 1]
        logger.info("loan decisions", extra={"model_version": MODEL_VERSION, "labels": labels.tolist()})
        return ["approve" if s >= THRESHOLD else "manual" for s in score]

    def decide_one(self, x):
        try:
            label = self.clf.predict([x])[0]
            proba = self.clf.predict_proba([x])[0]
        except Exception:
            return "manual"
        confident = max(proba) > THRESHOLD
        logger.info("loan decision", extra={"model_version": MODEL_VERSION})
        return "approve" if label == 1 and confident else "manual"
