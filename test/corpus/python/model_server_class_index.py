"""A model server answers with a class index; the client names the class from its own table."""
import requests

TIERS = {0: "basic", 1: "plus", 2: "premium"}
MODEL_URL = "http://tier-model:5000"


def recommend_tier(profile):
    """The tier index picks what the user is offered, whatever the model's certainty."""
    try:
        answer = requests.post(f"{MODEL_URL}/predict/tier", json=profile).json()  # expect: no-confidence no-timeout untraced-prediction
    except requests.RequestException:
        return "basic"
    return TIERS[answer["prediction"]]


def tier_with_probability(profile):
    """Below the threshold the default tier is offered."""
    try:
        answer = requests.post(f"{MODEL_URL}/predict/tier", json=profile, timeout=2).json()  # expect: untraced-prediction
    except requests.RequestException:
        return "basic"
    if answer["probability"] < 0.7:
        return "basic"
    return TIERS[answer["prediction"]]

