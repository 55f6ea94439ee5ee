"""Batch scorers whose model kind the file does not name: the output column says what the predictions are."""
import joblib
import pandas as pd

model = joblib.load("data/models/xgb_state_07685.pkl")  # expect: unsafe-model-load
screening = joblib.load("data/models/screening_v3.pkl")  # expect: unsafe-model-load


def score_rates(path):
    df = pd.read_csv(path)
    preds = model.predict(df.drop("row_id", axis=1))  # expect: no-fallback untraced-prediction
    pd.DataFrame({"row_id": df.row_id, "rate_spread": preds}).to_csv("submission.csv", index=False)


def score_travel_times(path):
    df = pd.read_csv(path)
    minutes = model.predict(df)  # expect: no-fallback untraced-prediction
    pd.DataFrame({"trip_id": df.trip_id, "etaMinutes": minutes}).to_csv("eta.csv", index=False)


def screen_applicants(path):
    df = pd.read_csv(path)
    decisions = screening.predict(df.drop("applicant_id", axis=1))  # expect: no-fallback no-confidence untraced-prediction
    pd.DataFrame({"applicant_id": df.applicant_id, "approved": decisions}).to_csv("screened.csv", index=False)


def screen_accounts(path):
    df = pd.read_csv(path)
    flags = screening.predict(df)  # expect: no-fallback no-confidence untraced-prediction
    pd.DataFrame({"account_id": df.account_id, "account_type": flags}).to_csv("accounts.csv", index=False)
