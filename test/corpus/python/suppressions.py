"""Findings silenced with mlship ignore comments."""
import joblib

fraud_clf = joblib.load("models/fraud.joblib")  # mlship: ignore[unsafe-model-load]


def flag(tx):
    # The caller (a Kafka consumer) retries and dead-letters on any exception.
    # mlship: ignore[no-fallback]
    label = fraud_clf.predict([tx])[0]  # expect: no-confidence untraced-prediction
    return bool(label)


def flag_quiet(tx):
    # mlship: ignore
    return bool(fraud_clf.predict([tx])[0])


def flag_partial(tx):
    label = fraud_clf.predict([tx])[0]  # mlship: ignore[no-confidence, untraced-prediction]  # expect: no-fallback
    return bool(label)
