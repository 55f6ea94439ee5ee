"""Azure ML scoring hooks: what the model's registered name and a Keras network say about its output."""
import json

import joblib
import numpy as np
from azureml.core.model import Model
from tensorflow import keras

gbm = None
digits = keras.models.load_model("models/digits.keras")


def init():
    global gbm
    # The registered name says gradient-boosting regressor: its predictions are quantities, not labels.
    gbm = joblib.load(Model.get_model_path("gbr_model_v3"))  # expect: unsafe-model-load


def run(raw):
    try:
        rows = json.loads(raw)["data"]
        return gbm.predict(np.array(rows)).tolist()  # expect: untraced-prediction
    except Exception as exc:
        return {"error": str(exc)}


def classify_digit(image):
    # A Keras classifier's predict gives every class's probability: handed back whole, the scores go with it.
    prediction = digits.predict(image[None, ...], verbose=0).tolist()[0]  # expect: no-fallback untraced-prediction
    return {str(i): prediction[i] for i in range(10)}
