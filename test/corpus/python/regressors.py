"""House-price models: regressors never get a confidence finding."""
import logging

from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LinearRegression

logger = logging.getLogger(__name__)
MODEL_VERSION = "prices-2"


class PriceService:
    def __init__(self, X, y):
        self.baseline = LinearRegression().fit(X, y)
        self.gbr = GradientBoostingRegressor(n_estimators=200).fit(X, y)

    def price(self, X):
        try:
            fast = self.baseline.predict(X)
            best = self.gbr.predict(X)
        except Exception:
            logger.exception("price model failed")
            return None
        logger.info("priced", extra={"model_version": MODEL_VERSION})
        return (fast + best) / 2


def estimate(regressor, X):
    return regressor.predict(X)  # expect: no-fallback untraced-prediction
