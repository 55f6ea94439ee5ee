"""Linear SVM for abuse reports: decide on the margin, not on the hard label."""
import logging

from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)
MARGIN = 0.25
MODEL_VERSION = "abuse-svm-4"


class AbuseFilter:
    def __init__(self, X, y):
        self.svm = LinearSVC().fit(X, y)

    def check(self, x) -> str:
        try:
            label = self.svm.predict([x])[0]
            margin = self.svm.decision_function([x])[0]
        except Exception:
            logger.exception("abuse model failed")
            return "review"
        logger.info("abuse check", extra={"model_version": MODEL_VERSION, "label": int(label)})
        if abs(margin) < MARGIN:
            return "review"
        return "abusive" if label == 1 else "ok"

    def check_label_only(self, x) -> str:
        try:
            label = self.svm.predict([x])[0]  # expect: no-confidence
        except Exception:
            return "review"
        logger.info("abuse check", extra={"model_version": MODEL_VERSION})
        return "abusive" if label == 1 else "ok"
