"""Azure Custom Vision: a published iteration classifies product photos and detects defects."""
import logging

from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from msrest.authentication import ApiKeyCredentials

logger = logging.getLogger(__name__)
ENDPOINT = "https://shop-vision.cognitiveservices.azure.com/"
PROJECT_ID = "4c1f0a52-0000-4000-8000-000000000000"
ITERATION = "products-v7"
MIN_PROBABILITY = 0.6

predictor = CustomVisionPredictionClient(ENDPOINT, ApiKeyCredentials(in_headers={"Prediction-key": "key"}))


def product_category(image_bytes):
    """The top tag files the photo, however unsure the model is."""
    results = predictor.classify_image(PROJECT_ID, ITERATION, image_bytes)  # expect: no-fallback no-confidence no-timeout untraced-prediction
    return results.predictions[0].tag_name


def product_category_when_sure(image_bytes):
    """Below the threshold the photo goes to a person; the iteration is recorded with the answer."""
    try:
        results = predictor.classify_image(PROJECT_ID, ITERATION, image_bytes, connection_timeout=5)
    except Exception:
        logger.exception("custom vision failed")
        return None
    top = results.predictions[0]
    if top.probability < MIN_PROBABILITY:
        return None
    return {"category": top.tag_name, "model_version": ITERATION}


def defects(image_url):
    """Every detected defect with its probability and box: the caller decides."""
    try:
        found = predictor.detect_image_url(PROJECT_ID, ITERATION, url=image_url)  # expect: no-timeout untraced-prediction
    except Exception:
        logger.exception("custom vision failed")
        return []
    return [{"tag": p.tag_name, "probability": p.probability, "box": p.bounding_box} for p in found.predictions]
