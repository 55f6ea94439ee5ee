"""A logistic regression is a classifier: its predict gives labels even though its name says regression."""
import joblib
from flask import Flask, jsonify, request
from sklearn.linear_model import LogisticRegression  # noqa: F401  (the pickled model's class)

app = Flask(__name__)
churn = joblib.load("models/churn_logreg.joblib")  # expect: unsafe-model-load


@app.post("/churn")
def churn_route():
    rows = request.get_json()["rows"]
    try:
        labels = churn.predict(rows)  # expect: no-confidence untraced-prediction
    except ValueError:
        return jsonify({"error": "bad rows"}), 400
    return jsonify({"churn": labels.tolist()})
