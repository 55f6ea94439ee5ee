"""Predictions through serving SDKs: a TensorFlow SavedModel signature, BentoML runners, SageMaker SDK predictors."""
import logging

import bentoml
import numpy as np
import tensorflow as tf
from sagemaker.predictor import Predictor
from sagemaker.predictor_async import AsyncPredictor
from sagemaker.session import Session

logger = logging.getLogger(__name__)
MOODS = ["calm", "happy", "sad", "angry"]
mood_model = tf.saved_model.load("models/mood/1")
stroke_runner = bentoml.xgboost.get("stroke:latest").to_runner()
svc = bentoml.Service("stroke", runners=[stroke_runner])


def mood_of(tokens: np.ndarray) -> dict:
    serve = mood_model.signatures["serving_default"]
    scores = serve(tf.constant(tokens))["output_0"][0].numpy()  # expect: no-fallback untraced-prediction
    best = int(np.argmax(scores))
    return {"mood": MOODS[best], "confidence": float(scores[best])}


def mood_word(tokens: np.ndarray) -> str:
    serve = mood_model.signatures["serving_default"]
    scores = serve(tf.constant(tokens))["output_0"][0].numpy()  # expect: no-fallback no-confidence untraced-prediction
    return MOODS[int(np.argmax(scores))]


@svc.api(input=bentoml.io.JSON(), output=bentoml.io.JSON())
async def stroke_risk(data: dict) -> dict:
    proba = await stroke_runner.predict_proba.async_run(np.array([data["features"]]))  # expect: no-fallback untraced-prediction
    return {"risk": "high" if proba[0][1] > 0.7 else "low", "probability": float(proba[0][1])}


@svc.api(input=bentoml.io.JSON(), output=bentoml.io.JSON())
async def stroke_label(data: dict) -> dict:
    try:
        label = await stroke_runner.predict.async_run(np.array([data["features"]]))  # expect: no-confidence
    except Exception:
        logger.exception("stroke model failed")
        return {"stroke": None, "model_version": "stroke:latest"}
    return {"stroke": int(label[0]), "model_version": "stroke:latest"}


def score_remote(body: bytes, endpoint: str):
    predictor = Predictor(endpoint)
    return predictor.predict(body)  # expect: no-fallback no-timeout untraced-prediction


def score_remote_patient(body: bytes, endpoint: str, session: Session):
    predictor = Predictor(endpoint, sagemaker_session=session)
    try:
        answer = predictor.predict(body)
    except Exception:
        logger.exception("endpoint failed")
        return None
    logger.info("scored", extra={"model_version": endpoint})
    return answer


def submit_async(body: bytes, endpoint: str) -> str:
    predictor = AsyncPredictor(Predictor(endpoint), name=endpoint)
    pending = predictor.predict_async(body)  # expect: no-fallback no-timeout
    return pending.output_path
