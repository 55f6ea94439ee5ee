"""Churn API: a FastAPI service that scores customers with a scikit-learn classifier."""
import joblib
import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="churn")
model = joblib.load("models/churn/model.joblib")  # expect: unsafe-model-load


class Customer(BaseModel):
    tenure: float
    monthly_charges: float
    support_calls: int


def features(c: Customer) -> np.ndarray:
    return np.array([[c.tenure, c.monthly_charges, c.support_calls]])


@app.post("/predict")
def predict(customer: Customer):
    churn = model.predict(features(customer))[0]  # expect: no-fallback no-confidence untraced-prediction
    return {"churn": bool(churn)}


@app.get("/classes")
def classes():
    return {"classes": model.classes_.tolist()}
