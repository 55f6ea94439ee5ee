"""A Streamlit page whose prediction goes through a function of its own: what the function returns is only shown."""
import joblib
import numpy as np
import streamlit as st

SPECIES = ["setosa", "versicolor", "virginica"]
model = joblib.load("iris.joblib")  # expect: unsafe-model-load


def classify(measurements: list[float]) -> tuple[str, float]:
    probs = model.predict_proba(np.array([measurements]))[0]  # expect: no-fallback
    best = int(np.argmax(probs))
    return SPECIES[best], float(probs[best])


st.title("Iris")
sepal = st.slider("Sepal length", 4.0, 8.0)
petal = st.slider("Petal length", 1.0, 7.0)
if st.button("Classify"):
    species, confidence = classify([sepal, 3.0, petal, 1.0])
    st.write(f"{species} ({confidence:.0%})")
