"""Pages and handlers reading a model server's answer by field: the label field alone is the hard label; read with
its score it travels with it; a price field is no class decision."""
import requests
import streamlit as st

URL = "http://sentiment.internal:8000/api/v1/predict/"


def page(text):
    response = requests.post(URL, json={"text": text}, timeout=5)  # expect: no-fallback no-confidence
    output = response.json()
    st.write(output["label"])


def page_scored(text):
    response = requests.post(URL, json={"text": text}, timeout=5)  # expect: no-fallback
    output = response.json()
    st.write(f'{output["label"]} ({output["score"]:.0%})')


def gate(text):
    label = requests.post(URL, json={"text": text}, timeout=5).json()["prediction"]  # expect: no-fallback no-confidence untraced-prediction
    if label == "toxic":
        return "blocked"
    return "ok"


def price(features):
    return requests.post("http://pricer:8000/predict", json=features, timeout=5).json()["price"]  # expect: no-fallback untraced-prediction
